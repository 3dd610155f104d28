import CGensynRepOps

/// Canonical reductions used by backward passes (Docs/RepOps.md, "Autograd").
extension Tensor {
    /// Sums over the axes that broadcasting expanded, so the result has `target`'s shape. Each
    /// output element is the canonical `sum` of its contributions taken in row-major order of the
    /// reduced axes.
    func reduced(to target: [Int]) throws(RepOpsError) -> Tensor {
        if shape == target { return self }
        guard target.count <= rank else {
            throw RepOpsError(.shapeMismatch, "cannot reduce \(shape) to the larger rank \(target)")
        }
        let full = [Int](repeating: 1, count: rank - target.count) + target
        var kept: [Int] = [], summed: [Int] = []
        for i in 0..<rank {
            if full[i] == shape[i] { kept.append(i) } else if full[i] == 1 { summed.append(i) } else {
                throw RepOpsError(.shapeMismatch, "cannot reduce \(shape) to \(target): axis \(i) is \(shape[i]) vs \(full[i])")
            }
        }
        let moved = try transposed(kept + summed)
        let inner = summed.map { shape[$0] }.reduce(1, *)
        let outer = inner == 0 ? 0 : count / inner
        var out = [Float](repeating: 0, count: target.reduce(1, *))
        if inner > 0 {
            moved.scalars.withUnsafeBufferPointer { p in
                for o in 0..<outer { out[o] = gensyn_sum_f32(p.baseAddress! + o * inner, inner) }
            }
        }
        return Tensor(uncheckedShape: target, scalars: out)
    }

    /// Canonical sum of each row (last axis of length n) → `rows` values.
    static func rowSums(_ x: [Float], rows: Int, n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows)
        guard n > 0 else { return out }
        x.withUnsafeBufferPointer { p in
            for r in 0..<rows { out[r] = gensyn_sum_f32(p.baseAddress! + r * n, n) }
        }
        return out
    }

    /// The same shape with `f` applied to each pair of elements (shapes must be equal).
    func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        var out = scalars
        for i in out.indices { out[i] = f(out[i], other.scalars[i]) }
        return Tensor(uncheckedShape: shape, scalars: out)
    }
}
