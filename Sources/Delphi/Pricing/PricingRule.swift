import GensynPrimitives

/// A cost-function market maker: quotes and applies trades on a vector of outstanding shares.
///
/// Every quote rounds in the maker's favour: ``buyCost(outcome:shares:)`` is never below the exact
/// cost C(q + Δeᵢ) − C(q), ``sellProceeds(outcome:shares:)`` never above the exact proceeds. A failed
/// call leaves the rule unchanged. Conformers: ``LMSR`` and ``DynamicParimutuel``.
///
/// Baskets (several outcomes at once) and perpetual markets plug in here later: a basket trade is
/// a quote on a quantity *vector* (`buyCost(deltas:)`, same bound argument, one exp per changed
/// outcome), and a perpetual market keeps the rule and replaces settlement by periodic marks.
public protocol PricingRule: Sendable {
    /// Number of outcomes (2…20).
    var outcomeCount: Int { get }
    /// The collateral the market maker deposits at creation (its worst-case loss).
    var funding: UFixed18 { get }
    /// Outstanding shares per outcome.
    var quantities: [UFixed18] { get }
    /// Current prices (marginal costs), each rounded down.
    var prices: [UFixed18] { get }
    /// What buying `shares` of `outcome` costs now, rounded up.
    func buyCost(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18
    /// What selling `shares` of `outcome` returns now, rounded down.
    func sellProceeds(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18
    /// The most shares of `outcome` whose ``buyCost(outcome:shares:)`` is ≤ `budget` (closed form,
    /// tightened so the quote never exceeds the budget).
    func shares(outcome: Int, forBudget budget: UFixed18) throws(MarketError) -> UFixed18
    /// Applies a buy, returning its cost (the same number ``buyCost(outcome:shares:)`` quotes).
    mutating func buy(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18
    /// Applies a sell, returning its proceeds.
    mutating func sell(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18
    /// Value paid per share of each outcome at settlement, given the winners and the collateral
    /// held (`pot`). LMSR pays 1 (1/m on an m-way tie); the parimutuel rule splits the pot.
    func settlementValues(winners: [Int], pot: UFixed18) -> [UFixed18]
}

/// Quantities are kept below 10³⁰ raw units (10¹² shares), so the engine computes in 128 bits.
let maxEngineRaw: Int128 = 1_000_000_000_000_000_000_000_000_000_000

extension UFixed18 {
    /// The raw value as an engine quantity, or `.outOfRange`.
    func engineRaw(_ what: String) throws(MarketError) -> Int128 {
        guard let v = raw.uint128, v <= UInt128(maxEngineRaw) else {
            throw MarketError(.outOfRange, "\(what) \(self) exceeds the market limit of 10^12")
        }
        return Int128(v)
    }

    init(engine raw: Int128) {
        self.init(raw: UInt256(UInt128(raw)))
    }
}

func checkOutcome(_ outcome: Int, _ count: Int) throws(MarketError) {
    guard outcome >= 0 && outcome < count else {
        throw MarketError(.unknownOutcome, "outcome \(outcome) does not exist (the market has outcomes 0…\(count - 1))")
    }
}

func positiveAmount(_ value: UFixed18, _ what: String) throws(MarketError) -> Int128 {
    let raw = try value.engineRaw(what)
    guard raw > 0 else { throw MarketError(.invalidAmount, "\(what) must be greater than zero") }
    return raw
}
