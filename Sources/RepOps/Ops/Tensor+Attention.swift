import CGensynRepOps

/// Causal attention (Docs/RepOps.md, "Attention"): `S = Q·Kᵀ` (canonical GEMM), `S *= scale`,
/// row i softmax over columns 0...i, `O = P·V` (canonical GEMM).
extension Tensor {
    /// Causal self-attention over `[…, T, d]` inputs; leading dimensions are independent heads.
    /// `scale` defaults to `1 / sqrt(Float(d))`.
    public static func causalAttention(query: Tensor, key: Tensor, value: Tensor, scale: Float? = nil) throws(RepOpsError) -> Tensor {
        guard query.rank >= 2, query.shape == key.shape, query.shape == value.shape else {
            throw RepOpsError(.shapeMismatch, "attention needs Q, K, V of one shape [..., T, d]; got \(query.shape), \(key.shape), \(value.shape)")
        }
        let t = query.shape[query.rank - 2], d = query.shape[query.rank - 1]
        guard t > 0, d > 0 else { throw RepOpsError(.emptyTensor, "attention needs T ≥ 1 and d ≥ 1; got shape \(query.shape)") }
        let heads = query.count / (t * d)
        let s = scale ?? 1 / Float(d).squareRoot()
        var out = [Float](repeating: 0, count: query.count)
        var scores = [Float](repeating: 0, count: t * t)
        query.scalars.withUnsafeBufferPointer { q in
            key.scalars.withUnsafeBufferPointer { k in
                value.scalars.withUnsafeBufferPointer { v in
                    out.withUnsafeMutableBufferPointer { o in
                        scores.withUnsafeMutableBufferPointer { sc in
                            for h in 0..<heads {
                                let off = h * t * d
                                gensyn_gemm_f32(0, 1, t, t, d, q.baseAddress! + off, d, k.baseAddress! + off, d, sc.baseAddress!, t, GENSYN_GEMM_ZERO, nil)
                                for i in 0..<(t * t) { sc[i] = sc[i] * s }
                                gensyn_causal_softmax_f32(sc.baseAddress!, t)
                                gensyn_gemm_f32(0, 0, t, d, t, sc.baseAddress!, t, v.baseAddress! + off, d, o.baseAddress! + off, d, GENSYN_GEMM_ZERO, nil)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: query.shape, scalars: out)
    }
}

extension Tensor {
    /// `[B, T, heads·d]` → `[B, heads, T, d]` (the layout ``causalAttention(query:key:value:scale:)`` attends over).
    func splitHeads(_ heads: Int) throws(RepOpsError) -> Tensor {
        try reshaped([shape[0], shape[1], heads, shape[2] / heads]).transposed([0, 2, 1, 3])
    }

    /// `[B, heads, T, d]` → `[B, T, heads·d]` (inverse of ``splitHeads(_:)``).
    func mergeHeads() throws(RepOpsError) -> Tensor {
        try transposed([0, 2, 1, 3]).reshaped([shape[0], shape[2], shape[1] * shape[3]])
    }
}
