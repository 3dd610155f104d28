import GensynPrimitives

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An agent-based evaluation market: models have hidden true scores, eval rounds reveal noisy
/// samples, informed traders trade toward their posterior of who wins, noise traders trade at
/// random; finally the market settles on the full evaluation and everyone claims.
public struct EvalMarketSimulation: Sendable {
    /// Knobs of the simulated market; the defaults give a 5-model, 12-round market.
    public struct Parameters: Sendable {
        /// Number of models.
        public var outcomes = 5
        /// Evaluation rounds; each reveals one noisy score sample per model.
        public var rounds = 12
        /// Trade attempts between two rounds.
        public var tradesPerRound = 40
        /// Traders who trade toward the posterior of the revealed scores.
        public var informedTraders = 4
        /// Traders who buy and sell at random.
        public var noiseTraders = 8
        /// Standard deviation of one round's score sample.
        public var noise = 0.08
        /// LMSR b (or, for the parimutuel rule, b·ln n of funding).
        public var liquidity = "100"
        /// Fee rate.
        public var fee = "0.01"
        /// Pricing rule.
        public var rule = MarketConfiguration.Rule.lmsr
        /// Seed of the deterministic random generator.
        public var seed: UInt64 = 1
        /// The defaults.
        public init() {}
    }

    /// What happened.
    public struct Result: Sendable {
        /// Implied probabilities after every trade (rows: time, columns: outcomes): LMSR prices, or
        /// qᵢ²/Σq² for the parimutuel rule (whose marginal prices do not sum to 1).
        public var prices: [[Double]]
        /// Index in `prices` where each eval round starts.
        public var roundStarts: [Int]
        /// Hidden true score of each model.
        public var trueScores: [Double]
        /// Winning models at settlement.
        public var winners: [Int]
        /// Net cash flow (after claims) of the informed traders.
        public var informedPnL: Double
        /// Net cash flow (after claims) of the noise traders.
        public var noisePnL: Double
        /// The maker's P&L (costs − proceeds − payouts).
        public var makerPnL: Double
        /// Trades executed.
        public var trades: Int
        /// Trades the market refused (typed errors; the market is unchanged).
        public var failedTrades: Int
    }

    /// The simulation's parameters.
    public var parameters: Parameters
    /// A simulation with these parameters.
    public init(_ parameters: Parameters) { self.parameters = parameters }

    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-300), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func amount(_ x: Double) -> UFixed18 {
        UFixed18(raw: UInt256(UInt64(max(0, min(x, 1e6)) * 1e6)) &* UInt256(1_000_000_000_000))
    }

    /// Runs the whole market: trading over the rounds, close, settle on the final means, claims.
    func implied(_ market: Market) -> [Double] {
        let p = market.rule.prices.map { $0.raw.doubleValue / 1e18 }
        guard parameters.rule == .parimutuel else { return p }
        let total = p.reduce(0) { $0 + $1 * $1 }
        return p.map { $0 * $0 / max(total, 1e-300) }
    }

    public func run() throws -> Result {
        let p = parameters
        var rng = Random(state: p.seed)
        let truth = (0..<p.outcomes).map { _ in 0.5 + 0.1 * rng.normal() }
        var market = try Market(MarketConfiguration(
            outcomes: p.outcomes, liquidity: .b(try UFixed18(p.liquidity)), rule: p.rule, feeRate: try UFixed18(p.fee), creatorFeeShare: UFixed18(raw: 900_000_000_000_000_000)))
        var sums = Array(repeating: 0.0, count: p.outcomes)
        var series: [[Double]] = [implied(market)]
        var roundStarts: [Int] = []
        var trades = 0, failed = 0
        let informed = (0..<p.informedTraders).map { "informed\($0)" }
        let noisy = (0..<p.noiseTraders).map { "noise\($0)" }
        for round in 1...p.rounds {
            roundStarts.append(series.count - 1)
            for i in 0..<p.outcomes { sums[i] += truth[i] + p.noise * rng.normal() }
            let means = sums.map { $0 / Double(round) }
            // Posterior that each model has the best true score (Gaussian, softmax approximation).
            let sd = p.noise / Double(round).squareRoot()
            let logits = means.map { $0 / max(sd, 1e-9) * 1.2 }
            let top = logits.max()!
            let weights = logits.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            let belief = weights.map { $0 / total }
            for _ in 0..<p.tradesPerRound {
                let prices = implied(market)
                do {
                    if rng.uniform() < 0.5 {
                        let who = informed[rng.index(informed.count)]
                        let edges = (0..<p.outcomes).map { belief[$0] - prices[$0] }
                        let best = edges.indices.max { edges[$0] < edges[$1] }!
                        let worst = edges.indices.min { edges[$0] < edges[$1] }!
                        let held = market.positions[who]?[worst] ?? .zero
                        if edges[worst] < -0.03 && held > .zero {
                            let sell = min(held, Self.amount(-edges[worst] * 60))
                            if sell > .zero { _ = try market.sell(account: who, outcome: worst, shares: sell) }
                        } else if edges[best] > 0.02 {
                            _ = try market.buy(account: who, outcome: best, spending: Self.amount(edges[best] * 40))
                        } else { continue }
                    } else {
                        let who = noisy[rng.index(noisy.count)]
                        let i = rng.index(p.outcomes)
                        let held = market.positions[who]?[i] ?? .zero
                        if rng.uniform() < 0.3 && held > .zero {
                            _ = try market.sell(account: who, outcome: i, shares: min(held, Self.amount(1 + 4 * rng.uniform())))
                        } else {
                            _ = try market.buy(account: who, outcome: i, shares: Self.amount(1 + 4 * rng.uniform()))
                        }
                    }
                    trades += 1
                } catch {
                    failed += 1
                }
                series.append(implied(market))
            }
        }
        try market.close()
        let final = sums.map { $0 / Double(p.rounds) }
        let scores = try final.map { try SFixed18(String(Int64(($0 * 1e6).rounded())) ) }
        let winners = try market.settle(scores: scores)
        for account in market.positions.keys.sorted() { _ = try market.claim(account: account) }
        func pnl(_ names: [String]) -> Double { names.reduce(0) { $0 + (market.cashFlow[$1]?.raw.doubleValue ?? 0) / 1e18 } }
        return Result(
            prices: series, roundStarts: roundStarts, trueScores: truth, winners: winners,
            informedPnL: pnl(informed), noisePnL: pnl(noisy), makerPnL: market.makerPnL.raw.doubleValue / 1e18,
            trades: trades, failedTrades: failed)
    }
}
