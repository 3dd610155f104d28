import RepOps

/// Prompt + completion sequences padded to one length for ``GPT/targetLogProbabilities(_:inputs:targets:)``:
/// sequence `b` is `prompt ‖ completion`; inputs are its tokens but the last, targets its tokens
/// but the first, both padded with token 0 to the longest. `mask[b][t]` is 1 where target `t`
/// is a completion token (so prompts and padding weigh 0).
struct SequenceBatch {
    var inputs: [[Int]]
    var targets: [[Int]]
    /// 1 for completion targets, 0 for prompt targets and padding; `[B][T]`.
    var mask: [[Float]]
    /// Completion lengths.
    var completionLengths: [Int]
    var length: Int { inputs.first?.count ?? 0 }

    init(_ sequences: [(prompt: [Int], completion: [Int])], config: GPTConfig) throws(SignalError) {
        guard !sequences.isEmpty else { throw SignalError(.invalidTrainingData, "a training batch needs at least one sequence") }
        for (i, s) in sequences.enumerated() {
            guard !s.prompt.isEmpty, !s.completion.isEmpty else {
                throw SignalError(.invalidTrainingData, "sequence \(i): prompt and completion each need at least one token (start prompts with a BOS token)")
            }
            guard s.prompt.count + s.completion.count - 1 <= config.context else {
                throw SignalError(.invalidTrainingData,
                    "sequence \(i): prompt + completion is \(s.prompt.count + s.completion.count) tokens; the model's context holds \(config.context + 1) (shorten the prompt)")
            }
            if let bad = (s.prompt + s.completion).first(where: { !(0..<config.vocabulary).contains($0) }) {
                throw SignalError(.invalidTrainingData, "sequence \(i): token \(bad) is outside the vocabulary 0..<\(config.vocabulary)")
            }
        }
        let t = sequences.map { $0.prompt.count + $0.completion.count - 1 }.max()!
        inputs = []
        targets = []
        mask = []
        completionLengths = []
        for s in sequences {
            let full = s.prompt + s.completion
            let pad = [Int](repeating: 0, count: t - (full.count - 1))
            inputs.append(Array(full.dropLast()) + pad)
            targets.append(Array(full.dropFirst()) + pad)
            var m = [Float](repeating: 0, count: t)
            for j in (s.prompt.count - 1)..<(full.count - 1) { m[j] = 1 }
            mask.append(m)
            completionLengths.append(s.completion.count)
        }
    }

    /// Each sequence's coefficient-weighted completion log p, `[B, 1]`, on `tape`:
    /// `(reshape(tokenLogP, [B, T]) ⊙ (coefficient_b · mask)) · 1_T` — a constant weight matrix and a
    /// matmul with ones, so padding and prompt positions contribute exactly 0 (no gather op needed).
    func sequenceSums(_ tape: Tape, _ tokenLogP: Var, coefficients: [Float]? = nil) throws(SignalError) -> Var {
        let b = inputs.count, t = length
        var w = [Float](repeating: 0, count: b * t)
        for i in 0..<b {
            let c = coefficients?[i] ?? 1
            for j in 0..<t where mask[i][j] != 0 { w[i * t + j] = c }
        }
        return try repOps { () throws(RepOpsError) in
            let weighted = try tape.mul(tape.reshape(tokenLogP, [b, t]), tape.constant(Tensor(shape: [b, t], scalars: w)))
            return try tape.matmul(weighted, tape.constant(Tensor(shape: [t, 1], repeating: 1)))
        }
    }

    /// Per-token log p `[B·T, 1]` of the targets under `parameters` (registered on `tape`).
    func tokenLogProbabilities(_ model: GPT, _ tape: Tape) throws(SignalError) -> Var {
        do { return try model.targetLogProbabilities(tape, inputs: inputs, targets: targets) } catch {
            throw SignalError(.invalidTrainingData, "model forward pass failed: \(error.message)")
        }
    }

    /// Completion log p of every sequence, `[B]`, without gradients.
    func sequenceLogProbabilities(_ model: GPT, _ parameters: ParameterSet) throws(SignalError) -> [Float] {
        let tape = Tape()
        parameters.register(on: tape)
        return try tape.value(sequenceSums(tape, tokenLogProbabilities(model, tape))).scalars
    }
}

/// Runs RepOps code, mapping its errors to `invalidTrainingData`.
func repOps<T>(_ body: () throws(RepOpsError) -> T) throws(SignalError) -> T {
    do { return try body() } catch { throw SignalError(.invalidTrainingData, "RepOps: \(error.message)") }
}
