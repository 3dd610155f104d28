/// A market operation that was refused. The market is left exactly as it was.
public struct MarketError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes (also the `error` prefix in replay output).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// Market parameters out of range (outcomes, b/funding, fee, split, deadlines).
        public static let invalidConfiguration = Code(name: "invalidConfiguration")
        /// Outcome index not in 0..<outcomes.
        public static let unknownOutcome = Code(name: "unknownOutcome")
        /// A replay op that is not understood: unknown op name, missing account, time going backwards.
        public static let invalidOperation = Code(name: "invalidOperation")
        /// Zero, negative or malformed amount.
        public static let invalidAmount = Code(name: "invalidAmount")
        /// Amount beyond what the market engine represents (quantities up to 10¹² shares).
        public static let outOfRange = Code(name: "outOfRange")
        /// Selling more shares than the account holds.
        public static let insufficientShares = Code(name: "insufficientShares")
        /// Trade or close outside the OPEN state, or after the trading deadline.
        public static let marketNotOpen = Code(name: "marketNotOpen")
        /// Settle or expire when the market is not CLOSED, or settle after the window.
        public static let marketNotClosed = Code(name: "marketNotClosed")
        /// Expire before the settlement window has ended.
        public static let tooEarly = Code(name: "tooEarly")
        /// Claim before the market is SETTLED or EXPIRED.
        public static let notFinal = Code(name: "notFinal")
        /// The account already claimed.
        public static let alreadyClaimed = Code(name: "alreadyClaimed")
        /// The account never traded in this market.
        public static let unknownAccount = Code(name: "unknownAccount")
        /// Scores missing, malformed, or not one per outcome.
        public static let invalidScores = Code(name: "invalidScores")
        /// Cost above the buyer's limit or proceeds below the seller's limit.
        public static let slippage = Code(name: "slippage")
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

    public var description: String { "\(code): \(message)" }
}
