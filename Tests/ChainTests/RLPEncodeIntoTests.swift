import Foundation
import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

/// The allocation-free signing-payload encoders (`appendSigningPayload(to:)`, `encodeSigningPayload(into:)`,
/// the stack-encoded `signingHash`) against the item-tree encoder `RLP.encode` on the same fields.
@Suite struct SigningPayloadIntoTests {
    static func u(_ v: UInt256) -> RLPItem { .bytes(v.minimalBigEndianBytes) }

    /// The signing payload built as an `RLPItem` tree and encoded by `RLP.encode` (independent of `RLPWriter`).
    static func treePayload(_ tx: Transaction) -> [UInt8] {
        let to = RLPItem.bytes(tx.to?.bytes ?? [])
        let access = RLPItem.list(tx.accessList.map { .list([.bytes($0.address.bytes), .list($0.storageKeys.map { .bytes($0) })]) })
        var f: [RLPItem]
        switch tx.type {
        case .legacy:
            f = [.uint(tx.nonce), u(tx.gasPrice), .uint(tx.gasLimit), to, u(tx.value), .bytes(tx.data)]
            if let c = tx.chainId { f += [.uint(c), .bytes([]), .bytes([])] }
            return RLP.encode(.list(f))
        case .accessList:
            f = [.uint(tx.chainId ?? 0), .uint(tx.nonce), u(tx.gasPrice), .uint(tx.gasLimit), to, u(tx.value), .bytes(tx.data), access]
        case .dynamicFee, .blob, .setCode:
            f = [.uint(tx.chainId ?? 0), .uint(tx.nonce), u(tx.maxPriorityFeePerGas), u(tx.maxFeePerGas), .uint(tx.gasLimit), to,
                 u(tx.value), .bytes(tx.data), access]
            if tx.type == .blob { f += [u(tx.maxFeePerBlobGas), .list(tx.blobVersionedHashes.map { .bytes($0) })] }
            if tx.type == .setCode {
                f.append(.list(tx.authorizationList.map {
                    .list([u($0.chainId), .bytes($0.address.bytes), .uint($0.nonce), .uint(UInt64($0.yParity)), u($0.r), u($0.s)])
                }))
            }
        }
        return [tx.type.rawValue] + RLP.encode(.list(f))
    }

    static func randomU256(_ rng: inout SeededRandom) -> UInt256 {
        try! UInt256(bigEndianBytes: rng.bytes(Int.random(in: 0...32, using: &rng)))
    }

    static func randomU64(_ rng: inout SeededRandom) -> UInt64 {
        UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...64, using: &rng)
    }

    static func randomTransaction(_ rng: inout SeededRandom) -> Transaction {
        let type = TransactionType(rawValue: UInt8.random(in: 0...4, using: &rng))!
        var tx = Transaction(type: type, chainId: type == .legacy && Bool.random(using: &rng) ? nil : randomU64(&rng),
                             nonce: randomU64(&rng), gasPrice: randomU256(&rng), maxPriorityFeePerGas: randomU256(&rng),
                             maxFeePerGas: randomU256(&rng), gasLimit: randomU64(&rng),
                             to: Bool.random(using: &rng) ? Address(unchecked: rng.bytes(20)) : nil, value: randomU256(&rng),
                             data: rng.bytes([0, 1, 1, 2, 55, 56, 200, 70_000].randomElement(using: &rng)!))
        if tx.data.count == 1, Bool.random(using: &rng) { tx.data[0] &= 0x7f }  // a single byte that is its own encoding
        if type != .legacy {
            tx.accessList = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                AccessListEntry(address: Address(unchecked: rng.bytes(20)), storageKeys: (0..<Int.random(in: 0...3, using: &rng)).map { _ in rng.bytes(32) })
            }
        }
        if type == .blob {
            tx.maxFeePerBlobGas = randomU256(&rng)
            tx.blobVersionedHashes = (0..<Int.random(in: 0...3, using: &rng)).map { _ in rng.bytes(32) }
        }
        if type == .setCode {
            tx.authorizationList = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                Authorization(chainId: randomU256(&rng), address: Address(unchecked: rng.bytes(20)), nonce: randomU64(&rng),
                              yParity: UInt8.random(in: 0...1, using: &rng), r: randomU256(&rng), s: randomU256(&rng))
            }
        }
        return tx
    }

    /// Every allocation-free path gives the tree encoder's bytes, appended after existing content.
    static func checkAllPaths(_ tx: Transaction, _ label: String) throws {
        let expected = treePayload(tx)
        #expect(tx.signingPayload == expected, "\(label)")
        #expect(tx.signingPayloadCount == expected.count, "\(label)")
        var out: [UInt8] = [0xaa, 0xbb]
        tx.appendSigningPayload(to: &out)  // grows
        #expect(out == [0xaa, 0xbb] + expected, "\(label)")
        out.removeAll(keepingCapacity: true)
        tx.appendSigningPayload(to: &out)  // reuses the capacity
        #expect(out == expected, "\(label)")
        let exact = try [UInt8](capacity: tx.signingPayloadCount) { (span: inout OutputSpan<UInt8>) throws(ChainError) in
            try tx.encodeSigningPayload(into: &span)
        }
        #expect(exact == expected, "\(label)")
        #expect(tx.signingHash == Keccak256.hash(expected), "\(label)")
    }

    @Test func randomTransactionsMatchTheTreeEncoder() throws {
        var rng = SeededRandom(seed: 155)
        for i in 0..<1500 { try Self.checkAllPaths(Self.randomTransaction(&rng), "random #\(i)") }
    }

    /// The valid TransactionTests vectors (all types, every field shape they carry).
    @Test func vectorTransactionsMatchTheTreeEncoder() throws {
        var checked = 0
        for file in TransactionTests.files {
            let doc = try JSONValue(parsing: TestVectors.text("chain/ethereum-tests/TransactionTests/" + file))
            for (name, t) in doc.objectValue! {
                guard let signed = try? SignedTransaction(raw: hex(t["txbytes"]!.stringValue!), fork: .cancun) else { continue }
                try Self.checkAllPaths(signed.transaction, "\(file) \(name)")
                checked += 1
            }
        }
        #expect(checked > 20)
    }

    /// The Docs/Chain.md snippet, as written there.
    @Test func docsExample() throws {
        let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
        var tx = Transaction(type: .dynamicFee, chainId: 1, nonce: 0, gasLimit: 60_000, to: try Address("0x3535353535353535353535353535353535353535"))
        tx.maxFeePerGas = 30_000_000_000
        tx.maxPriorityFeePerGas = 1_000_000_000
        let signed = try tx.signed(with: key)
        let body = Array(signed.raw.dropFirst())
        var fields = 0
        for field in try RLP.view(body).items(in: body) { fields += 1; #expect(field.payloadRange.upperBound <= body.count) }
        #expect(fields == 12)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512)
        for nonce: UInt64 in 0..<3 {
            var next = tx
            next.nonce = nonce
            buffer.removeAll(keepingCapacity: true)
            next.appendSigningPayload(to: &buffer)
            #expect(buffer == next.signingPayload)
            #expect(Keccak256.hash(buffer) == next.signingHash)
        }
        let exact = try [UInt8](capacity: tx.signingPayloadCount) { (span: inout OutputSpan<UInt8>) throws(ChainError) in
            try tx.encodeSigningPayload(into: &span)
        }
        #expect(exact == tx.signingPayload)
    }

    @Test func tooSmallOutputThrowsAndWritesNothing() throws {
        let tx = Transaction(type: .legacy, chainId: 1, nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
                             to: Address(unchecked: [UInt8](repeating: 0x35, count: 20)), value: 1)
        let need = tx.signingPayloadCount
        var code: ChainError.Code?
        let partial = [UInt8](capacity: need - 1) { (span: inout OutputSpan<UInt8>) in
            span.append(7)
            do throws(ChainError) { try tx.encodeSigningPayload(into: &span) } catch { code = error.code }
        }
        #expect(code == .outputTooSmall)
        #expect(partial == [7])
        // Exactly enough room after existing content works.
        let fits = try [UInt8](capacity: need + 1) { (span: inout OutputSpan<UInt8>) throws(ChainError) in
            span.append(7)
            try tx.encodeSigningPayload(into: &span)
        }
        #expect(fits == [7] + tx.signingPayload)
    }
}

/// A view read with the wrong array throws instead of trapping; in-place mutation after validation never traps.
@Suite struct RLPViewSafetyTests {
    @Test func otherArraysAreRejected() throws {
        let a = RLP.encode(.list([.uint(300), .bytes(Array("dog".utf8)), .list([.uint(1)])]))
        let view = try RLP.view(a)
        let copy = a  // same storage: accepted
        #expect(try view.item(in: copy) == RLP.decode(a))
        let sameLength = a.map { $0 }  // equal bytes, other storage
        let shorter = Array(a.dropLast())
        for other in [sameLength, shorter, [0xc0], []] {
            func code(_ body: () throws(ChainError) -> Void) -> ChainError.Code? {
                do { try body(); return nil } catch { return error.code }
            }
            let c16 = code { () throws(ChainError) in _ = try view.items(in: other) }
            #expect(c16 == .rlpInputMismatch)
            let c18 = code { () throws(ChainError) in _ = try view.payload(in: other) }
            #expect(c18 == .rlpInputMismatch)
            let c15 = code { () throws(ChainError) in _ = try view.item(in: other) }
            #expect(c15 == .rlpInputMismatch)
            let c20 = code { () throws(ChainError) in _ = try view.listItems(in: other) }
            #expect(c20 == .rlpInputMismatch)
        }
        // A field of `a` read with another array.
        var fields = try view.items(in: a)
        let first = fields.next()!
        #expect(throws: ChainError.self) { try first.uint64(in: shorter) }
        #expect(throws: ChainError.self) { try first.byteString(in: sameLength) }
        #expect(try first.uint64(in: a) == 300)
    }

    /// Mutating the validated array in place (same storage, so the identity check passes) and reading the
    /// old views: every reader stays in bounds (no trap), whatever it returns.
    @Test func inPlaceMutationNeverTraps() throws {
        var rng = SeededRandom(seed: 4844)
        func walk(_ v: RLPView, _ bytes: [UInt8], depth: Int) {
            _ = try? v.uint64(in: bytes)
            if let p = try? v.payload(in: bytes) { #expect(p.endIndex <= bytes.count) }
            guard depth < 8, let items = try? v.items(in: bytes) else { return }
            for i in items { #expect(i.payloadRange.upperBound <= bytes.count); walk(i, bytes, depth: depth + 1) }
        }
        var walked = 0
        for _ in 0..<2000 {
            var bytes = RLP.encode(.list([RLPTests.randomItem(&rng, depth: 1), RLPTests.randomItem(&rng, depth: 1)]))
            let view = try RLP.view(bytes)
            let before = RLP.identity(of: bytes)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [0xb8, 0xbf, 0xf8, 0xff, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
            }
            if RLP.identity(of: bytes) == before { walked += 1 }
            walk(view, bytes, depth: 0)
        }
        #expect(walked > 1000)  // the in-place path was exercised
    }
}
