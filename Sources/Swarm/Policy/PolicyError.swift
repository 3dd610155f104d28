/// Why the GPT policy could not do something (a bad configuration, text it cannot tokenise, a
/// base-model cache that does not match).
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A character outside the tokenizer's alphabet.
        public static let unknownCharacter = Code(name: "unknownCharacter")
        /// A sequence longer than the model's context.
        public static let tooLong = Code(name: "tooLong")
        /// A question the policy has no compact prompt for.
        public static let unsupportedTask = Code(name: "unsupportedTask")
        /// Sizes or hyper-parameters that cannot work.
        public static let invalidConfig = Code(name: "invalidConfig")
        /// A cached base model that cannot be read or does not match its configuration.
        public static let cache = Code(name: "cache")
        /// An error from RepOps (shapes, numerics).
        public static let repOps = Code(name: "repOps")
        public var description: String { name }
    }
    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String
    /// An error.
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "PolicyError.\(code): \(message)" }
}
