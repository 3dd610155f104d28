/// A tiny SVG line chart: one polyline per series over a shared x axis, optional vertical
/// markers (eval round starts), y in [0, 1], and a legend.
struct SVGLineChart {
    var title: String
    var series: [(name: String, values: [Double])]
    var markers: [Int] = []
    var width = 900.0, height = 420.0
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    func render() -> String {
        let left = 50.0, right = 150.0, top = 40.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let count = max(series.map(\.values.count).max() ?? 1, 2)
        func x(_ i: Int) -> Double { left + plotW * Double(i) / Double(count - 1) }
        func y(_ v: Double) -> Double { top + plotH * (1 - min(max(v, 0), 1)) }
        func f(_ v: Double) -> String { String(Int((v * 10).rounded())) .withDecimal }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(left))\" y=\"24\" font-size=\"15\">\(escape(title))</text>\n"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(tick)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(tick)</text>\n"
        }
        for (n, m) in markers.enumerated() {
            svg += "<line x1=\"\(f(x(m)))\" y1=\"\(f(top))\" x2=\"\(f(x(m)))\" y2=\"\(f(top + plotH))\" stroke=\"#bbb\" stroke-dasharray=\"3,3\"/>\n"
            svg += "<text x=\"\(f(x(m) + 2))\" y=\"\(f(top + plotH + 14))\" font-size=\"10\" fill=\"#888\">r\(n + 1)</text>\n"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        for (k, s) in series.enumerated() {
            let color = SVGLineChart.palette[k % SVGLineChart.palette.count]
            let points = s.values.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" points=\"\(points)\"/>\n"
            let ly = top + 16 * Double(k)
            svg += "<line x1=\"\(f(left + plotW + 12))\" y1=\"\(f(ly + 6))\" x2=\"\(f(left + plotW + 32))\" y2=\"\(f(ly + 6))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
            svg += "<text x=\"\(f(left + plotW + 38))\" y=\"\(f(ly + 10))\">\(escape(s.name))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\" fill=\"#555\">trades</text>\n"
        return svg + "</svg>\n"
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension String {
    /// "123" (tenths) → "12.3".
    fileprivate var withDecimal: String {
        let negative = hasPrefix("-")
        var digits = negative ? String(dropFirst()) : self
        if digits.count < 2 { digits = "0" + digits }
        return (negative ? "-" : "") + digits.dropLast() + "." + digits.suffix(1)
    }
}
