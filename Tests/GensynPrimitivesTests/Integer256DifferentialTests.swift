import GensynPrimitives
import GensynTestSupport
import Testing

/// Differential test against Python's big integers: seeded random operands (biased toward limb edge
/// cases), every operation of ``UInt256`` and ``Int256``, one Python call, exact comparison of results
/// and overflow flags. Operands travel as 64-hex-digit bit patterns built from the limbs, so a
/// formatting bug cannot hide an arithmetic one (formatting and parsing are their own operations).
@Suite("256-bit integers vs Python")
struct Integer256DifferentialTests {
    static let script = #"""
    import sys
    M = 1 << 256
    def s(x): return x - M if x >> 255 else x
    def h(x): return format(x % M, '064x')
    def fits_s(x): return -(1 << 255) <= x < (1 << 255)
    def tdiv(a, b):
        q = abs(a) // abs(b)
        return q if (a < 0) == (b < 0) else -q
    out = []
    for line in sys.stdin:
        p = line.split()
        op = p[0]; a = int(p[1], 16); b = int(p[2], 16) if len(p) > 2 else 0; c = int(p[3], 16) if len(p) > 3 else 0
        if op == 'add': r = a + b; out.append(f"{h(r)} {int(r >= M)}")
        elif op == 'sub': r = a - b; out.append(f"{h(r)} {int(r < 0)}")
        elif op == 'mul': r = a * b; out.append(f"{h(r)} {int(r >= M)}")
        elif op == 'mulfull': r = a * b; out.append(f"{h(r >> 256)} {h(r)}")
        elif op == 'divmod': out.append("divzero" if b == 0 else f"{h(a // b)} {h(a % b)}")
        elif op in ('muldivdown', 'muldivup'):
            if c == 0: out.append("divzero"); continue
            r = a * b // c if op == 'muldivdown' else -(-a * b // c)
            out.append("overflow" if r >= M else h(r))
        elif op == 'shl': out.append(h(a << b))
        elif op == 'shr': out.append(h(a >> b))
        elif op == 'fmt': out.append(f"{a} {hex(a)}")
        elif op == 'sadd': r = s(a) + s(b); out.append(f"{h(r)} {int(not fits_s(r))}")
        elif op == 'ssub': r = s(a) - s(b); out.append(f"{h(r)} {int(not fits_s(r))}")
        elif op == 'smul': r = s(a) * s(b); out.append(f"{h(r)} {int(not fits_s(r))}")
        elif op == 'sdivmod':
            if s(b) == 0: out.append("divzero"); continue
            q = tdiv(s(a), s(b))
            out.append("overflow" if not fits_s(q) else f"{h(q)} {h(s(a) - q * s(b))}")
        elif op in ('smuldivdown', 'smuldivup'):
            if s(c) == 0: out.append("divzero"); continue
            n = s(a) * s(b); d = s(c)
            r = n // d if op == 'smuldivdown' else -(-n // d)
            out.append("overflow" if not fits_s(r) else h(r))
        elif op == 'sar': out.append(h(s(a) >> b))
        elif op == 'sfmt': out.append(str(s(a)))
        else: raise SystemExit("unknown op " + op)
    print("\n".join(out))
    """#

    typealias Case = (input: String, ours: String)

    static func flag(_ b: Bool) -> String { b ? "1" : "0" }

    static func uintCases(_ a: UInt256, _ b: UInt256, _ c: UInt256, shift: Int) -> [Case] {
        var out: [Case] = []
        let (s, so) = a.addingReportingOverflow(b)
        out.append(("add \(hex64(a)) \(hex64(b))", "\(hex64(s)) \(flag(so))"))
        let (d, dO) = a.subtractingReportingOverflow(b)
        out.append(("sub \(hex64(a)) \(hex64(b))", "\(hex64(d)) \(flag(dO))"))
        let (m, mo) = a.multipliedReportingOverflow(by: b)
        #expect(a &* b == m)
        out.append(("mul \(hex64(a)) \(hex64(b))", "\(hex64(m)) \(flag(mo))"))
        let (hi, lo) = a.multipliedFullWidth(by: b)
        out.append(("mulfull \(hex64(a)) \(hex64(b))", "\(hex64(hi)) \(hex64(lo))"))
        let qr: String
        do {
            let (q, r) = try a.quotientAndRemainder(dividingBy: c)
            qr = "\(hex64(q)) \(hex64(r))"
        } catch { qr = error.code == .divisionByZero ? "divzero" : "\(error)" }
        out.append(("divmod \(hex64(a)) \(hex64(c))", qr))
        for (name, rounding) in [("muldivdown", Rounding.down), ("muldivup", .up)] {
            let r: String
            do { r = hex64(try UInt256.mulDiv(a, b, c, rounding: rounding)) } catch {
                r = error.code == .divisionByZero ? "divzero" : error.code == .overflow ? "overflow" : "\(error)"
            }
            out.append(("\(name) \(hex64(a)) \(hex64(b)) \(hex64(c))", r))
        }
        out.append(("shl \(hex64(a)) \(String(shift, radix: 16))", hex64(a << shift)))
        out.append(("shr \(hex64(a)) \(String(shift, radix: 16))", hex64(a >> shift)))
        out.append(("fmt \(hex64(a))", "\(a) \(a.hexString)"))
        return out
    }

    static func intCases(_ a: Int256, _ b: Int256, _ c: Int256, shift: Int) -> [Case] {
        var out: [Case] = []
        let (s, so) = a.addingReportingOverflow(b)
        out.append(("sadd \(hex64(a)) \(hex64(b))", "\(hex64(s)) \(flag(so))"))
        let (d, dO) = a.subtractingReportingOverflow(b)
        out.append(("ssub \(hex64(a)) \(hex64(b))", "\(hex64(d)) \(flag(dO))"))
        let (m, mo) = a.multipliedReportingOverflow(by: b)
        out.append(("smul \(hex64(a)) \(hex64(b))", "\(hex64(m)) \(flag(mo))"))
        let qr: String
        do {
            let (q, r) = try a.quotientAndRemainder(dividingBy: c)
            qr = "\(hex64(q)) \(hex64(r))"
        } catch { qr = error.code == .divisionByZero ? "divzero" : error.code == .overflow ? "overflow" : "\(error)" }
        out.append(("sdivmod \(hex64(a)) \(hex64(c))", qr))
        for (name, rounding) in [("smuldivdown", Rounding.down), ("smuldivup", .up)] {
            let r: String
            do { r = hex64(try Int256.mulDiv(a, b, c, rounding: rounding)) } catch {
                r = error.code == .divisionByZero ? "divzero" : error.code == .overflow ? "overflow" : "\(error)"
            }
            out.append(("\(name) \(hex64(a)) \(hex64(b)) \(hex64(c))", r))
        }
        out.append(("sar \(hex64(a)) \(String(shift, radix: 16))", hex64(a >> shift)))
        out.append(("sfmt \(hex64(a))", a.description))
        return out
    }

    /// Scaled-up Hacker's Delight division cases (16-bit digits → 64-bit limbs) that force the rare
    /// qhat corrections and the add-back step of Algorithm D.
    static let knuthEdgeCases: [(UInt256, UInt256)] = [
        (UInt256(littleEndianLimbs: (0, 0, 1 << 63, 0)), UInt256(littleEndianLimbs: (1, 1 << 63, 0, 0))),
        (UInt256(littleEndianLimbs: (0, .max - 1, 1 << 63, 0)), UInt256(littleEndianLimbs: (.max, 1 << 63, 0, 0))),
        (UInt256(littleEndianLimbs: (3, 0, 1 << 63, 0)), UInt256(littleEndianLimbs: (1, 0, 0x2000_0000_0000_0000, 0))),
        (UInt256(littleEndianLimbs: (0, 0, 1 << 63, 0x7fff_ffff_ffff_ffff)), UInt256(littleEndianLimbs: (1, 0, 1 << 63, 0))),
        (UInt256(littleEndianLimbs: (0, 0xfffe, 0, 0x8000)), UInt256(littleEndianLimbs: (0xffff, 0x8000, 0, 0))),
        (UInt256(littleEndianLimbs: (0, .max, .max, .max)), UInt256(littleEndianLimbs: (.max, .max, .max, 0))),
    ]

    @Test("random and edge cases agree exactly with Python", .enabled(if: PythonOracle.isAvailable))
    func differential() throws {
        var g = IntegerTestRNG(state: 0x6e6e_7379_6e32_3536)
        var cases: [Case] = []
        for (u, v) in Self.knuthEdgeCases {
            cases += Self.uintCases(u, .one, v, shift: 0)
            cases += Self.uintCases(u, v >> 64, v, shift: 1)
        }
        let specials: [UInt256] = [.zero, .one, .max, .max &- .one, .one << 255, (.one << 255) &- .one, .one << 64, (.one << 64) &- .one]
        for a in specials {
            for b in specials {
                cases += Self.uintCases(a, b, b, shift: 64)
                cases += Self.intCases(Int256(bitPattern: a), Int256(bitPattern: b), Int256(bitPattern: b), shift: 255)
            }
        }
        for _ in 0..<1500 {
            let a = g.uint256(), b = g.uint256(), c = g.uint256()
            let shift = Int(g.next() % 300)
            cases += Self.uintCases(a, b, c, shift: shift)
            cases += Self.intCases(Int256(bitPattern: a), Int256(bitPattern: b), Int256(bitPattern: c), shift: shift)
        }
        let input = cases.map(\.input).joined(separator: "\n") + "\n"
        let expected = try PythonOracle.run(Self.script, input: input).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(expected.count >= cases.count)
        var failures = 0
        for (i, c) in cases.enumerated() where i < expected.count && expected[i] != c.ours {
            failures += 1
            if failures <= 10 { Issue.record("\(c.input): python \(expected[i]), ours \(c.ours)") }
        }
        #expect(failures == 0)
        #expect(cases.count > 25_000)
    }

    @Test("text, bytes and Double conversions agree with Python", .enabled(if: PythonOracle.isAvailable))
    func conversions() throws {
        var g = IntegerTestRNG(state: 42)
        let values = [UInt256.zero, .one, .max, .one << 255] + (0..<1000).map { _ in g.uint256() }
        let input = values.map { hex64($0) }.joined(separator: "\n") + "\n"
        let script = """
            import sys
            for l in sys.stdin:
                x = int(l, 16); y = x - (1 << 256) if x >> 255 else x
                m = x.to_bytes((x.bit_length() + 7) // 8, 'big').hex()
                print(x, hex(x), y, x.to_bytes(32, 'big').hex(), m or '-', repr(float(x)), repr(float(y)))
            """
        let lines = try PythonOracle.run(script, input: input).split(separator: "\n")
        #expect(lines.count == values.count)
        for (v, line) in zip(values, lines) {
            let p = line.split(separator: " ").map(String.init)
            guard p.count == 7 else { Issue.record("bad oracle line \(line)"); continue }
            let s = Int256(bitPattern: v)
            #expect(try UInt256(decimal: p[0]) == v)
            #expect(v.description == p[0] && v.hexString == p[1] && s.description == p[2])
            #expect(try UInt256(hex: p[1]) == v)
            #expect(try Int256(decimal: p[2]) == s)
            #expect(Hex.encode(v.bigEndianBytes) == p[3] && Hex.encode(s.bigEndianBytes) == p[3])
            #expect(Hex.encode(v.minimalBigEndianBytes) == (p[4] == "-" ? "" : p[4]))
            #expect(try UInt256(bigEndianBytes: v.minimalBigEndianBytes) == v)
            #expect(v.doubleValue == Double(p[5]), "\(v)")
            #expect(s.doubleValue == Double(p[6]), "\(s)")
        }
    }
}
