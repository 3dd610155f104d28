import Foundation
import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

@Suite struct RLPTests {
    static func item(_ json: Any) -> RLPItem {
        if let s = json as? String {
            if s.hasPrefix("#") { return .bytes(decimalToBytes(String(s.dropFirst()))) }
            return .bytes(Array(s.utf8))
        }
        if let a = json as? [Any] { return .list(a.map(item)) }
        let n = (json as! NSNumber).uint64Value
        return .uint(n)
    }

    static var valid: [(String, Any, String)] {
        let d = try! TestVectors.json("chain/ethereum-tests/RLPTests/rlptest.json") as! [String: [String: Any]]
        return d.keys.sorted().map { ($0, d[$0]!["in"]!, d[$0]!["out"] as! String) }
    }

    @Test func validVectors() throws {
        #expect(Self.valid.count == 28)
        for (name, input, out) in Self.valid {
            let expected = Self.item(input)
            let encoded = RLP.encode(expected)
            #expect(Hex.encode(encoded) == out.dropFirst(2).lowercased(), "\(name)")
            #expect(try RLP.decode(hex(out)) == expected, "\(name)")
        }
    }

    @Test func invalidVectors() throws {
        let d = try TestVectors.json("chain/ethereum-tests/RLPTests/invalidRLPTest.json") as! [String: [String: Any]]
        #expect(d.count >= 20)
        for (name, v) in d {
            let bytes = hex(v["out"] as! String)
            #expect(throws: ChainError.self, "\(name)") { try RLP.decode(bytes) }
        }
    }

    @Test func strictnessCodes() {
        func code(_ h: String) -> ChainError.Code? {
            do { _ = try RLP.decode(hex(h)); return nil } catch { return error.code }
        }
        #expect(code("8100") == .rlpNonCanonical)
        #expect(code("b800") == .rlpNonCanonical)
        #expect(code("c5010203") == .rlpTruncated)
        #expect(code("0102") == .rlpTrailingBytes)
        #expect(code("c2c380") == .rlpTruncated)
        #expect(code("") == .rlpTruncated)
        // Depth bound: 200 nested empty lists.
        var deep: [UInt8] = [0xc0]
        var nested = RLPItem.list([])
        for _ in 0..<200 { nested = .list([nested]) }
        deep = RLP.encode(nested)
        #expect(throws: ChainError.self) { try RLP.decode(deep) }
        #expect((try? RLP.decode(deep, maxDepth: 300)) != nil)
    }

    @Test func integers() throws {
        #expect(try RLPItem.bytes([0x01, 0x00]).uint64() == 256)
        #expect(throws: ChainError.self) { try RLPItem.bytes([0x00, 0x01]).uint64() }
        #expect(throws: ChainError.self) { try RLPItem.bytes([UInt8](repeating: 1, count: 9)).uint64() }
        #expect(RLP.encode(.uint(0)) == [0x80])
        var out = [UInt8]()
        for v: UInt64 in [0, 1, 127, 128, 255, 256, 1 << 40, .max] { out = []; RLP.appendUInt(v, to: &out); #expect(out == RLP.encode(.uint(v))) }
    }

    static func randomItem(_ rng: inout SeededRandom, depth: Int) -> RLPItem {
        if depth > 3 || Int.random(in: 0..<3, using: &rng) != 0 {
            let lens = [0, 1, 1, 2, 55, 56, 57, 300]
            let n = lens.randomElement(using: &rng)!
            return .bytes(rng.bytes(n))
        }
        let n = Int.random(in: 0..<6, using: &rng)
        return .list((0..<n).map { _ in randomItem(&rng, depth: depth + 1) })
    }

    static func toJSON(_ item: RLPItem) -> Any {
        switch item {
        case .bytes(let b): return Hex.encode(b, prefix: true)
        case .list(let l): return l.map(toJSON)
        }
    }

    /// Byte-identical against pyrlp on random nested items, and our decoder round-trips pyrlp's output.
    @Test func differentialVsPyRLP() throws {
        guard PythonOracle.isAvailable else { return }
        var rng = SeededRandom(seed: 1)
        let items = (0..<2000).map { _ in Self.randomItem(&rng, depth: 0) }
        let script = """
            import sys, json, rlp
            def conv(x):
                return [conv(i) for i in x] if isinstance(x, list) else bytes.fromhex(x[2:])
            for line in sys.stdin:
                print(rlp.encode(conv(json.loads(line))).hex())
            """
        let out = try PythonOracle.run(script, input: items.map { jsonString(Self.toJSON($0)) }.joined(separator: "\n"))
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.count == items.count)
        for (item, line) in zip(items, lines) {
            #expect(Hex.encode(RLP.encode(item)) == line)
            #expect(try RLP.decode(hex(line)) == item)
        }
    }

    /// Fuzz: random and mutated inputs never crash; whatever decodes re-encodes to the same bytes.
    @Test func fuzzDecoder() {
        var rng = SeededRandom(seed: 7)
        var accepted = 0
        for i in 0..<20000 {
            var input: [UInt8]
            if i % 2 == 0 {
                input = rng.bytes(Int.random(in: 0..<40, using: &rng))
            } else {
                input = RLP.encode(Self.randomItem(&rng, depth: 0))
                for _ in 0..<Int.random(in: 1...3, using: &rng) where !input.isEmpty {
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: input[Int.random(in: 0..<input.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    case 1: input.removeLast(Int.random(in: 0...min(3, input.count), using: &rng))
                    default: input.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...input.count, using: &rng))
                    }
                }
            }
            if let item = try? RLP.decode(input) {
                accepted += 1
                #expect(RLP.encode(item) == input)
            }
        }
        #expect(accepted > 100)
    }
}

/// The in-place reader: same acceptance and errors as the tree decoder, same content.
@Suite struct RLPViewTests {
    @Test func validVectorsMatchTheTree() throws {
        for (name, _, out) in RLPTests.valid {
            let bytes = hex(out)
            #expect(try RLP.view(bytes).item(in: bytes) == RLP.decode(bytes), "\(name)")
        }
    }

    @Test func invalidVectorsFailWithTheTreeDecodersCode() throws {
        let d = try TestVectors.json("chain/ethereum-tests/RLPTests/invalidRLPTest.json") as! [String: [String: Any]]
        for (name, v) in d {
            let bytes = hex(v["out"] as! String)
            var treeCode: ChainError.Code?
            do { _ = try RLP.decode(bytes) } catch { treeCode = error.code }
            #expect(throws: ChainError.self, "\(name)") { try RLP.view(bytes) }
            do { _ = try RLP.view(bytes) } catch { #expect(error.code == treeCode, "\(name)") }
        }
    }

    /// Random items and mutations of them: the view accepts exactly what the tree decoder accepts,
    /// rejects with the same code, and reads back the same tree (items, counts, payload slices).
    @Test func randomAndMutatedInputsAgree() throws {
        var rng = SeededRandom(seed: 7702)
        var accepted = 0
        for i in 0..<3000 {
            var bytes = RLP.encode(RLPTests.randomItem(&rng, depth: 0))
            if i % 2 == 1 {
                for _ in 0..<Int.random(in: 1...2, using: &rng) where !bytes.isEmpty {
                    let p = Int.random(in: 0..<bytes.count, using: &rng)
                    if Bool.random(using: &rng) { bytes[p] ^= UInt8.random(in: 1...255, using: &rng) } else { bytes.remove(at: p) }
                }
            }
            let tree: Result<RLPItem, ChainError> = Result { () throws(ChainError) in try RLP.decode(bytes, maxDepth: 3) }
            let view: Result<RLPView, ChainError> = Result { () throws(ChainError) in try RLP.view(bytes, maxDepth: 3) }
            switch (tree, view) {
            case (.success(let t), .success(let v)):
                accepted += 1
                #expect(try v.item(in: bytes) == t)
                if case .list(let l) = t { #expect(try v.items(in: bytes).count == l.count) }
            case (.failure(let a), .failure(let b)): #expect(a.code == b.code)
            default: Issue.record("tree and view disagree on \(Hex.encode(bytes))")
            }
        }
        #expect(accepted > 1500)
    }

    @Test func typedAccessors() throws {
        let bytes = RLP.encode(.list([.uint(300), .bytes([0, 1]), .list([]), .bytes([UInt8](repeating: 1, count: 9))]))
        let v = try RLP.view(bytes)
        var it = try v.items(in: bytes)
        #expect(try it.next()!.uint64(in: bytes) == 300)
        #expect(throws: ChainError.self) { try it.next()!.uint64(in: bytes) }  // leading zero
        #expect(throws: ChainError.self) { try it.next()!.byteString(in: bytes) }  // a list
        #expect(throws: ChainError.self) { try it.next()!.uint64(in: bytes) }  // 9 bytes
        #expect(it.next() == nil)
        #expect(throws: ChainError.self) { try v.byteString(in: bytes) }
        #expect(try v.payload(in: bytes).count == bytes.count - 1)
    }
}

/// The sized writer (used by transaction encoding) agrees with the tree encoder on every header form:
/// single bytes, short and long strings (1- and 2-byte lengths), short and long lists, 64- and 256-bit integers.
@Suite struct RLPWriterTests {
    static func size(_ item: RLPItem) -> Int {
        switch item {
        case .bytes(let b): return RLPSize.bytes(b)
        case .list(let l): return RLPSize.list(l.reduce(0) { $0 + size($1) })
        }
    }

    static func write(_ item: RLPItem, to w: inout RLPWriter) {
        switch item {
        case .bytes(let b): w.bytes(b)
        case .list(let l):
            w.listHeader(l.reduce(0) { $0 + size($1) })
            for i in l { write(i, to: &w) }
        }
    }

    @Test func writerMatchesTreeEncoder() throws {
        var rng = SeededRandom(seed: 56)
        for i in 0..<1000 {
            var item = RLPTests.randomItem(&rng, depth: 0)
            if i % 4 == 0 { item = .list([item, .bytes([UInt8](repeating: 0xab, count: i % 100 == 0 ? 70_000 : 200 + i))]) }
            let written = RLP.build(count: Self.size(item)) { w in Self.write(item, to: &w) }
            #expect(written == RLP.encode(item))
        }
    }

    @Test func integersMatch() throws {
        var rng = SeededRandom(seed: 64)
        for _ in 0..<2000 {
            let v = UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng)
            #expect(RLP.build(count: RLPSize.uint(v)) { $0.uint(v) } == RLP.encode(.uint(v)))
            let wide = try UInt256(bigEndianBytes: rng.bytes(Int.random(in: 0...32, using: &rng)))
            #expect(RLP.build(count: RLPSize.uint256(wide)) { $0.uint256(wide) } == RLP.encode(.bytes(wide.minimalBigEndianBytes)))
        }
    }
}
