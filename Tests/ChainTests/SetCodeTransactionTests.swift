import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

/// EIP-7702 set-code transactions (type 4) and their authorizations.
@Suite struct SetCodeTransactionTests {
    static func randomAuthorization(_ rng: inout SeededRandom, key: PrivateKey) throws -> Authorization {
        let chainId: UInt256 = [0, 1, UInt256(UInt64.random(in: 2...UInt64.max, using: &rng))].randomElement(using: &rng)!
        let nonce = [0, 1, UInt64.random(in: 0..<UInt64.max, using: &rng)].randomElement(using: &rng)!
        return try Authorization.signed(chainId: chainId, address: try Address(bytes: rng.bytes(20)), nonce: nonce, with: key)
    }

    static func randomTransaction(_ rng: inout SeededRandom, authorizers: [PrivateKey]) throws -> Transaction {
        var tx = Transaction(type: .setCode, chainId: UInt64.random(in: 1...1_000_000, using: &rng), nonce: UInt64.random(in: 0...1000, using: &rng),
                             maxPriorityFeePerGas: UInt256(UInt64.random(in: 0...1_000_000_000, using: &rng)),
                             to: try Address(bytes: rng.bytes(20)), value: UInt256(UInt64.random(in: 0...1_000_000, using: &rng)),
                             data: rng.bytes([0, 4, 36, 100].randomElement(using: &rng)!))
        tx.maxFeePerGas = tx.maxPriorityFeePerGas &+ UInt256(UInt64.random(in: 0...1_000_000_000, using: &rng))
        if Bool.random(using: &rng) {
            tx.accessList = [AccessListEntry(address: try Address(bytes: rng.bytes(20)), storageKeys: [rng.bytes(32)])]
        }
        tx.authorizationList = try authorizers.map { k in try randomAuthorization(&rng, key: k) }
        tx.gasLimit = max(tx.intrinsicGas, tx.calldataFloorGas) + UInt64.random(in: 0...50_000, using: &rng)
        return tx
    }

    @Test func signRoundTripAndRecoverEveryAuthority() throws {
        var rng = SeededRandom(seed: 0x7702)
        for _ in 0..<40 {
            let sender = PrivateKey.randomKey(&rng)
            let authorizers = (0..<Int.random(in: 1...3, using: &rng)).map { _ in PrivateKey.randomKey(&rng) }
            let signed = try Self.randomTransaction(&rng, authorizers: authorizers).signed(with: sender)
            #expect(signed.raw.first == 4)
            let decoded = try SignedTransaction(raw: signed.raw)
            #expect(decoded == signed)
            #expect(decoded.sender == sender.address)
            #expect(try decoded.transaction.authorizationList.map { try $0.authority() } == authorizers.map(\.address))
        }
    }

    @Test func signingHashIsKeccakOfMagicAndRLP() throws {
        let a = Authorization(chainId: 1, address: try Address("0x4242424242424242424242424242424242424242"), nonce: 3, yParity: 0, r: 1, s: 1)
        let expectedPayload = [0x05] + RLP.encode(.list([.uint(1), .bytes(a.address.bytes), .uint(3)]))
        #expect(Authorization.signingPayload(chainId: 1, address: a.address, nonce: 3) == expectedPayload)
        #expect(a.signingHash == Keccak256.hash(expectedPayload))
    }

    @Test func staticValidity() throws {
        var rng = SeededRandom(seed: 25_000)
        let key = PrivateKey.randomKey(&rng)
        let base = try Self.randomTransaction(&rng, authorizers: [key, key])
        #expect(base.intrinsicGas == { () -> UInt64 in
            var g: UInt64 = 21_000 + 2 * 25_000
            for b in base.data { g += b == 0 ? 4 : 16 }
            for e in base.accessList { g += 2_400 + 1_900 * UInt64(e.storageKeys.count) }
            return g
        }())
        func code(_ tx: Transaction, fork: Fork = .newest) -> ChainError.Code? {
            do { try tx.validate(fork: fork); return nil } catch { return error.code }
        }
        #expect(code(base) == nil)
        var t = base; t.to = nil
        #expect(code(t) == .invalidTransaction)  // cannot create
        t = base; t.authorizationList = []
        #expect(code(t) == .invalidTransaction)  // needs an authorization
        #expect(code(base, fork: .cancun) == .invalidTransaction)  // Prague only
        t = base; t.gasLimit = base.intrinsicGas - 1
        #expect(code(t) == .intrinsicGasTooLow)
        t = base; t.maxPriorityFeePerGas = t.maxFeePerGas &+ UInt256(1)
        #expect(code(t) == .invalidTransaction)
        t = base; t.chainId = nil
        #expect(code(t) == .invalidChainId)
    }

    /// EIP-7623: from Prague, gas limit ≥ 21000 + 10 per token (zero byte 1 token, other bytes 4).
    @Test func calldataFloor() throws {
        var tx = Transaction(type: .dynamicFee, chainId: 1, maxFeePerGas: 1, to: .zero, data: [0, 0, 1, 2])
        #expect(tx.intrinsicGas == 21_000 + 2 * 4 + 2 * 16)
        #expect(tx.calldataFloorGas == 21_000 + 10 * (2 + 2 * 4))
        tx.gasLimit = tx.intrinsicGas
        #expect(throws: ChainError.self) { try tx.validate() }
        #expect((try? tx.validate(fork: .cancun)) != nil)
        tx.gasLimit = tx.calldataFloorGas
        #expect((try? tx.validate()) != nil)
        // ethereum/tests' Cancun-valid DataTestSufficientGas2028 is below the Prague floor.
        let doc = try JSONValue(parsing: TestVectors.text("chain/ethereum-tests/TransactionTests/ttEIP2028/DataTestSufficientGas2028.json"))
        let raw = hex(doc.objectValue!.first!.1["txbytes"]!.stringValue!)
        #expect((try? SignedTransaction(raw: raw, fork: .cancun)) != nil)
        #expect { try SignedTransaction(raw: raw) } throws: { ($0 as? ChainError)?.code == .intrinsicGasTooLow }
    }

    /// Bad authorizations decode (a node skips them), but have no authority; malformed ones are rejected.
    @Test func authorizationEdgeCases() throws {
        var rng = SeededRandom(seed: 5)
        let key = PrivateKey.randomKey(&rng)
        var tx = try Self.randomTransaction(&rng, authorizers: [key])
        tx.authorizationList[0].yParity = 2
        let signed = try tx.signed(with: key)
        let back = try SignedTransaction(raw: signed.raw)
        #expect(throws: ChainError.self) { try back.transaction.authorizationList[0].authority() }
        tx.authorizationList[0].yParity = 0
        tx.authorizationList[0].s = try UInt256(hex: "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141") &- tx.authorizationList[0].s  // high s
        #expect { try tx.authorizationList[0].authority() } throws: { ($0 as? ChainError)?.code == .invalidSignature }

        // Hand-built bodies: a 5-field authorization, and a nonce of 9 bytes.
        func body(_ auth: RLPItem) -> [UInt8] {
            [4] + RLP.encode(.list([.uint(1), .uint(0), .uint(1), .uint(2), .uint(100_000), .bytes([UInt8](repeating: 1, count: 20)),
                                    .uint(0), .bytes([]), .list([]), .list([auth]), .uint(0), .uint(1), .uint(1)]))
        }
        let addr = RLPItem.bytes([UInt8](repeating: 2, count: 20))
        #expect { try SignedTransaction(raw: body(.list([.uint(1), addr, .uint(0), .uint(0), .uint(1)]))) }
            throws: { ($0 as? ChainError)?.code == .rlpUnexpectedShape }
        #expect { try SignedTransaction(raw: body(.list([.uint(1), addr, .bytes([UInt8](repeating: 1, count: 9)), .uint(0), .uint(1), .uint(1)]))) }
            throws: { ($0 as? ChainError)?.code == .invalidInteger }
        #expect { try SignedTransaction(raw: body(.list([.uint(1), .bytes([1]), .uint(0), .uint(0), .uint(1), .uint(1)]))) }
            throws: { ($0 as? ChainError)?.code == .invalidTransaction }
    }

    @Test func jsonRoundTrip() throws {
        var rng = SeededRandom(seed: 44)
        let key = PrivateKey.randomKey(&rng)
        let auth = try Self.randomAuthorization(&rng, key: key)
        let json = try JSONValue(parsing: """
            {"type": 4, "chainId": 1, "nonce": 2, "maxFeePerGas": "2000000000", "maxPriorityFeePerGas": 1, "gas": 100000,
             "to": "0x1111111111111111111111111111111111111111", "authorizationList": [{"chainId": "\(auth.chainId)",
             "address": "\(auth.address)", "nonce": "\(auth.nonce)", "yParity": \(auth.yParity), "r": "\(auth.r.hexString)", "s": "\(auth.s)"}]}
            """)
        let tx = try Transaction(json: json)
        #expect(tx.type == .setCode && tx.authorizationList == [auth])
        let out = try tx.signed(with: key).json
        #expect(out["authorizationList"]?.arrayValue?.first?["authority"]?.stringValue == key.address.checksummed)
        #expect(out["intrinsicGas"]?.stringValue == "0x" + String(21_000 + 25_000, radix: 16))
    }

    /// Byte-identical against eth-account 0.14 (sign_authorization + sign_transaction), and our decoder
    /// recovers the sender and each authority from eth-account's bytes.
    @Test func differentialVsEthAccount() throws {
        guard PythonOracle.isAvailable else { return }
        var rng = SeededRandom(seed: 77_02)
        var lines: [String] = [], ours: [SignedTransaction] = [], authorities: [[Address]] = []
        for _ in 0..<150 {
            let sender = PrivateKey.randomKey(&rng)
            let authorizers = (0..<Int.random(in: 1...3, using: &rng)).map { _ in PrivateKey.randomKey(&rng) }
            let tx = try Self.randomTransaction(&rng, authorizers: authorizers)
            ours.append(try tx.signed(with: sender))
            authorities.append(authorizers.map(\.address))
            let auths: [JSONValue] = zip(tx.authorizationList, authorizers).map { a, k in
                .array([.string(Hex.encode(k.bytes)),
                        .object([("chainId", .string(a.chainId.description)), ("address", .string(a.address.checksummed)),
                                 ("nonce", .string(String(a.nonce)))])])
            }
            let o: [(String, JSONValue)] = [
                ("type", .number("4")), ("chainId", .number(String(tx.chainId!))), ("nonce", .number(String(tx.nonce))),
                ("maxFeePerGas", .string(tx.maxFeePerGas.description)), ("maxPriorityFeePerGas", .string(tx.maxPriorityFeePerGas.description)),
                ("gas", .number(String(tx.gasLimit))), ("to", .string(tx.to!.checksummed)), ("value", .string(tx.value.description)),
                ("data", .string(Hex.encode(tx.data, prefix: true))),
                ("accessList", .array(tx.accessList.map { .object([("address", .string($0.address.checksummed)), ("storageKeys", .array($0.storageKeys.map { .string(Hex.encode($0, prefix: true)) }))]) })),
            ]
            lines.append(JSONValue.array([.string(Hex.encode(sender.bytes)), .object(o), .array(auths)]).description)
        }
        let script = """
            import sys, json
            from eth_account import Account
            for line in sys.stdin:
                key, tx, auths = json.loads(line)
                for k in ('value', 'maxFeePerGas', 'maxPriorityFeePerGas'):
                    tx[k] = int(tx[k])
                signed_auths = []
                for akey, a in auths:
                    a = {'chainId': int(a['chainId']), 'address': a['address'], 'nonce': int(a['nonce'])}
                    signed_auths.append(Account.sign_authorization(a, bytes.fromhex(akey)))
                tx['authorizationList'] = signed_auths
                s = Account.sign_transaction(tx, bytes.fromhex(key))
                print(s.raw_transaction.hex().removeprefix('0x'), s.hash.hex().removeprefix('0x'),
                      ','.join(a.authority.hex() if isinstance(a.authority, bytes) else str(a.authority) for a in signed_auths))
            """
        let out = try PythonOracle.run(script, input: lines.joined(separator: "\n")).split(separator: "\n").map(String.init)
        #expect(out.count == ours.count)
        for ((line, mine), auths) in zip(zip(out, ours), authorities) {
            let parts = line.split(separator: " ").map(String.init)
            #expect(parts.count == 3)
            guard parts.count == 3 else { continue }
            #expect(parts[0] == Hex.encode(mine.raw))
            #expect(parts[1] == Hex.encode(mine.hash))
            let theirs = try SignedTransaction(raw: hex(parts[0]))
            #expect(theirs.sender == mine.sender)
            #expect(try theirs.transaction.authorizationList.map { try $0.authority() } == auths)
            #expect(parts[2].split(separator: ",").map { $0.lowercased().replacingOccurrences(of: "0x", with: "") }
                    == auths.map { Hex.encode($0.bytes) })
        }
    }
}
