/// A 256-bit integer operation or conversion that has no valid result.
///
/// Thrown by the checked arithmetic, parsing and conversion APIs of ``UInt256`` and ``Int256``.
/// Switch on ``code`` (stable across releases); ``message`` is for people.
public struct ArithmeticError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The exact result does not fit the type.
        public static let overflow = Code(name: "overflow")
        /// The divisor is zero.
        public static let divisionByZero = Code(name: "divisionByZero")
        /// A string contains a character that is not a digit of its base.
        public static let invalidDigit = Code(name: "invalidDigit")
        /// A string has no digits.
        public static let empty = Code(name: "empty")
        /// A value (a byte string, a negative number, …) is outside the range a conversion accepts.
        public static let outOfRange = Code(name: "outOfRange")
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String

    @usableFromInline
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "ArithmeticError.\(code): \(message)" }

    @usableFromInline
    static func overflow(_ operation: String) -> ArithmeticError {
        ArithmeticError(.overflow, "\(operation) overflows")
    }

    @usableFromInline
    static func divisionByZero(_ operation: String) -> ArithmeticError {
        ArithmeticError(.divisionByZero, "\(operation): division by zero")
    }
}

/// How ``UInt256/mulDiv(_:_:_:rounding:)`` and ``Int256/mulDiv(_:_:_:rounding:)`` round an inexact quotient.
@frozen
public enum Rounding: Hashable, Sendable {
    /// Toward negative infinity (floor).
    case down
    /// Toward positive infinity (ceiling).
    case up
}
