import CGensynRepOps

/// Canonical GEMM (Docs/RepOps.md, "GEMM"): each output element is one fma chain over k in
/// order, from +0 or the bias. Thread count and ISA never change the bits.
extension Tensor {
    /// `op(self) · op(other)` (+ `bias`), where `op` optionally transposes the last two axes.
    ///
    /// - `self`: `[M, K]` or batched `[b, M, K]` (`[K, M]` / `[b, K, M]` with `transposeSelf`).
    /// - `other`: `[K, N]`, or batched `[b, K, N]` with the same `b` (transposed: `[N, K]`, `[b, N, K]`).
    ///   A 2-D `other` is shared by every batch.
    /// - `bias`: `[N]`; each chain starts from `bias[j]` instead of +0.
    public func matmul(
        _ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false, bias: Tensor? = nil
    ) throws(RepOpsError) -> Tensor {
        guard rank == 2 || rank == 3, other.rank == 2 || other.rank == 3 else {
            throw RepOpsError(.shapeMismatch, "matmul needs rank-2 or rank-3 operands; got \(shape) and \(other.shape)")
        }
        let batch = rank == 3 ? shape[0] : 1
        if other.rank == 3 {
            guard rank == 3, other.shape[0] == batch else {
                throw RepOpsError(.shapeMismatch, "batched matmul needs equal batch sizes; got \(shape) and \(other.shape)")
            }
        }
        let a0 = shape[rank - 2], a1 = shape[rank - 1]
        let b0 = other.shape[other.rank - 2], b1 = other.shape[other.rank - 1]
        let (m, k) = transposeSelf ? (a1, a0) : (a0, a1)
        let (kb, n) = transposeOther ? (b1, b0) : (b0, b1)
        guard k == kb else {
            throw RepOpsError(
                .shapeMismatch,
                "matmul inner dimensions differ: \(shape)\(transposeSelf ? "ᵀ" : "") has K=\(k), \(other.shape)\(transposeOther ? "ᵀ" : "") has K=\(kb)")
        }
        if let bias {
            guard bias.shape == [n] else {
                throw RepOpsError(.shapeMismatch, "bias must have shape [\(n)]; got \(bias.shape)")
            }
        }
        let outShape = rank == 3 ? [batch, m, n] : [m, n]
        var out = [Float](repeating: 0, count: batch * m * n)
        let bStride = other.rank == 3 ? k * n : 0
        guard batch > 0, m > 0, n > 0, k > 0 else { // nothing to compute, or empty chains: C = init
            if let bias, m > 0 { for r in 0..<(batch * m) { out.replaceSubrange((r * n)..<((r + 1) * n), with: bias.scalars) } }
            return Tensor(uncheckedShape: outShape, scalars: out)
        }
        scalars.withUnsafeBufferPointer { pa in
            other.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    let biasScalars = bias?.scalars ?? []
                    biasScalars.withUnsafeBufferPointer { pbias in
                        for t in 0..<batch {
                            gensyn_gemm_f32(
                                transposeSelf ? 1 : 0, transposeOther ? 1 : 0, m, n, k,
                                pa.baseAddress! + t * m * k, transposeSelf ? m : k,
                                pb.baseAddress! + t * bStride, transposeOther ? k : n,
                                pc.baseAddress! + t * m * n, n,
                                bias == nil ? GENSYN_GEMM_ZERO : GENSYN_GEMM_BIAS, pbias.baseAddress)
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: outShape, scalars: out)
    }
}
