import GensynPrimitives

/// A fixed-point value that could not be parsed or computed (never a wrong number).
public struct FixedPointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// Text that is not a decimal number with at most 18 fractional digits.
        public static let malformed = Code(name: "malformed")
        /// More than 18 digits after the decimal point.
        public static let tooManyDecimals = Code(name: "tooManyDecimals")
        /// A negative value where only non-negative values are allowed.
        public static let negative = Code(name: "negative")
        /// The result does not fit the 256-bit backing (or the market engine's range).
        public static let overflow = Code(name: "overflow")
        /// Division by zero.
        public static let divisionByZero = Code(name: "divisionByZero")
        /// Outside the function's domain (ln of a value ≤ 0).
        public static let domain = Code(name: "domain")
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String

    /// An error with a code and an actionable message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "FixedPointError.\(code): \(message)" }

    init(_ error: ArithmeticError, _ context: String) {
        switch error.code {
        case .divisionByZero: self.init(.divisionByZero, "\(context): division by zero")
        default: self.init(.overflow, "\(context): result out of range (\(error.message))")
        }
    }
}

/// A certified enclosure: `lower ≤ true value ≤ upper`.
public struct FixedBounds<Value: Sendable & Hashable>: Sendable, Hashable {
    /// A value not above the true result.
    public var lower: Value
    /// A value not below the true result.
    public var upper: Value

    /// Bounds with `lower ≤ upper`.
    public init(lower: Value, upper: Value) {
        self.lower = lower
        self.upper = upper
    }
}

// MARK: - 128-bit bridges (GensynPrimitives has no UInt128 conversion yet).

extension UInt256 {
    /// The 256-bit value of a `UInt128`.
    init(_ value: UInt128) {
        self.init(littleEndianLimbs: (UInt64(truncatingIfNeeded: value), UInt64(truncatingIfNeeded: value >> 64), 0, 0))
    }

    /// The value as `UInt128`, or nil when it is 2¹²⁸ or more.
    var uint128: UInt128? {
        let l = littleEndianLimbs
        guard l.2 == 0 && l.3 == 0 else { return nil }
        return UInt128(l.1) << 64 | UInt128(l.0)
    }
}

extension Int256 {
    /// The 256-bit value of an `Int128`.
    init(_ value: Int128) {
        let m = UInt256(value.magnitude)
        self = value < 0 ? Int256(bitPattern: (~m) &+ .one) : Int256(bitPattern: m)
    }

    /// The value as `Int128`, or nil when out of range.
    var int128: Int128? {
        guard let m = magnitude.uint128 else { return nil }
        return signedFrom(negative: isNegative, magnitude: m)
    }
}
