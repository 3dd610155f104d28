import GensynTestSupport
import Foundation
import GensynPrimitives
import Testing

@testable import Delphi

@Suite("Dynamic parimutuel against the exact decimal reference")
struct ParimutuelReferenceTests {
    @Test("costs ≥ exact, proceeds ≤ exact, gaps ≤ 3·10⁻¹⁸·(1 + k); buy-for within budget and near the optimum")
    func differential() throws {
        var rng = SeededRandom(seed: 77)
        var lines = ""
        for (n, funding, kText) in [(2, "100", "1"), (5, "1000", "1"), (20, "10", "0.5"), (3, "1000000", "2")] {
            var rule = try DynamicParimutuel(outcomes: n, funding: try UFixed18(funding), k: try UFixed18(kText))
            let seed = Int128(rule.seed.raw.uint128!)
            for _ in 0..<80 {
                let i = Int.random(in: 0..<n, using: &rng)
                let d = Int128(Double(seed) * pow(10, Double.random(in: -5...1, using: &rng)))
                let qs = rule.q.map { "\"\($0)\"" }.joined(separator: ", ")
                let head = "{\"k\": \"\(rule.k.raw)\", \"q\": [\(qs)], \"i\": \(i)"
                switch Int.random(in: 0..<3, using: &rng) {
                case 0:
                    let c = rule.rawBuyCost(i, d)
                    lines += head + ", \"kind\": \"buy\", \"d\": \"\(d)\", \"v\": \"\(c)\"}\n"
                    rule.commit(i, rule.q[i] + d)
                case 1:
                    let s = min(d, rule.q[i] - seed)
                    guard s > 0 else { continue }
                    let p = rule.rawSellProceeds(i, s)
                    lines += head + ", \"kind\": \"sell\", \"d\": \"\(s)\", \"v\": \"\(p)\"}\n"
                    rule.commit(i, rule.q[i] - s)
                default:
                    let shares = rule.rawShares(i, budget: d)
                    guard shares > 0 else { continue }
                    let c = rule.rawBuyCost(i, shares)
                    lines += head + ", \"kind\": \"buy_for\", \"d\": \"\(shares)\", \"B\": \"\(d)\", \"v\": \"\(c)\"}\n"
                    rule.commit(i, rule.q[i] + shares)
                }
            }
        }
        for kind in ["\"buy\"", "\"sell\"", "\"buy_for\""] {
            #expect(lines.components(separatedBy: kind).count > 20, "too few \(kind) cases")
        }
        let out = try oracle(
            """
            import sys, json
            from decimal import Decimal as D, getcontext
            getcontext().prec = 80
            S = D(10) ** 18
            bad = 0
            for line in sys.stdin:
                r = json.loads(line)
                k = D(r["k"]) / S; q = [D(x) / S for x in r["q"]]; i = r["i"]; d = D(r["d"]) / S; v = D(r["v"]) / S
                C = lambda q: k * sum(x * x for x in q).sqrt()
                q2 = list(q); q2[i] += -d if r["kind"] == "sell" else d
                bound = D(3) * (1 + k) / S
                if r["kind"] == "buy":
                    gap = v - (C(q2) - C(q))
                elif r["kind"] == "sell":
                    gap = (C(q) - C(q2)) - v
                else:
                    B = D(r["B"]) / S
                    if v > B: bad += 1; print("OVER", line); continue
                    others = sum(x * x for x in q) - q[i] * q[i]
                    best = (((C(q) + B) / k) ** 2 - others).sqrt() - q[i]
                    p = k * q2[i] / sum(x * x for x in q2).sqrt()
                    gap = best - d
                    bound = (D(10) / S) / p + D(10) / S
                if gap < 0 or gap > bound: bad += 1; print("BAD", r["kind"], gap, bound, line)
            print("OK" if bad == 0 else "FAIL")
            """, lines)
        #expect(out == "OK", "\(out.prefix(2000))")
    }
}
