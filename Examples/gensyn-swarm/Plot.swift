import Foundation

/// A small SVG line chart of reward-by-round curves (one per configuration), with a moving
/// average so trends show through the per-round noise.
enum RewardPlot {
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    static func movingAverage(_ y: [Double], window: Int) -> [Double] {
        y.indices.map { i in
            let lo = max(0, i - window + 1)
            return y[lo...i].reduce(0, +) / Double(i - lo + 1)
        }
    }

    static func svg(title: String, curves: [(label: String, values: [Double])], window: Int = 5) -> String {
        let w = 720.0, h = 420.0, left = 60.0, right = 150.0, top = 40.0, bottom = 50.0
        let n = curves.map(\.values.count).max() ?? 1
        let all = curves.flatMap(\.values)
        let yMin = min(0, all.min() ?? 0), yMax = max(all.max() ?? 1, yMin + 1e-9) * 1.05
        func x(_ i: Int) -> Double { left + (w - left - right) * (n > 1 ? Double(i) / Double(n - 1) : 0) }
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (v - yMin) / (yMax - yMin)) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(left)\" y=\"22\" font-size=\"14\">\(escape(title))</text>\n"
        s += "<line x1=\"\(left)\" y1=\"\(y(yMin))\" x2=\"\(w - right)\" y2=\"\(y(yMin))\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(h - bottom)\" stroke=\"black\"/>\n"
        for k in 0...4 {
            let v = yMin + (yMax - yMin) * Double(k) / 4
            s += "<text x=\"\(left - 8)\" y=\"\(y(v) + 4)\" text-anchor=\"end\">\(String(format: "%.2f", v))</text>\n"
            s += "<line x1=\"\(left)\" y1=\"\(y(v))\" x2=\"\(w - right)\" y2=\"\(y(v))\" stroke=\"#ddd\"/>\n"
        }
        for k in 0...4 {
            let i = (n - 1) * k / 4
            s += "<text x=\"\(x(i))\" y=\"\(h - bottom + 18)\" text-anchor=\"middle\">\(i + 1)</text>\n"
        }
        s += "<text x=\"\((left + w - right) / 2)\" y=\"\(h - 10)\" text-anchor=\"middle\">round</text>\n"
        s += "<text x=\"16\" y=\"\((top + h - bottom) / 2)\" transform=\"rotate(-90 16 \((top + h - bottom) / 2))\" text-anchor=\"middle\">"
            + "reward (mean over nodes and seeds)</text>\n"
        for (c, curve) in curves.enumerated() {
            let color = colors[c % colors.count]
            let raw = curve.values.enumerated().map { "\(x($0.offset)),\(y($0.element))" }.joined(separator: " ")
            let smooth = movingAverage(curve.values, window: window).enumerated().map { "\(x($0.offset)),\(y($0.element))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-opacity=\"0.25\" points=\"\(raw)\"/>\n"
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(smooth)\"/>\n"
            let ly = top + 10 + Double(c) * 20
            s += "<line x1=\"\(w - right + 15)\" y1=\"\(ly)\" x2=\"\(w - right + 40)\" y2=\"\(ly)\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(w - right + 46)\" y=\"\(ly + 4)\">\(escape(curve.label))</text>\n"
        }
        s += "<text x=\"\(w - right + 15)\" y=\"\(top + 10 + Double(curves.count) * 20 + 10)\" fill=\"#666\">"
            + "lines: \(window)-round mean</text>\n"
        return s + "</svg>\n"
    }

    static func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// `gensyn-swarm plot`: draws the reward-by-round curves of experiment runs made separately (e.g.
/// one process per configuration, or on several machines) from their `--json` lines.
struct PlotOptions {
    var out = ""
    var title: String?
    var inputs: [String] = []

    init(_ args: [String]) throws {
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--out", "--title":
                guard i + 1 < args.count else { throw NodeOptions.Invalid(description: "\(args[i]) needs a value") }
                if args[i] == "--out" { out = args[i + 1] } else { title = args[i + 1] }
                i += 2
            default:
                if args[i].hasPrefix("--") { throw NodeOptions.Invalid(description: "plot: unknown option \(args[i])") }
                inputs.append(args[i])
                i += 1
            }
        }
        guard out.hasSuffix(".svg") else { throw NodeOptions.Invalid(description: "plot needs --out FILE.svg") }
        guard !inputs.isEmpty else { throw NodeOptions.Invalid(description: "plot needs at least one file of `experiment --json` lines") }
    }
}

extension GensynSwarm {
    /// One curve per JSON line, in file order; a configuration seen twice is labelled with its file.
    static func runPlot(_ o: PlotOptions) throws {
        var curves: [(label: String, values: [Double])] = []
        var rounds: Set<Int> = [], seeds: Set<Int> = []
        for path in o.inputs {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw NodeOptions.Invalid(description: "plot: cannot read \(path) as UTF-8 text")
            }
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let config = object["config"] as? String,
                      let values = (object["reward_by_round"] as? [NSNumber])?.map(\.doubleValue), !values.isEmpty, values.allSatisfy(\.isFinite)
                else {
                    throw NodeOptions.Invalid(description: "plot: \(path) line \(n + 1) is not an `experiment --json` line "
                        + "(needs \"config\" and a non-empty numeric \"reward_by_round\")")
                }
                if let r = object["rounds"] as? Int { rounds.insert(r) }
                if let s = object["seeds"] as? Int { seeds.insert(s) }
                let label = curves.contains(where: { $0.label == config }) ? "\(config) (\((path as NSString).lastPathComponent))" : config
                curves.append((label, values))
            }
        }
        let seedText = seeds.count == 1 ? (seeds.first! == 1 ? "1 seed" : "\(seeds.first!) seeds") : "seeds vary"
        let title = o.title ?? "SAPO, \(seedText): reward by round"
        if rounds.count > 1 { log("plot: the runs have different round counts \(rounds.sorted()); curves are drawn over the longest") }
        do { try RewardPlot.svg(title: title, curves: curves).write(toFile: o.out, atomically: true, encoding: .utf8) } catch {
            throw NodeOptions.Invalid(description: "cannot write the plot to \(o.out): \(error)")
        }
        log("plot of \(curves.count) curves written to \(o.out)")
    }
}
