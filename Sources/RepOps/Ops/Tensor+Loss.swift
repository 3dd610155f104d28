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
}
