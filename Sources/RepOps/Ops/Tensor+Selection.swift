/// Selection helpers (Docs/RepOps.md, "Selection helpers"): exact comparisons, fixed tie rules.
extension Tensor {
    /// Ranking order: NaN first (lower index first), then larger values, ties by lower index.
    static func ranksBefore(_ a: (Int, Float), _ b: (Int, Float)) -> Bool {
        switch (a.1.isNaN, b.1.isNaN) {
        case (true, true): return a.0 < b.0
        case (true, false): return true
        case (false, true): return false
        default: return a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
        }
    }

    /// Index of the maximum of each row (last axis): the first NaN if any, else the first
    /// index holding the maximum. Result has one entry per row.
    public func argmax() throws(RepOpsError) -> [Int] {
        let (rows, n) = try lastAxisRows("argmax")
        return (0..<rows).map { r in
            var best = r * n
            for i in (r * n)..<((r + 1) * n) {
                if scalars[i].isNaN { best = i; break }
                if scalars[i] > scalars[best] { best = i }
            }
            return best - r * n
        }
    }

    /// The k indices of a 1-D tensor with the largest values, best first (NaN ranks highest;
    /// ties: lower index first).
    public func topK(_ k: Int) throws(RepOpsError) -> [Int] {
        guard rank == 1 else { throw RepOpsError(.shapeMismatch, "topK needs a 1-D tensor; got \(shape)") }
        guard k >= 0, k <= count else { throw RepOpsError(.invalidArgument, "topK: k = \(k) is outside 0...\(count)") }
        return Array(scalars.enumerated().map { ($0.offset, $0.element) }.sorted(by: Tensor.ranksBefore).prefix(k).map(\.0))
    }

    /// Nucleus selection over a 1-D tensor of probabilities: indices in ``topK(_:)`` order until
    /// the running sequential sum reaches `p` (that index included); at least one index.
    public func topP(_ p: Float) throws(RepOpsError) -> [Int] {
        guard rank == 1, count > 0 else { throw RepOpsError(.emptyTensor, "topP needs a non-empty 1-D tensor; got \(shape)") }
        guard p > 0, p <= 1 else { throw RepOpsError(.invalidArgument, "topP: p = \(p) is outside (0, 1]") }
        let order = try topK(count)
        var total: Float = 0
        var kept: [Int] = []
        for i in order {
            kept.append(i)
            total = total + scalars[i]
            if total >= p { break }
        }
        return kept
    }

    /// Rows of an embedding table `[V, d]` gathered at `indices` → `[indices.count, d]`.
    public func embedding(_ indices: [Int]) throws(RepOpsError) -> Tensor {
        guard rank == 2 else { throw RepOpsError(.shapeMismatch, "embedding table must be [V, d]; got \(shape)") }
        let (v, d) = (shape[0], shape[1])
        var out: [Float] = []
        out.reserveCapacity(indices.count * d)
        for (pos, i) in indices.enumerated() {
            guard i >= 0, i < v else {
                throw RepOpsError(.indexOutOfRange, "embedding index \(i) at position \(pos) is outside 0..<\(v)")
            }
            out.append(contentsOf: scalars[(i * d)..<((i + 1) * d)])
        }
        return Tensor(uncheckedShape: [indices.count, d], scalars: out)
    }
}
