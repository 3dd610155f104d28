import Chain

/// A JSON-RPC call that failed: an error the node returned, a timeout, a transport failure, or a
/// response that is not valid JSON-RPC.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }
        /// The node answered with a JSON-RPC error (see ``RPCError/rpcCode``).
        public static let rpc = Code("rpc")
        /// A call reverted; ``RPCError/revert`` holds the decoded reason.
        public static let reverted = Code("reverted")
        /// No answer within the timeout.
        public static let timeout = Code("timeout")
        /// The connection failed or the server answered with a non-200 HTTP status.
        public static let transport = Code("transport")
        /// The answer is not the JSON-RPC the method promises.
        public static let malformedResponse = Code("malformedResponse")
    }

    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String
    /// The JSON-RPC error code, for ``Code/rpc`` and ``Code/reverted``.
    public let rpcCode: Int?
    /// Revert data or other error data the node attached.
    public let data: [UInt8]?

    /// An error from its parts.
    public init(_ code: Code, _ message: String, rpcCode: Int? = nil, data: [UInt8]? = nil) {
        self.code = code
        self.message = message
        self.rpcCode = rpcCode
        self.data = data
    }

    /// The decoded revert reason, when a call reverted with data.
    public var revert: RevertReason? { data.map { RevertReason(data: $0) } }

    public var description: String { "RPCError.\(code): \(message)" }
}
