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

    /// One node's model size in a heterogeneous swarm (the MLP's hidden width is 4 × `width`).
    /// Validated on creation: every field in 1...512 and `heads` dividing `width`.
    public struct Size: Sendable, Hashable, CustomStringConvertible {
        /// Model width.
        public let width: Int
        /// Decoder blocks.
        public let layers: Int
        /// Attention heads (divide `width`).
        public let heads: Int

        /// A size; throws ``PolicyError/Code/invalidConfig`` when a field is outside 1...512 or
        /// `heads` does not divide `width`.
        public init(width: Int, layers: Int, heads: Int = 2) throws(PolicyError) {
            for (name, n) in [("width", width), ("layers", layers), ("heads", heads)] where !(1...512).contains(n) {
                throw PolicyError(.invalidConfig, "\(name) \(n) is outside 1...512")
            }
            guard width % heads == 0 else {
                throw PolicyError(.invalidConfig, "width \(width) is not a multiple of heads \(heads): pick heads dividing the width (e.g. \(width)x\(layers)x1)")
            }
            self.width = width
            self.layers = layers
            self.heads = heads
        }

        /// Parses `WxL` or `WxLxH` (heads default 2), e.g. `48x3` or `64x4x4`.
        public init(parsing text: some StringProtocol) throws(PolicyError) {
            let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard (2...3).contains(parts.count), let width = parts[0], let layers = parts[1], let heads = parts.count == 3 ? parts[2] : 2 else {
                throw PolicyError(.invalidConfig, "'\(text)' is not WIDTHxLAYERS or WIDTHxLAYERSxHEADS (e.g. 48x3 or 64x4x4)")
            }
            try self.init(width: width, layers: layers, heads: heads)
        }

        /// Parses a comma-separated list of sizes (≥ 1), e.g. `32x2,48x3`.
        public static func list(parsing text: some StringProtocol) throws(PolicyError) -> [Size] {
            guard !text.isEmpty else { throw PolicyError(.invalidConfig, "give ≥ 1 size WIDTHxLAYERS[xHEADS], e.g. 32x2,48x3") }
            var sizes: [Size] = []
            for item in text.split(separator: ",", omittingEmptySubsequences: false) { sizes.append(try Size(parsing: item)) }
            return sizes
        }

        /// `WxLxH`.
        public var description: String { "\(width)x\(layers)x\(heads)" }
    }

    /// The base-model recipe of each of `nodes` nodes. With no `warmups` and no `sizes` every node
    /// gets `base` (the homogeneous swarm); otherwise node `i` gets `base` with the families and
    /// steps of `warmups[i % warmups.count]` and the model size `sizes[i % sizes.count]` (each
    /// when given), so nodes differ in what they find hard and in capacity while the context,
    /// learning rate and seed stay shared.
    public static func nodeRecipes(base: Recipe, warmups: [Warmup], sizes: [Size] = [], nodes: Int) -> [Recipe] {
        (0..<max(nodes, 0)).map { i in
            var recipe = base
            if !warmups.isEmpty { recipe = recipe.warmed(warmups[i % warmups.count]) }
            if !sizes.isEmpty { recipe = recipe.sized(sizes[i % sizes.count]) }
            return recipe
        }
    }

    /// The distinct recipes of ``nodeRecipes(base:warmups:sizes:nodes:)`` in order of first use:
    /// every base model some node of a swarm of any size would start from.
    public static func distinctRecipes(base: Recipe, warmups: [Warmup], sizes: [Size] = []) -> [Recipe] {
        // Node i pairs warm-up i mod a with size i mod b: a × b nodes cover every pair.
        var seen: Set<String> = []
        return nodeRecipes(base: base, warmups: warmups, sizes: sizes, nodes: max(warmups.count, 1) * max(sizes.count, 1))
            .filter { seen.insert($0.identifier).inserted }
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

    /// This recipe with `size`'s width, layers and heads, hidden 4 × width (vocabulary, context,
    /// warm-up and seed kept).
    public func sized(_ size: BaseModel.Size) -> Self {
        var recipe = self
        recipe.model.width = size.width
        recipe.model.layers = size.layers
        recipe.model.heads = size.heads
        recipe.model.hidden = 4 * size.width
        return recipe
    }

    /// A short label: warm-up families and steps, then the size, e.g. `propositional_logic:100 48x3x2`.
    public var label: String {
        "\(families.map(\.rawValue).joined(separator: "+")):\(steps) \(model.width)x\(model.layers)x\(model.heads)"
    }
}
