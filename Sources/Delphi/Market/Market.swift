import GensynPrimitives

/// An evaluation market as a pure state machine: every operation either returns its result and
/// moves the market on, or throws ``MarketError`` and leaves the market exactly as it was.
///
/// OPEN → (``close(now:)`` or the trading deadline) → CLOSED → ``settle(scores:now:)`` → SETTLED,
/// or, with no result within the settlement window, ``expire(now:)`` → EXPIRED. Each account then
/// ``claim(account:)``s once.
///
/// Refund rule on expiry: every position is liquidated at the frozen prices (the prices when
/// trading stopped, rounded down), scaled down only if their total value would exceed the pot. For
/// LMSR the scale is always 1 (Σ pᵢqᵢ ≤ C(q) ≤ pot).
public struct Market: Sendable {
    /// The parameters the market was created with.
    public let configuration: MarketConfiguration
    /// The pricing rule with its current quantities.
    public private(set) var rule: any PricingRule
    /// Where the market is in its life.
    public private(set) var phase: MarketPhase = .open
    /// Shares held per account and outcome.
    public private(set) var positions: [String: [UFixed18]] = [:]
    /// Per account: money received minus money paid (trades including fees, and claims).
    public private(set) var cashFlow: [String: SFixed18] = [:]
    /// Fees owed to the market creator.
    public private(set) var feesCreator: UFixed18 = .zero
    /// Fees owed to the protocol.
    public private(set) var feesProtocol: UFixed18 = .zero
    /// Sum of buy costs (before fees).
    public private(set) var collectedCosts: UFixed18 = .zero
    /// Sum of sell proceeds (before fees).
    public private(set) var paidProceeds: UFixed18 = .zero
    /// Sum of claims paid.
    public private(set) var paidPayouts: UFixed18 = .zero
    /// Collateral backing the shares: funding + costs − proceeds − payouts (fees held apart).
    public private(set) var pot: UFixed18
    /// When trading was closed (seconds).
    public private(set) var closedAt: UInt64?
    /// Winning outcomes after settlement.
    public private(set) var winners: [Int] = []
    /// Value per share of each outcome once SETTLED or EXPIRED.
    public private(set) var shareValues: [UFixed18] = []
    /// Accounts that have claimed.
    public private(set) var claimed: Set<String> = []

    /// Result of a trade.
    public struct Trade: Sendable, Hashable {
        /// Shares bought or sold.
        public var shares: UFixed18
        /// Pricing-rule cost (buy) or proceeds (sell), before fee.
        public var amount: UFixed18
        /// Fee charged: ⌈fee rate × amount⌉.
        public var fee: UFixed18
        /// What the trader paid (buy: amount + fee) or received (sell: amount − fee).
        public var total: UFixed18
        /// Prices after the trade.
        public var prices: [UFixed18]
    }

    /// Creates an OPEN market; the maker deposits ``PricingRule/funding``.
    public init(_ configuration: MarketConfiguration) throws(MarketError) {
        self.configuration = configuration
        self.rule = try configuration.makeRule()
        self.pot = rule.funding
    }

    /// The maker's profit and loss so far: costs − proceeds − payouts (fees excluded).
    public var makerPnL: SFixed18 {
        SFixed18(raw: Int256(bitPattern: collectedCosts.raw) &- Int256(bitPattern: paidProceeds.raw) &- Int256(bitPattern: paidPayouts.raw))
    }

    // MARK: Trading

    func checkOpen(_ now: UInt64) throws(MarketError) {
        guard phase == .open else { throw MarketError(.marketNotOpen, "the market is \(phase.rawValue); trading is over") }
        if let deadline = configuration.tradingDeadline, now >= deadline {
            throw MarketError(.marketNotOpen, "the trading deadline (\(deadline)) has passed")
        }
    }

    func fee(on amount: UFixed18) throws(MarketError) -> UFixed18 {
        do { return try amount.multiplied(by: configuration.feeRate, rounding: .up) } catch {
            throw MarketError(.outOfRange, "fee on \(amount) overflows")
        }
    }

    mutating func bookFee(_ fee: UFixed18) {
        let creator = (try? fee.multiplied(by: configuration.creatorFeeShare, rounding: .down)) ?? .zero
        feesCreator = UFixed18(raw: feesCreator.raw &+ creator.raw)
        feesProtocol = UFixed18(raw: feesProtocol.raw &+ fee.raw &- creator.raw)
    }

    mutating func addCash(_ account: String, _ delta: Int256) {
        cashFlow[account, default: .zero].raw = cashFlow[account, default: .zero].raw &+ delta
    }

    /// Buys `shares` of `outcome`; pays cost + ⌈fee rate × cost⌉. `maxPaid` is the slippage limit.
    public mutating func buy(
        account: String, outcome: Int, shares: UFixed18, maxPaid: UFixed18? = nil, now: UInt64 = 0
    ) throws(MarketError) -> Trade {
        try checkOpen(now)
        let cost = try rule.buyCost(outcome: outcome, shares: shares)
        let fee = try fee(on: cost)
        let paid = UFixed18(raw: cost.raw &+ fee.raw)
        if let limit = maxPaid, paid > limit {
            throw MarketError(.slippage, "buying costs \(paid), above the limit \(limit)")
        }
        return try applyBuy(account: account, outcome: outcome, shares: shares, cost: cost, fee: fee)
    }

    mutating func applyBuy(account: String, outcome: Int, shares: UFixed18, cost: UFixed18, fee: UFixed18) throws(MarketError) -> Trade {
        let charged = try rule.buy(outcome: outcome, shares: shares)
        precondition(charged == cost, "quote and trade disagree")
        var held = positions[account] ?? Array(repeating: .zero, count: rule.outcomeCount)
        held[outcome] = UFixed18(raw: held[outcome].raw &+ shares.raw)
        positions[account] = held
        collectedCosts = UFixed18(raw: collectedCosts.raw &+ cost.raw)
        pot = UFixed18(raw: pot.raw &+ cost.raw)
        bookFee(fee)
        addCash(account, Int256.zero &- Int256(bitPattern: cost.raw &+ fee.raw))
        return Trade(shares: shares, amount: cost, fee: fee, total: UFixed18(raw: cost.raw &+ fee.raw), prices: rule.prices)
    }

    /// Buys the most shares of `outcome` that `amount` pays for, fee included (paid ≤ amount).
    public mutating func buy(account: String, outcome: Int, spending amount: UFixed18, now: UInt64 = 0) throws(MarketError) -> Trade {
        try checkOpen(now)
        try checkOutcome(outcome, rule.outcomeCount)
        _ = try amount.engineRaw("amount")
        guard amount > .zero else { throw MarketError(.invalidAmount, "amount must be greater than zero") }
        // Largest cost c with c + ⌈f·c⌉ ≤ amount.
        let onePlusFee = UFixed18(raw: UFixed18.one.raw &+ configuration.feeRate.raw)
        var budget = (try? amount.divided(by: onePlusFee, rounding: .down)) ?? .zero
        while budget > .zero, UFixed18(raw: budget.raw &+ (try fee(on: budget)).raw) > amount {
            budget = UFixed18(raw: budget.raw &- .one)
        }
        let shares = try rule.shares(outcome: outcome, forBudget: budget)
        guard shares > .zero else {
            throw MarketError(.invalidAmount, "\(amount) is too small to buy any shares of outcome \(outcome)")
        }
        let cost = try rule.buyCost(outcome: outcome, shares: shares)
        let fee = try fee(on: cost)
        guard cost.raw &+ fee.raw <= amount.raw else {
            throw MarketError(.outOfRange, "could not fit a purchase of outcome \(outcome) within \(amount)")
        }
        return try applyBuy(account: account, outcome: outcome, shares: shares, cost: cost, fee: fee)
    }

    /// Sells `shares` of `outcome`; receives proceeds − ⌈fee rate × proceeds⌉. `minReceived` is the
    /// slippage limit.
    public mutating func sell(
        account: String, outcome: Int, shares: UFixed18, minReceived: UFixed18? = nil, now: UInt64 = 0
    ) throws(MarketError) -> Trade {
        try checkOpen(now)
        try checkOutcome(outcome, rule.outcomeCount)
        _ = try positiveAmount(shares, "shares")
        let held = positions[account]?[outcome] ?? .zero
        guard shares <= held else {
            throw MarketError(.insufficientShares, "\(account) holds \(held) shares of outcome \(outcome), cannot sell \(shares)")
        }
        let proceeds = try rule.sellProceeds(outcome: outcome, shares: shares)
        let fee = min(try fee(on: proceeds), proceeds)
        let received = UFixed18(raw: proceeds.raw &- fee.raw)
        if let limit = minReceived, received < limit {
            throw MarketError(.slippage, "selling returns \(received), below the limit \(limit)")
        }
        let paid = try rule.sell(outcome: outcome, shares: shares)
        precondition(paid == proceeds, "quote and trade disagree")
        positions[account]![outcome] = UFixed18(raw: held.raw &- shares.raw)
        paidProceeds = UFixed18(raw: paidProceeds.raw &+ proceeds.raw)
        pot = UFixed18(raw: pot.raw &- proceeds.raw)
        bookFee(fee)
        addCash(account, Int256(bitPattern: received.raw))
        return Trade(shares: shares, amount: proceeds, fee: fee, total: received, prices: rule.prices)
    }

    // MARK: Lifecycle

    /// Stops trading (OPEN → CLOSED).
    public mutating func close(now: UInt64 = 0) throws(MarketError) {
        guard phase == .open else { throw MarketError(.marketNotOpen, "the market is \(phase.rawValue), not open") }
        phase = .closed
        closedAt = now
    }

    /// Settles from an evaluation result (one score per outcome): the highest score wins, ties split.
    /// Accepted while CLOSED and within the settlement window.
    public mutating func settle(scores: [SFixed18], now: UInt64 = 0) throws(MarketError) -> [Int] {
        guard phase == .closed, let closed = closedAt else {
            throw MarketError(.marketNotClosed, "the market is \(phase.rawValue); settle needs a closed market")
        }
        guard now <= closed &+ configuration.settlementWindow else {
            throw MarketError(.marketNotClosed, "the settlement window ended at \(closed &+ configuration.settlementWindow); the market can only expire")
        }
        guard scores.count == rule.outcomeCount else {
            throw MarketError(.invalidScores, "expected \(rule.outcomeCount) scores, got \(scores.count)")
        }
        let best = scores.max()!
        let won = scores.indices.filter { scores[$0] == best }
        winners = won
        shareValues = rule.settlementValues(winners: won, pot: pot)
        phase = .settled
        return won
    }

    /// Expires a CLOSED market whose settlement window has ended: positions become refundable at
    /// the frozen prices (see the type's refund rule).
    public mutating func expire(now: UInt64) throws(MarketError) {
        guard phase == .closed, let closed = closedAt else {
            throw MarketError(.marketNotClosed, "the market is \(phase.rawValue); only a closed market can expire")
        }
        guard now > closed &+ configuration.settlementWindow else {
            throw MarketError(.tooEarly, "the settlement window runs until \(closed &+ configuration.settlementWindow)")
        }
        let prices = rule.prices
        let quantities = rule.quantities
        var total = UInt256.zero
        for i in prices.indices { total = total &+ ((try? UInt256.mulDiv(prices[i].raw, quantities[i].raw, UFixed18.scale)) ?? .max) }
        if total > pot.raw {
            shareValues = prices.map { UFixed18(raw: (try? UInt256.mulDiv($0.raw, pot.raw, total)) ?? .zero) }
        } else {
            shareValues = prices
        }
        phase = .expired
    }

    /// What `account` would receive from ``claim(account:)`` (zero before settlement or expiry).
    public func payout(for account: String) -> UFixed18 {
        guard !shareValues.isEmpty, let held = positions[account] else { return .zero }
        var sum = UInt256.zero
        for i in held.indices {
            sum = sum &+ ((try? UInt256.mulDiv(held[i].raw, shareValues[i].raw, UFixed18.scale)) ?? .zero)
        }
        return UFixed18(raw: sum)
    }

    /// Pays `account` its settlement payout or refund, exactly once.
    public mutating func claim(account: String) throws(MarketError) -> UFixed18 {
        guard phase == .settled || phase == .expired else {
            throw MarketError(.notFinal, "the market is \(phase.rawValue); claims open after settlement or expiry")
        }
        guard positions[account] != nil else { throw MarketError(.unknownAccount, "\(account) has no position in this market") }
        guard !claimed.contains(account) else { throw MarketError(.alreadyClaimed, "\(account) has already claimed") }
        let amount = payout(for: account)
        precondition(amount <= pot, "insolvent: payout above the pot")
        claimed.insert(account)
        paidPayouts = UFixed18(raw: paidPayouts.raw &+ amount.raw)
        pot = UFixed18(raw: pot.raw &- amount.raw)
        addCash(account, Int256(bitPattern: amount.raw))
        return amount
    }

    /// The largest amount the market may have to pay out if it settled now (max over outcomes of
    /// the traders' claims): the solvency check is `pot ≥ maximumLiability`.
    public var maximumLiability: UFixed18 {
        var best = UInt256.zero
        for w in 0..<rule.outcomeCount {
            let values = rule.settlementValues(winners: [w], pot: pot)
            var sum = UInt256.zero
            for (_, held) in positions { sum = sum &+ ((try? UInt256.mulDiv(held[w].raw, values[w].raw, UFixed18.scale)) ?? .zero) }
            best = max(best, sum)
        }
        return UFixed18(raw: best)
    }
}
