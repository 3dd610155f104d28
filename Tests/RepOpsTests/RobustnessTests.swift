import RepOps
import Testing

/// Random (often invalid) shapes and arguments through the public API: every outcome is a
/// result or a `RepOpsError`, never a crash.
@Suite("Robustness")
struct RobustnessTests {
    static func randomShape(_ r: inout TestRandom) -> [Int] {
        (0..<r.int(0...3)).map { _ in r.int(0...4) }
    }

    @Test("random shapes and arguments give results or typed errors", arguments: 0..<4)
    func fuzz(seed: Int) {
        var r = TestRandom(seed: 900 + UInt64(seed))
        for _ in 0..<150 {
            let a = r.tensor(Self.randomShape(&r)), b = r.tensor(Self.randomShape(&r))
            let i = r.int(-3...5), k = r.int(-1...6)
            let ops: [() throws -> Void] = [
                { _ = try a.matmul(b, transposeSelf: i % 2 == 0, transposeOther: k % 2 == 0) },
                { _ = try a.adding(b) }, { _ = try a.dividing(b) },
                { _ = try a.softmax() }, { _ = try a.logSoftmax() }, { _ = try a.layerNorm(gamma: b) }, { _ = try a.rmsNorm(weight: b) },
                { _ = try a.reshaped(b.shape) }, { _ = try a.transposed() }, { _ = try a.slice(axis: i, 0..<max(0, k)) },
                { _ = try Tensor.concatenate([a, b], axis: i) }, { _ = try a.split(axis: i, sizes: [k, 1]) },
                { _ = try a.embedding([i, k]) }, { _ = try a.crossEntropyLosses(targets: [i, k]) }, { _ = try a.argmax() },
                { _ = try a.topK(k) }, { _ = try a.topP(Float(k) / 4) }, { _ = try a.sampleIndex(seed: 1, counter: 2) },
                { _ = try Tensor.causalAttention(query: a, key: a, value: b) }, { _ = try a.dropout(rate: Float(k) / 5, seed: 3) },
                { _ = try a.transposed([i, k, 0].prefix(a.rank).map { $0 }) },
            ]
            for op in ops {
                do { try op() } catch is RepOpsError {} catch { Issue.record("untyped error \(error)") }
            }
        }
    }
}
