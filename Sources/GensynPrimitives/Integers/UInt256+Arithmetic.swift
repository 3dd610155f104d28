// Limb primitives. Each returns (value, carry/borrow) with carry in 0...1.

/// a + b + carry → (sum, carryOut).
@inlinable @inline(__always)
func adc(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
    let (s, o1) = a.addingReportingOverflow(b)
    let (t, o2) = s.addingReportingOverflow(carry)
    return (t, (o1 || o2) ? 1 : 0)
}

/// a − b − borrow → (difference, borrowOut).
@inlinable @inline(__always)
func sbb(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
    let (d, o1) = a.subtractingReportingOverflow(b)
    let (e, o2) = d.subtractingReportingOverflow(borrow)
    return (e, (o1 || o2) ? 1 : 0)
}

/// a·b + c + carry → (high, low); never overflows 128 bits.
@inlinable @inline(__always)
func mac(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
    let p = a.multipliedFullWidth(by: b)
    let (l1, o1) = p.low.addingReportingOverflow(c)
    let (l2, o2) = l1.addingReportingOverflow(carry)
    return (p.high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0), l2)
}

// MARK: - Addition, subtraction, multiplication

extension UInt256 {
    /// `self + rhs` modulo 2²⁵⁶, and whether the exact sum overflowed.
    @inlinable
    public func addingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = adc(w0, rhs.w0, 0)
        let (r1, c1) = adc(w1, rhs.w1, c0)
        let (r2, c2) = adc(w2, rhs.w2, c1)
        let (r3, c3) = adc(w3, rhs.w3, c2)
        return (UInt256(littleEndianLimbs: (r0, r1, r2, r3)), c3 != 0)
    }

    /// `self - rhs` modulo 2²⁵⁶, and whether the exact difference was negative.
    @inlinable
    public func subtractingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = sbb(w0, rhs.w0, 0)
        let (r1, b1) = sbb(w1, rhs.w1, b0)
        let (r2, b2) = sbb(w2, rhs.w2, b1)
        let (r3, b3) = sbb(w3, rhs.w3, b2)
        return (UInt256(littleEndianLimbs: (r0, r1, r2, r3)), b3 != 0)
    }

    /// The exact 512-bit product `self · other` as high and low 256-bit halves.
    @inlinable
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        let (a0, a1, a2, a3) = (w0, w1, w2, w3)
        let (b0, b1, b2, b3) = (other.w0, other.w1, other.w2, other.w3)
        var c: UInt64
        var r0, r1, r2, r3, r4, r5, r6, r7: UInt64
        (c, r0) = mac(a0, b0, 0, 0)
        (c, r1) = mac(a0, b1, 0, c)
        (c, r2) = mac(a0, b2, 0, c)
        (r4, r3) = mac(a0, b3, 0, c)

        (c, r1) = mac(a1, b0, r1, 0)
        (c, r2) = mac(a1, b1, r2, c)
        (c, r3) = mac(a1, b2, r3, c)
        (r5, r4) = mac(a1, b3, r4, c)

        (c, r2) = mac(a2, b0, r2, 0)
        (c, r3) = mac(a2, b1, r3, c)
        (c, r4) = mac(a2, b2, r4, c)
        (r6, r5) = mac(a2, b3, r5, c)

        (c, r3) = mac(a3, b0, r3, 0)
        (c, r4) = mac(a3, b1, r4, c)
        (c, r5) = mac(a3, b2, r5, c)
        (r7, r6) = mac(a3, b3, r6, c)
        return (UInt256(littleEndianLimbs: (r4, r5, r6, r7)), UInt256(littleEndianLimbs: (r0, r1, r2, r3)))
    }

    /// `self · rhs` modulo 2²⁵⁶, and whether the exact product overflowed.
    @inlinable
    public func multipliedReportingOverflow(by rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (high, low) = multipliedFullWidth(by: rhs)
        return (low, !high.isZero)
    }

    /// `self · rhs` modulo 2²⁵⁶ (only the ten limb products that reach the low half).
    @inlinable
    func multipliedLow(_ other: UInt256) -> UInt256 {
        let (a0, a1, a2, a3) = (w0, w1, w2, w3)
        let (b0, b1, b2, b3) = (other.w0, other.w1, other.w2, other.w3)
        var c: UInt64
        var r0, r1, r2, r3: UInt64
        (c, r0) = mac(a0, b0, 0, 0)
        (c, r1) = mac(a0, b1, 0, c)
        (c, r2) = mac(a0, b2, 0, c)
        r3 = a0 &* b3 &+ c
        (c, r1) = mac(a1, b0, r1, 0)
        (c, r2) = mac(a1, b1, r2, c)
        r3 = r3 &+ a1 &* b2 &+ c
        (c, r2) = mac(a2, b0, r2, 0)
        r3 = r3 &+ a2 &* b1 &+ c
        r3 = r3 &+ a3 &* b0
        return UInt256(littleEndianLimbs: (r0, r1, r2, r3))
    }

    /// `self · rhs` where `rhs` is one limb, and the limb that overflowed past 256 bits.
    @inlinable
    func multipliedByLimb(_ rhs: UInt64) -> (partialValue: UInt256, overflowLimb: UInt64) {
        var c: UInt64
        var r0, r1, r2, r3: UInt64
        (c, r0) = mac(w0, rhs, 0, 0)
        (c, r1) = mac(w1, rhs, 0, c)
        (c, r2) = mac(w2, rhs, 0, c)
        (c, r3) = mac(w3, rhs, 0, c)
        return (UInt256(littleEndianLimbs: (r0, r1, r2, r3)), c)
    }

    /// Sum modulo 2²⁵⁶.
    @inlinable
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.addingReportingOverflow(rhs).partialValue }
    /// Difference modulo 2²⁵⁶.
    @inlinable
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.subtractingReportingOverflow(rhs).partialValue }
    /// Product modulo 2²⁵⁶.
    @inlinable
    public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.multipliedLow(rhs) }

    @inlinable public static func &+= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &+ rhs }
    @inlinable public static func &-= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &- rhs }
    @inlinable public static func &*= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &* rhs }

    /// `self + rhs`.
    /// - Throws: ``ArithmeticError`` `.overflow` when the sum is 2²⁵⁶ or more.
    @inlinable
    public func checkedAdd(_ rhs: UInt256) throws(ArithmeticError) -> UInt256 {
        let (r, o) = addingReportingOverflow(rhs)
        if o { throw .overflow("UInt256 addition") }
        return r
    }

    /// `self - rhs`.
    /// - Throws: ``ArithmeticError`` `.overflow` when `rhs > self`.
    @inlinable
    public func checkedSubtract(_ rhs: UInt256) throws(ArithmeticError) -> UInt256 {
        let (r, o) = subtractingReportingOverflow(rhs)
        if o { throw .overflow("UInt256 subtraction") }
        return r
    }

    /// `self · rhs`.
    /// - Throws: ``ArithmeticError`` `.overflow` when the product is 2²⁵⁶ or more.
    @inlinable
    public func checkedMultiply(_ rhs: UInt256) throws(ArithmeticError) -> UInt256 {
        let (r, o) = multipliedReportingOverflow(by: rhs)
        if o { throw .overflow("UInt256 multiplication") }
        return r
    }

    /// `self / rhs`, rounded toward zero.
    /// - Throws: ``ArithmeticError`` `.divisionByZero`.
    @inlinable
    public func checkedDivide(_ rhs: UInt256) throws(ArithmeticError) -> UInt256 {
        try quotientAndRemainder(dividingBy: rhs).quotient
    }

    /// `self % rhs`.
    /// - Throws: ``ArithmeticError`` `.divisionByZero`.
    @inlinable
    public func checkedRemainder(_ rhs: UInt256) throws(ArithmeticError) -> UInt256 {
        try quotientAndRemainder(dividingBy: rhs).remainder
    }
}

// MARK: - Division

extension UInt256 {
    /// Quotient (rounded toward zero) and remainder of `self / divisor`.
    /// - Throws: ``ArithmeticError`` `.divisionByZero`.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt256) throws(ArithmeticError)
        -> (quotient: UInt256, remainder: UInt256)
    {
        if divisor.isZero { throw .divisionByZero("UInt256 division") }
        return Self.divide(self, by: divisor)
    }

    /// `(q, r)` with `u = q·v + r`, `r < v`; `v` must be nonzero.
    @inlinable
    static func divide(_ u: UInt256, by v: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        if u < v { return (.zero, u) }
        if (v.w1 | v.w2 | v.w3) == 0 {
            if (u.w1 | u.w2 | u.w3) == 0 { return (UInt256(u.w0 / v.w0), UInt256(u.w0 % v.w0)) }
            let (q, r) = u.dividedByLimb(v.w0, remainderIn: 0)
            return (q, UInt256(r))
        }
        return divideWide(high: .zero, low: u, by: v)
    }

    /// Short division by one limb; `remainderIn < d` is the running remainder from higher limbs.
    @inlinable
    func dividedByLimb(_ d: UInt64, remainderIn: UInt64) -> (UInt256, UInt64) {
        var r = remainderIn
        // A 128/64 division is slow; leading limbs below d give a zero quotient limb without one.
        @inline(__always) func step(_ limb: UInt64) -> UInt64 {
            if r == 0 && limb < d { r = limb; return 0 }
            let (q, rem) = d.dividingFullWidth((r, limb))
            r = rem
            return q
        }
        let q3 = step(w3), q2 = step(w2), q1 = step(w1), q0 = step(w0)
        return (UInt256(littleEndianLimbs: (q0, q1, q2, q3)), r)
    }

    /// Divides the 512-bit number `high·2²⁵⁶ + low` by `v`; requires `high < v` so the quotient fits.
    /// Knuth, TAOCP vol. 2, 4.3.1, Algorithm D with 64-bit digits, on stack buffers.
    @usableFromInline
    static func divideWide(high: UInt256, low: UInt256, by v: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        let n = v.limbCount
        if n == 1 {
            let (q, r) = low.dividedByLimb(v.w0, remainderIn: high.w0)
            return (q, UInt256(r))
        }
        let total = high.isZero ? low.limbCount : 4 + high.limbCount
        // Layout: u[0...8] (one spare limb for normalization), v[9..<13], q[13..<21].
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 21) { buffer in
            let base = buffer.baseAddress!
            base.initialize(repeating: 0, count: 21)
            let u = base, vn = base + 9, q = base + 13
            for i in 0..<4 {
                u[i] = low[limb: i]
                u[4 + i] = high[limb: i]
                vn[i] = v[limb: i]
            }
            knuthDivide(u, count: total, vn, count: n, quotient: q)
            let quotient = UInt256(littleEndianLimbs: (q[0], q[1], q[2], q[3]))
            let remainder = UInt256(littleEndianLimbs: (u[0], u[1], u[2], u[3]))
            return (quotient, remainder)
        }
    }

    /// Algorithm D core. `u` holds `m + n` limbs plus one spare, `v` holds `n ≥ 2` limbs with a nonzero
    /// top limb, `m ≥ 0`. Writes `m + 1` quotient limbs to `q` and leaves the remainder in `u[0..<n]`
    /// (the rest of `u` zero). `v` is normalized in place.
    @usableFromInline
    static func knuthDivide(
        _ u: UnsafeMutablePointer<UInt64>, count total: Int,
        _ v: UnsafeMutablePointer<UInt64>, count n: Int,
        quotient q: UnsafeMutablePointer<UInt64>
    ) {
        // Normalize so the divisor's top bit is set: qhat is then at most 2 too large.
        let s = UInt64(v[n - 1].leadingZeroBitCount)
        if s > 0 {
            for i in stride(from: n - 1, to: 0, by: -1) { v[i] = v[i] << s | v[i - 1] >> (64 - s) }
            v[0] <<= s
            u[total] = u[total - 1] >> (64 - s)
            for i in stride(from: total - 1, to: 0, by: -1) { u[i] = u[i] << s | u[i - 1] >> (64 - s) }
            u[0] <<= s
        } else {
            u[total] = 0
        }
        let vTop = v[n - 1], vNext = v[n - 2]
        for j in stride(from: total - n, through: 0, by: -1) {
            let uHi = u[j + n], uLo = u[j + n - 1]
            var qhat: UInt64, rhat: UInt64
            var rhatOverflow = false
            if uHi >= vTop {
                // uHi == vTop (the top n limbs are below v): the estimate caps at 2⁶⁴ − 1.
                qhat = .max
                (rhat, rhatOverflow) = uLo.addingReportingOverflow(vTop)
            } else {
                (qhat, rhat) = vTop.dividingFullWidth((uHi, uLo))
            }
            while !rhatOverflow {
                let p = qhat.multipliedFullWidth(by: vNext)
                guard p.high > rhat || (p.high == rhat && p.low > u[j + n - 2]) else { break }
                qhat -= 1
                (rhat, rhatOverflow) = rhat.addingReportingOverflow(vTop)
            }
            // u[j...j+n] -= qhat · v
            var carry: UInt64 = 0, borrow: UInt64 = 0
            for i in 0..<n {
                let (hi, lo) = mac(qhat, v[i], 0, carry)
                carry = hi
                (u[i + j], borrow) = sbb(u[i + j], lo, borrow)
            }
            let (top, b) = sbb(u[j + n], carry, borrow)
            u[j + n] = top
            if b != 0 {
                // qhat was one too large (probability ~2/2⁶⁴): add v back.
                qhat -= 1
                var c: UInt64 = 0
                for i in 0..<n { (u[i + j], c) = adc(u[i + j], v[i], c) }
                u[j + n] &+= c
            }
            q[j] = qhat
        }
        if s > 0 {
            for i in 0..<(n - 1) { u[i] = u[i] >> s | u[i + 1] << (64 - s) }
            u[n - 1] >>= s
        }
    }

    /// `⌊a·b / denominator⌋` or `⌈a·b / denominator⌉`, exact through a 512-bit intermediate.
    ///
    /// The building block of fixed-point arithmetic: with `wad = 10¹⁸`, `mulDiv(x, y, wad)` is the
    /// 18-decimal product and `mulDiv(x, wad, y)` the quotient, each rounded as asked.
    /// - Throws: ``ArithmeticError`` `.divisionByZero` when `denominator` is zero, `.overflow` when
    ///   the rounded result is 2²⁵⁶ or more.
    @inlinable
    public static func mulDiv(
        _ a: UInt256, _ b: UInt256, _ denominator: UInt256, rounding: Rounding = .down
    ) throws(ArithmeticError) -> UInt256 {
        if denominator.isZero { throw .divisionByZero("UInt256.mulDiv") }
        let (high, low) = a.multipliedFullWidth(by: b)
        let q: UInt256, r: UInt256
        if high.isZero {
            (q, r) = divide(low, by: denominator)
        } else {
            guard high < denominator else { throw .overflow("UInt256.mulDiv") }
            (q, r) = divideWide(high: high, low: low, by: denominator)
        }
        if rounding == .up && !r.isZero {
            let (up, o) = q.addingReportingOverflow(.one)
            if o { throw .overflow("UInt256.mulDiv") }
            return up
        }
        return q
    }
}
