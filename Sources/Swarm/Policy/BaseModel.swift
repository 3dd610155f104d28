import Foundation
import GensynPrimitives
import RepOps

/// The base model every node starts from: the paper post-trains pretrained models, so we
/// pre-train a tiny one with a short supervised warm-up on generated (compact prompt, answer)
/// pairs, enough for RL to find rewards. Deterministic: the same ``Recipe`` gives the same
/// parameters bit for bit, so a cached copy is interchangeable with a fresh one.
public enum BaseModel {
    /// How the base model is made.
    public struct Recipe: Sendable, Equatable {
        /// Model sizes.
        public var model: GPTConfig
        /// Families of the warm-up questions (cycled through the batch).
        public var families: [TaskFamily]
        /// Difficulty of the warm-up questions.
        public var difficulty: Int
        /// Supervised steps.
        public var steps: Int
        /// Questions per step.
        public var batchSize: Int
        /// Adam learning rate.
        public var learningRate: Float
        /// Seed of the initial parameters and of the questions.
        public var seed: UInt64

        /// A recipe.
        public init(model: GPTConfig = GPTPolicyConfig.tinyModel, families: [TaskFamily], difficulty: Int = 1, steps: Int = 200,
                    batchSize: Int = 32, learningRate: Float = 3e-3, seed: UInt64 = 0) {
            self.model = model
            self.families = families
            self.difficulty = difficulty
            self.steps = steps
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.seed = seed
        }

        /// A stable text of every field (the cache key's pre-image).
        public var canonicalText: String {
            let m = model
            return "gensyn-swarm base model v1; vocabulary \(m.vocabulary) context \(m.context) width \(m.width) heads \(m.heads) "
                + "layers \(m.layers) hidden \(m.hidden); families \(families.map(\.rawValue).joined(separator: ",")); "
                + "difficulty \(difficulty); steps \(steps); batch \(batchSize); lr \(learningRate.bitPattern); seed \(seed)"
        }

        /// Keccak-256 of ``canonicalText``, hex: names the cached file.
        public var identifier: String { Hex.encode(Keccak256.hash(Array(canonicalText.utf8))) }
    }

    /// The warm-up sequences of step `step`: question `i` is family `families[i % count]` with
    /// seed `SwarmRandom(seed, streams: [step, i])`; the target is `<answer>answer</answer>` + EOS.
    /// Tasks without a compact prompt are skipped.
    public static func batch(_ recipe: Recipe, step: Int) -> [SAPOLearner.Sequence] {
        let tokenizer = TaskTokenizer()
        let difficulty = min(max(recipe.difficulty, 1), TaskSpec.maxDifficulty)
        var out: [SAPOLearner.Sequence] = []
        for i in 0..<recipe.batchSize {
            let family = recipe.families[i % recipe.families.count]
            let seed = SwarmRandom(seed: recipe.seed, streams: [UInt64(step), UInt64(i)]).state
            let task = SwarmTask(try! TaskSpec(family: family, difficulty: difficulty, seed: seed))
            guard let text = TaskPrompt.compact(task), let prompt = try? tokenizer.encode(text),
                  let answer = try? tokenizer.encode(Verifier.format(answer: TaskPrompt.trainingAnswer(task)))
            else { continue }
            let s = SAPOLearner.Sequence(prompt: [TaskTokenizer.bos] + prompt, completion: answer + [TaskTokenizer.eos], advantage: 1)
            if s.prompt.count + s.completion.count - 1 <= recipe.model.context { out.append(s) }
        }
        return out
    }

    /// Trains the base model. The warm-up is behaviour cloning through the SAPO learner: with
    /// every advantage 1 and ρ = 1 the surrogate's gradient is the mean negative log-likelihood's.
    /// - Parameter progress: called after every step with (step, mean log-probability of the targets).
    public static func train(_ recipe: Recipe, progress: (Int, Float) -> Void = { _, _ in }) throws(PolicyError) -> ParameterSet {
        guard !recipe.families.isEmpty, recipe.steps >= 0, recipe.batchSize >= 1 else {
            throw PolicyError(.invalidConfig, "a base-model recipe needs families, steps ≥ 0 and a batch ≥ 1")
        }
        let model = try repOps { () throws(RepOpsError) in try GPT(recipe.model) }
        let initial = try repOps { () throws(RepOpsError) in try model.initialParameters(seed: recipe.seed) }
        var learner = SAPOLearner(model: model, parameters: initial, learningRate: recipe.learningRate, maxGradientNorm: 1,
                                  optimizer: AdamW(weightDecay: 0))
        for step in 0..<recipe.steps {
            let seqs = batch(recipe, step: step)
            guard !seqs.isEmpty else { throw PolicyError(.unsupportedTask, "no family of \(recipe.families) has a compact prompt") }
            let report = try learner.step(seqs)
            progress(step, report.meanLogProbability)
        }
        return learner.parameters
    }

    /// The base model of `recipe`, read from `directory` if it was made before, else trained and
    /// saved there (`base-<identifier>.safetensors`, written to a temporary file then renamed).
    public static func cached(_ recipe: Recipe, directory: String, progress: (Int, Float) -> Void = { _, _ in }) throws(PolicyError)
        -> (parameters: ParameterSet, fromCache: Bool)
    {
        let path = directory + "/base-\(recipe.identifier).safetensors"
        let model = try repOps { () throws(RepOpsError) in try GPT(recipe.model) }
        if let data = FileManager.default.contents(atPath: path) {
            let parameters: ParameterSet
            do { parameters = try ParameterSet(safetensors: Array(data)) } catch {
                throw PolicyError(.cache, "\(path) is not a readable safetensors file (\(error)); delete it to retrain")
            }
            try check(parameters, fit: model)
            return (parameters, true)
        }
        let parameters = try train(recipe, progress: progress)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
            try Data(parameters.safetensorsBytes()).write(to: URL(fileURLWithPath: temporary))
            if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw PolicyError(.cache, "cannot write the base model to \(path): \(error)")
        }
        return (parameters, false)
    }

    /// Throws unless `parameters` has exactly the model's parameter names and shapes.
    static func check(_ parameters: ParameterSet, fit model: GPT) throws(PolicyError) {
        let specs = model.parameterSpecs
        guard parameters.names.count == specs.count,
              specs.allSatisfy({ parameters[$0.name]?.shape == $0.shape })
        else { throw PolicyError(.cache, "the parameters do not fit the model \(model.config) (names or shapes differ)") }
    }
}

extension BaseModel {
    /// One node's warm-up in a heterogeneous swarm: which families it is pre-trained on, and for how long.
    public struct Warmup: Sendable, Equatable {
        /// Families of the warm-up questions.
        public var families: [TaskFamily]
        /// Supervised steps.
        public var steps: Int

        /// A warm-up.
        public init(families: [TaskFamily], steps: Int) {
            self.families = families
            self.steps = steps
        }
    }

    /// The base-model recipe of each of `nodes` nodes. With no `warmups` every node gets `base`
    /// (the homogeneous swarm); otherwise node `i` gets `base` with the families and steps of
    /// `warmups[i % warmups.count]`, so nodes differ in what they find hard while the model size,
    /// learning rate and seed stay shared.
    public static func nodeRecipes(base: Recipe, warmups: [Warmup], nodes: Int) -> [Recipe] {
        (0..<max(nodes, 0)).map { i in warmups.isEmpty ? base : base.warmed(warmups[i % warmups.count]) }
    }
}

extension BaseModel.Recipe {
    /// This recipe with `warmup`'s families and steps (model size, learning rate and seed kept).
    public func warmed(_ warmup: BaseModel.Warmup) -> Self {
        var recipe = self
        recipe.families = warmup.families
        recipe.steps = warmup.steps
        return recipe
    }
}
