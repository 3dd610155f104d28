// Certified exp and ln on binary fixed point with 64 fractional bits ("B64").
//
// Every function takes `up`: false returns a lower bound of the true value, true an upper bound.
// Each elementary step rounds in that direction (floor/ceil), table entries are used as
// [entry, entry + 1], and truncated series add their tail bound, so the bounds hold by
// construction. DelphiTests checks them against mpmath and measures the gaps:
//   exp: hi - lo <= 8 ulps + 2^-58 * e^t;  ln: hi - lo <= 16 ulps  (1 ulp = 2^-64).

enum BoundedMath {
    static let one: UInt128 = 1 << 64
    /// exp accepts t < 42 (e^42 * 2^64 would not fit the 128-bit intermediate).
    static let expLimit: Int128 = 42 << 64

    /// Bound of e^t for t < 42 (B64 in, B64 out). Below e^-46 the lower bound is 0 and the upper 1 ulp.
    @inline(__always)
    static func exp(_ t: Int128, up: Bool) -> UInt128 {
        let k = Int(truncatingIfNeeded: t >> 64)  // floor(t)
        if k < ExpLnTables.expIntegerMin { return up ? 1 : 0 }
        precondition(k < 42, "exp argument out of range")
        let f = UInt64(truncatingIfNeeded: t)  // t - k in [0, 1)
        let j = Int(truncatingIfNeeded: f >> 58)  // top 6 bits: f = j/64 + g
        let g = f & ((1 << 58) - 1)  // g < 2^-6
        let poly = taylor(g, up: up)
        let bump: UInt128 = up ? 1 : 0
        let ek = ExpLnTables.expInteger[k - ExpLnTables.expIntegerMin] + bump
        let ej = ExpLnTables.expSixtyFourths[j] + bump
        return mulB64Unchecked(mulB64Unchecked(ek, ej, up: up), poly, up: up)
    }

    /// One Taylor step: term * g / d (term, g < 2^64 as fractions), rounded.
    @inline(__always)
    static func step(_ term: UInt64, _ g: UInt64, _ d: UInt64, _ up: Bool) -> UInt64 {
        let p = term.multipliedFullWidth(by: g)
        if up {
            let h = p.high &+ (p.low != 0 ? 1 : 0)
            return (h &+ (d &- 1)) / d
        }
        return p.high / d
    }

    /// e^g for g < 2^-6 (fraction bits), B64: terms up to g^8/8!; the tail is < 2^-72.
    @inline(__always)
    static func taylor(_ g: UInt64, up: Bool) -> UInt128 {
        var sum = one + UInt128(g)
        var t = g
        t = step(t, g, 2, up); sum &+= UInt128(t)
        t = step(t, g, 3, up); sum &+= UInt128(t)
        t = step(t, g, 4, up); sum &+= UInt128(t)
        t = step(t, g, 5, up); sum &+= UInt128(t)
        t = step(t, g, 6, up); sum &+= UInt128(t)
        t = step(t, g, 7, up); sum &+= UInt128(t)
        t = step(t, g, 8, up); sum &+= UInt128(t)
        if up { sum &+= 1 }  // tail of the series
        return sum
    }

    /// `a * b / 2^64` on 64-bit fractions.
    @inline(__always)
    static func mulFrac(_ a: UInt64, _ b: UInt64, _ up: Bool) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return up && p.low != 0 ? p.high &+ 1 : p.high
    }

    /// Bound of ln(x) for x > 0 (B64 in, signed B64 out).
    @inline(__always)
    static func ln(_ x: UInt128, up: Bool) -> Int128 {
        precondition(x != 0, "ln of zero")
        let bits = 128 - x.leadingZeroBitCount
        let e = bits - 65  // x = m * 2^e with m in [1, 2] (B64)
        var m: UInt128
        if e > 0 {
            m = x >> e
            if up && x & ((1 << e) - 1) != 0 { m += 1 }
        } else {
            m = x << -e
        }
        var j = Int(truncatingIfNeeded: (m - one) >> 58)
        if j > 63 { j = 63 }
        let c = one + UInt128(2 * j + 1) << 57  // midpoint of [1 + j/64, 1 + (j+1)/64]
        let negative = m < c
        let num = negative ? c - m : m - c  // <= 2^57
        // ln(m/c) = 2 atanh(z), z = (m - c)/(m + c), |z| <= 2^-8. Its magnitude rounds up when
        // that moves the result in the requested direction.
        let magUp = up != negative
        let z = UInt64(truncatingIfNeeded: divide(num << 64, m + c, up: magUp))
        let z2 = mulFrac(z, z, magUp)
        let z3 = mulFrac(z2, z, magUp)
        let z5 = mulFrac(z3, z2, magUp)
        let z7 = mulFrac(z5, z2, magUp)
        var s = UInt128(z)
        if magUp {
            s += UInt128((z3 + 2) / 3) + UInt128((z5 + 4) / 5) + UInt128((z7 + 6) / 7) + 1  // + tail (< 2^-72)
        } else {
            s += UInt128(z3 / 3) + UInt128(z5 / 5) + UInt128(z7 / 7)
        }
        let ratio = Int128(s << 1)
        let lnc = Int128(ExpLnTables.lnMidpoints[j]) + (up ? 1 : 0)
        return (negative ? -ratio : ratio) + lnc + ln2Multiple(e, up: up)
    }

    /// Bound of e * ln 2 (B64) for |e| < 2^32.
    @inline(__always)
    static func ln2Multiple(_ e: Int, up: Bool) -> Int128 {
        if e == 0 { return 0 }
        let magUp = up != (e < 0)
        let k = UInt128(e.magnitude)
        let p = fullProduct(k, ExpLnTables.ln2 + (magUp ? 1 : 0))
        let mag = shiftRight(p.high, p.low, by: 64, up: magUp)!
        return e < 0 ? -Int128(mag) : Int128(mag)
    }
}
