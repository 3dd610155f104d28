import RepOps

/// Settings of a ``GPTPolicy``.
public struct GPTPolicyConfig: Sendable, Equatable {
    /// The model's sizes (its vocabulary must be the tokenizer's).
    public var model: GPTConfig
    /// Longest completion in tokens (EOS included).
    public var maxCompletionTokens: Int
    /// Sampling temperature of the rollouts.
    public var temperature: Float
    /// Adam learning rate of the SAPO steps.
    public var learningRate: Float
    /// Optimisation steps per batch (μ).
    public var iterations: Int
    /// Global-norm gradient clipping (nil: none).
    public var maxGradientNorm: Float?

    /// A configuration.
    public init(model: GPTConfig = GPTPolicyConfig.tinyModel, maxCompletionTokens: Int = 12, temperature: Float = 1,
                learningRate: Float = 1e-3, iterations: Int = 1, maxGradientNorm: Float? = 1) {
        self.model = model
        self.maxCompletionTokens = maxCompletionTokens
        self.temperature = temperature
        self.learningRate = learningRate
        self.iterations = iterations
        self.maxGradientNorm = maxGradientNorm
    }

    /// The experiments' model: character vocabulary, 40 positions, width 32, 2 heads, 2 layers
    /// (≈ 32 k parameters).
    public static let tinyModel = GPTConfig(vocabulary: TaskTokenizer().vocabulary, context: 40, width: 32, heads: 2, layers: 2)
}

/// Counters of a ``GPTPolicy``'s work (for throughput figures and logs).
public struct PolicyStatistics: Hashable, Sendable {
    /// Tokens sampled in rollouts.
    public var generatedTokens = 0
    /// Prompt tokens run through the model before sampling.
    public var promptTokens = 0
    /// Completion tokens trained on (per iteration).
    public var trainedTokens = 0
    /// Positions run through training forward/backward passes (padding included).
    public var trainedPositions = 0
    /// SAPO steps taken.
    public var steps = 0
    /// Completions not trained on (a character outside the alphabet, too long, no prompt).
    public var skippedCompletions = 0
    /// Wall time spent generating (prompt + sampling), in nanoseconds.
    public var generationNanoseconds: UInt64 = 0
    /// Wall time spent in SAPO steps, in nanoseconds.
    public var trainingNanoseconds: UInt64 = 0
    /// The last step's report.
    public var lastStep: SAPOLearner.StepReport?
    /// The last error (a step that failed leaves the parameters unchanged).
    public var lastError: String?
}

/// A real policy: a small RepOps GPT over ``TaskTokenizer`` tokens that reads the compact prompt
/// (``TaskPrompt``), samples completions with temperature from the counter-based RNG, and learns
/// with ``SAPOLearner``. External completions arrive as text and are re-tokenised here.
public struct GPTPolicy: SwarmPolicy {
    /// Settings.
    public let config: GPTPolicyConfig
    /// The tokenizer.
    public let tokenizer = TaskTokenizer()
    /// The learner (model, parameters, Adam state).
    public private(set) var learner: SAPOLearner
    /// Work counters.
    public private(set) var statistics = PolicyStatistics()

    /// A policy starting from `parameters` (e.g. a ``BaseModel``).
    /// - Throws: ``PolicyError`` when the model's vocabulary is not the tokenizer's, the sizes are
    ///   invalid, or `parameters` do not fit the model.
    public init(config: GPTPolicyConfig, parameters: ParameterSet) throws(PolicyError) {
        guard config.model.vocabulary == TaskTokenizer().vocabulary else {
            throw PolicyError(.invalidConfig, "the model's vocabulary must be \(TaskTokenizer().vocabulary) (the task tokenizer's)")
        }
        guard config.maxCompletionTokens >= 1, config.temperature > 0, config.temperature.isFinite,
              config.learningRate >= 0, config.learningRate.isFinite
        else { throw PolicyError(.invalidConfig, "need maxCompletionTokens ≥ 1, a positive temperature and a finite learning rate ≥ 0") }
        let model = try repOps { () throws(RepOpsError) in try GPT(config.model) }
        try BaseModel.check(parameters, fit: model)
        self.config = config
        learner = SAPOLearner(model: model, parameters: parameters, learningRate: config.learningRate,
                              iterations: config.iterations, maxGradientNorm: config.maxGradientNorm)
    }

    /// BOS + the compact prompt's tokens, or nil when the task has no prompt or it leaves no room
    /// for a completion.
    public func promptTokens(_ task: SwarmTask) -> [Int]? {
        guard let text = TaskPrompt.compact(task), let tokens = try? tokenizer.encode(text) else { return nil }
        let prompt = [TaskTokenizer.bos] + tokens
        return prompt.count + 1 <= config.model.context ? prompt : nil
    }

    public mutating func complete(_ task: SwarmTask, count: Int, rng: inout SwarmRandom) -> [String] {
        let n = max(0, count)
        let seed = rng.next()
        let clock = ContinuousClock(), start = clock.now
        defer { statistics.generationNanoseconds += nanoseconds(clock.now - start) }
        guard let prompt = promptTokens(task) else { return [String](repeating: "", count: n) }
        do {
            return try sample(prompt: prompt, count: n, seed: seed)
        } catch {
            statistics.lastError = error.description
            return [String](repeating: "", count: n)
        }
    }

    /// `count` completions of `prompt` (BOS first): the prompt runs once, each completion continues
    /// from a copy of its key/value cache; completion `i` draws with Philox seed
    /// `SwarmRandom(seed: seed, stream: i)` and the absolute position as the counter. Generation
    /// stops at EOS (or PAD/BOS), after ``GPTPolicyConfig/maxCompletionTokens``, or when the context
    /// is full.
    public mutating func sample(prompt: [Int], count: Int, seed: UInt64) throws(PolicyError) -> [String] {
        try generate(prompt: prompt, count: count, seed: seed, sampling: .sample(temperature: config.temperature))
    }

    /// ``sample(prompt:count:seed:)`` with any ``Sampling`` (greedy for evaluation).
    mutating func generate(prompt: [Int], count: Int, seed: UInt64, sampling: Sampling) throws(PolicyError) -> [String] {
        let model = learner.model, parameters = learner.parameters
        let limit = min(config.maxCompletionTokens, model.config.context - prompt.count + 1)
        let (texts, generated) = try repOps { () throws(RepOpsError) -> ([String], Int) in
            var cache = model.makeCache()
            var logits = try Tensor.zeros([model.config.vocabulary])
            for token in prompt { logits = try model.step(parameters, token: token, cache: &cache) }
            var texts: [String] = []
            var generated = 0
            for i in 0..<count {
                let s = SwarmRandom(seed: seed, stream: UInt64(i)).state
                var c = cache, l = logits, out: [Int] = []
                while out.count < limit {
                    let next = try GPT.choose(l, sampling, seed: s, counter: UInt64(prompt.count + out.count))
                    generated += 1
                    if next == TaskTokenizer.eos || next == TaskTokenizer.pad || next == TaskTokenizer.bos { break }
                    out.append(next)
                    if out.count == limit || c.count == model.config.context { break }
                    l = try model.step(parameters, token: next, cache: &c)
                }
                texts.append(tokenizer.decode(out))
            }
            return (texts, generated)
        }
        statistics.promptTokens += prompt.count
        statistics.generatedTokens += generated
        return texts
    }

    /// The training tokens of `completion`: its tokens, then EOS unless it used the whole budget
    /// (a completion cut at the limit had no EOS). nil when it cannot be tokenised or is too long.
    public func completionTokens(_ completion: String) -> [Int]? {
        guard let tokens = try? tokenizer.encode(completion) else { return nil }
        if tokens.count < config.maxCompletionTokens { return tokens + [TaskTokenizer.eos] }
        return tokens.count == config.maxCompletionTokens ? tokens : nil
    }

    /// The SAPO sequences of `groups`: every completion that tokenises, with its group advantage.
    public func sequences(_ groups: [ScoredGroup]) -> (sequences: [SAPOLearner.Sequence], skipped: Int) {
        var out: [SAPOLearner.Sequence] = []
        var skipped = 0
        for g in groups {
            guard let prompt = promptTokens(g.task) else { skipped += g.completions.count; continue }
            for (completion, advantage) in zip(g.completions, g.advantages) {
                guard let c = completionTokens(completion), prompt.count + c.count <= config.model.context + 1 else {
                    skipped += 1
                    continue
                }
                out.append(SAPOLearner.Sequence(prompt: prompt, completion: c, advantage: advantage))
            }
        }
        return (out, skipped)
    }

    public mutating func train(on batch: RolloutSampler.Batch) {
        let (seqs, skipped) = sequences(batch.all)
        statistics.skippedCompletions += skipped
        guard !seqs.isEmpty else { return }
        let clock = ContinuousClock(), start = clock.now
        defer { statistics.trainingNanoseconds += nanoseconds(clock.now - start) }
        do {
            let report = try learner.step(seqs)
            statistics.steps += 1
            statistics.trainedTokens += report.tokens * learner.iterations
            let length = seqs.map { $0.prompt.count + $0.completion.count - 1 }.max() ?? 0
            statistics.trainedPositions += seqs.count * length * learner.iterations
            statistics.lastStep = report
        } catch {
            statistics.lastError = error.description
        }
    }

    public var summary: String {
        let loss = statistics.lastStep.map { "loss \($0.loss)" } ?? "no step yet"
        return "GPT policy (\(learner.parameters.scalarCount) parameters), \(statistics.steps) SAPO steps, \(loss)"
    }
}

func nanoseconds(_ d: Duration) -> UInt64 {
    UInt64(max(0, d.components.seconds)) * 1_000_000_000 + UInt64(max(0, d.components.attoseconds / 1_000_000_000))
}
