import RepOps

/// Direct Preference Optimization (Rafailov et al. 2023) over tokenized pairs:
/// `L = mean_i −log σ(β·h_i)` with the implicit reward margin
/// `h_i = (log πθ(c_i) − log πref(c_i)) − (log πθ(r_i) − log πref(r_i))`, where `log π(y)` is the
/// sum of the completion's token log-probabilities after the prompt.
///
/// The gradient is exact: `∂L/∂h_i = −β·σ(−β·h_i)/N`, so ``evaluate(_:parameters:reference:pairs:)``
/// differentiates the surrogate `Σ_i ∂L/∂h_i · (log πθ(c_i) − log πθ(r_i))` (coefficients held
/// constant) on one RepOps tape. Every value is a fixed sequence of RepOps ops: bitwise
/// reproducible for any thread count and ISA.
///
/// With `chosenLikelihoodWeight` α > 0 the loss adds `α · mean_i(−log πθ(c_i) / |c_i|)` (the chosen
/// completions' per-token negative log-likelihood, as in RPO, Pang et al. 2024): DPO alone can
/// reach a low loss by making both completions unlikely; the extra term keeps the chosen ones likely.
public struct DPOObjective: Sendable, Hashable {
    /// Inverse temperature β (> 0): how far the policy may move from the reference.
    public var beta: Float
    /// Weight α ≥ 0 of the chosen completions' negative log-likelihood (0: plain DPO).
    public var chosenLikelihoodWeight: Float

    /// DPO with `beta`, plus `chosenLikelihoodWeight` × the chosen completions' NLL.
    public init(beta: Float = 0.1, chosenLikelihoodWeight: Float = 0) {
        self.beta = beta
        self.chosenLikelihoodWeight = chosenLikelihoodWeight
    }

    /// One evaluation: the loss, per-pair margins and (when `gradients`) the gradient of the
    /// loss for every parameter.
    public struct Evaluation: Sendable {
        /// `mean −log σ(β·h)` (+ α · the chosen completions' mean per-token NLL).
        public var loss: Float
        /// `h_i` per pair.
        public var margins: [Float]
        /// `log πθ(c_i) − log πθ(r_i)` per pair (> 0: the policy prefers the chosen completion).
        public var policyPreference: [Float]
        /// Gradients by parameter name (nil when not requested).
        public var gradients: ParameterSet?
    }

    /// Evaluates the objective for `pairs` (one batch) under `parameters`; `reference` gives the
    /// frozen reference model's completion log-probabilities (``referenceLogProbabilities(_:parameters:pairs:)``)
    /// as `(chosen, rejected)` per pair.
    /// - Throws: `invalidTrainingData` for an empty batch, bad tokens, sequences longer than the
    ///   context, a reference of the wrong size or a non-positive β.
    public func evaluate(
        _ model: GPT, parameters: ParameterSet, reference: [(chosen: Float, rejected: Float)], pairs: [TokenizedPreference],
        gradients: Bool = true
    ) throws(SignalError) -> Evaluation {
        guard beta > 0, beta.isFinite else { throw SignalError(.invalidTrainingData, "DPO β must be positive; got \(beta)") }
        guard chosenLikelihoodWeight >= 0, chosenLikelihoodWeight.isFinite else {
            throw SignalError(.invalidTrainingData, "DPO chosenLikelihoodWeight must be ≥ 0; got \(chosenLikelihoodWeight)")
        }
        guard reference.count == pairs.count else {
            throw SignalError(.invalidTrainingData, "DPO: \(reference.count) reference values for \(pairs.count) pairs")
        }
        let n = pairs.count
        let batch = try SequenceBatch(pairs.map { ($0.prompt, $0.chosen) } + pairs.map { ($0.prompt, $0.rejected) }, config: model.config)
        let tape = Tape()
        parameters.register(on: tape)
        let tokenLP = try batch.tokenLogProbabilities(model, tape)
        let seqLP = try batch.sequenceSums(tape, tokenLP)
        let lp = tape.value(seqLP).scalars
        var margins = [Float](repeating: 0, count: n), preference = margins, z = margins
        for i in 0..<n {
            margins[i] = (lp[i] - reference[i].chosen) - (lp[n + i] - reference[i].rejected)
            preference[i] = lp[i] - lp[n + i]
            z[i] = -beta * margins[i]
        }
        let zt = Tensor(z)
        let alpha = chosenLikelihoodWeight
        var loss = DPOObjective.softplus(zt).sum() / Float(n)
        if alpha != 0 {
            var nll: Float = 0
            for i in 0..<n { nll -= lp[i] / Float(batch.completionLengths[i]) }
            loss += alpha * (nll / Float(n))
        }
        guard loss.isFinite else { throw SignalError(.invalidTrainingData, "DPO loss is not finite (\(loss)); lower the learning rate or β") }
        var grads: ParameterSet?
        if gradients {
            // ∂L/∂log πθ(c_i) = −β·σ(z_i)/N − α/(N·|c_i|), ∂L/∂log πθ(r_i) = +β·σ(z_i)/N.
            let s = zt.sigmoid().scalars
            var c = [Float](repeating: 0, count: 2 * n)
            for i in 0..<n {
                let g = beta * s[i] / Float(n)
                c[i] = -g - alpha / (Float(n) * Float(batch.completionLengths[i]))
                c[n + i] = g
            }
            grads = try repOps { () throws(RepOpsError) in
                let surrogate = try tape.matmul(tape.constant(Tensor(shape: [1, 2 * n], scalars: c)), seqLP)
                return try tape.gradients(of: surrogate).matching(parameters)
            }
        }
        return Evaluation(loss: loss, margins: margins, policyPreference: preference, gradients: grads)
    }

    /// Completion log-probabilities `(chosen, rejected)` of every pair under `parameters` (the
    /// frozen reference), computed one pair at a time so the values do not depend on batching.
    public static func referenceLogProbabilities(
        _ model: GPT, parameters: ParameterSet, pairs: [TokenizedPreference]
    ) throws(SignalError) -> [(chosen: Float, rejected: Float)] {
        var out: [(chosen: Float, rejected: Float)] = []
        out.reserveCapacity(pairs.count)
        for p in pairs {
            let lp = try SequenceBatch([(p.prompt, p.chosen), (p.prompt, p.rejected)], config: model.config)
                .sequenceLogProbabilities(model, parameters)
            out.append((lp[0], lp[1]))
        }
        return out
    }

    /// `softplus(z) = max(z, 0) + log(1 + exp(−|z|))` per element (= −log σ(−z), stable for
    /// large |z|), in RepOps' deterministic elementwise ops.
    static func softplus(_ z: Tensor) -> Tensor {
        let e = Tensor(z.scalars.map { -abs($0) }).exp()
        let l = Tensor(e.scalars.map { 1 + $0 }).log()
        return Tensor(zip(z.scalars, l.scalars).map { max($0, 0) + $1 })
    }
}
