/// Sizes of a ``GPT``.
public struct GPTConfig: Sendable, Equatable, Codable {
    /// Token ids are 0..<vocabulary.
    public var vocabulary: Int
    /// Longest sequence (positions).
    public var context: Int
    /// Model width.
    public var width: Int
    /// Attention heads (divide `width`).
    public var heads: Int
    /// Decoder blocks.
    public var layers: Int
    /// MLP hidden width (default 4 × width).
    public var hidden: Int

    /// A configuration; `hidden` defaults to `4 * width`.
    public init(vocabulary: Int = 256, context: Int = 16, width: Int = 16, heads: Int = 2, layers: Int = 1, hidden: Int? = nil) {
        self.vocabulary = vocabulary
        self.context = context
        self.width = width
        self.heads = heads
        self.layers = layers
        self.hidden = hidden ?? 4 * width
    }
}

/// One pre-norm decoder block: `x + attn(ln1(x))`, then `x + mlp(ln2(x))`.
public struct DecoderBlock: Module {
    /// Sub-layers.
    public let ln1: LayerNorm, attention: CausalSelfAttention, ln2: LayerNorm, mlp: MLP

    /// Block `name` of a model with `config`.
    public init(_ name: String, _ config: GPTConfig) throws(RepOpsError) {
        let projStd = 0.02 / Float(2 * config.layers).squareRoot()
        ln1 = LayerNorm("\(name).ln1", config.width)
        attention = try CausalSelfAttention("\(name).attn", width: config.width, heads: config.heads, projStd: projStd)
        ln2 = LayerNorm("\(name).ln2", config.width)
        mlp = MLP("\(name).mlp", width: config.width, hidden: config.hidden, projStd: projStd)
    }

    public var parameterSpecs: [ParameterSpec] { ln1.parameterSpecs + attention.parameterSpecs + ln2.parameterSpecs + mlp.parameterSpecs }

    /// Records the block on `tape`; `x` is `[B, T, width]`.
    public func callAsFunction(_ tape: Tape, _ x: Var) throws(RepOpsError) -> Var {
        let h = try tape.add(x, attention(tape, ln1(tape, x)))
        return try tape.add(h, mlp(tape, ln2(tape, h)))
    }
}

/// A GPT-style decoder: token + learned position embeddings, `layers` pre-norm blocks, a final
/// layernorm and an untied output head (`lm_head`).
///
/// ```swift
/// let model = try GPT(GPTConfig(vocabulary: 256, context: 16, width: 16, heads: 2, layers: 1))
/// var params = try model.initialParameters(seed: 42)
/// let tape = Tape()
/// params.register(on: tape)
/// let loss = try model.loss(tape, inputs: [[1, 2, 3]], targets: [[2, 3, 4]])
/// let grads = try tape.gradients(of: loss).matching(params)
/// ```
public struct GPT: Module {
    /// Sizes.
    public let config: GPTConfig
    /// Layers.
    public let tokens: Embedding, positions: Embedding, blocks: [DecoderBlock], lnF: LayerNorm, head: Linear

    /// A model; throws for non-positive sizes or heads not dividing the width.
    public init(_ config: GPTConfig) throws(RepOpsError) {
        guard config.vocabulary > 0, config.context > 0, config.width > 0, config.layers >= 0, config.hidden > 0 else {
            throw RepOpsError(.invalidArgument, "GPT sizes must be positive; got \(config)")
        }
        self.config = config
        tokens = Embedding("wte", count: config.vocabulary, width: config.width)
        positions = Embedding("wpe", count: config.context, width: config.width)
        var blocks: [DecoderBlock] = []
        for i in 0..<config.layers { blocks.append(try DecoderBlock("h\(i)", config)) }
        self.blocks = blocks
        lnF = LayerNorm("ln_f", config.width)
        head = Linear("lm_head", config.width, config.vocabulary, bias: false)
    }

    public var parameterSpecs: [ParameterSpec] {
        tokens.parameterSpecs + positions.parameterSpecs + blocks.flatMap(\.parameterSpecs) + lnF.parameterSpecs + head.parameterSpecs
    }

    /// Logits `[B·T, vocabulary]` for `B` sequences of equal length `T ≤ context` (parameters must
    /// be registered on `tape`).
    public func logits(_ tape: Tape, _ batch: [[Int]]) throws(RepOpsError) -> Var {
        guard let t = batch.first?.count, t > 0, t <= config.context, batch.allSatisfy({ $0.count == t }) else {
            throw RepOpsError(.invalidArgument, "GPT input must be ≥ 1 sequences of one length in 1...\(config.context)")
        }
        let b = batch.count
        let tok = try tape.reshape(tokens(tape, batch.flatMap { $0 }), [b, t, config.width])
        var x = try tape.add(tok, positions(tape, Array(0..<t)))
        for block in blocks { x = try block(tape, x) }
        let y = try head(tape, lnF(tape, x))
        return try tape.reshape(y, [b * t, config.vocabulary])
    }

    /// Log-probability of every target token, shape `[B·T, 1]`: row `b·T + t` is
    /// `log p(targets[b][t] | inputs[b][0...t])`. Differentiable, so weighting rows and summing
    /// gives policy-gradient (SAPO), behaviour-cloning or DPO losses without a gather op:
    /// `logSoftmax(logits) ⊙ onehot(targets)` summed over the vocabulary by a matmul with ones
    /// (one non-zero term per row, so the sum is exact).
    /// - Throws: `.shapeMismatch` when the shapes differ, `.invalidArgument` for a target outside
    ///   the vocabulary or inputs ``logits(_:_:)`` rejects.
    public func targetLogProbabilities(_ tape: Tape, inputs: [[Int]], targets: [[Int]]) throws(RepOpsError) -> Var {
        guard inputs.map(\.count) == targets.map(\.count) else {
            throw RepOpsError(.shapeMismatch, "GPT log-probabilities: targets must have the inputs' shape")
        }
        let v = config.vocabulary
        let flat = targets.flatMap { $0 }
        if let bad = flat.first(where: { !(0..<v).contains($0) }) {
            throw RepOpsError(.invalidArgument, "GPT log-probabilities: target token \(bad) is outside the vocabulary 0..<\(v)")
        }
        let logProbabilities = try tape.logSoftmax(logits(tape, inputs))
        var onehot = [Float](repeating: 0, count: flat.count * v)
        for (row, token) in flat.enumerated() { onehot[row * v + token] = 1 }
        let picked = try tape.mul(logProbabilities, tape.constant(Tensor(shape: [flat.count, v], scalars: onehot)))
        return try tape.matmul(picked, tape.constant(Tensor(shape: [v, 1], repeating: 1)))
    }

    /// Mean next-token cross-entropy of `inputs` against `targets` (same shapes).
    public func loss(_ tape: Tape, inputs: [[Int]], targets: [[Int]]) throws(RepOpsError) -> Var {
        guard inputs.map(\.count) == targets.map(\.count) else {
            throw RepOpsError(.shapeMismatch, "GPT loss: targets must have the inputs' shape")
        }
        return try tape.crossEntropy(logits(tape, inputs), targets: targets.flatMap { $0 })
    }
}
