/// An unsigned 256-bit integer: four 64-bit limbs, least significant first, no heap storage.
///
/// Arithmetic that can fail is explicit: `…ReportingOverflow` methods return the wrapped value and a
/// flag, `checked…` methods throw ``ArithmeticError``, and `&+`, `&-`, `&*` wrap modulo 2²⁵⁶.
/// There are deliberately no trapping `+`, `-`, `*`, `/` operators, so user input can never crash
/// a process.
///
/// ```swift
/// let wad: UInt256 = 1_000_000_000_000_000_000
/// let x = try UInt256(decimal: "2500000000000000000")        // 2.5 in 18-decimal fixed point
/// let y = try UInt256.mulDiv(x, x, wad, rounding: .down)      // 6.25
/// print(y, y.hexString)                                       // 6250000000000000000 0x56bc75e2d6310000
/// ```
@frozen
public struct UInt256: Sendable, Hashable {
    /// Limbs, least significant first.
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    /// Creates a value from four 64-bit limbs, least significant first.
    @inlinable @inline(__always)
    public init(littleEndianLimbs limbs: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = limbs
    }

    /// The four 64-bit limbs, least significant first.
    @inlinable
    public var littleEndianLimbs: (UInt64, UInt64, UInt64, UInt64) { (w0, w1, w2, w3) }

    /// Creates a value equal to `value`.
    @inlinable @inline(__always)
    public init(_ value: UInt64) {
        (w0, w1, w2, w3) = (value, 0, 0, 0)
    }

    /// Zero.
    @inlinable public static var zero: UInt256 { UInt256(0) }
    /// One.
    @inlinable public static var one: UInt256 { UInt256(1) }
    /// 2²⁵⁶ − 1.
    @inlinable public static var max: UInt256 { UInt256(littleEndianLimbs: (.max, .max, .max, .max)) }
    /// Zero, the smallest value.
    @inlinable public static var min: UInt256 { UInt256(0) }
    /// 256.
    public static var bitWidth: Int { 256 }

    /// Whether the value is zero.
    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// Limb `index` (0 = least significant); 0 for indices outside 0..<4.
    @inlinable
    public subscript(limb index: Int) -> UInt64 {
        switch index {
        case 0: return w0
        case 1: return w1
        case 2: return w2
        case 3: return w3
        default: return 0
        }
    }

    /// Number of zero bits above the most significant one bit (256 for zero).
    @inlinable
    public var leadingZeroBitCount: Int {
        if w3 != 0 { return w3.leadingZeroBitCount }
        if w2 != 0 { return 64 + w2.leadingZeroBitCount }
        if w1 != 0 { return 128 + w1.leadingZeroBitCount }
        return 192 + w0.leadingZeroBitCount
    }

    /// Number of zero bits below the least significant one bit (256 for zero).
    @inlinable
    public var trailingZeroBitCount: Int {
        if w0 != 0 { return w0.trailingZeroBitCount }
        if w1 != 0 { return 64 + w1.trailingZeroBitCount }
        if w2 != 0 { return 128 + w2.trailingZeroBitCount }
        return 192 + w3.trailingZeroBitCount
    }

    /// Number of one bits.
    @inlinable
    public var nonzeroBitCount: Int {
        w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount
    }

    /// Number of bits needed to write the value (0 for zero): `256 - leadingZeroBitCount`.
    @inlinable
    public var bitLength: Int { 256 - leadingZeroBitCount }

    /// Number of significant limbs (0 for zero).
    @inlinable
    var limbCount: Int {
        if w3 != 0 { return 4 }
        if w2 != 0 { return 3 }
        if w1 != 0 { return 2 }
        return w0 != 0 ? 1 : 0
    }
}

// MARK: - Comparison

extension UInt256: Comparable {
    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}

// MARK: - Literals

extension UInt256: ExpressibleByIntegerLiteral {
    /// Creates a value from an integer literal of any size; a literal that is negative or needs more
    /// than 256 bits is a programming error and traps.
    @inlinable
    public init(integerLiteral value: StaticBigInt) {
        precondition(value.signum() >= 0 && value.bitWidth <= 257, "integer literal does not fit UInt256")
        self.init(littleEndianLimbs: (UInt64(value[0]), UInt64(value[1]), UInt64(value[2]), UInt64(value[3])))
    }
}

// MARK: - Bitwise operations and shifts

extension UInt256 {
    /// Bitwise NOT.
    @inlinable
    public static prefix func ~ (x: UInt256) -> UInt256 {
        UInt256(littleEndianLimbs: (~x.w0, ~x.w1, ~x.w2, ~x.w3))
    }

    /// Bitwise AND.
    @inlinable
    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(littleEndianLimbs: (lhs.w0 & rhs.w0, lhs.w1 & rhs.w1, lhs.w2 & rhs.w2, lhs.w3 & rhs.w3))
    }

    /// Bitwise OR.
    @inlinable
    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(littleEndianLimbs: (lhs.w0 | rhs.w0, lhs.w1 | rhs.w1, lhs.w2 | rhs.w2, lhs.w3 | rhs.w3))
    }

    /// Bitwise XOR.
    @inlinable
    public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(littleEndianLimbs: (lhs.w0 ^ rhs.w0, lhs.w1 ^ rhs.w1, lhs.w2 ^ rhs.w2, lhs.w3 ^ rhs.w3))
    }

    @inlinable public static func &= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs & rhs }
    @inlinable public static func |= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs | rhs }
    @inlinable public static func ^= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs ^ rhs }

    /// Left shift with Swift's smart-shift semantics: shifts of 256 or more give zero, and a negative
    /// amount shifts right.
    @inlinable
    public static func << (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs < 0 { return lhs >> rhs.magnitude }
        return lhs.shiftedLeft(UInt(rhs))
    }

    /// Logical right shift with Swift's smart-shift semantics: shifts of 256 or more give zero, and a
    /// negative amount shifts left.
    @inlinable
    public static func >> (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs < 0 { return lhs.shiftedLeft(rhs.magnitude) }
        return lhs >> UInt(rhs)
    }

    @inlinable
    static func >> (lhs: UInt256, rhs: UInt) -> UInt256 {
        lhs.shiftedRight(rhs, fill: 0)
    }

    @inlinable public static func <<= (lhs: inout UInt256, rhs: Int) { lhs = lhs << rhs }
    @inlinable public static func >>= (lhs: inout UInt256, rhs: Int) { lhs = lhs >> rhs }

    @inlinable
    func shiftedLeft(_ amount: UInt) -> UInt256 {
        if amount >= 256 { return .zero }
        var (a0, a1, a2, a3) = (w0, w1, w2, w3)
        switch amount / 64 {
        case 0: break
        case 1: (a0, a1, a2, a3) = (0, a0, a1, a2)
        case 2: (a0, a1, a2, a3) = (0, 0, a0, a1)
        default: (a0, a1, a2, a3) = (0, 0, 0, a0)
        }
        let b = amount % 64
        if b != 0 {
            a3 = a3 << b | a2 >> (64 - b)
            a2 = a2 << b | a1 >> (64 - b)
            a1 = a1 << b | a0 >> (64 - b)
            a0 = a0 << b
        }
        return UInt256(littleEndianLimbs: (a0, a1, a2, a3))
    }

    /// Right shift filling vacated limbs with `fill` (0, or all ones for an arithmetic shift).
    @inlinable
    func shiftedRight(_ amount: UInt, fill: UInt64) -> UInt256 {
        if amount >= 256 { return UInt256(littleEndianLimbs: (fill, fill, fill, fill)) }
        var (a0, a1, a2, a3) = (w0, w1, w2, w3)
        switch amount / 64 {
        case 0: break
        case 1: (a0, a1, a2, a3) = (a1, a2, a3, fill)
        case 2: (a0, a1, a2, a3) = (a2, a3, fill, fill)
        default: (a0, a1, a2, a3) = (a3, fill, fill, fill)
        }
        let b = amount % 64
        if b != 0 {
            a0 = a0 >> b | a1 << (64 - b)
            a1 = a1 >> b | a2 << (64 - b)
            a2 = a2 >> b | a3 << (64 - b)
            a3 = a3 >> b | fill << (64 - b)
        }
        return UInt256(littleEndianLimbs: (a0, a1, a2, a3))
    }
}
