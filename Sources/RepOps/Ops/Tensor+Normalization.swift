import CGensynRepOps

/// Row ops over the last axis (Docs/RepOps.md, "Row ops"): max-subtracted softmax and
/// log-softmax, layernorm and rmsnorm, with canonical reductions.
extension Tensor {
    func rowOp(_ name: String, _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) throws(RepOpsError) -> Tensor {
        let (rows, n) = try lastAxisRows(name)
        return rowOpUnchecked(rows, n, body)
    }

    func rowOpUnchecked(_ rows: Int, _ n: Int, _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) -> Tensor {
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in body(x.baseAddress!, y.baseAddress!, rows, n) }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// `exp(x − max) / sum` along the last axis.
    public func softmax() throws(RepOpsError) -> Tensor {
        try rowOp("softmax") { gensyn_softmax_rows_f32($0, $1, $2, $3) }
    }

    /// `(x − max) − log(sum(exp(x − max)))` along the last axis.
    public func logSoftmax() throws(RepOpsError) -> Tensor {
        try rowOp("logSoftmax") { gensyn_log_softmax_rows_f32($0, $1, $2, $3) }
    }

    func checkParameter(_ p: Tensor?, _ name: String, _ n: Int) throws(RepOpsError) {
        if let p, p.shape != [n] {
            throw RepOpsError(.shapeMismatch, "\(name) must have shape [\(n)] (the last axis); got \(p.shape)")
        }
    }

    /// Layer normalisation along the last axis; `gamma`/`beta` of shape `[n]` are optional
    /// (`beta` is used only with `gamma`).
    public func layerNorm(eps: Float = 1e-5, gamma: Tensor? = nil, beta: Tensor? = nil) throws(RepOpsError) -> Tensor {
        let (rows, n) = try lastAxisRows("layerNorm")
        try checkParameter(gamma, "gamma", n)
        try checkParameter(beta, "beta", n)
        if beta != nil && gamma == nil { throw RepOpsError(.invalidArgument, "layerNorm: beta needs gamma") }
        let g = gamma?.scalars ?? [], b = beta?.scalars ?? []
        return g.withUnsafeBufferPointer { pg in
            b.withUnsafeBufferPointer { pb in
                rowOpUnchecked(rows, n) {
                    gensyn_layernorm_rows_f32($0, $1, $2, $3, eps, gamma == nil ? nil : pg.baseAddress, beta == nil ? nil : pb.baseAddress)
                }
            }
        }
    }

    /// RMS normalisation along the last axis with an optional weight `[n]`.
    public func rmsNorm(eps: Float = 1e-6, weight: Tensor? = nil) throws(RepOpsError) -> Tensor {
        let (rows, n) = try lastAxisRows("rmsNorm")
        try checkParameter(weight, "weight", n)
        let w = weight?.scalars ?? []
        return w.withUnsafeBufferPointer { pw in
            rowOpUnchecked(rows, n) { gensyn_rmsnorm_rows_f32($0, $1, $2, $3, eps, weight == nil ? nil : pw.baseAddress) }
        }
    }

    /// Canonical sum of all elements (16 lanes + fixed tree).
    public func sum() -> Float {
        scalars.withUnsafeBufferPointer { p in p.isEmpty ? 0 : gensyn_sum_f32(p.baseAddress!, p.count) }
    }
}
