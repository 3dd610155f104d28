import Foundation
import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

@Suite struct TransactionTests {
    static let forks = ["Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople", "ConstantinopleFix",
                        "Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun", "Prague"]

    static var files: [String] {
        let root = TestVectors.root.appendingPathComponent("chain/ethereum-tests/TransactionTests")
        let e = FileManager.default.enumerator(atPath: root.path)!
        return (e.allObjects as! [String]).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// The expected error code family for an ethereum/tests exception name.
    static func expectedCode(_ exception: String) -> ChainError.Code? {
        if exception.contains("LEADING_ZEROS") || exception.contains("NONCE_OVERFLOW") || exception.contains("GASLIMIT_OVERFLOW")
            || exception.contains("GASPRICE_OVERFLOW") || exception.contains("PRIORITY_OVERFLOW") { return .invalidInteger }
        if exception.contains("INVALID_SIGNATURE_VRS") || exception.contains("EC_RECOVERY_FAIL") { return .invalidSignature }
        if exception.contains("INVALID_CHAINID") { return .invalidChainId }
        if exception.contains("INTRINSIC_GAS_TOO_LOW") { return .intrinsicGasTooLow }
        if exception.contains("TOO_FEW_ELEMENTS") || exception.contains("TOO_MANY_ELEMENTS") { return .rlpUnexpectedShape }
        return nil  // any ChainError
    }

    /// Every TransactionTests file: the newest fork's expectation (hash, sender and intrinsic gas, or rejection).
    @Test func ethereumTransactionTests() throws {
        var valid = 0, invalid = 0
        #expect(Self.files.count >= 80)
        for file in Self.files {
            let doc = try JSONValue(parsing: TestVectors.text("chain/ethereum-tests/TransactionTests/" + file))
            for (name, t) in doc.objectValue! {
                let results = t["result"]!.objectValue!
                let fork = results.map(\.0).max { Self.forks.firstIndex(of: $0)! < Self.forks.firstIndex(of: $1)! }!
                let r = t["result"]![fork]!
                let raw = hex(t["txbytes"]!.stringValue!)
                if let exception = r["exception"]?.stringValue {
                    invalid += 1
                    do {
                        _ = try SignedTransaction(raw: raw, chainId: 1, fork: .cancun)
                        Issue.record("\(file) \(name): accepted, expected \(exception)")
                    } catch {
                        if let code = Self.expectedCode(exception) {
                            #expect(error.code == code || (code == .invalidInteger && error.code == .rlpNonCanonical),
                                    "\(file) \(name): \(exception) but got \(error)")
                        }
                    }
                } else {
                    valid += 1
                    do {
                        let tx = try SignedTransaction(raw: raw, chainId: 1, fork: .cancun)
                        #expect(Hex.encode(tx.hash, prefix: true) == r["hash"]!.stringValue!, "\(file) \(name)")
                        #expect(tx.sender.lowercased == r["sender"]!.stringValue!, "\(file) \(name)")
                        #expect(try UInt256(hex: r["intrinsicGas"]!.stringValue!) == UInt256(tx.transaction.intrinsicGas), "\(file) \(name)")
                    } catch {
                        Issue.record("\(file) \(name): rejected valid transaction: \(error)")
                    }
                }
            }
        }
        #expect(valid > 20 && invalid > 40)
    }

    /// The EIP-155 example: signing data, hash, signature, raw bytes, tx hash and sender.
    @Test func eip155Example() throws {
        let doc = try JSONValue(parsing: TestVectors.text("chain/eip155_example.json"))
        var json = doc["tx"]!
        if case .object(var members) = json { members.append(("type", .number("0"))); json = .object(members) }
        let tx = try Transaction(json: json)
        #expect(tx.type == .legacy && tx.chainId == 1)
        #expect(Hex.encode(tx.signingPayload, prefix: true) == doc["signingData"]!.stringValue!)
        #expect(Hex.encode(tx.signingHash, prefix: true) == doc["signingHash"]!.stringValue!)
        let signed = try tx.signed(with: PrivateKey(hex: doc["privateKey"]!.stringValue!))
        #expect(signed.v == 37)
        #expect(signed.signature.r == pad32(decimalToBytes(doc["r"]!.stringValue!)))
        #expect(signed.signature.s == pad32(decimalToBytes(doc["s"]!.stringValue!)))
        #expect(Hex.encode(signed.raw, prefix: true) == doc["signedTx"]!.stringValue!)
        #expect(Hex.encode(signed.hash, prefix: true) == doc["txHash"]!.stringValue!)
        #expect(signed.sender.checksummed == doc["sender"]!.stringValue!)
        let decoded = try SignedTransaction(raw: signed.raw, chainId: 1)
        #expect(decoded == signed)
        #expect(throws: ChainError.self) { try SignedTransaction(raw: signed.raw, chainId: 5) }
    }

    static func randomTransaction(_ rng: inout SeededRandom) -> Transaction {
        let type = [TransactionType.legacy, .legacy, .accessList, .dynamicFee].randomElement(using: &rng)!
        var tx = Transaction(type: type)
        tx.chainId = type == .legacy && Bool.random(using: &rng) ? nil : [1, 5, 131277322940537, UInt64.random(in: 1...UInt64(1) << 40, using: &rng)].randomElement(using: &rng)!
        tx.nonce = [0, 1, UInt64.random(in: 0...1000, using: &rng), UInt64.random(in: 0..<UInt64.max - 1, using: &rng)].randomElement(using: &rng)!
        tx.gasPrice = UInt256(UInt64.random(in: 0...UInt64(1) << 50, using: &rng))
        tx.maxFeePerGas = UInt256(UInt64.random(in: 0...UInt64(1) << 50, using: &rng))
        tx.maxPriorityFeePerGas = UInt256(UInt64.random(in: 0...1_000_000_000, using: &rng))
        if tx.maxPriorityFeePerGas > tx.maxFeePerGas { tx.maxPriorityFeePerGas = tx.maxFeePerGas }
        tx.to = Int.random(in: 0..<8, using: &rng) == 0 ? nil : try! Address(bytes: rng.bytes(20))
        tx.value = try! UInt256(bigEndianBytes: rng.bytes(Int.random(in: 0...16, using: &rng)))
        tx.data = rng.bytes([0, 1, 4, 36, 100].randomElement(using: &rng)!)
        if type != .legacy {
            tx.accessList = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                AccessListEntry(address: try! Address(bytes: rng.bytes(20)), storageKeys: (0..<Int.random(in: 0...2, using: &rng)).map { _ in rng.bytes(32) })
            }
        }
        tx.gasLimit = max(tx.intrinsicGas, tx.calldataFloorGas) + UInt64.random(in: 0...100_000, using: &rng)
        // Fields the type does not encode stay zero, so decoding round-trips to an equal value.
        if type == .dynamicFee { tx.gasPrice = .zero } else { tx.maxFeePerGas = .zero; tx.maxPriorityFeePerGas = .zero }
        return tx
    }

    /// Random transactions of every type signed by us and by eth-account: byte-identical raw bytes and hashes;
    /// our decoder round-trips.
    @Test func differentialVsEthAccount() throws {
        guard PythonOracle.isAvailable else { return }
        var rng = SeededRandom(seed: 1559)
        var lines: [String] = [], ours: [String] = []
        for _ in 0..<1000 {
            let key = PrivateKey.randomKey(&rng)
            let tx = Self.randomTransaction(&rng)
            let signed = try tx.signed(with: key)
            #expect(try SignedTransaction(raw: signed.raw) == signed)
            var o: [(String, JSONValue)] = [("nonce", .number(String(tx.nonce))), ("gas", .number(String(tx.gasLimit))),
                                            ("value", .string(tx.value.description)), ("data", .string(Hex.encode(tx.data, prefix: true))),
                                            ("to", tx.to.map { .string($0.checksummed) } ?? .string(""))]
            if let c = tx.chainId { o.append(("chainId", .number(String(c)))) }
            switch tx.type {
            case .legacy: o.append(("gasPrice", .string(tx.gasPrice.description)))
            case .accessList: o.append(("gasPrice", .string(tx.gasPrice.description))); o.append(("type", .number("1")))
            default:
                o.append(("maxFeePerGas", .string(tx.maxFeePerGas.description)))
                o.append(("maxPriorityFeePerGas", .string(tx.maxPriorityFeePerGas.description)))
                o.append(("type", .number("2")))
            }
            if tx.type != .legacy {
                o.append(("accessList", .array(tx.accessList.map { .object([("address", .string($0.address.checksummed)), ("storageKeys", .array($0.storageKeys.map { .string(Hex.encode($0, prefix: true)) }))]) })))
            }
            lines.append(JSONValue.array([.string(Hex.encode(key.bytes)), .object(o)]).description)
            ours.append(Hex.encode(signed.raw) + " " + Hex.encode(signed.hash))
        }
        let script = """
            import sys, json
            from eth_account import Account
            for line in sys.stdin:
                key, tx = json.loads(line)
                for k in ('value', 'gasPrice', 'maxFeePerGas', 'maxPriorityFeePerGas'):
                    if k in tx: tx[k] = int(tx[k])
                if tx['to'] == '': del tx['to']
                s = Account.sign_transaction(tx, bytes.fromhex(key))
                print(s.raw_transaction.hex().removeprefix('0x'), s.hash.hex().removeprefix('0x'))
            """
        let out = try PythonOracle.run(script, input: lines.joined(separator: "\n")).split(separator: "\n").map(String.init)
        #expect(out.count == ours.count)
        for (a, b) in zip(out, ours) { #expect(a == b) }
    }

    @Test func fuzzDecoder() throws {
        var rng = SeededRandom(seed: 4844)
        let key = PrivateKey.randomKey(&rng)
        var accepted = 0
        for _ in 0..<1500 {
            var raw = try Self.randomTransaction(&rng).signed(with: key).raw
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                let p = Int.random(in: 0..<raw.count, using: &rng)
                if Bool.random(using: &rng) { raw[p] ^= UInt8.random(in: 1...255, using: &rng) } else { raw.remove(at: p) }
            }
            if let tx = try? SignedTransaction(raw: raw) { accepted += 1; #expect(tx.raw == raw) }
        }
        #expect(accepted > 100)
    }
}

@Suite struct BlobTransactionTests {
    /// EIP-4844: our encoding round-trips, and eth-account recovers the same sender from our bytes.
    @Test func blobRoundTripAndEthAccountRecovery() throws {
        var rng = SeededRandom(seed: 4844)
        let key = PrivateKey.randomKey(&rng)
        var tx = Transaction(type: .blob, chainId: 1, nonce: 3, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 30_000_000_000,
                             gasLimit: 50_000, to: try Address(bytes: rng.bytes(20)), value: 5, data: [1, 2, 3],
                             accessList: [AccessListEntry(address: try Address(bytes: rng.bytes(20)), storageKeys: [rng.bytes(32)])],
                             maxFeePerBlobGas: 7, blobVersionedHashes: [[1] + rng.bytes(31)])
        let signed = try tx.signed(with: key)
        #expect(signed.raw.first == 3)
        #expect(try SignedTransaction(raw: signed.raw) == signed)
        tx.blobVersionedHashes = [[2] + rng.bytes(31)]
        #expect(throws: ChainError.self) { try tx.signed(with: key) }  // version byte must be 0x01
        tx.blobVersionedHashes = []
        #expect(throws: ChainError.self) { try tx.signed(with: key) }
        guard PythonOracle.isAvailable else { return }
        let out = try PythonOracle.run("""
            import sys
            from eth_account import Account
            print(Account.recover_transaction(bytes.fromhex(sys.stdin.read().strip())))
            """, input: Hex.encode(signed.raw))
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == key.address.checksummed)
    }
}
