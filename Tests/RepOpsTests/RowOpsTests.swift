import Foundation
import RepOps
import Testing

/// Softmax, log-softmax, layernorm, rmsnorm, attention and cross-entropy against float64.
/// Tolerances: a few ulp of each result (the math functions are correctly rounded) carried
/// through n-term sums (relative ~n·2⁻²³).
@Suite("Row ops")
struct RowOpsTests {
    static let x: Tensor = {
        var r = TestRandom(seed: 11)
        return r.tensor([9, 77], scale: 6)
    }()

    static func rows(_ t: Tensor) -> [[Double]] {
        let n = t.shape.last!
        return (0..<(t.count / n)).map { r in t.scalars[(r * n)..<((r + 1) * n)].map(Double.init) }
    }

    @Test("softmax and log-softmax match float64 (rel 1e-5 / abs 1e-5) and rows sum to 1")
    func softmax() throws {
        let s = try Self.x.softmax(), l = try Self.x.logSoftmax()
        for (r, row) in Self.rows(Self.x).enumerated() {
            let m = row.max()!
            let denom = row.reduce(0) { $0 + Foundation.exp($1 - m) }
            for (i, v) in row.enumerated() {
                let exact = Foundation.exp(v - m) / denom
                #expect(abs(Double(s.scalars[r * 77 + i]) - exact) <= 1e-5 * exact + 1e-30)
                #expect(abs(Double(l.scalars[r * 77 + i]) - (v - m - Foundation.log(denom))) <= 1e-5)
            }
            let total = s.scalars[(r * 77)..<((r + 1) * 77)].reduce(0.0) { $0 + Double($1) }
            #expect(abs(total - 1) < 1e-5)
        }
    }

    @Test("softmax is max-subtracted: huge logits stay finite")
    func softmaxHuge() throws {
        let s = try Tensor([1000, 1001, 999]).softmax()
        #expect(s.scalars.allSatisfy { $0.isFinite })
        #expect(abs(Double(s.scalars[1]) - 1 / (1 + exp(-1) + exp(-2))) < 1e-6)
    }

    @Test("layernorm and rmsnorm match float64 within 1e-5 (relative to the output scale)")
    func norms() throws {
        var r = TestRandom(seed: 12)
        let gamma = r.tensor([77]), beta = r.tensor([77])
        let ln = try Self.x.layerNorm(eps: 1e-5, gamma: gamma, beta: beta), rms = try Self.x.rmsNorm(eps: 1e-6, weight: gamma)
        let plain = try Self.x.layerNorm()
        for (ri, row) in Self.rows(Self.x).enumerated() {
            let n = Double(row.count)
            let mean = row.reduce(0, +) / n
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            let ms = row.reduce(0) { $0 + $1 * $1 } / n
            for (i, v) in row.enumerated() {
                let g = Double(gamma.scalars[i]), b = Double(beta.scalars[i])
                let normed = (v - mean) / (variance + 1e-5).squareRoot()
                #expect(abs(Double(ln.scalars[ri * 77 + i]) - (normed * g + b)) <= 1e-5 * (abs(normed * g) + 1))
                #expect(abs(Double(plain.scalars[ri * 77 + i]) - normed) <= 1e-5 * (abs(normed) + 1))
                let rn = v / (ms + 1e-6).squareRoot() * g
                #expect(abs(Double(rms.scalars[ri * 77 + i]) - rn) <= 1e-5 * (abs(rn) + 1))
            }
        }
    }

    @Test("causal attention matches a float64 reference within 1e-5")
    func attention() throws {
        var r = TestRandom(seed: 13)
        let (h, t, d) = (2, 9, 5)
        let q = r.tensor([h, t, d]), k = r.tensor([h, t, d]), v = r.tensor([h, t, d])
        let o = try Tensor.causalAttention(query: q, key: k, value: v)
        let scale = 1 / Double(d).squareRoot()
        for head in 0..<h {
            let off = head * t * d
            for i in 0..<t {
                let scores = (0...i).map { j in (0..<d).reduce(0.0) { $0 + Double(q.scalars[off + i * d + $1]) * Double(k.scalars[off + j * d + $1]) } * scale }
                let m = scores.max()!
                let w = scores.map { Foundation.exp($0 - m) }
                let total = w.reduce(0, +)
                for c in 0..<d {
                    let exact = (0...i).reduce(0.0) { $0 + w[$1] / total * Double(v.scalars[off + $1 * d + c]) }
                    #expect(abs(Double(o.scalars[off + i * d + c]) - exact) <= 1e-5)
                }
            }
        }
        // Causality: changing a later key/value never changes earlier outputs.
        var later = k.scalars
        later[(t - 1) * d] += 1
        let k2 = try Tensor(shape: k.shape, scalars: later)
        let o2 = try Tensor.causalAttention(query: q, key: k2, value: v)
        #expect(o2.scalars[0..<((t - 1) * d)] == o.scalars[0..<((t - 1) * d)])
    }

    @Test("cross-entropy equals −log softmax[target] and its mean (float64, 1e-5)")
    func crossEntropy() throws {
        let targets = [3, 0, 76, 5, 5, 1, 2, 40, 9]
        let losses = try Self.x.crossEntropyLosses(targets: targets)
        var mean = 0.0
        for (r, row) in Self.rows(Self.x).enumerated() {
            let m = row.max()!
            let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
            let exact = lse - row[targets[r]]
            mean += exact / 9
            #expect(abs(Double(losses.scalars[r]) - exact) <= 1e-5 * max(1, exact))
        }
        #expect(abs(Double(try Self.x.crossEntropy(targets: targets)) - mean) <= 1e-5 * max(1, mean))
    }

    @Test("canonical sum is within n·2⁻²³·Σ|x| of float64", arguments: [1, 17, 1000, 10007])
    func sum(n: Int) {
        var r = TestRandom(seed: UInt64(n))
        let x = Tensor(r.floats(n, scale: 100))
        let exact = x.scalars.reduce(0.0) { $0 + Double($1) }, mag = x.scalars.reduce(0.0) { $0 + abs(Double($1)) }
        #expect(abs(Double(x.sum()) - exact) <= Double(n) * 0x1p-23 * mag)
    }

    @Test("bad row-op input: empty tensors, mismatched parameters, out-of-range targets")
    func errors() throws {
        expectError(.emptyTensor) { _ = try Tensor.zeros([3, 0]).softmax() }
        expectError(.emptyTensor) { _ = try Tensor.zeros([0]).logSoftmax() }
        expectError(.shapeMismatch) { _ = try Self.x.layerNorm(gamma: Tensor([1, 2])) }
        expectError(.invalidArgument) { _ = try Self.x.layerNorm(beta: Tensor.zeros([77])) }
        expectError(.shapeMismatch) { _ = try Self.x.rmsNorm(weight: Tensor.zeros([76])) }
        expectError(.indexOutOfRange) { _ = try Self.x.crossEntropyLosses(targets: [0, 1, 2, 3, 4, 5, 6, 7, 77]) }
        expectError(.indexOutOfRange) { _ = try Self.x.crossEntropyLosses(targets: [0, 1, 2, 3, 4, 5, 6, 7, -1]) }
        expectError(.shapeMismatch) { _ = try Self.x.crossEntropyLosses(targets: [0]) }
        expectError(.shapeMismatch) {
            _ = try Tensor.causalAttention(query: Tensor.zeros([2, 3]), key: Tensor.zeros([2, 3]), value: Tensor.zeros([3, 3]))
        }
        expectError(.emptyTensor) {
            _ = try Tensor.causalAttention(query: Tensor.zeros([0, 3]), key: Tensor.zeros([0, 3]), value: Tensor.zeros([0, 3]))
        }
    }
}
