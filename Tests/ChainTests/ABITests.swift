import Foundation
import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

@Suite struct ABITests {
    @Test func typeGrammar() throws {
        let cases: [(String, String)] = [
            ("uint", "uint256"), ("int", "int256"), ("byte", "bytes1"), ("uint8[][3]", "uint8[][3]"),
            ("(uint256,bytes32[],(address,string)[2])", "(uint256,bytes32[],(address,string)[2])"),
            ("tuple(bool,int16)[]", "(bool,int16)[]"), ("()", "()"), ("( uint256 , bool )", "(uint256,bool)"),
        ]
        for (input, canonical) in cases { #expect(try ABIType(input).description == canonical) }
        for bad in ["uint7", "uint264", "int0", "bytes0", "bytes33", "uint08", "foo", "(uint256", "uint256[", "uint256[01]",
                    "uint256[0]", "(uint256,)", "", "uint256 x", "ufixed128x18", String(repeating: "(", count: 40) + "bool" + String(repeating: ")", count: 40)] {
            #expect(throws: ChainError.self, "\(bad)") { try ABIType(bad) }
        }
        #expect(try ABIType("(uint256,bytes)").isDynamic)
        #expect(try !ABIType("(uint256,bytes2)[3]").isDynamic)
        #expect(try ABIType("(uint256,bytes2)[3]").headSize == 192)
    }

    @Test func selectorsAndSignatures() throws {
        // Well-known ERC-20 selectors (transfer, balanceOf, approve) and Error(string).
        #expect(Hex.encode(try ABISignature("transfer(address,uint256)").selector) == "a9059cbb")
        #expect(Hex.encode(try ABISignature("function balanceOf(address owner) view returns (uint256)").selector) == "70a08231")
        #expect(Hex.encode(try ABISignature("approve(address spender, uint256 amount)").selector) == "095ea7b3")
        #expect(Hex.encode(try ABISignature("Error(string)").selector) == "08c379a0")
        #expect(throws: ChainError.self) { try ABISignature("transfer") }
        #expect(throws: ChainError.self) { try ABISignature("1x(uint256)") }
    }

    /// ethereum/tests ABITests/basic_abi_tests.json.
    @Test func basicVectors() throws {
        let text = try TestVectors.text("chain/ethereum-tests/ABITests/basic_abi_tests.json")
        let d = try JSONValue(parsing: text)
        #expect(d.objectValue?.count == 3)
        for (name, v) in d.objectValue! {
            let types = try v["types"]!.arrayValue!.map { try ABIType($0.stringValue!) }
            let args = v["args"]!.arrayValue!
            let values = try zip(args, types).map { a, t -> ABIValue in
                // The vectors give bytes and bytesN as ASCII text, not hex.
                if let s = a.stringValue, !s.hasPrefix("0x") {
                    if t == .bytes { return .bytes(Array(s.utf8)) }
                    if case .fixedBytes = t { return .fixedBytes(Array(s.utf8)) }
                }
                return try ABIValue(json: a, type: t)
            }
            let encoded = try ABI.encode(values, as: types)
            #expect(Hex.encode(encoded) == v["result"]!.stringValue!, "\(name)")
            #expect(try ABI.decode(types, from: encoded) == values, "\(name)")
        }
    }

    @Test func strictDecoding() throws {
        func code(_ types: String, _ h: String) -> ChainError.Code? {
            do { _ = try ABI.decode([ABIType(types)], from: hex(h)); return nil } catch { return error.code }
        }
        let w = { (s: String) in String(repeating: "0", count: 64 - s.count) + s }
        #expect(code("uint8", w("100")) == .abiInvalidData)            // 256 > uint8
        #expect(code("uint8", w("ff")) == nil)
        #expect(code("int8", w("80")) == .abiInvalidData)              // not sign-extended
        #expect(code("int8", String(repeating: "f", count: 62) + "80") == nil)
        #expect(code("bool", w("2")) == .abiInvalidData)
        #expect(code("address", "01" + String(repeating: "0", count: 62)) == .abiInvalidData)
        #expect(code("bytes1", "0101" + String(repeating: "0", count: 60)) == .abiInvalidData)
        #expect(code("uint256", "00") == .abiInvalidData)               // short
        #expect(code("bytes", w("20") + w("21") + String(repeating: "ab", count: 32)) == .abiInvalidData) // truncated
        #expect(code("bytes", w("20") + w("1") + "ab" + String(repeating: "0", count: 60) + "01") == .abiInvalidData) // padding
        #expect(code("bytes", w("ffffffffffff") ) == .abiInvalidData)   // offset out of range
        #expect(code("uint256[]", w("20") + w("ffffffff")) == .abiInvalidData) // length beyond data
        #expect(code("string", w("20") + w("2") + "c328" + String(repeating: "0", count: 60)) == .abiInvalidData) // bad UTF-8
        // Encoding refuses values that do not fit.
        #expect(throws: ChainError.self) { try ABI.encode(.uint(256), as: .uint(8)) }
        #expect(throws: ChainError.self) { try ABI.encode(.int(-129), as: .int(8)) }
        #expect(throws: ChainError.self) { try ABI.encode(.fixedBytes([1]), as: .fixedBytes(2)) }
        #expect(throws: ChainError.self) { try ABI.encode(.array([.bool(true)]), as: try ABIType("bool[2]")) }
        #expect(try ABI.encode(.int(-128), as: .int(8)) == [UInt8](repeating: 0xff, count: 31) + [0x80])
    }

    /// Offsets that all point at the same large array would decode to far more than the input.
    @Test func overlappingOffsetsAreBounded() throws {
        let w = { (n: Int) in String(repeating: "0", count: 64 - String(n, radix: 16).count) + String(n, radix: 16) }
        // uint256[][] with 2000 elements, each pointing at one array of 2000 words.
        let n = 2000
        var h = w(32) + w(n)
        let inner = 32 * n  // offset (relative to element area) of the shared inner array
        for _ in 0..<n { h += w(inner) }
        h += w(n) + String(repeating: w(7), count: n)
        #expect(throws: ChainError.self) { try ABI.decode([ABIType("uint256[][]")], from: hex(h)) }
    }

    // MARK: Random types and values

    static func randomType(_ rng: inout SeededRandom, depth: Int) -> ABIType {
        let r = Int.random(in: 0..<(depth > 2 ? 7 : 10), using: &rng)
        switch r {
        case 0: return .uint(8 * Int.random(in: 1...32, using: &rng))
        case 1: return .int(8 * Int.random(in: 1...32, using: &rng))
        case 2: return .address
        case 3: return .bool
        case 4: return .fixedBytes(Int.random(in: 1...32, using: &rng))
        case 5: return .bytes
        case 6: return .string
        case 7: return .array(randomType(&rng, depth: depth + 1), Int.random(in: 1...3, using: &rng))
        case 8: return .dynamicArray(randomType(&rng, depth: depth + 1))
        default: return .tuple((0..<Int.random(in: 1...4, using: &rng)).map { _ in randomType(&rng, depth: depth + 1) })
        }
    }

    static func randomValue(_ t: ABIType, _ rng: inout SeededRandom) -> ABIValue {
        switch t {
        case .uint(let bits):
            let v = try! UInt256(bigEndianBytes: rng.bytes(32)) >> (256 - Int.random(in: 0...bits, using: &rng))
            return .uint(v)
        case .int(let bits):
            let width = Int.random(in: 1...bits, using: &rng)
            let v = try! Int256(bigEndianBytes: rng.bytes(32)) >> (256 - width)
            return .int(v)
        case .address: return .address(try! Address(bytes: rng.bytes(20)))
        case .bool: return .bool(Bool.random(using: &rng))
        case .fixedBytes(let n): return .fixedBytes(rng.bytes(n))
        case .bytes: return .bytes(rng.bytes(Int.random(in: 0...70, using: &rng)))
        case .string:
            let alphabet = Array("aZ09 _é€😀\"\\")
            return .string(String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
        case .array(let e, let k): return .array((0..<k).map { _ in randomValue(e, &rng) })
        case .dynamicArray(let e): return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in randomValue(e, &rng) })
        case .tuple(let ts): return .tuple(ts.map { randomValue($0, &rng) })
        }
    }

    /// Byte-identical encodings vs eth-abi on thousands of random types and values; we decode eth-abi's bytes back.
    @Test func differentialVsEthAbi() throws {
        guard PythonOracle.isAvailable else { return }
        var rng = SeededRandom(seed: 2024)
        var cases: [([ABIType], [ABIValue])] = []
        for _ in 0..<2000 {
            let types = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.randomType(&rng, depth: 0) }
            cases.append((types, types.map { Self.randomValue($0, &rng) }))
        }
        let input = cases.map { types, values in
            JSONValue.array([.array(types.map { .string($0.description) }), .array(values.map(\.json))]).description
        }.joined(separator: "\n")
        let script = """
            import sys, json
            from eth_abi import encode
            from eth_abi.grammar import parse, TupleType
            def conv(t, v):
                if t.is_array: return [conv(t.item_type, x) for x in v]
                if isinstance(t, TupleType): return tuple(conv(c, x) for c, x in zip(t.components, v))
                if t.base in ('uint', 'int'): return int(v)
                if t.base == 'bytes': return bytes.fromhex(v[2:])
                return v
            for line in sys.stdin:
                types, values = json.loads(line)
                print(encode(types, [conv(parse(t), v) for t, v in zip(types, values)]).hex())
            """
        let out = try PythonOracle.run(script, input: input).split(separator: "\n").map(String.init)
        #expect(out.count == cases.count)
        for ((types, values), theirs) in zip(cases, out) {
            let ours = try ABI.encode(values, as: types)
            #expect(Hex.encode(ours) == theirs, "\(types)")
            #expect(try ABI.decode(types, from: hex(theirs)) == values, "\(types)")
        }
    }

    /// Fuzz: mutated encodings and random bytes never crash; accepted input re-encodes to a prefix of itself.
    @Test func fuzzDecoder() throws {
        var rng = SeededRandom(seed: 99)
        var accepted = 0
        for i in 0..<3000 {
            let types = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.randomType(&rng, depth: 0) }
            var data: [UInt8]
            if i % 3 == 0 {
                data = rng.bytes(32 * Int.random(in: 0...8, using: &rng))
            } else {
                data = try ABI.encode(types.map { Self.randomValue($0, &rng) }, as: types)
                for _ in 0..<Int.random(in: 1...2, using: &rng) where !data.isEmpty {
                    let p = Int.random(in: 0..<data.count, using: &rng)
                    if Bool.random(using: &rng) { data[p] = UInt8.random(in: 0...255, using: &rng) } else { data.removeLast(min(data.count, 32)) }
                }
            }
            if let values = try? ABI.decode(types, from: data) {
                accepted += 1
                _ = try ABI.encode(values, as: types)  // decoded values always fit their types
            }
        }
        #expect(accepted > 100)
    }
}
