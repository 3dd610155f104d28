// 128-bit helpers for the hot path: full-width products built from 64-bit `mulq`s and
// directed-rounding shifts. Values in "B64" carry 64 fractional bits (x / 2^64).

/// Full 256-bit product of two UInt128 values.
@inline(__always)
func fullProduct(_ a: UInt128, _ b: UInt128) -> (high: UInt128, low: UInt128) {
    let a0 = UInt64(truncatingIfNeeded: a), a1 = UInt64(truncatingIfNeeded: a >> 64)
    let b0 = UInt64(truncatingIfNeeded: b), b1 = UInt64(truncatingIfNeeded: b >> 64)
    let p00 = a0.multipliedFullWidth(by: b0)
    if a1 == 0 && b1 == 0 { return (0, UInt128(p00.high) << 64 | UInt128(p00.low)) }
    let p01 = a0.multipliedFullWidth(by: b1)
    let p10 = a1.multipliedFullWidth(by: b0)
    let p11 = a1.multipliedFullWidth(by: b1)
    // Column sums (each fits: at most three 64-bit words plus carries).
    let mid = UInt128(p00.high) + UInt128(p01.low) + UInt128(p10.low)
    let low = (mid << 64) | UInt128(p00.low)
    let high = UInt128(p11.high) << 64 + UInt128(p11.low) + UInt128(p01.high) + UInt128(p10.high) + (mid >> 64)
    return (high, low)
}

/// `(high:low) >> shift` rounded down or up, or nil if the result does not fit in UInt128.
/// `shift` in 0...255.
@inline(__always)
func shiftRight(_ high: UInt128, _ low: UInt128, by shift: Int, up: Bool) -> UInt128? {
    var result: UInt128
    var inexact: Bool
    if shift == 0 {
        guard high == 0 else { return nil }
        return low
    } else if shift < 128 {
        guard high >> shift == 0 else { return nil }
        result = (high << (128 - shift)) | (low >> shift)
        inexact = low & ((1 << shift) - 1) != 0
    } else {
        result = high >> (shift - 128)
        inexact = low != 0 || (shift > 128 && high & ((1 << (shift - 128)) - 1) != 0)
    }
    if up && inexact {
        guard result != .max else { return nil }
        result += 1
    }
    return result
}

/// `a * b / 2^64` (both B64) rounded down or up; nil on overflow.
@inline(__always)
func mulB64(_ a: UInt128, _ b: UInt128, up: Bool) -> UInt128? {
    let p = fullProduct(a, b)
    return shiftRight(p.high, p.low, by: 64, up: up)
}

/// `a * b / 2^64` for B64 values known to keep the result below 2^128.
@inline(__always)
func mulB64Unchecked(_ a: UInt128, _ b: UInt128, up: Bool) -> UInt128 {
    let p = fullProduct(a, b)
    var r = (p.high << 64) | (p.low >> 64)
    if up && UInt64(truncatingIfNeeded: p.low) != 0 { r &+= 1 }
    return r
}

/// `n / d` rounded down or up.
@inline(__always)
func divide(_ n: UInt128, _ d: UInt128, up: Bool) -> UInt128 {
    let (q, r) = n.quotientAndRemainder(dividingBy: d)
    return up && r != 0 ? q + 1 : q
}

/// `a * b / d` rounded down or up through a 256-bit intermediate; nil if the quotient exceeds
/// UInt128 (or d == 0).
func mulDiv128(_ a: UInt128, _ b: UInt128, _ d: UInt128, up: Bool) -> UInt128? {
    guard d != 0 else { return nil }
    let p = fullProduct(a, b)
    guard p.high < d else { return nil }
    let (q, r) = d.dividingFullWidth((p.high, p.low))
    if up && r != 0 {
        guard q != .max else { return nil }
        return q + 1
    }
    return q
}

/// A signed value as (negative, magnitude): the helpers above work on magnitudes.
@inline(__always)
func signedFrom(negative: Bool, magnitude: UInt128) -> Int128? {
    if negative {
        guard magnitude <= UInt128(Int128.max) + 1 else { return nil }
        return magnitude == UInt128(Int128.max) + 1 ? .min : -Int128(magnitude)
    }
    guard magnitude <= UInt128(Int128.max) else { return nil }
    return Int128(magnitude)
}
