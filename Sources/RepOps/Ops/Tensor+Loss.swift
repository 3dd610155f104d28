import CGensynRepOps

/// Cross-entropy from logits (Docs/RepOps.md, "Cross-entropy from logits").
extension Tensor {
    /// Per-row losses `−logsoftmax(logits)[target]` for logits `[N, C]` and N targets in 0..<C.
    public func crossEntropyLosses(targets: [Int]) throws(RepOpsError) -> Tensor {
        guard rank == 2 else { throw RepOpsError(.shapeMismatch, "crossEntropy needs logits [N, C]; got \(shape)") }
        let (rows, n) = try lastAxisRows("crossEntropy")
        guard targets.count == rows else {
            throw RepOpsError(.shapeMismatch, "crossEntropy: \(targets.count) targets for \(rows) rows")
        }
        if let bad = targets.firstIndex(where: { $0 < 0 || $0 >= n }) {
            throw RepOpsError(.indexOutOfRange, "crossEntropy: target \(targets[bad]) at row \(bad) is outside 0..<\(n)")
        }
        let t64 = targets.map { Int64($0) }
        var loss = [Float](repeating: 0, count: rows)
        scalars.withUnsafeBufferPointer { x in
            t64.withUnsafeBufferPointer { t in
                loss.withUnsafeMutableBufferPointer { gensyn_cross_entropy_rows_f32(x.baseAddress!, t.baseAddress!, $0.baseAddress!, rows, n) }
            }
        }
        return Tensor(uncheckedShape: [rows], scalars: loss)
    }

    /// Mean cross-entropy: canonical `sum(losses) / Float(N)`.
    public func crossEntropy(targets: [Int]) throws(RepOpsError) -> Float {
        let losses = try crossEntropyLosses(targets: targets)
        return losses.sum() / Float(losses.count)
    }

    /// Gradient of ``crossEntropy(targets:)`` with respect to the logits, for the loss' gradient
    /// `outputGradient`: `(softmax(x) − onehot(t)) · (outputGradient / N)`, element by element
    /// (subtract at the target, then one multiply). The backward pass and a referee replaying one
    /// `vjp.crossEntropy.0` op both call this.
    public func crossEntropyGradient(targets: [Int], outputGradient: Float) throws(RepOpsError) -> Tensor {
        guard rank == 2 else { throw RepOpsError(.shapeMismatch, "crossEntropy gradient needs logits [N, C]; got \(shape)") }
        let (rows, n) = try lastAxisRows("crossEntropy gradient")
        guard targets.count == rows else {
            throw RepOpsError(.shapeMismatch, "crossEntropy gradient: \(targets.count) targets for \(rows) rows")
        }
        if let bad = targets.firstIndex(where: { $0 < 0 || $0 >= n }) {
            throw RepOpsError(.indexOutOfRange, "crossEntropy gradient: target \(targets[bad]) at row \(bad) is outside 0..<\(n)")
        }
        var p = try softmax().scalars
        let factor = outputGradient / Float(rows)
        for r in 0..<rows { p[r * n + targets[r]] = p[r * n + targets[r]] - 1 }
        for j in p.indices { p[j] = p[j] * factor }
        return Tensor(uncheckedShape: shape, scalars: p)
    }
}
