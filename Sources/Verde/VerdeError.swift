/// Why Verde rejected an input: bad bytes, a malformed value, an invalid proof.
///
/// `code` is stable (match on it); `message` says what to fix.
public struct VerdeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A byte string or list has the wrong length.
        public static let invalidLength = Code(name: "invalidLength")
        /// Text is not hexadecimal.
        public static let invalidHex = Code(name: "invalidHex")
        /// An encoding ended before a value was complete.
        public static let truncated = Code(name: "truncated")
        /// An encoding has bytes after its last value.
        public static let trailingBytes = Code(name: "trailingBytes")
        /// A 32-byte word holds a value out of range (a number too large, an unknown tag, non-zero padding).
        public static let invalidWord = Code(name: "invalidWord")
        /// A value breaks a rule of its type (duplicate tensor names, zero steps, an index out of range …).
        public static let invalidValue = Code(name: "invalidValue")
        public var description: String { name }
    }

    /// What went wrong, stable across releases.
    public let code: Code
    /// A message a user can act on.
    public let message: String

    /// An error with `code` and `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "VerdeError.\(code): \(message)" }
}
