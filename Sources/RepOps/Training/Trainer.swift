/// A deterministic GPT training loop: Philox batches, forward + backward on a ``Tape``,
/// global-norm clipping, AdamW with a warm-up + cosine schedule. Two trainers built from the same
/// values produce bitwise-identical parameters after every step, for every thread count and ISA.
///
/// ```swift
/// var trainer = try GPTTrainer(config: GPTConfig(), corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 1)
/// for _ in 0..<10 { print(try trainer.step()) }     // losses
/// print(trainer.parameters.digestHex)
/// ```
public struct GPTTrainer: Sendable {
    /// The model.
    public let model: GPT
    /// Current parameters.
    public var parameters: ParameterSet
    /// Optimizer state.
    public var optimizer: AdamW
    /// Learning rates.
    public var schedule: WarmupCosineSchedule
    /// Training data.
    public let batcher: TokenBatcher
    /// Global-norm clip threshold (nil: no clipping).
    public var maxGradientNorm: Float?
    /// Steps done.
    public internal(set) var stepCount = 0

    /// A trainer with parameters initialised from `seed` and batches drawn with `seed`.
    public init(
        config: GPTConfig, corpus: [Int], seed: UInt64, batchSize: Int = 4,
        schedule: WarmupCosineSchedule = WarmupCosineSchedule(peak: 1e-2, minimum: 1e-3, warmupSteps: 5, totalSteps: 100),
        optimizer: AdamW = AdamW(weightDecay: 0.01), maxGradientNorm: Float? = 1
    ) throws(RepOpsError) {
        model = try GPT(config)
        parameters = try model.initialParameters(seed: seed)
        batcher = try TokenBatcher(tokens: corpus, batchSize: batchSize, context: config.context, seed: seed)
        if let bad = corpus.firstIndex(where: { $0 < 0 || $0 >= config.vocabulary }) {
            throw RepOpsError(.indexOutOfRange, "corpus token \(corpus[bad]) at \(bad) is outside the vocabulary 0..<\(config.vocabulary)")
        }
        self.schedule = schedule
        self.optimizer = optimizer
        self.maxGradientNorm = maxGradientNorm
    }

    /// Mean loss of the batch for step `step` under the current parameters (no update).
    public func loss(step: Int) throws(RepOpsError) -> Float {
        let tape = Tape()
        parameters.register(on: tape)
        let (x, y) = batcher.batch(step: step)
        return try tape.value(model.loss(tape, inputs: x, targets: y)).scalars[0]
    }

    /// One training step; returns the batch loss before the update. With `traceSink`, every op of
    /// the forward pass, the backward pass, clipping and the optimizer update is reported to it
    /// (named inputs: the parameters before the step and `adamw.m/<name>`, `adamw.v/<name>`),
    /// in index order, all before the step returns. `digestsInBackground`: output digests are
    /// hashed on a background thread while the step computes (same digests; see
    /// ``Tape/init(traceSink:digestsInBackground:)``).
    @discardableResult
    public mutating func step(traceSink: (any TraceSink)? = nil, digestsInBackground: Bool = true) throws(RepOpsError) -> Float {
        let tape = traceSink.map { Tape(traceSink: $0, digestsInBackground: digestsInBackground) } ?? Tape()
        defer { tape.flushTrace() }
        parameters.register(on: tape)
        let (x, y) = batcher.batch(step: stepCount)
        let loss = try model.loss(tape, inputs: x, targets: y)
        var grads = try tape.gradients(of: loss).matching(parameters)
        if let maxGradientNorm { grads = grads.clippedByGlobalNorm(maxGradientNorm, trace: tape).0 }
        try optimizer.step(&parameters, grads, lr: schedule.learningRate(step: stepCount), trace: tape)
        stepCount += 1
        return tape.value(loss).scalars[0]
    }
}
