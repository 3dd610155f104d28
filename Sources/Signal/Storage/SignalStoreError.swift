/// A failure of Signal's store, recorder or export, with a stable ``code`` and a message that says
/// what to do.
public struct SignalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A configuration value is out of range (see the message).
        public static let invalidConfiguration = Code(name: "invalidConfiguration")
        /// A transition is inconsistent (e.g. feedback naming a suggestion that does not exist).
        public static let invalidRecord = Code(name: "invalidRecord")
        /// A record body is larger than `maxRecordBytes`.
        public static let recordTooLarge = Code(name: "recordTooLarge")
        /// A value could not be encoded (e.g. a non-finite `Double` in JSON).
        public static let encodingFailed = Code(name: "encodingFailed")
        /// A stored body does not decode as the app's types (wrong types or missing migration).
        public static let decodingFailed = Code(name: "decodingFailed")
        /// A record was written by a newer app schema than the reader's.
        public static let unsupportedSchemaVersion = Code(name: "unsupportedSchemaVersion")
        /// A store file was written by a newer, unknown on-disk format.
        public static let unsupportedFormatVersion = Code(name: "unsupportedFormatVersion")
        /// A store file is damaged (bad checksum, bad header, broken framing) and the recovery
        /// policy forbids dropping the damaged part.
        public static let corruptStore = Code(name: "corruptStore")
        /// A record read back does not match its checksum (damaged after it was written).
        public static let corruptRecord = Code(name: "corruptRecord")
        /// The store is encrypted and no key was given, or a key was given for a plain store.
        public static let encryptionMismatch = Code(name: "encryptionMismatch")
        /// The key does not open the store, or a record fails authentication.
        public static let wrongKey = Code(name: "wrongKey")
        /// Another process (or another open `SignalStore`) holds the store.
        public static let storeLocked = Code(name: "storeLocked")
        /// A system call failed; the store refuses further writes until it is reopened.
        public static let ioFailure = Code(name: "ioFailure")
        /// Tuning data or settings do not fit the model (empty batch, too long, token outside
        /// the vocabulary, non-finite values).
        public static let invalidTrainingData = Code(name: "invalidTrainingData")
        /// Two parameter sets do not match (names or shapes), or a delta does not reproduce the
        /// tuned parameters exactly.
        public static let parameterMismatch = Code(name: "parameterMismatch")
        /// The store was closed with ``SignalStore/close()``; open it again to use it.
        public static let storeClosed = Code(name: "storeClosed")
        public var description: String { name }
    }

    /// The stable code; switch on this, not on the message.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String

    /// An error with `code` and an actionable `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SignalError.\(code): \(message)" }
}
