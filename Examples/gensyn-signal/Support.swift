import Foundation
import RepOps
import Signal

/// A throwaway store directory for one simulation run (the records a real app would keep).
struct ScratchStore {
    let directory: String

    init(_ name: String) {
        directory = NSTemporaryDirectory() + "gensyn-signal-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: directory)
    }

    func open() throws(SignalError) -> SignalStore { try SignalStore(SignalStoreConfiguration(directory: directory)) }
    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Greedy completion of `prompt` until `stop` (or `limit` tokens).
func complete(_ model: GPT, _ parameters: ParameterSet, prompt: [Int], stop: Int, limit: Int, sampling: Sampling = .greedy, seed: UInt64 = 0) throws -> [Int] {
    let out = try model.generate(parameters, prompt: prompt, maxNewTokens: limit, sampling: sampling, seed: seed)
    if let end = out.firstIndex(of: stop) { return Array(out[...end]) }
    return out
}

/// Writes the run's parameter delta and reports its digest on stderr.
func writeDelta(_ tuner: PreferenceTuner, to path: String) throws {
    let delta = try tuner.delta()
    try Data(delta.safetensorsBytes()).write(to: URL(fileURLWithPath: path))
    progress("parameter delta: \(path) (keccak-256 \(delta.digestHex), L2 norm \(delta.norm), \(delta.residual.names.count) residual tensors)")
}

/// A small SVG chart: one or more series over epochs, each scaled to the shared y range.
func renderChart(title: String, xLabel: String, series: [(label: String, color: String, points: [Double])]) -> String {
    let w = 640.0, h = 360.0, pad = 48.0
    let all = series.flatMap(\.points)
    let lo = min(0, all.min() ?? 0), hi = max(1, all.max() ?? 1)
    let n = max(2, series.map(\.points.count).max() ?? 2)
    func px(_ i: Int) -> Double { pad + (w - 2 * pad) * Double(i) / Double(n - 1) }
    func py(_ v: Double) -> Double { h - pad - (h - 2 * pad) * (v - lo) / (hi - lo) }
    func num(_ v: Double) -> String { String(format: "%.1f", v) }
    var lines = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">",
                 "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                 "<text x=\"\(num(pad))\" y=\"24\" font-size=\"14\">\(title)</text>",
                 "<path d=\"M\(num(pad)) \(num(pad)) V\(num(h - pad)) H\(num(w - pad))\" fill=\"none\" stroke=\"black\"/>",
                 "<text x=\"\(num(w / 2))\" y=\"\(num(h - 12))\" text-anchor=\"middle\">\(xLabel)</text>"]
    for v in stride(from: lo, through: hi + 1e-9, by: (hi - lo) / 4) {
        lines.append("<text x=\"\(num(pad - 6))\" y=\"\(num(py(v) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", v))</text>")
    }
    for i in 0..<n {
        lines.append("<text x=\"\(num(px(i)))\" y=\"\(num(h - pad + 16))\" text-anchor=\"middle\">\(i)</text>")
    }
    for (k, s) in series.enumerated() {
        let d = s.points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(num(px($0.offset))) \(num(py($0.element)))" }.joined(separator: " ")
        lines.append("<path d=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"/>")
        lines.append("<text x=\"\(num(w - pad - 200))\" y=\"\(num(pad + 48 + 16 * Double(k)))\" fill=\"\(s.color)\">\(s.label)</text>")
    }
    lines.append("</svg>")
    return lines.joined(separator: "\n") + "\n"
}
