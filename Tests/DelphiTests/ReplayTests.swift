import Foundation
import GensynPrimitives
import GensynTestSupport
import Testing

@testable import Delphi

@Suite("gensyn-delphi replay contract")
struct ReplayTests {
    static let issueScript = """
        {"market": {"outcomes": 3, "liquidity_b": "100", "fee": "0.01", "creator_fee_share": "0.9", "rule": "lmsr"},
         "ops": [{"op": "buy", "account": "alice", "outcome": 0, "shares": "10.5"},
                 {"op": "buy_for", "account": "bob", "outcome": 2, "amount": "25"},
                 {"op": "sell", "account": "alice", "outcome": 0, "shares": "3"},
                 {"op": "prices"},
                 {"op": "close"},
                 {"op": "settle", "scores": ["0.71", "0.64", "0.80"]},
                 {"op": "claim", "account": "bob"}]}
        """

    func replay(_ script: String) throws -> String {
        try MarketReplay.run(Data(script.utf8)).serialized()
    }

    @Test("the issue's example, field by field against the decimal reference")
    func issueExample() throws {
        let output = try replay(ReplayTests.issueScript)
        let out = try oracle(
            """
            import sys, json
            from decimal import Decimal as D, getcontext, ROUND_CEILING, ROUND_FLOOR
            getcontext().prec = 80
            doc = json.loads(sys.stdin.read())
            script, out = doc["script"], doc["output"]
            E = D(10) ** -18
            b, n, fee_rate, share = D("100"), 3, D("0.01"), D("0.9")
            def C(q): m = max(q); return m + b * sum(((x - m) / b).exp() for x in q).ln()
            def P(q): m = max(q); z = [((x - m) / b).exp() for x in q]; s = sum(z); return [x / s for x in z]
            def up(x): return x.quantize(E, rounding=ROUND_CEILING)
            def dn(x): return x.quantize(E, rounding=ROUND_FLOOR)
            bound = b * D(2) ** -54 + 2 * E
            errs = []
            def check(cond, msg):
                if not cond: errs.append(msg)
            q = [D(0)] * n
            pos, cash = {}, {}
            costs = proceeds = payouts = fc = fp = D(0)
            steps = out["steps"]
            check(len(steps) == len(script["ops"]), "step count")
            for op, st in zip(script["ops"], steps):
                check(st["op"] == op["op"] and st["ok"] is True, "step %s not ok: %s" % (op["op"], st))
                kind = op["op"]
                if kind in ("buy", "buy_for", "sell"):
                    i, acct = op["outcome"], op["account"]
                    s = D(st["shares"])
                    q2 = list(q); q2[i] += -s if kind == "sell" else s
                    exact = C(q2) - C(q)
                    if kind == "sell":
                        got = D(st["proceeds"]); check(got <= -exact and -exact - got <= bound, "proceeds %s vs exact %s" % (got, -exact))
                        fee = up(got * fee_rate); check(D(st["fee"]) == fee, "sell fee")
                        check(D(st["received"]) == got - fee, "received")
                        proceeds += got; cash[acct] = cash.get(acct, 0) + got - fee
                        pos[acct][i] -= s
                    else:
                        got = D(st["cost"]); check(got >= exact and got - exact <= bound, "cost %s vs exact %s" % (got, exact))
                        fee = up(got * fee_rate); check(D(st["fee"]) == fee, "buy fee")
                        check(D(st["paid"]) == got + fee, "paid")
                        if kind == "buy":
                            check(s == D(op["shares"]), "shares echo")
                        else:
                            amount = D(op["amount"])
                            check(got + fee <= amount, "paid > amount")
                            # largest budget B with B + ceil(f B) <= amount, then the exact optimal shares
                            B = dn(amount / (1 + fee_rate))
                            while B + up(B * fee_rate) > amount: B -= E
                            m = max(q); tot = sum(((x - m) / b).exp() for x in q); other = tot - ((q[i] - m) / b).exp()
                            best = m + b * (tot * (B / b).exp() - other).ln() - q[i]
                            check(D(0) <= best - s <= D("1e-12"), "buy_for shares %s vs optimum %s" % (s, best))
                        costs += got; cash[acct] = cash.get(acct, 0) - got - fee
                        pos.setdefault(acct, [D(0)] * n)[i] += s
                    c = up(fee * share) if False else dn(fee * share); fc += c; fp += fee - c
                    q = q2
                if kind in ("buy", "buy_for", "sell", "prices"):
                    for got, ex in zip(st["prices"], P(q)):
                        check(ex - D("1e-15") <= D(got) <= ex, "price %s vs %s" % (got, ex))
                if kind == "settle":
                    sc = [D(x) for x in op["scores"]]
                    check(st["winners"] == [k for k in range(n) if sc[k] == max(sc)], "winners")
                    winners = st["winners"]
                if kind == "claim":
                    acct = op["account"]
                    expect = sum(dn(pos[acct][w] / len(winners)) for w in winners)
                    check(D(st["payout"]) == expect, "payout %s vs %s" % (st["payout"], expect))
                    payouts += expect; cash[acct] = cash.get(acct, 0) + expect
            f = out["final"]
            check([D(x) for x in f["quantities"]] == q, "final quantities")
            for got, ex in zip(f["prices"], P(q)): check(ex - D("1e-15") <= D(got) <= ex, "final price")
            check({k: [D(x) for x in v] for k, v in f["positions"].items()} == pos, "positions")
            check({k: D(v) for k, v in f["cash_flow"].items()} == cash, "cash_flow %s vs %s" % (f["cash_flow"], cash))
            check(D(f["fees_creator"]) == fc and D(f["fees_protocol"]) == fp, "fees")
            check(D(f["maker_pnl"]) == costs - proceeds - payouts, "maker_pnl")
            check(list(f.keys()) == ["quantities", "prices", "positions", "cash_flow", "fees_creator", "fees_protocol", "maker_pnl"], "final keys")
            print("OK" if not errs else "FAIL " + "; ".join(errs))
            """,
            "{\"script\": \(ReplayTests.issueScript), \"output\": \(output)}")
        #expect(out == "OK", "\(out)")
    }

    @Test("bad ops fail per step with a typed error and leave the market unchanged")
    func badOps() throws {
        let good: [String] = [
            #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "10.5"}"#,
            #"{"op": "buy_for", "account": "bob", "outcome": 2, "amount": "25"}"#,
            #"{"op": "sell", "account": "alice", "outcome": 0, "shares": "3"}"#,
            #"{"op": "close"}"#,
            #"{"op": "settle", "scores": ["0.71", "0.64", "0.80"]}"#,
            #"{"op": "claim", "account": "bob"}"#,
        ]
        // (index in `good` before which the bad op is inserted, bad op, expected error code)
        let bad: [(Int, String, String)] = [
            (0, #"{"op": "buy", "account": "alice", "outcome": 3, "shares": "1"}"#, "unknownOutcome"),
            (0, #"{"op": "buy", "account": "alice", "outcome": -1, "shares": "1"}"#, "unknownOutcome"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 1.5, "shares": "1"}"#, "unknownOutcome"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 1.0, "shares": "1"}"#, "unknownOutcome"),
            (0, #"{"op": "buy", "account": "alice", "outcome": true, "shares": "1"}"#, "unknownOutcome"),
            (0, #"{"op": "buy", "account": "alice", "outcome": "1", "shares": "1"}"#, "unknownOutcome"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "1", "max_paid": "0.1"}"#, "slippage"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "1", "time": -5}"#, "invalidOperation"),
            (0, #""garbage""#, "invalidOperation"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "-1"}"#, "invalidAmount"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "abc"}"#, "invalidAmount"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": 5}"#, "invalidAmount"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "0"}"#, "invalidAmount"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "1.0000000000000000001"}"#, "invalidAmount"),
            (0, #"{"op": "buy", "account": "alice", "outcome": 0, "shares": "10000000000000"}"#, "outOfRange"),
            (0, #"{"op": "buy", "outcome": 0, "shares": "1"}"#, "invalidOperation"),
            (0, #"{"op": "buy_for", "account": "bob", "outcome": 2, "amount": "0"}"#, "invalidAmount"),
            (0, #"{"op": "sell", "account": "alice", "outcome": 0, "shares": "1"}"#, "insufficientShares"),
            (2, #"{"op": "sell", "account": "alice", "outcome": 0, "shares": "10.6"}"#, "insufficientShares"),
            (2, #"{"op": "sell", "account": "alice", "outcome": 1, "shares": "1"}"#, "insufficientShares"),
            (1, #"{"op": "claim", "account": "alice"}"#, "notFinal"),
            (1, #"{"op": "settle", "scores": ["1", "2", "3"]}"#, "marketNotClosed"),
            (1, #"{"op": "expire"}"#, "marketNotClosed"),
            (1, #"{"op": "frobnicate"}"#, "invalidOperation"),
            (4, #"{"op": "buy", "account": "carol", "outcome": 1, "shares": "1"}"#, "marketNotOpen"),
            (4, #"{"op": "close"}"#, "marketNotOpen"),
            (4, #"{"op": "settle", "scores": ["1", "2"]}"#, "invalidScores"),
            (4, #"{"op": "settle", "scores": [1, 2, 3]}"#, "invalidScores"),
            (4, #"{"op": "expire"}"#, "tooEarly"),
            (6, #"{"op": "claim", "account": "bob"}"#, "alreadyClaimed"),
            (6, #"{"op": "claim", "account": "mallory"}"#, "unknownAccount"),
        ]
        let market = #"{"outcomes": 3, "liquidity_b": "100", "fee": "0.01", "creator_fee_share": "0.9"}"#
        let reference = try MarketReplay.run(Data("{\"market\": \(market), \"ops\": [\(good.joined(separator: ", "))]}".utf8))
        guard case .object(let refFields) = reference, case .array(let refSteps) = refFields[0].1 else { Issue.record("shape"); return }
        // The script: each bad op inserted before the good op with its index; nil code = a good op.
        var script: [(op: String, code: String?)] = []
        for i in 0...good.count {
            for b in bad where b.0 == i { script.append((b.1, b.2)) }
            if i < good.count { script.append((good[i], nil)) }
        }
        let result = try MarketReplay.run(Data("{\"market\": \(market), \"ops\": [\(script.map(\.op).joined(separator: ", "))]}".utf8))
        guard case .object(let fields) = result, case .array(let steps) = fields[0].1 else { Issue.record("shape"); return }
        #expect(steps.count == script.count)
        var goodIndex = 0
        for (step, entry) in zip(steps, script) {
            let text = step.serialized()
            if let code = entry.code {
                #expect(text.contains("\"ok\": false"), "\(entry.op) → \(text)")
                #expect(text.contains("\"error\": \"\(code):"), "\(entry.op) → \(text), expected \(code)")
            } else {
                #expect(step == refSteps[goodIndex], "good op \(goodIndex) changed by earlier failures: \(text)")
                goodIndex += 1
            }
        }
        // Same final state as without the bad ops.
        #expect(fields[1].1 == refFields[1].1)
    }

    @Test("scripts that cannot start are reported", arguments: [
        "not json", "[]", #"{"ops": []}"#, #"{"market": {"outcomes": 3}, "ops": []}"#,
        #"{"market": {"outcomes": 1, "liquidity_b": "1"}, "ops": []}"#,
        #"{"market": {"outcomes": 3, "liquidity_b": "1", "funding": "1"}, "ops": []}"#,
        #"{"market": {"outcomes": 3, "liquidity_b": "1", "rule": "cda"}, "ops": []}"#,
        #"{"market": {"outcomes": 3, "liquidity_b": "1"}}"#,
    ])
    func badScripts(script: String) {
        #expect(throws: MarketReplay.ScriptError.self) { try MarketReplay.run(Data(script.utf8)) }
    }

    @Test("parimutuel and funding-given markets replay; times, deadlines and expiry")
    func parimutuelAndTime() throws {
        let script = """
            {"market": {"outcomes": 2, "funding": "50", "fee": "0.02", "creator_fee_share": "0.5", "rule": "parimutuel",
                        "trading_deadline": 100, "settlement_window": 10},
             "ops": [{"op": "buy", "account": "a", "outcome": 0, "shares": "5", "time": 1},
                     {"op": "buy_for", "account": "b", "outcome": 1, "amount": "3", "time": 2},
                     {"op": "buy", "account": "a", "outcome": 0, "shares": "1", "time": 100},
                     {"op": "close", "time": 100},
                     {"op": "expire", "time": 110},
                     {"op": "expire", "time": 111},
                     {"op": "claim", "account": "a"},
                     {"op": "claim", "account": "b"},
                     {"op": "buy", "account": "a", "outcome": 0, "shares": "1", "time": 5}]}
            """
        let text = try replay(script)
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let steps = doc["steps"] as! [[String: Any]]
        #expect(steps.map { $0["ok"] as! Bool } == [true, true, false, true, false, true, true, true, false])
        #expect((steps[2]["error"] as! String).hasPrefix("marketNotOpen"))
        #expect((steps[4]["error"] as! String).hasPrefix("tooEarly"))
        #expect((steps[8]["error"] as! String).hasPrefix("invalidOperation"))  // time going backwards
        let paid = try UFixed18(steps[1]["paid"] as! String)
        #expect(paid <= UFixed18(3))
        // Refunds at frozen prices never exceed the pot.
        let refunds = try UFixed18(steps[6]["payout"] as! String).adding(try UFixed18(steps[7]["payout"] as! String))
        let costs = try UFixed18(steps[0]["cost"] as! String).adding(try UFixed18(steps[1]["cost"] as! String))
        #expect(refunds <= (try costs.adding(UFixed18(50))))
    }
}
