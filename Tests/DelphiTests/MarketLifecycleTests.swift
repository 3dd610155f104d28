import GensynPrimitives
import Testing

@testable import Delphi

@Suite("Market lifecycle")
struct MarketLifecycleTests {
    func market(_ rule: MarketConfiguration.Rule = .lmsr, deadline: UInt64? = nil, window: UInt64 = 100) throws -> Market {
        try Market(MarketConfiguration(
            outcomes: 3, liquidity: .b(UFixed18(100)), rule: rule, feeRate: UFixed18(raw: 10_000_000_000_000_000),
            creatorFeeShare: UFixed18(raw: 900_000_000_000_000_000), tradingDeadline: deadline, settlementWindow: window))
    }

    @Test("configuration ranges are checked")
    func configuration() {
        for outcomes in [0, 1, 21] {
            #expect(throws: MarketError.self) { try Market(MarketConfiguration(outcomes: outcomes, liquidity: .b(UFixed18(1)))) }
        }
        #expect(throws: MarketError.self) { try Market(MarketConfiguration(outcomes: 2, liquidity: .b(.zero))) }
        #expect(throws: MarketError.self) { try Market(MarketConfiguration(outcomes: 2, liquidity: .b(UFixed18(1)), feeRate: UFixed18(1))) }
        #expect(throws: MarketError.self) { try Market(MarketConfiguration(outcomes: 2, liquidity: .b(UFixed18(1)), creatorFeeShare: UFixed18(2))) }
        #expect(throws: MarketError.self) { try Market(MarketConfiguration(outcomes: 2, liquidity: .funding(UFixed18(raw: 5)))) }
    }

    @Test("funding ↔ b: funding = ⌈b·ln n⌉, and a funding-given market uses the largest b it pays for")
    func funding() throws {
        let byB = try LMSR(outcomes: 4, liquidity: UFixed18(100))
        #expect(byB.funding.description.hasPrefix("138.629436111989061"))  // 100·ln 4 = 138.6294361119890618834…
        let byFunding = try LMSR(outcomes: 4, funding: byB.funding)
        #expect(byFunding.funding <= byB.funding)
        #expect(byFunding.liquidity.raw >= byB.liquidity.raw &- UInt256(2))
    }

    @Test("OPEN → CLOSED → SETTLED; ties split; each claim paid once")
    func settleAndClaim() throws {
        var m = try market()
        _ = try m.buy(account: "alice", outcome: 0, shares: UFixed18(10))
        _ = try m.buy(account: "bob", outcome: 1, shares: UFixed18(4))
        #expect(throws: MarketError.self) { try m.claim(account: "alice") }  // not final
        try m.close(now: 5)
        #expect(throws: MarketError.self) { try m.buy(account: "carol", outcome: 0, shares: .one) }
        #expect(throws: MarketError.self) { try m.settle(scores: [.one, .one]) }  // wrong count
        #expect(throws: MarketError.self) { try m.settle(scores: [.one, .one, .zero], now: 106) }  // window over
        #expect(try m.settle(scores: [.one, .one, .zero], now: 105) == [0, 1])
        #expect(try m.claim(account: "alice") == UFixed18(5))  // 10 shares × 1/2
        #expect(try m.claim(account: "bob") == UFixed18(2))
        #expect(throws: MarketError.self) { try m.claim(account: "alice") }
        #expect(throws: MarketError.self) { try m.claim(account: "nobody") }
        #expect(m.makerPnL.raw == Int256(bitPattern: m.collectedCosts.raw) &- Int256(bitPattern: UFixed18(7).raw))
    }

    @Test("trading deadline closes trading; expiry refunds at frozen prices after the window")
    func expiry() throws {
        var m = try market(deadline: 50, window: 100)
        _ = try m.buy(account: "alice", outcome: 0, shares: UFixed18(30), now: 10)
        _ = try m.buy(account: "bob", outcome: 2, shares: UFixed18(5), now: 20)
        #expect(throws: MarketError.self) { try m.buy(account: "bob", outcome: 2, shares: .one, now: 50) }
        let frozen = m.rule.prices
        try m.close(now: 60)
        #expect(throws: MarketError.self) { try m.expire(now: 160) }  // window still running
        try m.expire(now: 161)
        #expect(m.phase == .expired)
        #expect(throws: MarketError.self) { try m.settle(scores: [.one, .zero, .zero], now: 161) }
        let alice = try m.claim(account: "alice")
        #expect(alice == (try UFixed18(30).multiplied(by: frozen[0], rounding: .down)))
        let bob = try m.claim(account: "bob")
        #expect(bob == (try UFixed18(5).multiplied(by: frozen[2], rounding: .down)))
        #expect(m.pot >= .zero)
    }

    @Test("slippage limits refuse the trade and leave the market unchanged")
    func slippage() throws {
        var m = try market()
        let quote = try m.rule.buyCost(outcome: 1, shares: UFixed18(10))
        let before = m.rule.quantities
        #expect(throws: MarketError.self) { try m.buy(account: "a", outcome: 1, shares: UFixed18(10), maxPaid: quote) }  // fee pushes it over
        #expect(m.rule.quantities == before)
        #expect(m.positions.isEmpty)
        _ = try m.buy(account: "a", outcome: 1, shares: UFixed18(10), maxPaid: UFixed18(10))
        #expect(throws: MarketError.self) { try m.sell(account: "a", outcome: 1, shares: UFixed18(10), minReceived: UFixed18(10)) }
        #expect(m.positions["a"]![1] == UFixed18(10))
    }

    @Test("fees: ⌈rate × cost⌉, creator share rounded down, protocol gets the rest")
    func fees() throws {
        var m = try market()
        let t = try m.buy(account: "a", outcome: 0, shares: UFixed18(7))
        #expect(t.fee == (try t.amount.multiplied(by: UFixed18(raw: 10_000_000_000_000_000), rounding: .up)))
        #expect(m.feesCreator == (try t.fee.multiplied(by: UFixed18(raw: 900_000_000_000_000_000), rounding: .down)))
        #expect(m.feesCreator.raw &+ m.feesProtocol.raw == t.fee.raw)
        #expect(t.total.raw == t.amount.raw &+ t.fee.raw)
    }

    @Test("extremes: 20 outcomes, near certainty, tiny and huge b, near-overflow amounts")
    func extremes() throws {
        // 20 outcomes, uniform prices 1/20 each (rounded down).
        let wide = try LMSR(outcomes: 20, liquidity: UFixed18(10))
        for p in wide.prices { #expect(p.raw <= UInt256(50_000_000_000_000_000) && p.raw >= UInt256(49_999_999_999_999_000)) }
        // Near certainty: outcome 0 at 60·b above the rest: price ≈ 1, cost of one more share ≈ 1 (≥ exact, ≤ 1).
        var sure = try LMSR(outcomes: 2, liquidity: UFixed18(1))
        _ = try sure.buy(outcome: 0, shares: UFixed18(60))
        let c = try sure.buyCost(outcome: 0, shares: .one)
        #expect(c <= UFixed18.one && c.raw >= UInt256(999_999_999_999_999_990))
        #expect(sure.prices[1] == .zero || sure.prices[1].raw < UInt256(10))
        // Tiny b (10⁻⁹): a share of the lagging outcome costs ≈ its whole value.
        var tiny = try LMSR(outcomes: 3, liquidity: UFixed18(raw: 1_000_000_000))
        let first = try tiny.buy(outcome: 1, shares: .one)
        #expect(first <= .one && first.raw >= UInt256(999_999_990_000_000_000))
        // Huge b (10¹²): one share costs ≈ 1/n, within the documented gap b·2⁻⁵⁴ + 2·10⁻¹⁸ (≈ 5.6·10⁻⁵ here).
        let huge = try LMSR(outcomes: 4, liquidity: UFixed18(1_000_000_000_000))
        let h = try huge.buyCost(outcome: 2, shares: .one)
        #expect(h.raw >= UInt256(249_999_999_999_999_999) && h.raw <= UInt256(250_055_600_000_000_000))
        // Near overflow: 10¹² shares is the limit; beyond it and far beyond are typed errors.
        #expect(throws: MarketError.self) { try huge.buyCost(outcome: 0, shares: UFixed18(1_000_000_000_001)) }
        #expect(throws: MarketError.self) { try huge.buyCost(outcome: 0, shares: UFixed18(raw: .max)) }
        #expect(throws: MarketError.self) { try huge.buyCost(outcome: 7, shares: .one) }
        #expect(throws: MarketError.self) { try huge.sellProceeds(outcome: 0, shares: .one) }
        #expect(throws: MarketError.self) { try huge.buyCost(outcome: 0, shares: .zero) }
        var limit = try LMSR(outcomes: 2, liquidity: UFixed18(1))
        let big = try limit.buy(outcome: 0, shares: UFixed18(1_000_000_000_000))
        #expect(big <= UFixed18(1_000_000_000_000) && big.raw >= UFixed18(999_999_999_999).raw)
        let back = try limit.sell(outcome: 0, shares: UFixed18(1_000_000_000_000))
        #expect(back <= big)
        // Buy-for with an enormous amount stops at the share limit, paid ≤ amount.
        var m = try Market(MarketConfiguration(outcomes: 2, liquidity: .b(UFixed18(1))))
        let t = try m.buy(account: "whale", outcome: 1, spending: UFixed18(100_000_000_000))
        #expect(t.total <= UFixed18(100_000_000_000))
        #expect(throws: MarketError.self) { try m.buy(account: "whale", outcome: 1, spending: UFixed18(raw: .max)) }
    }
}

@Suite("Docs/Delphi.md example")
struct DocsExampleTests {
    @Test("the runnable example behaves as documented")
    func example() throws {
        var market = try Market(MarketConfiguration(
            outcomes: 3, liquidity: .b(try UFixed18("100")), rule: .lmsr,
            feeRate: try UFixed18("0.01"), creatorFeeShare: try UFixed18("0.9")))
        let buy = try market.buy(account: "alice", outcome: 0, shares: try UFixed18("10.5"))
        #expect(buy.total.raw == buy.amount.raw &+ buy.fee.raw)
        let bob = try market.buy(account: "bob", outcome: 2, spending: try UFixed18("25"))
        #expect(bob.total <= (try UFixed18("25")))
        try market.close()
        let winners = try market.settle(scores: [try SFixed18("0.71"), try SFixed18("0.64"), try SFixed18("0.80")])
        #expect(winners == [2])
        #expect(try market.claim(account: "bob") == bob.shares)
    }
}
