import BenchmarkSupport
import Delphi

/// Every Delphi benchmark, run by `gensyn-bench` and `gensyn-delphi bench`.
///
/// Ours: the incremental LMSR (one exp and one ln per quote; a trade adds one exp and one ln to
/// refresh its cached bound). Baseline: the same certified quote recomputed naively, O(n): both
/// cost bounds from scratch (2n exps + 2 lns), as a contract without cached sums would.
public enum DelphiBenchmarks {
    public static func all() -> [Benchmark] {
        [2, 10, 20].flatMap { n in [quotes(n), trades(n)] }
    }

    static let batch = 1000

    /// A market with some trading history, and a deterministic list of (outcome, shares) quotes.
    static func setUp(_ n: Int) -> (LMSR, [(Int, UFixed18)]) {
        var rule = try! LMSR(outcomes: n, liquidity: UFixed18(1000))
        for i in 0..<n { _ = try! rule.buy(outcome: i, shares: UFixed18(UInt64(10 * (i + 1)))) }
        let quotes = (0..<batch).map { k in (k % n, UFixed18(UInt64(1 + k % 50))) }
        return (rule, quotes)
    }

    static func quotes(_ n: Int) -> Benchmark {
        let (rule, quotes) = setUp(n)
        return Benchmark(
            name: "lmsr_buy_quote_n\(n)", unit: "quotes/s", work: Double(batch),
            ours: {
                for (i, shares) in quotes { blackHole(try! rule.buyCost(outcome: i, shares: shares)) }
            },
            baseline: {
                for (i, shares) in quotes { blackHole(rule.naiveBuyCost(outcome: i, shares: shares)) }
            })
    }

    /// Mutable benchmark state; the harness runs closures on one thread.
    final class Box: @unchecked Sendable {
        var rule: LMSR
        init(_ rule: LMSR) { self.rule = rule }
    }

    static func trades(_ n: Int) -> Benchmark {
        let (rule, quotes) = setUp(n)
        let ours = Box(rule), base = Box(rule)
        return Benchmark(
            name: "lmsr_trade_n\(n)", unit: "trades/s", work: Double(2 * batch),
            ours: {
                for (i, shares) in quotes {
                    blackHole(try! ours.rule.buy(outcome: i, shares: shares))
                    blackHole(try! ours.rule.sell(outcome: i, shares: shares))
                }
            },
            baseline: {
                for (i, shares) in quotes {
                    blackHole(base.rule.naiveBuyCost(outcome: i, shares: shares))
                    blackHole(try! base.rule.buy(outcome: i, shares: shares))
                    blackHole(base.rule.naiveSellProceeds(outcome: i, shares: shares))
                    blackHole(try! base.rule.sell(outcome: i, shares: shares))
                }
            })
    }
}
