import Foundation
import GensynPrimitives
import GensynTestSupport
import Testing

@testable import Delphi

@Suite("Certified exp/ln")
struct BoundedMathTests {
    @Test("tables match mpmath (scripts/delphi-tables.py)")
    func tables() throws {
        let script = try String(contentsOf: TestVectors.projectRoot.appendingPathComponent("scripts/delphi-tables.py"), encoding: .utf8)
        let generated = try PythonOracle.run(script)
        let committed = try String(
            contentsOf: TestVectors.projectRoot.appendingPathComponent("Sources/Delphi/Math/ExpLnTables.swift"), encoding: .utf8)
        #expect(generated == committed)
    }

    @Test("B64 exp bounds enclose e^t, gap ≤ 8 ulps + 2^-58·e^t")
    func expBounds() throws {
        var rng = SeededRandom(seed: 1)
        var ts: [Int128] = [0, 1, -1, 41 << 64, (42 << 64) - 1, -(46 << 64), -(47 << 64), 1 << 64, -(1 << 64), 1 << 58, (1 << 58) - 1]
        for _ in 0..<3000 {
            let whole = Int128(Int.random(in: -48...41, using: &rng))
            ts.append(whole << 64 | Int128(rng.next()))
        }
        var lines = ""
        for t in ts {
            let lo = BoundedMath.exp(t, up: false), hi = BoundedMath.exp(t, up: true)
            #expect(lo <= hi)
            #expect(hi - lo <= 8 + (hi >> 58), "gap at t=\(t)")
            lines += "\(t) \(lo) \(hi)\n"
        }
        let out = try oracle(
            """
            import sys, mpmath
            mpmath.mp.dps = 80
            bad = 0
            for line in sys.stdin:
                t, lo, hi = map(int, line.split())
                v = mpmath.exp(mpmath.mpf(t) / 2**64) * 2**64
                if not (lo <= v <= hi): bad += 1; print("BAD", t, lo, hi, v)
            print("OK" if bad == 0 else "FAIL")
            """, lines)
        #expect(out == "OK")
    }

    @Test("B64 ln bounds enclose ln x, gap ≤ 16 ulps")
    func lnBounds() throws {
        var rng = SeededRandom(seed: 2)
        var xs: [UInt128] = [1, 2, 3, 1 << 64, (1 << 64) + 1, (1 << 64) - 1, 1 << 65, UInt128.max, UInt128.max >> 1, 3 << 63]
        for _ in 0..<3000 {
            let bits = Int.random(in: 1...128, using: &rng)
            let x = (UInt128(rng.next()) << 64 | UInt128(rng.next())) >> (128 - bits)
            xs.append(max(x, 1))
        }
        var lines = ""
        for x in xs {
            let lo = BoundedMath.ln(x, up: false), hi = BoundedMath.ln(x, up: true)
            #expect(lo <= hi)
            #expect(hi - lo <= 16, "gap at x=\(x)")
            lines += "\(x) \(lo) \(hi)\n"
        }
        let out = try oracle(
            """
            import sys, mpmath
            mpmath.mp.dps = 80
            bad = 0
            for line in sys.stdin:
                x, lo, hi = map(int, line.split())
                v = mpmath.log(mpmath.mpf(x) / 2**64) * 2**64
                if not (lo <= v <= hi): bad += 1; print("BAD", x, lo, hi, v)
            print("OK" if bad == 0 else "FAIL")
            """, lines)
        #expect(out == "OK")
    }

    @Test("UFixed18.ln and SFixed18.exp enclose Python decimal (60 digits); documented gaps")
    func fixedExpLn() throws {
        var rng = SeededRandom(seed: 3)
        var lines = ""
        for k in 0..<1500 {
            // ln over the whole UFixed18 range (raw 1 … 2^256 − 1).
            let bits = k == 0 ? 256 : Int.random(in: 1...256, using: &rng)
            let limbs = (rng.next(), rng.next(), rng.next(), rng.next())
            var raw = UInt256(littleEndianLimbs: limbs) >> (256 - bits)
            if raw.isZero { raw = .one }
            let l = try UFixed18(raw: raw).ln()
            #expect(l.lower <= l.upper)
            #expect(try l.upper.subtracting(l.lower).raw <= Int256(3))
            lines += "ln \(raw) \(l.lower.raw) \(l.upper.raw)\n"
            // exp over -60 … 135.
            let x = Double.random(in: -60...135, using: &rng)
            let xs = try SFixed18(String(format: "%.18f", x))
            let e = try xs.exp()
            #expect(e.lower <= e.upper)
            // relative gap ≤ 2^-55 plus 2 raw units
            let gap = try e.upper.subtracting(e.lower).raw
            #expect(gap <= (e.upper.raw >> 55) &+ UInt256(2), "exp gap at \(xs)")
            lines += "exp \(xs.raw) \(e.lower.raw) \(e.upper.raw)\n"
        }
        #expect(throws: FixedPointError.self) { try UFixed18.zero.ln() }
        #expect(throws: FixedPointError.self) { try SFixed18("136").exp() }
        let out = try oracle(
            """
            import sys
            from decimal import Decimal, getcontext
            getcontext().prec = 100
            bad = 0
            S = Decimal(10) ** 18
            for line in sys.stdin:
                op, x, lo, hi = line.split()
                x, lo, hi = Decimal(x) / S, Decimal(lo) / S, Decimal(hi) / S
                v = x.ln() if op == "ln" else x.exp()
                if not (lo <= v <= hi): bad += 1; print("BAD", op, x, lo, hi, v)
            print("OK" if bad == 0 else "FAIL")
            """, lines)
        #expect(out == "OK")
    }

    @Test("mul/div round in the requested direction (exact check against Python integers)")
    func mulDivRounding() throws {
        var rng = SeededRandom(seed: 4)
        var lines = ""
        for _ in 0..<500 {
            let a = UFixed18(raw: UInt256(littleEndianLimbs: (rng.next(), rng.next(), 0, 0)))
            let b = UFixed18(raw: UInt256(littleEndianLimbs: (rng.next(), rng.next() >> 8, 0, 0)))
            let md = try a.multiplied(by: b, rounding: .down), mu = try a.multiplied(by: b, rounding: .up)
            let dd = try a.divided(by: b, rounding: .down), du = try a.divided(by: b, rounding: .up)
            lines += "\(a.raw) \(b.raw) \(md.raw) \(mu.raw) \(dd.raw) \(du.raw)\n"
            let sa = SFixed18(raw: Int256.zero &- Int256(bitPattern: a.raw)), sb = SFixed18(raw: Int256(bitPattern: b.raw))
            let smd = try sa.multiplied(by: sb, rounding: .down), smu = try sa.multiplied(by: sb, rounding: .up)
            lines += "s \(sa.raw) \(sb.raw) \(smd.raw) \(smu.raw)\n"
        }
        let out = try oracle(
            """
            import sys
            S = 10**18
            bad = 0
            def fl(n, d): return n // d
            def ce(n, d): return -((-n) // d)
            for line in sys.stdin:
                p = line.split()
                if p[0] == "s":
                    a, b, md, mu = map(int, p[1:])
                    ok = md == fl(a*b, S) and mu == ce(a*b, S)
                else:
                    a, b, md, mu, dd, du = map(int, p)
                    ok = md == fl(a*b, S) and mu == ce(a*b, S) and dd == fl(a*S, b) and du == ce(a*S, b)
                if not ok: bad += 1; print("BAD", line)
            print("OK" if bad == 0 else "FAIL")
            """, lines)
        #expect(out == "OK")
    }

    @Test("decimal text round-trips and rejects bad input", arguments: [
        ("0", "0"), ("12", "12"), ("0.5", "0.5"), ("1.000000000000000001", "1.000000000000000001"),
        ("007.2500", "7.25"), ("100", "100"),
    ])
    func parse(text: String, expected: String) throws {
        #expect(try UFixed18(text).description == expected)
    }

    @Test("malformed amounts are typed errors", arguments: ["", ".", "1.", ".5", "1e5", "-1", "1.0000000000000000001", "1,5", " 1", "abc", "1.2.3"])
    func malformed(text: String) {
        #expect(throws: FixedPointError.self) { try UFixed18(text) }
    }

    @Test("overflow is a typed error")
    func overflow() throws {
        let big = UFixed18(raw: .max)
        #expect(throws: FixedPointError.self) { try big.adding(.one) }
        #expect(throws: FixedPointError.self) { try big.multiplied(by: UFixed18(2), rounding: .down) }
        #expect(throws: FixedPointError.self) { try big.divided(by: .zero, rounding: .down) }
        #expect(try SFixed18("-2.5").description == "-2.5")
    }
}
