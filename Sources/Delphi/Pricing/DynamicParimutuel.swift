import GensynPrimitives

/// The dynamic parimutuel rule of Gensyn's Delphi v2 contracts: C(q) = k·√Σqᵢ², marginal price
/// pᵢ = k·qᵢ/√Σqⱼ², with Σq² kept exactly at 36 decimals (256-bit).
///
/// The maker seeds every outcome with s = ⌊F/(k·√n)⌋ shares for its funding F (so C(q₀) ≤ F) and
/// the pot (funding + costs − proceeds) is split at settlement among the winning outcome's shares
/// (an m-way tie splits it in m equal parts first). Quotes round like LMSR's: a buy costs
/// ⌈C(q′)⌉ − ⌊C(q)⌋ with ⌈√⌉ and ⌊√⌋, a sell pays ⌊C(q)⌋ − ⌈C(q′)⌉. Prices are marginal costs: they
/// sum to between k and k·√n, not to 1; normalised probabilities are qᵢ²/Σq².
public struct DynamicParimutuel: PricingRule {
    /// Number of outcomes (2…20).
    public let outcomeCount: Int
    /// The maker's seed money F (the initial pot).
    public let funding: UFixed18
    /// The cost scale k.
    public let k: UFixed18
    /// Seed shares per outcome (held by the maker).
    public let seed: UFixed18

    private(set) var q: [Int128]
    private(set) var sumSquares: UInt256
    private(set) var costLower: Int128

    static let wad: UInt256 = UFixed18.scale

    /// A market of `outcomes` outcomes seeded by `funding`, with cost scale `k` (default 1).
    public init(outcomes: Int, funding: UFixed18, k: UFixed18 = .one) throws(MarketError) {
        guard (2...20).contains(outcomes) else {
            throw MarketError(.invalidConfiguration, "a market needs 2 to 20 outcomes, not \(outcomes)")
        }
        guard k >= UFixed18(raw: 1_000_000) && k <= UFixed18(1_000_000) else {
            throw MarketError(.invalidConfiguration, "k must be between 10^-12 and 10^6")
        }
        let f = try funding.engineRaw("funding")
        let sqrtN = (UInt256(UInt64(outcomes)) &* DynamicParimutuel.wad &* DynamicParimutuel.wad).squareRoot(rounding: .up)
        var s = (try? UInt256.mulDiv(UInt256(UInt128(f)), DynamicParimutuel.wad &* DynamicParimutuel.wad, k.raw &* sqrtN, rounding: .down))?.uint128 ?? 0
        guard s > 0 else { throw MarketError(.invalidConfiguration, "funding \(funding) is too small to seed \(outcomes) outcomes") }
        // Make sure the seed's upper cost fits the funding.
        var rule: DynamicParimutuel
        repeat {
            rule = DynamicParimutuel(outcomes: outcomes, funding: funding, k: k, seed: Int128(s))
            s -= 1
        } while UInt128(rule.costUpper(rule.sumSquares)) > UInt128(f) && s > 0
        self = rule
    }

    private init(outcomes: Int, funding: UFixed18, k: UFixed18, seed: Int128) {
        self.outcomeCount = outcomes
        self.funding = funding
        self.k = k
        self.seed = UFixed18(engine: seed)
        q = Array(repeating: seed, count: outcomes)
        let s = UInt256(UInt128(seed))
        sumSquares = (s &* s) &* UInt256(UInt64(outcomes))
        costLower = 0
        costLower = costBound(sumSquares, rounding: .down)
    }

    /// ⌊k·√S⌋ or ⌈k·√S⌉ in raw units (S at 36 decimals).
    func costBound(_ s: UInt256, rounding: Rounding) -> Int128 {
        let root = s.squareRoot(rounding: rounding)
        let c = (try? UInt256.mulDiv(k.raw, root, DynamicParimutuel.wad, rounding: rounding)) ?? UInt256(UInt128(Int128.max))
        return Int128(c.uint128 ?? UInt128(Int128.max))
    }

    func costUpper(_ s: UInt256) -> Int128 { costBound(s, rounding: .up) }

    func sumSquares(replacing i: Int, with newQ: Int128) -> UInt256 {
        let old = UInt256(UInt128(q[i])), new = UInt256(UInt128(newQ))
        return sumSquares &- old &* old &+ new &* new
    }

    package func rawBuyCost(_ i: Int, _ delta: Int128) -> Int128 {
        max(0, costUpper(sumSquares(replacing: i, with: q[i] + delta)) - costLower)
    }

    package func rawSellProceeds(_ i: Int, _ delta: Int128) -> Int128 {
        max(0, costLower - costUpper(sumSquares(replacing: i, with: q[i] - delta)))
    }

    package func rawShares(_ i: Int, budget: Int128) -> Int128 {
        guard budget > 0 else { return 0 }
        // k·√(S₋ᵢ + (qᵢ+Δ)²) ≤ C + B  ⇔  (qᵢ+Δ)² ≤ ((C+B)/k)² − S₋ᵢ.
        let target = UInt256(UInt128(costLower + budget))
        guard let y = try? UInt256.mulDiv(target, DynamicParimutuel.wad, k.raw, rounding: .down) else { return 0 }
        let qi = UInt256(UInt128(q[i]))
        let others = sumSquares &- qi &* qi
        guard let y2 = try? y.checkedMultiply(y), y2 > others else { return 0 }
        let newQ = (y2 &- others).squareRoot(rounding: .down)
        var delta = Int128(newQ.uint128 ?? UInt128(maxEngineRaw)) - q[i]
        delta = min(delta, maxEngineRaw - q[i])
        for _ in 0..<64 {
            guard delta > 0 else { return 0 }
            let c = rawBuyCost(i, delta)
            if c <= budget { return delta }
            // cost(Δ) − cost(Δ − x) ≤ x·pᵢ(after): cut 5/4 · excess / pᵢ(after) + 1.
            let newQ = UInt256(UInt128(q[i] + delta))
            let root = sumSquares(replacing: i, with: q[i] + delta).squareRoot(rounding: .up)
            let excess = UInt256(UInt128(c - budget))
            let cut = (try? UInt256.mulDiv((excess &+ (excess >> 2)) &* DynamicParimutuel.wad, root, k.raw &* newQ, rounding: .up))
                .map { $0.uint128 ?? UInt128(delta) } ?? UInt128(delta)
            delta -= Int128(min(cut + 1, UInt128(delta)))
        }
        return 0
    }

    package var rawPrices: [Int128] {
        let root = sumSquares.squareRoot(rounding: .up)
        return q.map { qi in
            Int128((try! UInt256.mulDiv(k.raw, UInt256(UInt128(qi)), root, rounding: .down)).uint128!)
        }
    }

    mutating func commit(_ i: Int, _ newQ: Int128) {
        sumSquares = sumSquares(replacing: i, with: newQ)
        q[i] = newQ
        costLower = costBound(sumSquares, rounding: .down)
    }

    // MARK: PricingRule (documented on the protocol)

    public var quantities: [UFixed18] { q.map { UFixed18(engine: $0) } }
    public var prices: [UFixed18] { rawPrices.map { UFixed18(engine: $0) } }

    public func buyCost(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18 {
        try checkOutcome(outcome, outcomeCount)
        let d = try positiveAmount(shares, "shares")
        guard q[outcome] + d <= maxEngineRaw else {
            throw MarketError(.outOfRange, "buying \(shares) would take outcome \(outcome) past 10^12 shares")
        }
        return UFixed18(engine: rawBuyCost(outcome, d))
    }

    public func sellProceeds(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18 {
        try checkOutcome(outcome, outcomeCount)
        let d = try positiveAmount(shares, "shares")
        guard d <= q[outcome] - Int128(seed.raw.uint128!) else {
            throw MarketError(.insufficientShares, "only \(UFixed18(engine: q[outcome] - Int128(seed.raw.uint128!))) traded shares of outcome \(outcome) are outstanding")
        }
        return UFixed18(engine: rawSellProceeds(outcome, d))
    }

    public func shares(outcome: Int, forBudget budget: UFixed18) throws(MarketError) -> UFixed18 {
        try checkOutcome(outcome, outcomeCount)
        return UFixed18(engine: rawShares(outcome, budget: try budget.engineRaw("amount")))
    }

    public mutating func buy(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18 {
        let cost = try buyCost(outcome: outcome, shares: shares)
        commit(outcome, q[outcome] + Int128(shares.raw.uint128!))
        return cost
    }

    public mutating func sell(outcome: Int, shares: UFixed18) throws(MarketError) -> UFixed18 {
        let proceeds = try sellProceeds(outcome: outcome, shares: shares)
        commit(outcome, q[outcome] - Int128(shares.raw.uint128!))
        return proceeds
    }

    /// Each winning share gets ⌊pot / (m · q_w)⌋ (m tied winners).
    public func settlementValues(winners: [Int], pot: UFixed18) -> [UFixed18] {
        let m = UInt256(UInt64(max(winners.count, 1)))
        return (0..<outcomeCount).map { i in
            guard winners.contains(i), q[i] > 0 else { return .zero }
            let v = try? UInt256.mulDiv(pot.raw, DynamicParimutuel.wad, m &* UInt256(UInt128(q[i])), rounding: .down)
            return UFixed18(raw: v ?? .zero)
        }
    }
}
