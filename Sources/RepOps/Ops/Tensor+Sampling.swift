/// Dropout and categorical sampling on Philox streams (Docs/RepOps.md, "Random numbers"): the
/// same seed and counter give the same choice everywhere.
extension Tensor {
    /// Inverted dropout: element i is kept when the uniform stream's `u[i] ≥ rate` and becomes
    /// `x[i] * (1 / (1 − rate))`; dropped elements are +0. `rate` must be in [0, 1).
    public func dropout(rate: Float, seed: UInt64) throws(RepOpsError) -> Tensor {
        guard rate >= 0, rate < 1 else { throw RepOpsError(.invalidArgument, "dropout rate \(rate) is outside [0, 1)") }
        let u = try Tensor.randomUniform(shape: [count], seed: seed)
        let scale = 1 / (1 - rate)
        var out = scalars
        for i in out.indices { out[i] = u.scalars[i] >= rate ? out[i] * scale : 0 }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// Draws an index of a 1-D tensor of non-negative weights: `u` from the Philox block at
    /// counter `(low32(counter), high32(counter), 0, 2)`, `u = Float(w0 >> 8) · 2⁻²⁴`; `t = u · total`
    /// (total: sequential sum from +0); the first index whose running sequential sum exceeds `t`
    /// (if rounding leaves none, the last index with a positive weight).
    public func sampleIndex(seed: UInt64, counter: UInt64) throws(RepOpsError) -> Int {
        guard rank == 1, count > 0 else { throw RepOpsError(.emptyTensor, "sampleIndex needs a non-empty 1-D tensor; got \(shape)") }
        if let bad = scalars.firstIndex(where: { !($0 >= 0) || $0.isInfinite }) {
            throw RepOpsError(.invalidArgument, "sampleIndex: weight \(scalars[bad]) at index \(bad) is not a finite non-negative number")
        }
        var total: Float = 0
        for w in scalars { total = total + w }
        guard total > 0, total.isFinite else { throw RepOpsError(.invalidArgument, "sampleIndex: weights sum to \(total)") }
        let block = Tensor.philox4x32x10(
            counter: (UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 2),
            key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
        let t = Float(block[0] >> 8) * 0x1p-24 * total
        var running: Float = 0
        for (i, w) in scalars.enumerated() {
            running = running + w
            if running > t { return i }
        }
        return scalars.lastIndex(where: { $0 > 0 })!
    }
}
