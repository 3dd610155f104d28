import RepOps

/// Settings of a ``PreferenceTuner``.
public struct TuningConfiguration: Sendable, Hashable, Codable {
    /// Pairs or examples per optimizer step.
    public var batchSize: Int
    /// AdamW learning rate (constant).
    public var learningRate: Float
    /// AdamW decoupled weight decay (0 keeps the update a pure preference signal).
    public var weightDecay: Float
    /// Global gradient-norm clip (nil: none).
    public var maxGradientNorm: Float?
    /// DPO's β.
    public var beta: Float
    /// DPO's weight of the chosen completions' NLL (``DPOObjective/chosenLikelihoodWeight``; 0: plain DPO).
    public var chosenLikelihoodWeight: Float
    /// Seeds the per-epoch shuffles.
    public var seed: UInt64

    /// A configuration.
    public init(
        batchSize: Int = 16, learningRate: Float = 1e-3, weightDecay: Float = 0, maxGradientNorm: Float? = 1, beta: Float = 0.1,
        chosenLikelihoodWeight: Float = 0, seed: UInt64 = 1
    ) {
        self.chosenLikelihoodWeight = chosenLikelihoodWeight
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.maxGradientNorm = maxGradientNorm
        self.beta = beta
        self.seed = seed
    }
}

/// How well a model agrees with held-out preference pairs.
public struct PreferenceMetrics: Sendable, Hashable, Codable {
    /// Pairs evaluated.
    public var count: Int
    /// Fraction with `log π(chosen) > log π(rejected)`: the model itself ranks the user's choice first.
    public var accuracy: Double
    /// Fraction with a positive implicit reward margin `h > 0` (moved toward the choice since the reference).
    public var rewardAccuracy: Double
    /// Mean implicit reward margin `h` (0 for the reference itself).
    public var meanMargin: Double
    /// Mean `log π(chosen) − log π(rejected)`.
    public var meanPreference: Double
    /// DPO loss on the pairs (`log 2` for the reference itself).
    public var loss: Double
}

/// Local tuning of a RepOps ``GPT`` on a user's preferences: DPO over preference pairs and
/// reward-weighted behaviour cloning, from a frozen base (the DPO reference).
///
/// Deterministic: batches follow a seeded permutation per epoch, every value is a RepOps op
/// sequence, and AdamW is RepOps' — two tuners built from the same values produce
/// bitwise-identical parameters for every `RepOps.threads` and ISA.
///
/// ```swift
/// var tuner = try PreferenceTuner(model: model, base: base, configuration: TuningConfiguration(learningRate: 3e-3))
/// let (train, heldOut) = try TuningSplit.split(pairs, heldOutFraction: 0.2, seed: 7)
/// let before = try tuner.metrics(heldOut)
/// for _ in 0..<10 { try tuner.dpoEpoch(train) }
/// print(before.accuracy, try tuner.metrics(heldOut).accuracy)
/// let delta = try tuner.delta()               // share delta.safetensorsBytes(), delta.digestHex
/// ```
public struct PreferenceTuner: Sendable {
    /// The model.
    public let model: GPT
    /// The starting parameters (DPO's frozen reference).
    public let base: ParameterSet
    /// Current parameters.
    public private(set) var parameters: ParameterSet
    /// Optimizer state.
    public private(set) var optimizer: AdamW
    /// Settings.
    public let configuration: TuningConfiguration
    /// Epochs done (DPO and behaviour cloning together; each epoch has its own shuffle).
    public private(set) var epochs = 0
    /// Optimizer steps done.
    public private(set) var steps = 0
    /// Reference log-probabilities of pairs already seen (the reference never changes).
    private var referenceCache: [TokenizedPreference: (chosen: Float, rejected: Float)] = [:]

    /// A tuner starting at `base` (must hold exactly `model`'s parameters).
    /// - Throws: `parameterMismatch` when `base` does not fit `model`; `invalidConfiguration`
    ///   for a non-positive batch size, learning rate or β.
    public init(model: GPT, base: ParameterSet, configuration: TuningConfiguration = TuningConfiguration()) throws(SignalError) {
        let specs = model.parameterSpecs
        guard base.names == specs.map(\.name).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }),
              specs.allSatisfy({ base[$0.name]!.shape == $0.shape }) else {
            throw SignalError(.parameterMismatch, "the base parameters do not match the model (names or shapes differ); load the checkpoint the model was built for")
        }
        guard configuration.batchSize > 0, configuration.learningRate > 0, configuration.learningRate.isFinite,
              configuration.beta > 0, configuration.beta.isFinite, configuration.weightDecay >= 0,
              configuration.chosenLikelihoodWeight >= 0, configuration.chosenLikelihoodWeight.isFinite else {
            throw SignalError(.invalidConfiguration, "batch size, learning rate and β must be positive, weight decay and chosenLikelihoodWeight ≥ 0; got \(configuration)")
        }
        self.model = model
        self.base = base
        self.parameters = base
        self.configuration = configuration
        self.optimizer = AdamW(weightDecay: configuration.weightDecay)
    }

    /// Reference log-probabilities of `pairs`, computed once per distinct pair.
    private mutating func reference(_ pairs: [TokenizedPreference]) throws(SignalError) -> [(chosen: Float, rejected: Float)] {
        let missing = Array(Set(pairs.filter { referenceCache[$0] == nil }))
        if !missing.isEmpty {
            let values = try DPOObjective.referenceLogProbabilities(model, parameters: base, pairs: missing)
            for (p, v) in zip(missing, values) { referenceCache[p] = v }
        }
        return pairs.map { referenceCache[$0]! }
    }

    /// One DPO epoch over `pairs` (seeded shuffle, batches of `batchSize`); returns the mean
    /// batch loss before each update.
    @discardableResult
    public mutating func dpoEpoch(_ pairs: [TokenizedPreference]) throws(SignalError) -> Float {
        guard !pairs.isEmpty else { throw SignalError(.invalidTrainingData, "DPO needs at least one preference pair") }
        let objective = DPOObjective(beta: configuration.beta, chosenLikelihoodWeight: configuration.chosenLikelihoodWeight)
        var total: Float = 0, count = 0
        for batch in shuffledBatches(pairs) {
            let eval = try objective.evaluate(model, parameters: parameters, reference: reference(batch), pairs: batch)
            try update(eval.gradients!)
            total += eval.loss
            count += 1
        }
        epochs += 1
        return total / Float(count)
    }

    /// One reward-weighted behaviour-cloning epoch over `examples`; returns the mean batch loss.
    @discardableResult
    public mutating func behaviourCloningEpoch(_ examples: [TokenizedExample], objective: RewardWeightedObjective = RewardWeightedObjective()) throws(SignalError) -> Float {
        guard !examples.isEmpty else { throw SignalError(.invalidTrainingData, "behaviour cloning needs at least one example") }
        var total: Float = 0, count = 0
        for batch in shuffledBatches(examples) {
            let eval = try objective.evaluate(model, parameters: parameters, examples: batch)
            try update(eval.gradients!)
            total += eval.loss
            count += 1
        }
        epochs += 1
        return total / Float(count)
    }

    private func shuffledBatches<T>(_ items: [T]) -> [[T]] {
        let order = TuningSplit.permutation(items.count, seed: configuration.seed &+ UInt64(epochs) &* 0x9E37_79B9_7F4A_7C15)
        return stride(from: 0, to: order.count, by: configuration.batchSize).map { start in
            order[start..<min(start + configuration.batchSize, order.count)].map { items[$0] }
        }
    }

    private mutating func update(_ gradients: ParameterSet) throws(SignalError) {
        var g = gradients
        if let clip = configuration.maxGradientNorm { g = g.clippedByGlobalNorm(clip).0 }
        try repOps { () throws(RepOpsError) in try optimizer.step(&parameters, g, lr: configuration.learningRate) }
        steps += 1
    }

    /// Held-out metrics of the current parameters on `pairs` (evaluated in batches, no update;
    /// `loss` is the plain DPO loss, without the chosen-NLL term).
    public mutating func metrics(_ pairs: [TokenizedPreference]) throws(SignalError) -> PreferenceMetrics {
        guard !pairs.isEmpty else { throw SignalError(.invalidTrainingData, "metrics need at least one preference pair") }
        let objective = DPOObjective(beta: configuration.beta)
        var correct = 0, rewardCorrect = 0
        var margin = 0.0, preference = 0.0, loss = 0.0
        for start in stride(from: 0, to: pairs.count, by: configuration.batchSize) {
            let batch = Array(pairs[start..<min(start + configuration.batchSize, pairs.count)])
            let eval = try objective.evaluate(model, parameters: parameters, reference: reference(batch), pairs: batch, gradients: false)
            correct += eval.policyPreference.filter { $0 > 0 }.count
            rewardCorrect += eval.margins.filter { $0 > 0 }.count
            margin += eval.margins.reduce(0.0) { $0 + Double($1) }
            preference += eval.policyPreference.reduce(0.0) { $0 + Double($1) }
            loss += Double(eval.loss) * Double(batch.count)
        }
        let n = Double(pairs.count)
        return PreferenceMetrics(
            count: pairs.count, accuracy: Double(correct) / n, rewardAccuracy: Double(rewardCorrect) / n,
            meanMargin: margin / n, meanPreference: preference / n, loss: loss / n)
    }

    /// The update so far as a shareable ``ParameterDelta`` (tuned − base).
    public func delta() throws(SignalError) -> ParameterDelta { try ParameterDelta(base: base, tuned: parameters) }
}
