import Foundation
import GensynPrimitives
import GensynTestSupport
import Testing

@testable import Delphi

/// Exact reference: Python `decimal` at 80 digits (its exp and ln are correctly rounded).
let lmsrReference = """
    import sys, json
    from decimal import Decimal as D, getcontext
    getcontext().prec = 80
    S = D(10) ** 18
    def C(q, b):
        m = max(q)
        return m + b * sum(((x - m) / b).exp() for x in q).ln()
    bad = 0; worst = D(0)
    for line in sys.stdin:
        r = json.loads(line)
        b = D(r["b"]) / S
        q = [D(x) / S for x in r["q"]]
        i = r["i"]
        q2 = list(q)
        bound = b * D(2) ** -54 + D(2) / S
        if r["kind"] == "buy":
            q2[i] += D(r["d"]) / S
            exact = C(q2, b) - C(q, b)
            got = D(r["v"]) / S
            gap = got - exact
        elif r["kind"] == "sell":
            q2[i] -= D(r["d"]) / S
            exact = C(q, b) - C(q2, b)
            got = D(r["v"]) / S
            gap = exact - got
        else:  # buy_for: v = shares bought with budget B, c = its charged cost
            B = D(r["B"]) / S
            exact_shares = b * ((C(q, b) + B - max(q)) / b).exp().ln() if False else None
            m = max(q)
            tot = sum(((x - m) / b).exp() for x in q)
            other = tot - ((q[i] - m) / b).exp()
            # new t_i (relative to m) solving C(q') = C(q) + B
            t = (tot * (B / b).exp() - other).ln()
            best = m + b * t - q[i]
            got = D(r["v"]) / S
            q2[i] += got
            p_after = ((q2[i] - max(q2)) / b).exp() / sum(((x - max(q2)) / b).exp() for x in q2)
            if D(r["c"]) / S > B: bad += 1; print("OVER BUDGET", line); continue
            gap = best - got
            bound = (b * D(2) ** -50 + D(10) / S) / p_after
            if gap < 0: bad += 1; print("MORE THAN OPTIMAL", line, best, got); continue
            if r["capped"]: continue  # stopped at the engine's 10^12-share limit
        if gap < 0 or gap > bound:
            bad += 1; print("BAD", r["kind"], gap, bound, line)
        if r["kind"] != "buy_for": worst = max(worst, (gap - D(2) / S) / b)
    print("OK" if bad == 0 else "FAIL", "max_gap_over_b=%.3e" % worst)
    """

@Suite("LMSR against the exact decimal reference")
struct LMSRReferenceTests {
    static let configurations: [(Int, String)] = [
        (2, "100"), (3, "1"), (10, "1000"), (20, "50"), (5, "0.000001"), (4, "1000000000000"), (2, "0.000000001"),
    ]

    func record(_ rule: LMSR, _ kind: String, _ i: Int, _ d: Int128, _ v: Int128, extra: String = "") -> String {
        "{\"b\": \"\(rule.b)\", \"q\": [\(rule.q.map { "\"\($0)\"" }.joined(separator: ", "))], \"i\": \(i), \"kind\": \"\(kind)\", \"d\": \"\(d)\", \"v\": \"\(v)\"\(extra)}\n"
    }

    @Test("costs ≥ exact, proceeds ≤ exact, gaps ≤ b·2⁻⁵⁴ + 2·10⁻¹⁸; buy-for ≤ optimum within tolerance")
    func differential() throws {
        var lines = ""
        var rng = SeededRandom(seed: 42)
        for (n, bText) in LMSRReferenceTests.configurations {
            var rule = try LMSR(outcomes: n, liquidity: try UFixed18(bText))
            let b = Double(rule.b)
            for _ in 0..<120 {
                let i = Int.random(in: 0..<n, using: &rng)
                let action = Int.random(in: 0..<10, using: &rng)
                // Sizes from 10^-6·b to 60·b (the latter leaves the O(1) frame).
                let scale = pow(10, Double.random(in: -6...1.78, using: &rng))
                let d = Int128(max(1, min(b * scale, 9e29)))
                if action < 5 {
                    guard rule.q[i] + d <= maxEngineRaw else { continue }
                    let c = rule.rawBuyCost(i, d)
                    lines += record(rule, "buy", i, d, c)
                    rule.commit(i, rule.q[i] + d)
                } else if action < 8 {
                    guard rule.q[i] > 0 else { continue }
                    let s = min(d, rule.q[i])
                    let p = rule.rawSellProceeds(i, s)
                    lines += record(rule, "sell", i, s, p)
                    rule.commit(i, rule.q[i] - s)
                } else {
                    let budget = Int128(max(1, min(b * scale, 1e29)))
                    let shares = rule.rawShares(i, budget: budget)
                    guard shares > 0 else { continue }
                    let c = rule.rawBuyCost(i, shares)
                    lines += record(rule, "buy_for", i, shares, shares, extra: ", \"B\": \"\(budget)\", \"c\": \"\(c)\", \"capped\": \(rule.q[i] + shares == maxEngineRaw)")
                    rule.commit(i, rule.q[i] + shares)
                }
            }
        }
        let out = try oracle(lmsrReference, lines)
        #expect(out.hasPrefix("OK"), "\(out.prefix(3000))")
        print("LMSR reference:", out.suffix(40))
    }

    @Test("the incremental quote equals the naive O(n) recompute's enclosure (both valid)")
    func incrementalMatchesNaive() throws {
        var rng = SeededRandom(seed: 7)
        var rule = try LMSR(outcomes: 10, liquidity: UFixed18(100))
        for _ in 0..<500 {
            let i = Int.random(in: 0..<10, using: &rng)
            let shares = UFixed18(raw: UInt256(UInt64.random(in: 1...5_000_000_000_000_000_000, using: &rng)))
            let fast = try rule.buyCost(outcome: i, shares: shares)
            let naive = rule.naiveBuyCost(outcome: i, shares: shares)
            // Same mathematics, different frames: within the documented gap of each other.
            let diff = fast > naive ? try fast.subtracting(naive) : try naive.subtracting(fast)
            #expect(diff.raw <= UInt256(100_000), "quote \(fast) vs naive \(naive)")
            _ = try rule.buy(outcome: i, shares: shares)
        }
    }
}
