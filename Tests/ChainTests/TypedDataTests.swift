import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

@Suite struct TypedDataTests {
    /// The EIP-712 Mail example: encodeType, typeHash, encodeData, hashStruct, domain separator, signing hash and signature.
    @Test func mailExample() throws {
        let doc = try JSONValue(parsing: TestVectors.text("chain/eip712_mail_example.json"))
        let typed = try TypedData(json: doc["typedData"]!.description)
        #expect(try typed.encodeType("Mail") == doc["encodeType_Mail"]!.stringValue!)
        #expect(Hex.encode(try typed.typeHash("Mail"), prefix: true) == doc["typeHash_Mail"]!.stringValue!)
        #expect(Hex.encode(try typed.encodeData("Mail", typed.message), prefix: true) == doc["encodeData_Mail"]!.stringValue!)
        #expect(Hex.encode(try typed.hashStruct("Mail", typed.message), prefix: true) == doc["hashStruct_Mail"]!.stringValue!)
        #expect(Hex.encode(try typed.domainSeparator(), prefix: true) == doc["domainSeparator"]!.stringValue!)
        let digest = try typed.signingHash()
        #expect(Hex.encode(digest, prefix: true) == doc["signHash"]!.stringValue!)
        let key = try PrivateKey(hex: doc["privateKey"]!.stringValue!)
        #expect(key.address.lowercased == doc["address"]!.stringValue!)
        let sig = try key.sign(digest: digest)
        #expect(Hex.encode(sig.r, prefix: true) == doc["r"]!.stringValue!)
        #expect(Hex.encode(sig.s, prefix: true) == doc["s"]!.stringValue!)
        #expect(Int(sig.recoveryId) + 27 == Int(doc["v"]!.description)!)
    }

    static let nested = """
        {"types": {"EIP712Domain": [{"name":"name","type":"string"},{"name":"chainId","type":"uint256"},{"name":"salt","type":"bytes32"}],
                   "Order": [{"name":"maker","type":"address"},{"name":"items","type":"Item[]"},{"name":"grid","type":"int16[2][]"},
                             {"name":"memo","type":"bytes"},{"name":"ok","type":"bool"},{"name":"tags","type":"string[]"}],
                   "Item": [{"name":"id","type":"uint64"},{"name":"sub","type":"Sub"}],
                   "Sub": [{"name":"h","type":"bytes4"}]},
         "primaryType": "Order",
         "domain": {"name": "Gensyn", "chainId": "131277322940537", "salt": "0x\(String(repeating: "ab", count: 32))"},
         "message": {"maker": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826",
                     "items": [{"id": 1, "sub": {"h": "0x01020304"}}, {"id": "0x10", "sub": {"h": "0xffffffff"}}],
                     "grid": [[-1, 2], [300, -32768]], "memo": "0xdeadbeef", "ok": true, "tags": ["a", "βγ"]}}
        """

    /// Arrays, nested structs, bytes/string hashing and a salted domain vs eth-account's encode_typed_data.
    @Test func nestedDifferentialVsEthAccount() throws {
        let typed = try TypedData(json: Self.nested)
        #expect(try typed.encodeType("Order") == "Order(address maker,Item[] items,int16[2][] grid,bytes memo,bool ok,string[] tags)Item(uint64 id,Sub sub)Sub(bytes4 h)")
        guard PythonOracle.isAvailable else { return }
        let out = try PythonOracle.run("""
            import sys, json
            from eth_account.messages import encode_typed_data
            from eth_utils import keccak
            d = json.loads(sys.stdin.read())
            d['domain']['chainId'] = int(d['domain']['chainId'])
            d['message']['items'][1]['id'] = 16
            m = encode_typed_data(full_message=d)
            print(keccak(b'\\x19' + m.version + m.header + m.body).hex())
            """, input: Self.nested)
        #expect(Hex.encode(try typed.signingHash()) == out.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "0x", with: ""))
    }

    @Test func rejectsMalformed() throws {
        #expect(throws: ChainError.self) { try TypedData(json: "{}") }
        let missing = Self.nested.replacingOccurrences(of: "\"ok\": true, ", with: "")
        #expect(throws: ChainError.self) { try TypedData(json: missing).signingHash() }
        let wrong = Self.nested.replacingOccurrences(of: "\"0x01020304\"", with: "\"0x0102\"")
        #expect(throws: ChainError.self) { try TypedData(json: wrong).signingHash() }
        let badType = Self.nested.replacingOccurrences(of: "uint64", with: "uint65")
        #expect(throws: ChainError.self) { try TypedData(json: badType).signingHash() }
    }
}
