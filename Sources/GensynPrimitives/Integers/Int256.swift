/// A signed 256-bit integer in two's complement, stored as its ``UInt256`` bit pattern.
///
/// Same design as ``UInt256``: `…ReportingOverflow` methods, throwing `checked…` methods, wrapping
/// `&+`, `&-`, `&*`, and no trapping arithmetic operators. Division rounds toward zero like Swift's
/// `/`; ``mulDiv(_:_:_:rounding:)`` rounds toward −∞ (`.down`) or +∞ (`.up`).
///
/// ```swift
/// let delta = try Int256(decimal: "-1500000000000000000")    // −1.5 in 18-decimal fixed point
/// let half = try Int256.mulDiv(delta, 1, 2, rounding: .down)  // −0.75
/// ```
@frozen
public struct Int256: Sendable, Hashable {
    /// The two's complement bit pattern.
    @usableFromInline var bits: UInt256

    /// Creates a value with the two's complement bit pattern `bitPattern`.
    @inlinable @inline(__always)
    public init(bitPattern: UInt256) { bits = bitPattern }

    /// Creates a value equal to `value`.
    @inlinable
    public init(_ value: Int64) {
        let fill: UInt64 = value < 0 ? .max : 0
        bits = UInt256(littleEndianLimbs: (UInt64(bitPattern: value), fill, fill, fill))
    }

    /// Creates a value equal to `value`.
    @inlinable
    public init(_ value: Int) { self.init(Int64(value)) }

    /// Zero.
    @inlinable public static var zero: Int256 { Int256(bitPattern: .zero) }
    /// One.
    @inlinable public static var one: Int256 { Int256(bitPattern: .one) }
    /// 2²⁵⁵ − 1.
    @inlinable public static var max: Int256 { Int256(bitPattern: UInt256(littleEndianLimbs: (.max, .max, .max, UInt64(Int64.max)))) }
    /// −2²⁵⁵.
    @inlinable public static var min: Int256 { Int256(bitPattern: UInt256(littleEndianLimbs: (0, 0, 0, 1 << 63))) }
    /// 256.
    public static var bitWidth: Int { 256 }

    /// Whether the value is below zero.
    @inlinable
    public var isNegative: Bool { bits.w3 >> 63 != 0 }

    /// Whether the value is zero.
    @inlinable
    public var isZero: Bool { bits.isZero }

    /// −1, 0 or 1.
    @inlinable
    public func signum() -> Int256 { isNegative ? Int256(-1) : (isZero ? .zero : .one) }

    /// The absolute value as an unsigned integer (exact also for ``min``).
    @inlinable
    public var magnitude: UInt256 { isNegative ? (~bits) &+ .one : bits }

    /// Number of leading zero bits of the two's complement pattern (0 for negative values).
    @inlinable
    public var leadingZeroBitCount: Int { bits.leadingZeroBitCount }

    /// Number of trailing zero bits of the two's complement pattern (256 for zero).
    @inlinable
    public var trailingZeroBitCount: Int { bits.trailingZeroBitCount }

    /// Number of one bits of the two's complement pattern.
    @inlinable
    public var nonzeroBitCount: Int { bits.nonzeroBitCount }

    /// The value with sign `negative` and absolute value `magnitude`, if it fits.
    @inlinable
    static func fromSignMagnitude(negative: Bool, _ magnitude: UInt256) -> Int256? {
        if negative {
            guard magnitude <= Int256.min.bits else { return nil }
            return Int256(bitPattern: (~magnitude) &+ .one)
        }
        guard magnitude <= Int256.max.bits else { return nil }
        return Int256(bitPattern: magnitude)
    }
}

extension UInt256 {
    /// Creates a value with the same bit pattern as `value`.
    @inlinable
    public init(bitPattern value: Int256) { self = value.bits }

    /// Creates a value equal to `value`.
    /// - Throws: ``ArithmeticError`` `.outOfRange` when `value` is negative.
    @inlinable
    public init(exactly value: Int256) throws(ArithmeticError) {
        guard !value.isNegative else { throw ArithmeticError(.outOfRange, "UInt256: \(value) is negative") }
        self = value.bits
    }
}

extension Int256 {
    /// Creates a value equal to `value`.
    /// - Throws: ``ArithmeticError`` `.outOfRange` above 2²⁵⁵ − 1.
    @inlinable
    public init(exactly value: UInt256) throws(ArithmeticError) {
        guard value.w3 >> 63 == 0 else { throw ArithmeticError(.outOfRange, "Int256: \(value) exceeds 2^255 - 1") }
        bits = value
    }
}

// MARK: - Comparison, literals

extension Int256: Comparable {
    @inlinable
    public static func < (lhs: Int256, rhs: Int256) -> Bool {
        // Flipping the sign bit maps two's complement order onto unsigned order.
        let flip = UInt256(littleEndianLimbs: (0, 0, 0, 1 << 63))
        return (lhs.bits ^ flip) < (rhs.bits ^ flip)
    }
}

extension Int256: ExpressibleByIntegerLiteral {
    /// Creates a value from an integer literal of any size; a literal outside −2²⁵⁵…2²⁵⁵ − 1 is a
    /// programming error and traps.
    @inlinable
    public init(integerLiteral value: StaticBigInt) {
        precondition(value.bitWidth <= 256, "integer literal does not fit Int256")
        bits = UInt256(littleEndianLimbs: (UInt64(value[0]), UInt64(value[1]), UInt64(value[2]), UInt64(value[3])))
    }
}

// MARK: - Bitwise operations and shifts

extension Int256 {
    @inlinable public static prefix func ~ (x: Int256) -> Int256 { Int256(bitPattern: ~x.bits) }
    @inlinable public static func & (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits & rhs.bits) }
    @inlinable public static func | (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits | rhs.bits) }
    @inlinable public static func ^ (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits ^ rhs.bits) }

    /// Left shift with Swift's smart-shift semantics (256 or more gives zero; negative shifts right).
    @inlinable
    public static func << (lhs: Int256, rhs: Int) -> Int256 {
        if rhs < 0 { return lhs.shiftedRight(rhs.magnitude) }
        return Int256(bitPattern: lhs.bits.shiftedLeft(UInt(rhs)))
    }

    /// Arithmetic (sign-filling) right shift with Swift's smart-shift semantics: 256 or more gives 0 or
    /// −1; negative shifts left.
    @inlinable
    public static func >> (lhs: Int256, rhs: Int) -> Int256 {
        if rhs < 0 { return Int256(bitPattern: lhs.bits.shiftedLeft(rhs.magnitude)) }
        return lhs.shiftedRight(UInt(rhs))
    }

    @inlinable
    func shiftedRight(_ amount: UInt) -> Int256 {
        Int256(bitPattern: bits.shiftedRight(amount, fill: isNegative ? .max : 0))
    }

    @inlinable public static func <<= (lhs: inout Int256, rhs: Int) { lhs = lhs << rhs }
    @inlinable public static func >>= (lhs: inout Int256, rhs: Int) { lhs = lhs >> rhs }
}

// MARK: - Arithmetic

extension Int256 {
    /// `self + rhs` modulo 2²⁵⁶, and whether the exact sum is outside the range.
    @inlinable
    public func addingReportingOverflow(_ rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        let r = Int256(bitPattern: bits &+ rhs.bits)
        return (r, isNegative == rhs.isNegative && r.isNegative != isNegative)
    }

    /// `self - rhs` modulo 2²⁵⁶, and whether the exact difference is outside the range.
    @inlinable
    public func subtractingReportingOverflow(_ rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        let r = Int256(bitPattern: bits &- rhs.bits)
        return (r, isNegative != rhs.isNegative && r.isNegative != isNegative)
    }

    /// `self · rhs` modulo 2²⁵⁶, and whether the exact product is outside the range.
    @inlinable
    public func multipliedReportingOverflow(by rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        let (high, low) = magnitude.multipliedFullWidth(by: rhs.magnitude)
        let negative = isNegative != rhs.isNegative
        let fits = high.isZero && Int256.fromSignMagnitude(negative: negative, low) != nil
        // |a|·|b| ≡ low (mod 2²⁵⁶), so the wrapped product is ±low.
        return (Int256(bitPattern: negative ? (~low) &+ .one : low), !fits)
    }

    /// `-self` modulo 2²⁵⁶, and whether it overflowed (only for ``min``).
    @inlinable
    public func negatedReportingOverflow() -> (partialValue: Int256, overflow: Bool) {
        (Int256(bitPattern: (~bits) &+ .one), self == .min)
    }

    /// Sum modulo 2²⁵⁶.
    @inlinable public static func &+ (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits &+ rhs.bits) }
    /// Difference modulo 2²⁵⁶.
    @inlinable public static func &- (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits &- rhs.bits) }
    /// Product modulo 2²⁵⁶.
    @inlinable public static func &* (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits &* rhs.bits) }

    @inlinable public static func &+= (lhs: inout Int256, rhs: Int256) { lhs = lhs &+ rhs }
    @inlinable public static func &-= (lhs: inout Int256, rhs: Int256) { lhs = lhs &- rhs }
    @inlinable public static func &*= (lhs: inout Int256, rhs: Int256) { lhs = lhs &* rhs }

    /// `self + rhs`.
    /// - Throws: ``ArithmeticError`` `.overflow` outside −2²⁵⁵…2²⁵⁵ − 1.
    @inlinable
    public func checkedAdd(_ rhs: Int256) throws(ArithmeticError) -> Int256 {
        let (r, o) = addingReportingOverflow(rhs)
        if o { throw .overflow("Int256 addition") }
        return r
    }

    /// `self - rhs`.
    /// - Throws: ``ArithmeticError`` `.overflow` outside −2²⁵⁵…2²⁵⁵ − 1.
    @inlinable
    public func checkedSubtract(_ rhs: Int256) throws(ArithmeticError) -> Int256 {
        let (r, o) = subtractingReportingOverflow(rhs)
        if o { throw .overflow("Int256 subtraction") }
        return r
    }

    /// `self · rhs`.
    /// - Throws: ``ArithmeticError`` `.overflow` outside −2²⁵⁵…2²⁵⁵ − 1.
    @inlinable
    public func checkedMultiply(_ rhs: Int256) throws(ArithmeticError) -> Int256 {
        let (r, o) = multipliedReportingOverflow(by: rhs)
        if o { throw .overflow("Int256 multiplication") }
        return r
    }

    /// `-self`.
    /// - Throws: ``ArithmeticError`` `.overflow` for ``min``.
    @inlinable
    public func checkedNegate() throws(ArithmeticError) -> Int256 {
        let (r, o) = negatedReportingOverflow()
        if o { throw .overflow("Int256 negation") }
        return r
    }

    /// `self / rhs` rounded toward zero.
    /// - Throws: ``ArithmeticError`` `.divisionByZero`, or `.overflow` for `min / -1`.
    @inlinable
    public func checkedDivide(_ rhs: Int256) throws(ArithmeticError) -> Int256 {
        try quotientAndRemainder(dividingBy: rhs).quotient
    }

    /// `self % rhs`, with the sign of `self`.
    /// - Throws: ``ArithmeticError`` `.divisionByZero`, or `.overflow` for `min % -1` (as Swift's `Int`).
    @inlinable
    public func checkedRemainder(_ rhs: Int256) throws(ArithmeticError) -> Int256 {
        try quotientAndRemainder(dividingBy: rhs).remainder
    }

    /// Quotient rounded toward zero and remainder with the sign of `self` (Swift's `Int` semantics).
    /// - Throws: ``ArithmeticError`` `.divisionByZero`, or `.overflow` for `min / -1`.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: Int256) throws(ArithmeticError)
        -> (quotient: Int256, remainder: Int256)
    {
        if divisor.isZero { throw .divisionByZero("Int256 division") }
        if self == .min && divisor == Int256(-1) { throw .overflow("Int256 division (min / -1)") }
        let (q, r) = UInt256.divide(magnitude, by: divisor.magnitude)
        let qn = isNegative != divisor.isNegative
        let quotient = Int256(bitPattern: qn ? (~q) &+ .one : q)
        let remainder = Int256(bitPattern: isNegative ? (~r) &+ .one : r)
        return (quotient, remainder)
    }

    /// `⌊a·b / denominator⌋` (`.down`) or `⌈a·b / denominator⌉` (`.up`), exact through a 512-bit
    /// intermediate. Note `.down` rounds toward −∞ for negative results.
    /// - Throws: ``ArithmeticError`` `.divisionByZero` when `denominator` is zero, `.overflow` when the
    ///   rounded result is outside −2²⁵⁵…2²⁵⁵ − 1.
    @inlinable
    public static func mulDiv(
        _ a: Int256, _ b: Int256, _ denominator: Int256, rounding: Rounding = .down
    ) throws(ArithmeticError) -> Int256 {
        let negative = (a.isNegative != b.isNegative) != denominator.isNegative
        // For a negative result, rounding the magnitude up is rounding the value down.
        let magnitudeRounding: Rounding = negative == (rounding == .down) ? .up : .down
        let m: UInt256
        do {
            m = try UInt256.mulDiv(a.magnitude, b.magnitude, denominator.magnitude, rounding: magnitudeRounding)
        } catch where error.code == .overflow {
            throw .overflow("Int256.mulDiv")
        } catch {
            throw .divisionByZero("Int256.mulDiv")
        }
        guard let r = fromSignMagnitude(negative: negative && !m.isZero, m) else { throw .overflow("Int256.mulDiv") }
        return r
    }
}

// MARK: - Conversions, text, bytes

extension Int256 {
    /// Parses an optional leading `-` followed by decimal ASCII digits (no `+`, spaces or separators).
    /// - Throws: ``ArithmeticError`` `.empty`, `.invalidDigit`, or `.overflow` outside −2²⁵⁵…2²⁵⁵ − 1.
    public init(decimal text: some StringProtocol) throws(ArithmeticError) {
        var utf8 = Substring(text).utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        let m: UInt256
        do {
            m = try UInt256.parseDecimal(utf8, what: "Int256")
        } catch where error.code == .overflow {
            throw ArithmeticError(.overflow, "Int256: decimal value is outside -2^255...2^255 - 1")
        }
        guard let value = Int256.fromSignMagnitude(negative: negative, m) else {
            throw ArithmeticError(.overflow, "Int256: decimal value is outside -2^255...2^255 - 1")
        }
        self = value
    }

    /// The value as 32 big-endian two's complement bytes (the Ethereum ABI `int256` word).
    @inlinable
    public var bigEndianBytes: [UInt8] { bits.bigEndianBytes }

    /// Reads a big-endian two's complement integer of 1 to 32 bytes, sign-extending from the first
    /// byte's top bit (empty input is zero).
    /// - Throws: ``ArithmeticError`` `.outOfRange` for more than 32 bytes.
    @inlinable
    public init<Bytes: Collection>(bigEndianBytes bytes: Bytes) throws(ArithmeticError) where Bytes.Element == UInt8 {
        let pattern = try UInt256(bigEndianBytes: bytes)
        let count = bytes.count
        if count > 0, count < 32, let first = bytes.first, first & 0x80 != 0 {
            // Sign-extend: set every bit above the 8·count bits read.
            bits = pattern | (UInt256.max << (8 * count))
        } else {
            bits = pattern
        }
    }

    /// The value as an `Int64`.
    /// - Throws: ``ArithmeticError`` `.outOfRange` outside `Int64`.
    @inlinable
    public func toInt64() throws(ArithmeticError) -> Int64 {
        let low = Int64(bitPattern: bits.w0)
        let fill: UInt64 = low < 0 ? .max : 0
        guard bits.w1 == fill, bits.w2 == fill, bits.w3 == fill else {
            throw ArithmeticError(.outOfRange, "Int256: \(self) does not fit Int64")
        }
        return low
    }

    /// The value as an `Int`.
    /// - Throws: ``ArithmeticError`` `.outOfRange` outside `Int`.
    @inlinable
    public func toInt() throws(ArithmeticError) -> Int { Int(try toInt64()) }

    /// The nearest `Double` (round to nearest, ties to even).
    public var doubleValue: Double {
        let d = magnitude.doubleValue
        return isNegative ? -d : d
    }
}

extension Int256: CustomStringConvertible, LosslessStringConvertible {
    /// The decimal digits, with a leading `-` when negative.
    public var description: String { isNegative ? "-" + magnitude.description : bits.description }

    /// Parses a decimal string; nil when ``init(decimal:)`` would throw.
    public init?(_ description: String) {
        guard let value = try? Int256(decimal: description) else { return nil }
        self = value
    }
}

extension Int256: Codable {
    /// Decodes a decimal string (JSON numbers cannot hold 256 bits exactly).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Int256(decimal: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the value as a decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
