import RepOps

/// SAPO's learner on a RepOps ``GPT``: the per-token clipped surrogate (ε_low 0.2, ε_high 0.28)
/// through autograd, no KL term, no reference model, loss averaged over the unmasked
/// (completion) tokens of the batch, Adam.
///
/// How the gradient is exact without a clip op on the tape: ``GPT/targetLogProbabilities(_:inputs:targets:)``
/// gives log π(token) for every position; ρ = exp(log π − log π_old); ``SAPOObjective/surrogate(ratios:advantages:mask:clip:)``
/// gives ∂loss/∂ρ per token (−A/N where the unclipped term is the minimum, else 0); since
/// ∂ρ/∂log π = ρ, the loss's gradient is that of Σ wₜ·log πₜ with the **constant** weights
/// wₜ = (∂loss/∂ρₜ)·ρₜ, which the tape differentiates. The first optimisation step of a batch has
/// π_old = π (ρ = 1 exactly), as in genrl/TRL with one iteration.
///
/// Everything is RepOps arithmetic in a fixed order: a step is bitwise reproducible for every
/// thread count and ISA, and can be traced for Verde (`traceSink`).
public struct SAPOLearner: Sendable {
    /// One training sequence: `prompt` (starting with BOS) followed by `completion` (the tokens
    /// the loss counts), with the advantage of its completion.
    public struct Sequence: Hashable, Sendable {
        /// BOS + prompt tokens (not trained on).
        public var prompt: [Int]
        /// Completion tokens (trained on).
        public var completion: [Int]
        /// The completion's advantage A.
        public var advantage: Float
        /// A sequence.
        public init(prompt: [Int], completion: [Int], advantage: Float) {
            self.prompt = prompt
            self.completion = completion
            self.advantage = advantage
        }
    }

    /// The loss, its gradient and the log-probabilities of one evaluation.
    public struct Evaluation: Sendable {
        /// The surrogate (loss, ∂loss/∂ρ, clipped and counted tokens), over the padded layout.
        public let surrogate: SAPOObjective.Surrogate
        /// ∂loss/∂θ for every parameter.
        public let gradients: ParameterSet
        /// log π of every completion token, per sequence.
        public let logProbabilities: [[Float]]
    }

    /// What one ``step(_:traceSink:)`` did.
    public struct StepReport: Hashable, Sendable {
        /// Surrogate loss before the update (first iteration).
        public let loss: Float
        /// Mean log π of the completion tokens before the update (−NLL; for warm-up progress).
        public let meanLogProbability: Float
        /// Completion tokens the loss averaged over.
        public let tokens: Int
        /// Tokens whose clipped term was the minimum, summed over iterations.
        public let clippedTokens: Int
        /// Global gradient norm of the first iteration (before clipping).
        public let gradientNorm: Float
        /// Keccak-256 of the parameters after the step (``ParameterSet/digestHex``).
        public let parametersDigest: String
    }

    /// The model.
    public let model: GPT
    /// Current parameters.
    public var parameters: ParameterSet
    /// Adam state (decoupled weight decay 0 by default: plain Adam, as SAPO uses).
    public var optimizer: AdamW
    /// Learning rate.
    public var learningRate: Float
    /// The clip range.
    public var clip: SAPOObjective.ClipRange
    /// Optimisation steps per batch (μ; 1 as in genrl, where ρ = 1 and nothing clips).
    public var iterations: Int
    /// Global-norm gradient clipping (nil: none).
    public var maxGradientNorm: Float?

    /// A learner for `model` starting from `parameters`.
    public init(model: GPT, parameters: ParameterSet, learningRate: Float = 1e-3, clip: SAPOObjective.ClipRange = .sapo,
                iterations: Int = 1, maxGradientNorm: Float? = 1, optimizer: AdamW = AdamW(weightDecay: 0)) {
        self.model = model
        self.parameters = parameters
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.clip = clip
        self.iterations = max(1, iterations)
        self.maxGradientNorm = maxGradientNorm
    }

    /// Padded inputs/targets (PAD to the longest sequence) and, per flat position `b·L + t`,
    /// whether it is a completion target and its advantage.
    struct Layout {
        var inputs: [[Int]], targets: [[Int]], mask: [Bool], advantages: [Float], length: Int
        /// Flat positions of each sequence's completion targets.
        var positions: [[Int]]
    }

    func layout(_ sequences: [Sequence]) throws(PolicyError) -> Layout {
        guard !sequences.isEmpty else { throw PolicyError(.invalidConfig, "a SAPO step needs at least one sequence") }
        let context = model.config.context
        var length = 0
        for (i, s) in sequences.enumerated() {
            guard !s.prompt.isEmpty, !s.completion.isEmpty else {
                throw PolicyError(.invalidConfig, "sequence \(i) needs a non-empty prompt and completion")
            }
            let n = s.prompt.count + s.completion.count - 1
            guard n <= context else { throw PolicyError(.tooLong, "sequence \(i) needs \(n + 1) positions; the context is \(context)") }
            guard s.advantage.isFinite else { throw PolicyError(.invalidConfig, "sequence \(i) has a non-finite advantage") }
            length = max(length, n)
        }
        var out = Layout(inputs: [], targets: [], mask: [], advantages: [], length: length, positions: [])
        for (b, s) in sequences.enumerated() {
            let full = s.prompt + s.completion
            let pad = [Int](repeating: TaskTokenizer.pad, count: length - (full.count - 1))
            out.inputs.append(Array(full.dropLast()) + pad)
            out.targets.append(Array(full.dropFirst()) + pad)
            let first = s.prompt.count - 1, end = full.count - 1
            for t in 0..<length {
                let counted = t >= first && t < end
                out.mask.append(counted)
                out.advantages.append(counted ? s.advantage : 0)
            }
            out.positions.append((first..<end).map { b * length + $0 })
        }
        return out
    }

    /// The surrogate loss and its exact gradient at `parameters` (default: the current ones).
    /// - Parameter old: log π_old per sequence's completion tokens; nil means π_old = π (ρ = 1).
    public func evaluate(_ sequences: [Sequence], parameters: ParameterSet? = nil, old: [[Float]]? = nil,
                         traceSink: (any TraceSink)? = nil) throws(PolicyError) -> Evaluation {
        try evaluate(layout(sequences), parameters: parameters ?? self.parameters, old: old, tape: Tape(traceSink: traceSink))
    }

    func evaluate(_ l: Layout, parameters: ParameterSet, old: [[Float]]?, tape: Tape) throws(PolicyError) -> Evaluation {
        if let old {
            guard old.map(\.count) == l.positions.map(\.count) else {
                throw PolicyError(.invalidConfig, "old log-probabilities must have one value per completion token")
            }
        }
        return try repOps { () throws(RepOpsError) -> Evaluation in
            parameters.register(on: tape)
            let logp = try model.targetLogProbabilities(tape, inputs: l.inputs, targets: l.targets)
            let values = tape.value(logp).scalars
            var ratios = [Float](repeating: 1, count: values.count)
            if let old {
                var diff = [Float](repeating: 0, count: values.count)
                for (b, positions) in l.positions.enumerated() {
                    for (k, p) in positions.enumerated() { diff[p] = values[p] - old[b][k] }
                }
                ratios = Tensor(diff).exp().scalars
            }
            // The layout gives ratios, advantages and mask one entry per position: this cannot fail.
            guard let surrogate = try? SAPOObjective.surrogate(ratios: ratios, advantages: l.advantages, mask: l.mask, clip: clip) else {
                throw RepOpsError(.shapeMismatch, "SAPO surrogate: inconsistent batch layout")
            }
            // ∂loss/∂log π = ∂loss/∂ρ · ρ: constant weights, one matmul row.
            var weights = [Float](repeating: 0, count: values.count)
            for i in weights.indices where surrogate.gradient[i] != 0 { weights[i] = surrogate.gradient[i] * ratios[i] }
            let row = tape.constant(try Tensor(shape: [1, values.count], scalars: weights))
            let objective = try tape.matmul(row, logp)
            let gradients = try tape.gradients(of: objective).matching(parameters)
            return Evaluation(surrogate: surrogate, gradients: gradients,
                              logProbabilities: l.positions.map { $0.map { values[$0] } })
        }
    }

    /// One SAPO update on `sequences`: ``iterations`` Adam steps on the clipped surrogate, π_old
    /// fixed at the parameters before the first.
    @discardableResult
    public mutating func step(_ sequences: [Sequence], traceSink: (any TraceSink)? = nil) throws(PolicyError) -> StepReport {
        let l = try layout(sequences)
        var old: [[Float]]?
        var first: Evaluation?
        var norm: Float = 0
        var clipped = 0
        for _ in 0..<iterations {
            let tape = Tape(traceSink: traceSink)
            let e = try evaluate(l, parameters: parameters, old: old, tape: tape)
            clipped += e.surrogate.clippedTokens
            var grads = e.gradients
            if let maxGradientNorm {
                let (c, n) = grads.clippedByGlobalNorm(maxGradientNorm, trace: tape)
                grads = c
                if first == nil { norm = n }
            } else if first == nil {
                norm = grads.globalNorm
            }
            let lr = learningRate
            try repOps { () throws(RepOpsError) in try optimizer.step(&parameters, grads, lr: lr, trace: tape) }
            if first == nil { first = e; old = e.logProbabilities }
        }
        let e = first!
        var sum: Float = 0
        var count = 0
        for row in e.logProbabilities { for x in row { sum += x; count += 1 } }
        return StepReport(loss: e.surrogate.loss, meanLogProbability: count > 0 ? sum / Float(count) : 0, tokens: e.surrogate.tokens,
                          clippedTokens: clipped, gradientNorm: norm, parametersDigest: parameters.digestHex)
    }
}

/// Runs RepOps code, turning its errors into ``PolicyError``s.
func repOps<T>(_ body: () throws(RepOpsError) -> T) throws(PolicyError) -> T {
    do { return try body() } catch { throw PolicyError(.repOps, error.description) }
}
