import RepOps

/// A delegated RepOps GPT training job: the model, the corpus, the data seed, the schedule and
/// optimizer, and the number of steps. ``spec()`` turns it into the ``JobSpec`` parties commit to.
///
/// Step `s` of the job (1-based) is `GPTTrainer.step()` number `s − 1`: a Philox batch, forward,
/// backward, global-norm clipping and AdamW. A checkpoint is the parameters plus AdamW's moments,
/// named `<parameter>`, `adamw.m/<parameter>` and `adamw.v/<parameter>` (zeros before step 1), each
/// committed by its ``RepOps/Tensor/traceDigest``.
///
/// ```swift
/// let job = GPTJob(config: GPTConfig(vocabulary: 32, context: 8, width: 8, heads: 2, layers: 1),
///                  corpus: tokens, seed: 7, steps: 16)
/// let honest = try GPTTraceSource(job: job)
/// let referee = try GPTReexecutor(job: job)
/// ```
public struct GPTJob: Sendable {
    static let magic = Array("verde-repops-gpt-v1".utf8)
    static let evaluationMagic = Array("verde-repops-gpt-eval-v1".utf8)
    /// The checkpoint tensor an evaluation step produces.
    public static let scoreName = "score"

    /// Model sizes.
    public var config: GPTConfig
    /// Training tokens (every token in `0..<config.vocabulary`).
    public var corpus: [Int]
    /// Seed of the initial parameters and of the batches.
    public var seed: UInt64
    /// Sequences per batch.
    public var batchSize: Int
    /// Learning rates.
    public var schedule: WarmupCosineSchedule
    /// AdamW hyper-parameters (its state starts empty).
    public var optimizer: AdamW
    /// Global-norm clip threshold.
    public var maxGradientNorm: Float
    /// Number of steps.
    public var steps: Int
    /// Steps between kept full checkpoints (a party replays from the nearest one to answer).
    public var checkpointInterval: Int
    /// An inference / eval job instead of training: step `s` is the model's forward pass alone,
    /// scoring batch `s` (its mean cross-entropy, the checkpoint tensor `score`, e.g. a judge
    /// model's score of an answer); the parameters never change. The same op-level dispute
    /// settles who computed a score wrongly.
    public var evaluation = false

    /// A job.
    public init(
        config: GPTConfig, corpus: [Int], seed: UInt64, batchSize: Int = 2, steps: Int,
        schedule: WarmupCosineSchedule? = nil, optimizer: AdamW = AdamW(weightDecay: 0.01), maxGradientNorm: Float = 1,
        checkpointInterval: Int = 1
    ) {
        self.config = config
        self.corpus = corpus
        self.seed = seed
        self.batchSize = batchSize
        self.steps = steps
        self.schedule = schedule ?? WarmupCosineSchedule(peak: 1e-2, minimum: 1e-3, warmupSteps: 5, totalSteps: max(steps, 6))
        self.optimizer = optimizer
        self.maxGradientNorm = maxGradientNorm
        self.checkpointInterval = checkpointInterval
    }

    /// A fresh trainer for the job (step 0).
    /// - Throws: ``VerdeError`` `.invalidValue` when RepOps rejects the model, corpus or batch size.
    public func trainer() throws(VerdeError) -> GPTTrainer {
        do {
            return try GPTTrainer(
                config: config, corpus: corpus, seed: seed, batchSize: batchSize, schedule: schedule, optimizer: optimizer,
                maxGradientNorm: maxGradientNorm)
        } catch {
            throw VerdeError(.invalidValue, "RepOps cannot train this job: \(error.message)")
        }
    }

    /// The named tensors of `trainer`'s checkpoint before a step, in canonical (UTF-8 byte) name
    /// order: parameters and AdamW moments (zeros before the first step); for an evaluation job,
    /// parameters and a zero `score` (every step overwrites it).
    public func checkpointTensors(_ trainer: GPTTrainer) -> [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        for name in trainer.parameters.names {
            let p = trainer.parameters[name]!
            out.append((name, p))
            if evaluation { continue }
            let zeros = (try? Tensor(shape: p.shape, repeating: 0)) ?? p
            out.append(("adamw.m/" + name, trainer.optimizer.m[name] ?? zeros))
            out.append(("adamw.v/" + name, trainer.optimizer.v[name] ?? zeros))
        }
        if evaluation { out.append((GPTJob.scoreName, Tensor(scalar: 0))) }
        return out.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    }

    /// The checkpoint commitment of `trainer`'s state (before any step of an evaluation job).
    public func checkpoint(_ trainer: GPTTrainer) throws(VerdeError) -> CheckpointCommitment {
        try CheckpointCommitment(tensors: checkpointTensors(trainer).map { NamedTensor(name: $0.name, digest: Digest(trace: $0.tensor)) })
    }

    /// The job spec: the model sizes, the corpus digest, the seed, the hyper-parameters and the
    /// initial checkpoint commitment.
    /// - Throws: ``VerdeError`` when the job is invalid.
    public func spec() throws(VerdeError) -> JobSpec {
        var config = WordWriter()
        config.write(bytes: evaluation ? GPTJob.evaluationMagic : GPTJob.magic)
        for v in [self.config.vocabulary, self.config.context, self.config.width, self.config.heads, self.config.layers,
                  self.config.hidden, batchSize] { config.write(v) }
        var order = WordWriter()
        order.write(UInt64(corpus.count))
        order.write(corpusDigest)
        var hyper = WordWriter()
        for f in [schedule.peak, schedule.minimum] { hyper.write(UInt64(f.bitPattern)) }
        hyper.write(schedule.warmupSteps)
        hyper.write(schedule.totalSteps)
        for f in [optimizer.beta1, optimizer.beta2, optimizer.eps, optimizer.weightDecay, maxGradientNorm] {
            hyper.write(UInt64(f.bitPattern))
        }
        return try JobSpec(
            modelConfig: config.bytes, dataOrder: order.bytes, seed: seed, hyperparameters: hyper.bytes, steps: steps,
            checkpointInterval: checkpointInterval, initialCheckpoint: checkpoint(trainer()).root)
    }

    /// Reads a job back from its published spec and the corpus it names (a referee or a new
    /// party starts from what is on chain).
    /// - Throws: ``VerdeError`` `.invalidValue` when the spec is not a RepOps GPT job, the corpus
    ///   is not the one the spec commits to, or the initial checkpoint differs from the one the
    ///   spec's model and seed give.
    public init(spec: JobSpec, corpus: [Int]) throws(VerdeError) {
        var config = WordReader(spec.modelConfig)
        let magic = try config.readBytes("magic", max: 64)
        guard magic == GPTJob.magic || magic == GPTJob.evaluationMagic else {
            throw VerdeError(.invalidValue, "the job's model config is not a RepOps GPT job")
        }
        var sizes: [Int] = []
        for what in ["vocabulary", "context", "width", "heads", "layers", "hidden", "batch size"] {
            sizes.append(try config.readInt(what, max: 1 << 20))
        }
        try config.finish()
        var hyper = WordReader(spec.hyperparameters)
        func float(_ what: String) throws(VerdeError) -> Float {
            Float(bitPattern: UInt32(try hyper.readInt(what, max: Int(UInt32.max))))
        }
        let peak = try float("peak rate"), minimum = try float("minimum rate")
        let warmup = try hyper.readInt("warm-up steps"), total = try hyper.readInt("total steps")
        let beta1 = try float("beta1"), beta2 = try float("beta2"), eps = try float("eps"), decay = try float("weight decay")
        let maxNorm = try float("max gradient norm")
        try hyper.finish()
        self.init(
            config: GPTConfig(vocabulary: sizes[0], context: sizes[1], width: sizes[2], heads: sizes[3], layers: sizes[4], hidden: sizes[5]),
            corpus: corpus, seed: spec.seed, batchSize: sizes[6], steps: spec.steps,
            schedule: WarmupCosineSchedule(peak: peak, minimum: minimum, warmupSteps: warmup, totalSteps: total),
            optimizer: AdamW(beta1: beta1, beta2: beta2, eps: eps, weightDecay: decay), maxGradientNorm: maxNorm,
            checkpointInterval: spec.checkpointInterval)
        evaluation = magic == GPTJob.evaluationMagic
        guard try self.spec() == spec else {
            throw VerdeError(.invalidValue, "the corpus or the initial checkpoint is not the one the job spec commits to")
        }
    }

    /// Keccak-256 over the corpus tokens, one word each.
    public var corpusDigest: Digest {
        var w = WordWriter()
        for t in corpus { w.write(UInt64(truncatingIfNeeded: t)) }
        return Digest.keccak(w.bytes)
    }
}

extension Digest {
    /// A tensor's digest as traces record it (``RepOps/Tensor/traceDigest``).
    public init(trace tensor: Tensor) { self.init(traceBytes: tensor.traceDigest) }

    /// A digest from a RepOps trace digest (32 bytes; anything else maps to zero, which no tensor has).
    init(traceBytes bytes: [UInt8]) { self = (try? Digest(bytes: bytes)) ?? .zero }
}
