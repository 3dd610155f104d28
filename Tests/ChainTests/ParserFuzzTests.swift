import GensynTestSupport
import Testing
@testable import Chain

/// Random and mutated input to the text parsers users reach (JSON, ABI types, signatures, typed data):
/// no crash, no hang, bounded depth; what parses prints back to an equal value.
@Suite struct ParserFuzzTests {
    static let seedsJSON = [
        #"{"a": [1, -2.5e3, "x\u00e9\n", true, false, null, {"b": []}], "c": "0xff"}"#,
        #"[[], {}, "", 0, "\ud83d\ude00"]"#,
        TypedDataTests.nested,
    ]

    @Test func json() throws {
        var rng = SeededRandom(seed: 11)
        var parsed = 0
        for i in 0..<4000 {
            var bytes = Array(Self.seedsJSON[i % Self.seedsJSON.count].utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let p = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[p] = Array(#"{}[],:"\0a-e."#.utf8).randomElement(using: &rng)!
                case 1: bytes.remove(at: p)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: p)
                }
            }
            if let v = try? JSONValue(parsing: String(decoding: bytes, as: UTF8.self)) {
                parsed += 1
                #expect(try JSONValue(parsing: v.description) == v)
            }
        }
        #expect(parsed > 50)
        // Depth is bounded, not a stack overflow.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: ChainError.self) { try JSONValue(parsing: deep) }
    }

    @Test func typesSignaturesAndTypedData() {
        var rng = SeededRandom(seed: 12)
        let alphabet = Array("()[],uintbyesadrgl0123456789 x".utf8)
        for _ in 0..<5000 {
            let text = String(decoding: (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
            if let t = try? ABIType(text) { #expect((try? ABIType(t.description)) == t) }
            if let s = try? ABISignature("f" + text) { #expect((try? ABISignature(s.description)) == s) }
        }
        var bytes = Array(TypedDataTests.nested.utf8)
        for _ in 0..<300 {
            var m = bytes
            let p = Int.random(in: 0..<m.count, using: &rng)
            m[p] = UInt8.random(in: 32...126, using: &rng)
            _ = try? TypedData(json: String(decoding: m, as: UTF8.self)).signingHash()
        }
        bytes = []
        #expect(bytes.isEmpty)
    }

    /// Wallet transaction JSON and JSON ABI files, mutated.
    @Test func transactionAndABIJSON() {
        var rng = SeededRandom(seed: 13)
        let seeds = [
            #"{"type":2,"chainId":1,"nonce":"0x1","maxFeePerGas":"30000000000","maxPriorityFeePerGas":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535","value":"0xde0b6b3a7640000","data":"0x","accessList":[{"address":"0x3535353535353535353535353535353535353535","storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000001"]}]}"#,
            ContractABITests.erc20,
        ]
        var accepted = 0
        for i in 0..<3000 {
            var m = Array(seeds[i % 2].utf8)
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                m[Int.random(in: 0..<m.count, using: &rng)] = UInt8.random(in: 32...126, using: &rng)
            }
            let text = String(decoding: m, as: UTF8.self)
            if i % 2 == 0 {
                if let tx = try? Transaction(json: JSONValue(parsing: text)) {
                    accepted += 1
                    _ = try? tx.signed(with: PrivateKey(bytes: [UInt8](repeating: 7, count: 32)))
                }
            } else if let abi = try? ContractABI(json: text) {
                accepted += 1
                for f in abi.functions { _ = f.selector }
            }
        }
        #expect(accepted > 100)
    }
}
