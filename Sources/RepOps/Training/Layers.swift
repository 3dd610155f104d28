/// `y = x · W (+ b)` with `W: [in, out]`, `b: [out]`; `x` is `[N, in]` or `[B, T, in]`.
public struct Linear: Module {
    /// Name prefix of `weight` / `bias`.
    public let name: String
    /// Input and output widths.
    public let inFeatures: Int, outFeatures: Int
    /// Whether there is a bias.
    public let hasBias: Bool
    /// Standard deviation of the initial weights.
    public let initStd: Float

    /// A linear layer.
    public init(_ name: String, _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, initStd: Float = 0.02) {
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.hasBias = bias
        self.initStd = initStd
    }

    public var parameterSpecs: [ParameterSpec] {
        [ParameterSpec("\(name).weight", [inFeatures, outFeatures], .normal(std: initStd))]
            + (hasBias ? [ParameterSpec("\(name).bias", [outFeatures], .zeros)] : [])
    }

    /// Records the layer on `tape`.
    public func callAsFunction(_ tape: Tape, _ x: Var) throws(RepOpsError) -> Var {
        try tape.matmul(x, tape.parameter("\(name).weight"), bias: hasBias ? tape.parameter("\(name).bias") : nil)
    }
}

/// A lookup table `[vocabulary, width]`.
public struct Embedding: Module {
    /// Parameter name prefix.
    public let name: String
    /// Rows and row width.
    public let count: Int, width: Int

    /// An embedding table.
    public init(_ name: String, count: Int, width: Int) {
        self.name = name
        self.count = count
        self.width = width
    }

    public var parameterSpecs: [ParameterSpec] { [ParameterSpec("\(name).weight", [count, width], .normal(std: 0.02))] }

    /// Rows at `indices` → `[indices.count, width]`.
    public func callAsFunction(_ tape: Tape, _ indices: [Int]) throws(RepOpsError) -> Var {
        try tape.embedding(tape.parameter("\(name).weight"), indices)
    }
}

/// Layer normalisation over the last axis with learned `weight` (γ) and `bias` (β).
public struct LayerNorm: Module {
    /// Parameter name prefix.
    public let name: String
    /// Normalised width.
    public let width: Int
    /// Added to the variance.
    public let eps: Float

    /// A layernorm.
    public init(_ name: String, _ width: Int, eps: Float = 1e-5) {
        self.name = name
        self.width = width
        self.eps = eps
    }

    public var parameterSpecs: [ParameterSpec] {
        [ParameterSpec("\(name).weight", [width], .ones), ParameterSpec("\(name).bias", [width], .zeros)]
    }

    /// Records the layer on `tape`.
    public func callAsFunction(_ tape: Tape, _ x: Var) throws(RepOpsError) -> Var {
        try tape.layerNorm(x, gamma: tape.parameter("\(name).weight"), beta: tape.parameter("\(name).bias"), eps: eps)
    }
}

/// RMS normalisation over the last axis with a learned `weight`.
public struct RMSNorm: Module {
    /// Parameter name prefix.
    public let name: String
    /// Normalised width.
    public let width: Int
    /// Added to the mean square.
    public let eps: Float

    /// An RMSNorm.
    public init(_ name: String, _ width: Int, eps: Float = 1e-6) {
        self.name = name
        self.width = width
        self.eps = eps
    }

    public var parameterSpecs: [ParameterSpec] { [ParameterSpec("\(name).weight", [width], .ones)] }

    /// Records the layer on `tape`.
    public func callAsFunction(_ tape: Tape, _ x: Var) throws(RepOpsError) -> Var {
        try tape.rmsNorm(x, weight: tape.parameter("\(name).weight"), eps: eps)
    }
}

/// `proj(gelu(fc(x)))`.
public struct MLP: Module {
    /// Expansion and projection layers.
    public let fc: Linear, proj: Linear

    /// An MLP `width → hidden → width`; `projStd` initialises the projection.
    public init(_ name: String, width: Int, hidden: Int, projStd: Float = 0.02) {
        fc = Linear("\(name).fc", width, hidden)
        proj = Linear("\(name).proj", hidden, width, initStd: projStd)
    }

    public var parameterSpecs: [ParameterSpec] { fc.parameterSpecs + proj.parameterSpecs }

    /// Records the MLP on `tape`.
    public func callAsFunction(_ tape: Tape, _ x: Var) throws(RepOpsError) -> Var {
        try proj(tape, tape.gelu(fc(tape, x)))
    }
}

/// Causal multi-head self-attention on `[B, T, width]`: separate q/k/v projections, heads of
/// width `width / heads`, canonical causal attention per (batch, head), output projection.
public struct CausalSelfAttention: Module {
    /// Projections.
    public let q: Linear, k: Linear, v: Linear, out: Linear
    /// Model width and head count.
    public let width: Int, heads: Int

    /// Attention with `heads` heads (must divide `width`).
    public init(_ name: String, width: Int, heads: Int, projStd: Float = 0.02) throws(RepOpsError) {
        guard heads > 0, width > 0, width % heads == 0 else {
            throw RepOpsError(.invalidArgument, "attention width \(width) must be a positive multiple of heads \(heads)")
        }
        self.width = width
        self.heads = heads
        q = Linear("\(name).q", width, width)
        k = Linear("\(name).k", width, width)
        v = Linear("\(name).v", width, width)
        out = Linear("\(name).out", width, width, initStd: projStd)
    }

    public var parameterSpecs: [ParameterSpec] { q.parameterSpecs + k.parameterSpecs + v.parameterSpecs + out.parameterSpecs }

    /// Records the layer on `tape`; `x` is `[B, T, width]`.
    public func callAsFunction(_ tape: Tape, _ x: Var) throws(RepOpsError) -> Var {
        let s = tape.value(x).shape
        guard s.count == 3, s[2] == width else {
            throw RepOpsError(.shapeMismatch, "attention input must be [B, T, \(width)]; got \(s)")
        }
        // One op for head split, attention and merge (Tape.multiHeadCausalAttention).
        let o = try tape.multiHeadCausalAttention(query: q(tape, x), key: k(tape, x), value: v(tape, x), heads: heads)
        return try out(tape, o)
    }
}
