import GensynTestSupport
import Foundation
import GensynPrimitives
import Testing

@testable import Delphi

@Suite("Market properties over random seeded trade sequences")
struct MarketPropertyTests {
    static func randomShares(_ rng: inout SeededRandom, _ b: Double) -> UFixed18 {
        let x = b * pow(10, Double.random(in: -4...0.5, using: &rng))
        return UFixed18(raw: UInt256(UInt64(max(1, min(x, 1.8e19)))))
    }

    /// 2000 sequences (n 2…20, b 10⁻³…10⁴ in raw-scale steps, random fees): solvency at every step,
    /// prices in [0,1) summing to 1 within 10⁻¹⁵, buy-then-sell never profits, maker loss ≤ funding.
    @Test("LMSR: solvency, price sum, round trips, maker loss ≤ b·ln n", arguments: [UInt64(1), 2, 3, 4])
    func lmsrProperties(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<500 {  // 4 seeds × 500 = 2000 sequences
            let n = Int.random(in: 2...20, using: &rng)
            let bRaw = pow(10, Double.random(in: 15...22, using: &rng))
            let fee = UFixed18(raw: UInt256(UInt64.random(in: 0...50_000_000_000_000_000, using: &rng)))
            var market = try Market(MarketConfiguration(
                outcomes: n, liquidity: .b(UFixed18(raw: UInt256(UInt64(min(bRaw, 1.8e19))) &* UInt256(UInt64(max(1, bRaw / 1.8e19))))),
                feeRate: fee, creatorFeeShare: UFixed18(raw: 900_000_000_000_000_000)))
            let b = Double(Int128((market.rule as! LMSR).b))
            let funding = market.rule.funding
            for step in 0..<10 {
                let account = "a\(Int.random(in: 0..<3, using: &rng))"
                let i = Int.random(in: 0..<n, using: &rng)
                let held = market.positions[account]?[i] ?? .zero
                if held > .zero && Bool.random(using: &rng) {
                    let shares = min(held, Self.randomShares(&rng, b))
                    _ = try market.sell(account: account, outcome: i, shares: shares)
                } else if step % 3 == 2 {
                    _ = try? market.buy(account: account, outcome: i, spending: Self.randomShares(&rng, b))
                } else {
                    let shares = Self.randomShares(&rng, b)
                    // Round trip on a copy: buy then sell the same shares never profits.
                    var copy = market
                    let bought = try copy.buy(account: "rt", outcome: i, shares: shares)
                    let sold = try copy.sell(account: "rt", outcome: i, shares: shares)
                    #expect(sold.amount <= bought.amount)
                    #expect(sold.total <= bought.total)
                    _ = try market.buy(account: account, outcome: i, shares: shares)
                }
                // Solvency: the pot covers the largest possible payout (LMSR pays 1 per winning
                // share, so that is the largest outstanding quantity; `maximumLiability` is
                // checked on the first step of every sequence).
                #expect(market.pot >= market.rule.quantities.max()!, "insolvent at step \(step)")
                if step == 0 { #expect(market.maximumLiability == market.rule.quantities.max()!) }
                let prices = market.rule.prices
                var sum = UInt256.zero
                for p in prices {
                    #expect(p < .one)
                    sum = sum &+ p.raw
                }
                #expect(sum <= UFixed18.scale)
                #expect(UFixed18.scale &- sum <= UInt256(1000), "price sum \(sum)")
            }
            try market.close()
            let winner = Int.random(in: 0..<n, using: &rng)
            var scores = Array(repeating: SFixed18.zero, count: n)
            scores[winner] = .one
            #expect(try market.settle(scores: scores) == [winner])
            for account in market.positions.keys.sorted() { _ = try market.claim(account: account) }
            // Maker loss never exceeds its funding b·ln n.
            #expect(market.makerPnL.raw >= Int256.zero &- Int256(bitPattern: funding.raw))
        }
    }

    @Test("parimutuel: solvency and payouts within the pot", arguments: [UInt64(11), 12])
    func parimutuelProperties(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<300 {
            let n = Int.random(in: 2...20, using: &rng)
            var market = try Market(MarketConfiguration(outcomes: n, liquidity: .funding(UFixed18(100)), rule: .parimutuel, feeRate: UFixed18(raw: 10_000_000_000_000_000)))
            for _ in 0..<10 {
                let account = "a\(Int.random(in: 0..<3, using: &rng))"
                let i = Int.random(in: 0..<n, using: &rng)
                let held = market.positions[account]?[i] ?? .zero
                if held > .zero && Bool.random(using: &rng) {
                    _ = try market.sell(account: account, outcome: i, shares: min(held, Self.randomShares(&rng, 100e18)))
                } else {
                    let shares = Self.randomShares(&rng, 100e18)
                    var copy = market
                    let bought = try copy.buy(account: "rt", outcome: i, shares: shares)
                    let sold = try copy.sell(account: "rt", outcome: i, shares: shares)
                    #expect(sold.amount <= bought.amount)
                    _ = try market.buy(account: account, outcome: i, shares: shares)
                }
                #expect(market.pot >= market.maximumLiability)
            }
            try market.close()
            var scores = (0..<n).map { _ in SFixed18(raw: Int256(Int.random(in: 0...3, using: &rng))) }
            scores[0] = scores.max()!  // often a tie
            _ = try market.settle(scores: scores)
            let before = market.pot
            var paid = UInt256.zero
            for account in market.positions.keys.sorted() { paid = paid &+ (try market.claim(account: account)).raw }
            #expect(paid <= before.raw)
        }
    }
}

@Suite("Agent-based simulation")
struct SimulationTests {
    @Test("runs deterministically; prices stay a distribution; the maker loses at most its funding",
          arguments: [MarketConfiguration.Rule.lmsr, .parimutuel])
    func simulation(rule: MarketConfiguration.Rule) throws {
        var p = EvalMarketSimulation.Parameters()
        p.rule = rule
        p.rounds = 4
        p.tradesPerRound = 25
        p.seed = 9
        let a = try EvalMarketSimulation(p).run()
        let b = try EvalMarketSimulation(p).run()
        #expect(a.prices == b.prices)
        #expect(a.prices.count == 1 + 4 * 25)
        for row in a.prices { #expect(abs(row.reduce(0, +) - 1) < 1e-12) }
        let funding = try LMSR(outcomes: p.outcomes, liquidity: UFixed18(p.liquidity)).funding.raw.doubleValue / 1e18
        #expect(a.makerPnL >= -funding)
        #expect(a.trades > 50)
    }
}
