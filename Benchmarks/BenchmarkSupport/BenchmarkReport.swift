import GensynPrimitives

/// Text and JSON renderings of benchmark results.
public enum BenchmarkReport {
    /// A fixed-width table: benchmark, ours, baseline, unit, ratio.
    public static func table(_ results: [BenchmarkResult]) -> String {
        let header = ["benchmark", "ours", "baseline", "unit", "ratio"]
        let rows = results.map { [$0.name, format($0.ours), format($0.baseline), $0.unit, format($0.ratio, digits: 3)] }
        let all = [header] + rows
        let widths = (0..<header.count).map { col in all.map { $0[col].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { col, cell in
                let pad = String(repeating: " ", count: widths[col] - cell.count)
                return col == 0 || col == 3 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
            + rows.map(line)).joined(separator: "\n")
    }

    /// `[{"name": …, "ours": …, "baseline": …, "unit": …, "ratio": …}, …]`, keys in that order.
    public static func json(_ results: [BenchmarkResult]) -> String {
        let items = results.map { r in
            "{\"name\": \(quote(r.name)), \"ours\": \(number(r.ours)), \"baseline\": \(number(r.baseline)), "
                + "\"unit\": \(quote(r.unit)), \"ratio\": \(number(r.ratio))}"
        }
        return "[" + items.joined(separator: ",\n ") + "]"
    }

    static func number(_ x: Double) -> String {
        x.isFinite ? "\(x)" : "null"
    }

    static func quote(_ s: String) -> String { JSONText.quoted(s) }

    /// Four significant digits, plain notation where reasonable.
    static func format(_ x: Double, digits: Int = 4) -> String {
        guard x.isFinite else { return "\(x)" }
        let magnitude = x == 0 ? 0 : Int((abs(x)).log10Floor)
        let decimals = max(0, digits - 1 - magnitude)
        return fixed(x, decimals: min(decimals, 9))
    }

    static func fixed(_ x: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (abs(x) * scale).rounded()
        let sign = x < 0 && rounded != 0 ? "-" : ""
        guard rounded < 9e18 else { return "\(x)" }
        let integer = UInt64(rounded)
        let whole = integer / UInt64(scale)
        let frac = integer % UInt64(scale)
        if decimals == 0 { return sign + "\(whole)" }
        let fracText = String(frac)
        return sign + "\(whole)." + String(repeating: "0", count: decimals - fracText.count) + fracText
    }
}

extension Double {
    fileprivate var log10Floor: Double {
        var v = self, e = 0.0
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 && v > 0 { v *= 10; e -= 1 }
        return e
    }
}
