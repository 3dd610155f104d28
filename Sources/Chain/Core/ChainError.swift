/// An error from the Chain codec: bad hex, a malformed address, RLP, ABI or transaction, or a
/// signature that does not verify.
///
/// Each error carries a stable ``Code`` (match on it) and a message a user can act on.
public struct ChainError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes. Compare codes, not messages.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Text is not valid hex.
        public static let invalidHex = Code("invalidHex")
        /// A value has the wrong byte length (address, hash, key, signature part).
        public static let invalidLength = Code("invalidLength")
        /// A mixed-case address whose EIP-55 checksum does not match.
        public static let invalidChecksum = Code("invalidChecksum")
        /// RLP input ends before an item does.
        public static let rlpTruncated = Code("rlpTruncated")
        /// RLP that is not the canonical (minimal) encoding.
        public static let rlpNonCanonical = Code("rlpNonCanonical")
        /// Bytes left over after the RLP item.
        public static let rlpTrailingBytes = Code("rlpTrailingBytes")
        /// RLP nested deeper than the decoder allows.
        public static let rlpTooDeep = Code("rlpTooDeep")
        /// An RLP item has the wrong shape (list where bytes expected, or the reverse; wrong arity).
        public static let rlpUnexpectedShape = Code("rlpUnexpectedShape")
        /// An ``RLPView`` read with an array other than the one it was made from.
        public static let rlpInputMismatch = Code("rlpInputMismatch")
        /// An output buffer with too little free capacity for the encoding.
        public static let outputTooSmall = Code("outputTooSmall")
        /// An integer with leading zero bytes, or wider than its field.
        public static let invalidInteger = Code("invalidInteger")
        /// An ABI type string that does not parse.
        public static let abiInvalidType = Code("abiInvalidType")
        /// An ABI value that does not match its type.
        public static let abiTypeMismatch = Code("abiTypeMismatch")
        /// ABI data that is malformed: bad offset, length, padding or short data.
        public static let abiInvalidData = Code("abiInvalidData")
        /// A JSON ABI document that does not parse.
        public static let abiInvalidJSON = Code("abiInvalidJSON")
        /// A private key that is zero or not below the curve order.
        public static let invalidPrivateKey = Code("invalidPrivateKey")
        /// A public key that is not a point on secp256k1.
        public static let invalidPublicKey = Code("invalidPublicKey")
        /// A signature that is malformed, out of range, or does not recover.
        public static let invalidSignature = Code("invalidSignature")
        /// A transaction that breaks a static validity rule.
        public static let invalidTransaction = Code("invalidTransaction")
        /// A transaction signed for another chain, or with a v that encodes no valid chain id.
        public static let invalidChainId = Code("invalidChainId")
        /// A transaction whose gas limit is below its intrinsic gas.
        public static let intrinsicGasTooLow = Code("intrinsicGasTooLow")
        /// EIP-712 typed data that is malformed.
        public static let invalidTypedData = Code("invalidTypedData")
    }

    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String

    /// An error with a stable code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "ChainError.\(code): \(message)" }
}
