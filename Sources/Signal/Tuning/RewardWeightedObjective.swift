import RepOps

/// Reward-weighted behaviour cloning: `L = −Σ_b w_b · mean_t log πθ(y_{b,t} | …) / Σ_b |w_b|`.
/// Each example's completion log-likelihood (averaged over its tokens) is weighted by its
/// reward: positive weights imitate, negative ones push away; dividing by `Σ|w|` keeps the step
/// size independent of the reward scale. The loss is a RepOps tape expression (a constant
/// coefficient row times the per-token log-probabilities), so it is bitwise reproducible.
public struct RewardWeightedObjective: Sendable, Hashable {
    /// Rewards below this are clipped to it (nil: no clipping), limiting how hard a bad example
    /// pushes probability away.
    public var minimumWeight: Float?

    /// An objective; `minimumWeight` clips negative rewards.
    public init(minimumWeight: Float? = -1) { self.minimumWeight = minimumWeight }

    /// One evaluation.
    public struct Evaluation: Sendable {
        /// The loss (0 when every weight is 0).
        public var loss: Float
        /// Mean completion log-likelihood per token, per example.
        public var meanLogLikelihood: [Float]
        /// Gradients by parameter name (nil when not requested).
        public var gradients: ParameterSet?
    }

    /// Evaluates the objective on `examples` (one batch) under `parameters`.
    /// - Throws: `invalidTrainingData` for an empty batch, bad tokens, over-long sequences or a
    ///   non-finite weight.
    public func evaluate(_ model: GPT, parameters: ParameterSet, examples: [TokenizedExample], gradients: Bool = true) throws(SignalError) -> Evaluation {
        if let bad = examples.firstIndex(where: { !$0.weight.isFinite }) {
            throw SignalError(.invalidTrainingData, "example \(bad) has weight \(examples[bad].weight); weights must be finite")
        }
        let batch = try SequenceBatch(examples.map { ($0.prompt, $0.completion) }, config: model.config)
        let weights = examples.map { e in minimumWeight.map { max(e.weight, $0) } ?? e.weight }
        let total = weights.reduce(Float(0)) { $0 + abs($1) }
        let tape = Tape()
        parameters.register(on: tape)
        let tokenLP = try batch.tokenLogProbabilities(model, tape)
        let perToken = batch.completionLengths.map { 1 / Float($0) }
        let means = try tape.value(batch.sequenceSums(tape, tokenLP, coefficients: perToken)).scalars
        guard total > 0 else { return Evaluation(loss: 0, meanLogLikelihood: means, gradients: gradients ? try zeroGradients(parameters) : nil) }
        // Coefficient of example b: −w_b / (|w|₁ · len_b), spread over its completion tokens.
        let coefficients = (0..<examples.count).map { -weights[$0] / total * perToken[$0] }
        let sums = try batch.sequenceSums(tape, tokenLP, coefficients: coefficients)
        let (loss, grads) = try repOps { () throws(RepOpsError) in
            let row = try tape.matmul(tape.constant(Tensor(shape: [1, examples.count], repeating: 1)), sums)
            return (tape.value(row).scalars[0], gradients ? try tape.gradients(of: row).matching(parameters) : nil)
        }
        guard loss.isFinite else { throw SignalError(.invalidTrainingData, "behaviour-cloning loss is not finite (\(loss)); lower the learning rate") }
        return Evaluation(loss: loss, meanLogLikelihood: means, gradients: grads)
    }

    private func zeroGradients(_ parameters: ParameterSet) throws(SignalError) -> ParameterSet {
        var out = ParameterSet()
        for name in parameters.names { out[name] = try repOps { () throws(RepOpsError) in try Tensor.zeros(parameters[name]!.shape) } }
        return out
    }
}
