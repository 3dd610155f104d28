import Foundation

/// Float64 reference implementations of the RepOps ops (plain textbook formulas), used as the
/// function that finite differences differentiate.
enum R {
    static func strides(_ s: [Int]) -> [Int] {
        var out = [Int](repeating: 1, count: s.count)
        var acc = 1
        for i in stride(from: s.count - 1, through: 0, by: -1) { out[i] = acc; acc *= s[i] }
        return out
    }

    static func broadcast(_ a: [Double], _ sa: [Int], _ b: [Double], _ sb: [Int], _ f: (Double, Double) -> Double) -> [Double] {
        let r = max(sa.count, sb.count)
        let pa = [Int](repeating: 1, count: r - sa.count) + sa, pb = [Int](repeating: 1, count: r - sb.count) + sb
        let out = (0..<r).map { max(pa[$0], pb[$0]) }
        let so = strides(out), stA = strides(pa), stB = strides(pb)
        let n = out.reduce(1, *)
        return (0..<n).map { i in
            var ia = 0, ib = 0
            for ax in 0..<r {
                let idx = (i / so[ax]) % out[ax]
                if pa[ax] != 1 { ia += idx * stA[ax] }
                if pb[ax] != 1 { ib += idx * stB[ax] }
            }
            return f(a[ia], b[ib])
        }
    }

    /// op(A)[m×k] · op(B)[k×n] for row-major stored A, B.
    static func matmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, ta: Bool, tb: Bool, bias: [Double]? = nil) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = bias?[j] ?? 0
                for p in 0..<k { s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    static func rows(_ x: [Double], _ n: Int, _ f: ([Double]) -> [Double]) -> [Double] {
        stride(from: 0, to: x.count, by: n).flatMap { f(Array(x[$0..<($0 + n)])) }
    }

    static func softmax(_ r: [Double]) -> [Double] {
        let m = r.max()!
        let e = r.map { Foundation.exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func logSoftmax(_ r: [Double]) -> [Double] {
        let m = r.max()!
        let l = Foundation.log(r.map { Foundation.exp($0 - m) }.reduce(0, +))
        return r.map { $0 - m - l }
    }

    static func layerNorm(_ r: [Double], _ g: [Double]?, _ b: [Double]?, eps: Double) -> [Double] {
        let n = Double(r.count)
        let mean = r.reduce(0, +) / n
        let v = r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
        return r.indices.map { j in (r[j] - mean) / (v + eps).squareRoot() * (g?[j] ?? 1) + (b?[j] ?? 0) }
    }

    static func rmsNorm(_ r: [Double], _ w: [Double]?, eps: Double) -> [Double] {
        let ms = r.map { $0 * $0 }.reduce(0, +) / Double(r.count)
        return r.indices.map { j in r[j] / (ms + eps).squareRoot() * (w?[j] ?? 1) }
    }

    static func gelu(_ x: Double) -> Double { 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot())) }
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// Causal attention over heads × [t, d].
    static func attention(_ q: [Double], _ k: [Double], _ v: [Double], heads: Int, t: Int, d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: q.count)
        let s = 1 / Double(d).squareRoot()
        for h in 0..<heads {
            let o = h * t * d
            for i in 0..<t {
                var sc: [Double] = []
                for j in 0...i {
                    var dot = 0.0
                    for c in 0..<d { dot += q[o + i * d + c] * k[o + j * d + c] }
                    sc.append(dot * s)
                }
                sc = softmax(sc)
                for c in 0..<d {
                    var acc = 0.0
                    for j in 0...i { acc += sc[j] * v[o + j * d + c] }
                    out[o + i * d + c] = acc
                }
            }
        }
        return out
    }

    static func crossEntropy(_ x: [Double], n: Int, targets: [Int]) -> [Double] {
        let rows = x.count / n
        let total = (0..<rows).map { r in -logSoftmax(Array(x[(r * n)..<((r + 1) * n)]))[targets[r]] }.reduce(0, +)
        return [total / Double(rows)]
    }
}
