import Foundation
import GensynPrimitives

/// Runs a replay script (the `gensyn-delphi replay` contract) and produces
/// `{"steps": [...], "final": {...}}`.
///
/// Script: `{"market": {"outcomes": 3, "liquidity_b": "100" | "funding": "…", "fee": "0.01",
/// "creator_fee_share": "0.9", "rule": "lmsr" | "parimutuel"}, "ops": [...]}` with ops `buy`
/// (account, outcome, shares, optional max_paid), `buy_for` (account, outcome, amount), `sell`
/// (account, outcome, shares, optional min_received), `prices`, `close`, `settle` (scores),
/// `expire`, `claim` (account). Optional: market `trading_deadline` and `settlement_window`
/// (seconds), op `time` (seconds, non-decreasing; default: the previous op's time, starting at 0).
/// Amounts are decimal strings with at most 18 decimals. A failed op gives `"ok": false` and
/// `"error"`, and leaves the market unchanged.
public enum MarketReplay {
    /// A script that cannot start (not JSON, or a bad `market` object).
    public struct ScriptError: Error, CustomStringConvertible, Sendable {
        /// What is wrong with the script.
        public let message: String
        public var description: String { message }
    }

    /// Runs the script text; returns the output document.
    public static func run(_ data: Data) throws(ScriptError) -> ReplayJSON {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ScriptError(message: "the script is not a JSON object")
        }
        guard let spec = root["market"] as? [String: Any] else { throw ScriptError(message: "the script has no \"market\" object") }
        guard let ops = root["ops"] as? [Any] else { throw ScriptError(message: "the script has no \"ops\" array") }
        var market: Market
        do {
            market = try Market(try configuration(spec))
        } catch let e as MarketError {
            throw ScriptError(message: "market: \(e)")
        } catch {
            throw ScriptError(message: "market: \(error)")
        }
        var clock: UInt64 = 0
        var steps: [ReplayJSON] = []
        for raw in ops {
            let op = raw as? [String: Any] ?? [:]
            let name = op["op"] as? String ?? ""
            var fields: [(String, ReplayJSON)] = [("op", .string(name))]
            do {
                if let t = op["time"] {
                    guard let time = integer(t), time >= 0 else { throw MarketError(.invalidOperation, "\"time\" must be a non-negative integer") }
                    guard UInt64(time) >= clock else { throw MarketError(.invalidOperation, "time \(time) is before the previous op's time \(clock)") }
                    clock = UInt64(time)
                }
                fields += try step(name, op, &market, now: clock)
                fields.insert(("ok", .bool(true)), at: 1)
            } catch {
                fields = [("op", .string(name)), ("ok", .bool(false)), ("error", .string("\(error)"))]
            }
            steps.append(.object(fields))
        }
        return .object([("steps", .array(steps)), ("final", final(market))])
    }

    static func configuration(_ spec: [String: Any]) throws -> MarketConfiguration {
        guard let outcomes = integer(spec["outcomes"]) else { throw ScriptError(message: "\"outcomes\" must be an integer") }
        let liquidity: MarketConfiguration.Liquidity
        switch (spec["liquidity_b"], spec["funding"]) {
        case (let b?, nil): liquidity = .b(try amount(b, "liquidity_b"))
        case (nil, let f?): liquidity = .funding(try amount(f, "funding"))
        default: throw ScriptError(message: "give exactly one of \"liquidity_b\" and \"funding\"")
        }
        let ruleName = spec["rule"] as? String ?? "lmsr"
        guard let rule = MarketConfiguration.Rule(rawValue: ruleName) else {
            throw ScriptError(message: "\"rule\" must be \"lmsr\" or \"parimutuel\", not \"\(ruleName)\"")
        }
        let fee = try spec["fee"].map { try amount($0, "fee") } ?? .zero
        let share = try spec["creator_fee_share"].map { try amount($0, "creator_fee_share") } ?? .one
        var deadline: UInt64? = nil
        if let d = spec["trading_deadline"] {
            guard let v = integer(d), v >= 0 else { throw ScriptError(message: "\"trading_deadline\" must be a non-negative integer") }
            deadline = UInt64(v)
        }
        var window: UInt64 = 86_400
        if let w = spec["settlement_window"] {
            guard let v = integer(w), v >= 0 else { throw ScriptError(message: "\"settlement_window\" must be a non-negative integer") }
            window = UInt64(v)
        }
        return MarketConfiguration(
            outcomes: outcomes, liquidity: liquidity, rule: rule, feeRate: fee, creatorFeeShare: share,
            tradingDeadline: deadline, settlementWindow: window)
    }

    static func amount(_ value: Any?, _ key: String) throws -> UFixed18 {
        guard let value else { throw MarketError(.invalidAmount, "missing \"\(key)\"") }
        guard let text = value as? String else {
            throw MarketError(.invalidAmount, "\"\(key)\" must be a decimal string like \"10.5\"")
        }
        do { return try UFixed18(text) } catch { throw MarketError(.invalidAmount, "\"\(key)\": \(error.message)") }
    }

    static func account(_ op: [String: Any]) throws -> String {
        guard let a = op["account"] as? String, !a.isEmpty else { throw MarketError(.invalidOperation, "missing \"account\"") }
        return a
    }

    static func outcome(_ op: [String: Any]) throws -> Int {
        guard let n = integer(op["outcome"]) else {
            throw MarketError(.unknownOutcome, "\"outcome\" must be an integer index")
        }
        return n
    }

    /// A JSON integer: not a boolean, not a number written with a fraction or exponent.
    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber, !["c", "B", "d", "f"].contains(String(cString: number.objCType)) else { return nil }
        return value as? Int
    }

    static func prices(_ values: [UFixed18]) -> ReplayJSON { .array(values.map { .string($0.description) }) }

    static func step(_ name: String, _ op: [String: Any], _ market: inout Market, now: UInt64) throws -> [(String, ReplayJSON)] {
        switch name {
        case "buy", "buy_for":
            let trade: Market.Trade
            if name == "buy" {
                let limit = try op["max_paid"].map { try amount($0, "max_paid") }
                trade = try market.buy(account: try account(op), outcome: try outcome(op), shares: try amount(op["shares"], "shares"), maxPaid: limit, now: now)
            } else {
                trade = try market.buy(account: try account(op), outcome: try outcome(op), spending: try amount(op["amount"], "amount"), now: now)
            }
            return [("shares", .string(trade.shares.description)), ("cost", .string(trade.amount.description)),
                    ("fee", .string(trade.fee.description)), ("paid", .string(trade.total.description)), ("prices", prices(trade.prices))]
        case "sell":
            let limit = try op["min_received"].map { try amount($0, "min_received") }
            let trade = try market.sell(account: try account(op), outcome: try outcome(op), shares: try amount(op["shares"], "shares"), minReceived: limit, now: now)
            return [("shares", .string(trade.shares.description)), ("proceeds", .string(trade.amount.description)),
                    ("fee", .string(trade.fee.description)), ("received", .string(trade.total.description)), ("prices", prices(trade.prices))]
        case "prices":
            return [("prices", prices(market.rule.prices))]
        case "close":
            try market.close(now: now)
            return []
        case "settle":
            guard let raw = op["scores"] as? [Any] else { throw MarketError(.invalidScores, "\"scores\" must be an array of decimal strings") }
            var scores: [SFixed18] = []
            for s in raw {
                guard let text = s as? String else { throw MarketError(.invalidScores, "scores must be decimal strings like \"0.71\"") }
                do { scores.append(try SFixed18(text)) } catch { throw MarketError(.invalidScores, "score '\(text)': \(error.message)") }
            }
            let winners = try market.settle(scores: scores, now: now)
            return [("winners", .array(winners.map { .int($0) }))]
        case "expire":
            try market.expire(now: now)
            return []
        case "claim":
            return [("payout", .string(try market.claim(account: try account(op)).description))]
        default:
            throw MarketError(.invalidOperation, "unknown op \"\(name)\" (expected buy, buy_for, sell, prices, close, settle, expire, claim)")
        }
    }

    static func final(_ market: Market) -> ReplayJSON {
        let accounts = market.positions.keys.sorted()
        return .object([
            ("quantities", prices(market.rule.quantities)),
            ("prices", prices(market.rule.prices)),
            ("positions", .object(accounts.map { ($0, prices(market.positions[$0]!)) })),
            ("cash_flow", .object(accounts.map { ($0, .string((market.cashFlow[$0] ?? .zero).description)) })),
            ("fees_creator", .string(market.feesCreator.description)),
            ("fees_protocol", .string(market.feesProtocol.description)),
            ("maker_pnl", .string(market.makerPnL.description)),
        ])
    }
}
