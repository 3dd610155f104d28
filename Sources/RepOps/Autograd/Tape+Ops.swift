/// Recording ops: each computes the forward value with the ordinary RepOps op (same bits) and
/// records a node for the backward pass.
extension Tape {
    /// `op(a) · op(b)` (+ `bias`); see ``Tensor/matmul(_:transposeSelf:transposeOther:bias:)``.
    /// Differentiable for 2-D operands, batched 3-D pairs, and a 3-D `a` with a shared 2-D `b`
    /// (without `transposeA`).
    public func matmul(_ a: Var, _ b: Var, transposeA: Bool = false, transposeB: Bool = false, bias: Var? = nil) throws(RepOpsError) -> Var {
        try check(a, b, bias)
        if value(a).rank == 3 && value(b).rank == 2 && transposeA {
            throw RepOpsError(.invalidArgument, "matmul: a batched left operand with a shared right operand cannot be transposed on a tape; reshape to 2-D first")
        }
        let y = try value(a).matmul(value(b), transposeSelf: transposeA, transposeOther: transposeB, bias: bias.map { value($0) })
        return record(.matmul(a, b, bias: bias, transposeA: transposeA, transposeB: transposeB), y)
    }

    /// `a + b`, broadcasting.
    public func add(_ a: Var, _ b: Var) throws(RepOpsError) -> Var {
        try check(a, b)
        return record(.add(a, b), try value(a).adding(value(b)))
    }

    /// `a − b`, broadcasting.
    public func sub(_ a: Var, _ b: Var) throws(RepOpsError) -> Var {
        try check(a, b)
        return record(.sub(a, b), try value(a).subtracting(value(b)))
    }

    /// `a × b`, broadcasting.
    public func mul(_ a: Var, _ b: Var) throws(RepOpsError) -> Var {
        try check(a, b)
        return record(.mul(a, b), try value(a).multiplying(value(b)))
    }

    /// `a ÷ b`, broadcasting.
    public func div(_ a: Var, _ b: Var) throws(RepOpsError) -> Var {
        try check(a, b)
        return record(.div(a, b), try value(a).dividing(value(b)))
    }

    /// `a * factor`.
    public func scale(_ a: Var, _ factor: Float) throws(RepOpsError) -> Var {
        try check(a)
        return record(.scale(a, factor), value(a).scaled(by: factor))
    }

    func unary(_ a: Var, _ kind: Unary) throws(RepOpsError) -> Var {
        try check(a)
        let x = value(a)
        let y: Tensor
        switch kind {
        case .relu: y = x.relu()
        case .gelu: y = x.gelu()
        case .silu: y = x.silu()
        case .tanh: y = x.tanh()
        case .sigmoid: y = x.sigmoid()
        }
        return record(.unary(a, kind), y)
    }

    /// ReLU.
    public func relu(_ a: Var) throws(RepOpsError) -> Var { try unary(a, .relu) }
    /// GELU (erf form).
    public func gelu(_ a: Var) throws(RepOpsError) -> Var { try unary(a, .gelu) }
    /// SiLU.
    public func silu(_ a: Var) throws(RepOpsError) -> Var { try unary(a, .silu) }
    /// tanh.
    public func tanh(_ a: Var) throws(RepOpsError) -> Var { try unary(a, .tanh) }
    /// sigmoid.
    public func sigmoid(_ a: Var) throws(RepOpsError) -> Var { try unary(a, .sigmoid) }

    /// Softmax over the last axis.
    public func softmax(_ a: Var) throws(RepOpsError) -> Var {
        try check(a)
        return record(.softmax(a), try value(a).softmax())
    }

    /// Log-softmax over the last axis.
    public func logSoftmax(_ a: Var) throws(RepOpsError) -> Var {
        try check(a)
        return record(.logSoftmax(a), try value(a).logSoftmax())
    }

    /// Layer normalisation over the last axis (`beta` only with `gamma`).
    public func layerNorm(_ x: Var, gamma: Var? = nil, beta: Var? = nil, eps: Float = 1e-5) throws(RepOpsError) -> Var {
        try check(x, gamma, beta)
        let y = try value(x).layerNorm(eps: eps, gamma: gamma.map { value($0) }, beta: beta.map { value($0) })
        return record(.layerNorm(x, gamma: gamma, beta: beta, eps: eps), y)
    }

    /// RMS normalisation over the last axis.
    public func rmsNorm(_ x: Var, weight: Var? = nil, eps: Float = 1e-6) throws(RepOpsError) -> Var {
        try check(x, weight)
        let y = try value(x).rmsNorm(eps: eps, weight: weight.map { value($0) })
        return record(.rmsNorm(x, weight: weight, eps: eps), y)
    }

    /// Rows of the table `[V, d]` at `indices` → `[indices.count, d]`.
    public func embedding(_ table: Var, _ indices: [Int]) throws(RepOpsError) -> Var {
        try check(table)
        return record(.embedding(table: table, indices: indices), try value(table).embedding(indices))
    }

    /// Causal attention over `[…, T, d]` (leading axes are independent heads).
    public func causalAttention(query: Var, key: Var, value v: Var, scale: Float? = nil) throws(RepOpsError) -> Var {
        try check(query, key, v)
        let d = value(query).shape.last ?? 1
        let s = scale ?? 1 / Float(d).squareRoot()
        let y = try Tensor.causalAttention(query: value(query), key: value(key), value: value(v), scale: s)
        return record(.attention(query, key, v, scale: s), y)
    }

    /// Multi-head causal attention on `[B, T, width]` queries, keys and values: head h is
    /// columns `h·d ..< (h+1)·d` (d = width / heads), attended causally over T per (batch, head)
    /// with ``causalAttention(query:key:value:scale:)`` (`scale` defaults to `1 / sqrt(d)`), and
    /// the heads' outputs are concatenated back to `[B, T, width]`. Bitwise the same values and
    /// gradients as splitting heads with `reshape` + `transpose([0, 2, 1, 3])`, attending and
    /// merging back, but one op: a trace records one output instead of the eight head
    /// split/merge copies (forward and backward) around it.
    public func multiHeadCausalAttention(query: Var, key: Var, value v: Var, heads: Int, scale: Float? = nil) throws(RepOpsError) -> Var {
        try check(query, key, v)
        let s = value(query).shape
        guard s.count == 3, heads > 0, s[2] % heads == 0, s[2] > 0, value(key).shape == s, value(v).shape == s else {
            throw RepOpsError(
                .shapeMismatch,
                "multi-head attention needs Q, K, V of one shape [B, T, width] with width a positive multiple of heads \(heads); got \(value(query).shape), \(value(key).shape), \(value(v).shape)")
        }
        let sc = scale ?? 1 / Float(s[2] / heads).squareRoot()
        let y = try Tensor.causalAttention(
            query: value(query).splitHeads(heads), key: value(key).splitHeads(heads), value: value(v).splitHeads(heads), scale: sc)
        return record(.headAttention(query, key, v, heads: heads, scale: sc), try y.mergeHeads())
    }

    /// Mean cross-entropy of logits `[N, C]` against N targets, as a rank-0 value.
    public func crossEntropy(_ logits: Var, targets: [Int]) throws(RepOpsError) -> Var {
        try check(logits)
        let l = try value(logits).crossEntropy(targets: targets)
        return record(.crossEntropy(logits, targets: targets), Tensor(scalar: l))
    }

    /// The same elements with another shape.
    public func reshape(_ a: Var, _ shape: [Int]) throws(RepOpsError) -> Var {
        try check(a)
        return record(.reshape(a, shape), try value(a).reshaped(shape))
    }

    /// Axes permuted (result axis i is input axis `permutation[i]`).
    public func transpose(_ a: Var, _ permutation: [Int]) throws(RepOpsError) -> Var {
        try check(a)
        return record(.transpose(a, permutation), try value(a).transposed(permutation))
    }

    /// Canonical sum of all elements, as a rank-0 value.
    public func sum(_ a: Var) throws(RepOpsError) -> Var {
        try check(a)
        return record(.sum(a), Tensor(scalar: value(a).sum()))
    }
}
