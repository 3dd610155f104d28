import GensynPrimitives

/// Hanson's logarithmic market scoring rule, C(q) = b·ln Σᵢ exp(qᵢ/b), in log-sum-exp form with
/// certified bounds.
///
/// State is kept relative to a reference quantity `r` (an exact 18-decimal value): each outcome
/// holds bounds of `exp((qᵢ − r)/b)` and the rule keeps their sums, so
/// `C(q) = r + b·ln S` and a quote is one exp and one ln (O(1)). Because `r` cancels exactly in
/// C(q′) − C(q), re-normalising (moving `r` to max q and recomputing every term, O(n)) only
/// replaces one valid enclosure of C by another: every quote still brackets the exact cost.
/// A buy is charged ⌈upper(C(q′)) − lower(C(q))⌉ and a sell pays ⌊lower(C(q)) − upper(C(q′))⌋.
public struct LMSR: PricingRule {
    /// The liquidity parameter b.
    public let liquidity: UFixed18
    /// Collateral the maker deposits: ⌈b·ln n⌉ (its worst-case loss).
    public let funding: UFixed18
    /// Number of outcomes (2…20).
    public let outcomeCount: Int

    let b: Int128
    let recipLo: UInt128, recipHi: UInt128, recipShift: Int
    private(set) var q: [Int128]
    private(set) var reference: Int128 = 0
    private(set) var termLo: [UInt128]
    private(set) var termHi: [UInt128]
    private(set) var sumLo: UInt128 = 0
    private(set) var sumHi: UInt128 = 0
    private(set) var lnSumLo: Int128 = 0

    /// A term this large (t ≥ 40) leaves the O(1) frame: the quote recomputes around max q.
    static let fastLimit: Int128 = 40 << 64
    /// After a trade, re-normalise when a term exceeds e^32 or the sum drops below 1/2: terms carry
    /// absolute errors (≤ 8 ulps each), so S ≥ 1/2 keeps S's relative gap ≤ 20·8·2 ulps + 2^-58 <
    /// 2^-55.4, and the quote's gap ≤ b·(2·2^-55.4 + 32 ulps) + 1 raw < b·2^-54 + 1 raw.
    static let renormLimit: Int128 = 32 << 64
    static let minSum: UInt128 = 1 << 63

    /// Smallest accepted b: 10⁻⁹.
    public static let minimumLiquidity = UFixed18(raw: 1_000_000_000)
    /// Largest accepted b: 10¹².
    public static let maximumLiquidity = UFixed18(raw: UInt256(UInt128(maxEngineRaw)))

    /// A market of `outcomes` outcomes with liquidity `b`; ``funding`` = ⌈b·ln n⌉.
    /// - Throws: ``MarketError`` `.invalidConfiguration`.
    public init(outcomes: Int, liquidity: UFixed18) throws(MarketError) {
        guard (2...20).contains(outcomes) else {
            throw MarketError(.invalidConfiguration, "a market needs 2 to 20 outcomes, not \(outcomes)")
        }
        guard liquidity >= LMSR.minimumLiquidity && liquidity <= LMSR.maximumLiquidity else {
            throw MarketError(.invalidConfiguration, "liquidity b must be between 0.000000001 and 10^12, not \(liquidity)")
        }
        let b = Int128(liquidity.raw.uint128!)
        self.liquidity = liquidity
        self.outcomeCount = outcomes
        self.b = b
        // 2^(126+L)/b with L = bit length of b: a reciprocal in [2^126, 2^127], so d/b is one product.
        let bits = 128 - UInt128(b).leadingZeroBitCount
        let numerator: (UInt128, UInt128) = bits >= 2 ? (UInt128(1) << (bits - 2), 0) : (0, UInt128(1) << 127)
        let (r, rem) = UInt128(b).dividingFullWidth(numerator)
        recipLo = r
        recipHi = rem == 0 ? r : r + 1
        recipShift = 62 + bits
        q = Array(repeating: 0, count: outcomes)
        termLo = Array(repeating: 0, count: outcomes)
        termHi = Array(repeating: 0, count: outcomes)
        let lnN = BoundedMath.ln(UInt128(outcomes) << 64, up: true)
        funding = UFixed18(engine: Int128(mulDiv128(UInt128(b), UInt128(lnN), 1 << 64, up: true)!))
        rebuild()
    }

    /// The largest b whose ⌈b·ln n⌉ fits `funding`.
    public init(outcomes: Int, funding: UFixed18) throws(MarketError) {
        guard (2...20).contains(outcomes) else {
            throw MarketError(.invalidConfiguration, "a market needs 2 to 20 outcomes, not \(outcomes)")
        }
        let f = try funding.engineRaw("funding")
        let lnN = BoundedMath.ln(UInt128(outcomes) << 64, up: true)
        var b = mulDiv128(UInt128(f), 1 << 64, UInt128(lnN), up: false) ?? 0
        var rule = try LMSR(outcomes: outcomes, liquidity: UFixed18(engine: Int128(max(b, 1_000_000_000))))
        while rule.funding > funding && b > 1_000_000_000 {  // at most a step or two
            b -= 1
            rule = try LMSR(outcomes: outcomes, liquidity: UFixed18(engine: Int128(b)))
        }
        guard rule.funding <= funding else {
            throw MarketError(.invalidConfiguration, "funding \(funding) is too small for a market of \(outcomes) outcomes")
        }
        self = rule
    }

    // MARK: Core (raw units)

    /// Bound of d/b as B64, clamped to ±2^126.
    @inline(__always)
    func ratio(_ d: Int128, up: Bool) -> Int128 {
        let negative = d < 0
        let magUp = up != negative
        let p = fullProduct(d.magnitude, magUp ? recipHi : recipLo)
        guard let m = shiftRight(p.high, p.low, by: recipShift, up: magUp), m < 1 << 126 else {
            return negative ? -(1 << 126) : 1 << 126
        }
        return negative ? -Int128(m) : Int128(m)
    }

    /// b·x (x in B64) rounded as asked, in raw units.
    @inline(__always)
    func timesB(_ x: Int128, up: Bool) -> Int128 {
        let negative = x < 0
        let p = fullProduct(UInt128(b), x.magnitude)
        let m = shiftRight(p.high, p.low, by: 64, up: up != negative) ?? UInt128(Int128.max)
        let v = Int128(min(m, UInt128(Int128.max)))
        return negative ? -v : v
    }

    /// Recomputes every term around r = max q (O(n)).
    mutating func rebuild() {
        reference = q.max()!
        sumLo = 0
        sumHi = 0
        for i in 0..<outcomeCount {
            let d = q[i] - reference
            termLo[i] = BoundedMath.exp(ratio(d, up: false), up: false)
            termHi[i] = BoundedMath.exp(ratio(d, up: true), up: true)
            sumLo += termLo[i]
            sumHi += termHi[i]
        }
        lnSumLo = BoundedMath.ln(sumLo, up: false)
    }

    /// ⌈upper(C(q′)) − lower(C(q))⌉ where q′ is q with qᵢ = newQ: the buy cost (or minus the sell
    /// proceeds).
    @inline(__always)
    func chargedDelta(_ i: Int, _ newQ: Int128) -> Int128 {
        let tHi = ratio(newQ - reference, up: true)
        if tHi < LMSR.fastLimit {
            let sHi = sumHi - termHi[i] + BoundedMath.exp(tHi, up: true)
            // A sum far below 1 would lose relative precision (terms carry absolute errors).
            if sHi >= LMSR.minSum {
                return timesB(BoundedMath.ln(sHi, up: true) - lnSumLo, up: true)
            }
        }
        // Leaves the frame: recompute C(q′) around its own maximum (O(n)).
        var ref = newQ
        for j in 0..<outcomeCount where j != i { ref = max(ref, q[j]) }
        var sHi: UInt128 = 0
        for j in 0..<outcomeCount {
            let d = (j == i ? newQ : q[j]) - ref
            sHi += BoundedMath.exp(ratio(d, up: true), up: true)
        }
        return (ref - reference) + timesB(BoundedMath.ln(sHi, up: true) - lnSumLo, up: true)
    }

    /// Applies qᵢ = newQ, keeping the sums exact and re-normalising when needed.
    mutating func commit(_ i: Int, _ newQ: Int128) {
        q[i] = newQ
        let d = newQ - reference
        let tHi = ratio(d, up: true)
        if tHi >= LMSR.renormLimit { rebuild(); return }
        let lo = BoundedMath.exp(ratio(d, up: false), up: false)
        let hi = BoundedMath.exp(tHi, up: true)
        sumLo = sumLo - termLo[i] + lo
        sumHi = sumHi - termHi[i] + hi
        termLo[i] = lo
        termHi[i] = hi
        if sumLo < LMSR.minSum { rebuild(); return }
        lnSumLo = BoundedMath.ln(sumLo, up: false)
    }

    /// Buy cost in raw units (O(1) unless the trade leaves the frame).
    @inline(__always)
    package func rawBuyCost(_ i: Int, _ delta: Int128) -> Int128 {
        // The exact cost is below Δ (prices are below 1), so capping at Δ keeps the bound valid
        // and a near-certain outcome never costs more than it can pay.
        min(max(0, chargedDelta(i, q[i] + delta)), delta)
    }

    /// Sell proceeds in raw units.
    @inline(__always)
    package func rawSellProceeds(_ i: Int, _ delta: Int128) -> Int128 {
        max(0, -chargedDelta(i, q[i] - delta))
    }

    /// The most shares `budget` buys (raw).
    package func rawShares(_ i: Int, budget: Int128) -> Int128 {
        guard budget > 0 else { return 0 }
        // Exact: new tᵢ = B/b + ln(eᵢ + S₋ᵢ·(1 − e^(−B/b))). Lower bounds everywhere give Δ ≤ optimum.
        let u = ratio(budget, up: false)
        var delta = maxEngineRaw - q[i]
        if u >= 1 << 100 {
            // e^(−B/b) vanishes: new tᵢ = B/b + ln S (an over-estimate by < e^(−2^36); the loop trims it).
            delta = min(budget + reference - q[i] + timesB(lnSumLo, up: false), delta)
        } else {
            let em = BoundedMath.exp(-u, up: true)
            let w = em < BoundedMath.one ? BoundedMath.one - em : 0
            let a = termLo[i] + mulB64Unchecked(sumLo - termLo[i], w, up: false)
            guard a > 0 else { return 0 }
            let t = u + BoundedMath.ln(a, up: false)
            delta = min(timesB(t, up: false) + reference - q[i], delta)
        }
        // The charged cost adds the enclosure gap: step back by excess / (lowest price) until it fits.
        for _ in 0..<40 {
            guard delta > 0 else { return 0 }
            let c = rawBuyCost(i, delta)
            if c <= budget { return delta }
            // cost(Δ) − cost(Δ − x) ≤ x·pᵢ(after): cutting 5/4·excess/pᵢ(after) + 1 nearly always fits.
            let excess = UInt128(c - budget)
            let (num, den) = priceAfter(i, q[i] + delta)
            let cut = den == 0 || num == 0 ? UInt128(delta) : (mulDiv128(excess + excess / 4, den, num, up: true) ?? UInt128(delta)) + 1
            delta -= Int128(min(cut, UInt128(delta)))
        }
        return 0
    }

    /// A lower bound of pᵢ after setting qᵢ = newQ, as a fraction (numerator, denominator).
    func priceAfter(_ i: Int, _ newQ: Int128) -> (UInt128, UInt128) {
        let d = newQ - reference
        let tHi = ratio(d, up: true)
        guard tHi < LMSR.fastLimit else { return (1, 1) }  // dominant outcome: pᵢ ≈ 1
        let lo = BoundedMath.exp(ratio(d, up: false), up: false)
        return (lo, sumHi - termHi[i] + BoundedMath.exp(tHi, up: true))
    }

    /// Price lower bounds (raw): ⌊eᵢ_lo · 10¹⁸ / S_hi⌋. They sum to 1 − ε with 0 ≤ ε ≤ n·10⁻¹⁸ + 2⁻⁵⁶.
    package var rawPrices: [Int128] {
        (0..<outcomeCount).map { Int128(mulDiv128(termLo[$0], 1_000_000_000_000_000_000, sumHi, up: false)!) }
    }

    /// Certified bounds of C(q) in raw units.
    package var rawCostBounds: (lower: Int128, upper: Int128) {
        (reference + timesB(lnSumLo, up: false), reference + timesB(BoundedMath.ln(sumHi, up: true), up: true))
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
        guard d <= q[outcome] else {
            throw MarketError(.insufficientShares, "only \(UFixed18(engine: q[outcome])) shares of outcome \(outcome) are outstanding")
        }
        return UFixed18(engine: rawSellProceeds(outcome, d))
    }

    public func shares(outcome: Int, forBudget budget: UFixed18) throws(MarketError) -> UFixed18 {
        try checkOutcome(outcome, outcomeCount)
        let amount = try budget.engineRaw("amount")
        return UFixed18(engine: rawShares(outcome, budget: amount))
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

    public func settlementValues(winners: [Int], pot: UFixed18) -> [UFixed18] {
        let each = UFixed18(engine: 1_000_000_000_000_000_000 / Int128(max(winners.count, 1)))
        return (0..<outcomeCount).map { winners.contains($0) ? each : .zero }
    }
}

// MARK: - Naive O(n) reference (benchmark baseline and cross-check)

extension LMSR {
    /// Bounds of C(q) with qᵢ replaced by `newQ`, recomputed from scratch around max q (O(n)).
    package func naiveCostBounds(replacing i: Int, with newQ: Int128) -> (lower: Int128, upper: Int128) {
        var ref = newQ
        for j in 0..<outcomeCount where j != i { ref = max(ref, q[j]) }
        var lo: UInt128 = 0, hi: UInt128 = 0
        for j in 0..<outcomeCount {
            let d = (j == i ? newQ : q[j]) - ref
            lo += BoundedMath.exp(ratio(d, up: false), up: false)
            hi += BoundedMath.exp(ratio(d, up: true), up: true)
        }
        return (ref + timesB(BoundedMath.ln(lo, up: false), up: false), ref + timesB(BoundedMath.ln(hi, up: true), up: true))
    }

    /// The buy quote computed naively: ⌈upper(C(q′))⌉ − ⌊lower(C(q))⌋, both from scratch.
    package func naiveBuyCost(outcome i: Int, shares: UFixed18) -> UFixed18 {
        let d = Int128(shares.raw.uint128!)
        let after = naiveCostBounds(replacing: i, with: q[i] + d).upper
        let before = naiveCostBounds(replacing: i, with: q[i]).lower
        return UFixed18(engine: max(0, after - before))
    }

    /// The sell quote computed naively.
    package func naiveSellProceeds(outcome i: Int, shares: UFixed18) -> UFixed18 {
        let d = Int128(shares.raw.uint128!)
        let after = naiveCostBounds(replacing: i, with: q[i] - d).upper
        let before = naiveCostBounds(replacing: i, with: q[i]).lower
        return UFixed18(engine: max(0, before - after))
    }
}
