/// Parameters fixed when a market is created.
public struct MarketConfiguration: Sendable, Hashable {
    /// How the maker's liquidity is given: LMSR's b, or the funding it deposits (b = funding / ln n).
    public enum Liquidity: Sendable, Hashable {
        case b(UFixed18)
        case funding(UFixed18)
    }

    /// The cost function.
    public enum Rule: String, Sendable, Hashable {
        /// Hanson's LMSR (``LMSR``).
        case lmsr
        /// The dynamic parimutuel rule (``DynamicParimutuel``).
        case parimutuel
    }

    /// Number of outcomes (models), 2…20.
    public var outcomes: Int
    /// LMSR's b or the maker's funding.
    public var liquidity: Liquidity
    /// The cost function.
    public var rule: Rule
    /// Fee rate on every trade's cost or proceeds, 0…0.2 (Gensyn's contracts use 0.5–5%).
    public var feeRate: UFixed18
    /// Share of each fee that goes to the market creator (0…1); the rest goes to the protocol.
    public var creatorFeeShare: UFixed18
    /// Trading stops at this time (seconds); nil: only ``Market/close(now:)`` stops it.
    public var tradingDeadline: UInt64?
    /// How long after closing a settlement is accepted (seconds, ≤ 30 days); after it the market
    /// can only expire.
    public var settlementWindow: UInt64

    /// A configuration; ranges are checked when the ``Market`` is created.
    public init(
        outcomes: Int, liquidity: Liquidity, rule: Rule = .lmsr, feeRate: UFixed18 = .zero,
        creatorFeeShare: UFixed18 = .one, tradingDeadline: UInt64? = nil, settlementWindow: UInt64 = 86_400
    ) {
        self.outcomes = outcomes
        self.liquidity = liquidity
        self.rule = rule
        self.feeRate = feeRate
        self.creatorFeeShare = creatorFeeShare
        self.tradingDeadline = tradingDeadline
        self.settlementWindow = settlementWindow
    }

    /// Checks the ranges and builds the pricing rule.
    func makeRule() throws(MarketError) -> any PricingRule {
        guard (2...20).contains(outcomes) else {
            throw MarketError(.invalidConfiguration, "a market needs 2 to 20 outcomes, not \(outcomes)")
        }
        guard feeRate <= UFixed18(raw: 200_000_000_000_000_000) else {
            throw MarketError(.invalidConfiguration, "fee rate \(feeRate) is above the maximum 0.2")
        }
        guard creatorFeeShare <= .one else {
            throw MarketError(.invalidConfiguration, "creator fee share \(creatorFeeShare) is above 1")
        }
        guard settlementWindow <= 30 * 86_400 else {
            throw MarketError(.invalidConfiguration, "settlement window \(settlementWindow)s is above 30 days")
        }
        switch (rule, liquidity) {
        case (.lmsr, .b(let b)): return try LMSR(outcomes: outcomes, liquidity: b)
        case (.lmsr, .funding(let f)): return try LMSR(outcomes: outcomes, funding: f)
        case (.parimutuel, .funding(let f)): return try DynamicParimutuel(outcomes: outcomes, funding: f)
        case (.parimutuel, .b(let b)):
            // Same worst-case funding as an LMSR market with this b: b·ln n.
            return try DynamicParimutuel(outcomes: outcomes, funding: LMSR(outcomes: outcomes, liquidity: b).funding)
        }
    }
}

/// Where a market is in its life.
public enum MarketPhase: String, Sendable, Hashable {
    /// Trading.
    case open
    /// Trading over; waiting for the evaluation result.
    case closed
    /// Settled from an evaluation result; claims pay the winners.
    case settled
    /// No result within the settlement window; claims pay the refund (frozen-price liquidation).
    case expired
}
