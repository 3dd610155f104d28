/// A RepOps operation refused its input. `code` is stable (match on it); `message` says what
/// to change.
public struct RepOpsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// Shapes that the operation cannot combine (e.g. inner GEMM dimensions differ).
        public static let shapeMismatch = Code(name: "shapeMismatch")
        /// A shape with a negative dimension, or whose element count does not match the data.
        public static let invalidShape = Code(name: "invalidShape")
        /// An operation that needs at least one element (or one element per row) got none.
        public static let emptyTensor = Code(name: "emptyTensor")
        /// An index, axis or range outside the tensor.
        public static let indexOutOfRange = Code(name: "indexOutOfRange")
        /// A parameter outside its domain (e.g. k > n for top-k, p outside (0, 1]).
        public static let invalidArgument = Code(name: "invalidArgument")
        /// The CPU cannot run the requested instruction-set path.
        public static let unsupportedISA = Code(name: "unsupportedISA")
        public var description: String { name }
    }

    /// What went wrong, as a stable code to match on.
    public let code: Code
    /// What to change, for people.
    public let message: String

    /// An error with `code` and an actionable `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
