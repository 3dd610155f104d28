import Foundation
import RepOps
import Swarm

/// Which policy a command runs.
enum PolicyKind: String {
    /// The RepOps GPT with the SAPO learner (from a cached base model).
    case gpt
    /// The seeded noisy solver (not a neural network): fast, for transport tests and demos.
    case standIn = "stand-in"
}

/// The GPT policy's settings shared by `node` and `experiment`.
struct GPTSetup {
    var families: [TaskFamily] = [.basicArithmetic, .baseConversion, .fractionSimplification, .propositionalLogic]
    var warmupSteps = 300
    var learningRate: Float = 1e-3
    var temperature: Float = 1
    var iterations = 1
    var maxCompletionTokens = 12
    var model = GPTPolicyConfig.tinyModel
    var warmupLearningRate: Float = 3e-3
    /// `--node-warmups`: per-node warm-ups (node i gets entry i mod count); empty = every node from `recipe`.
    var nodeWarmups: [BaseModel.Warmup] = []
    /// `--node-sizes`: per-node model sizes (node i gets entry i mod count); empty = every node `model`.
    var nodeSizes: [BaseModel.Size] = []
    var cacheDirectory: String = {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["GENSYN_SWARM_CACHE"], !dir.isEmpty { return dir }
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/gensyn-swarm"
    }()

    var recipe: BaseModel.Recipe {
        BaseModel.Recipe(model: model, families: families, difficulty: 1, steps: warmupSteps, learningRate: warmupLearningRate)
    }
    /// The policy settings for a base model of size `model`.
    func policyConfig(model: GPTConfig) -> GPTPolicyConfig {
        GPTPolicyConfig(model: model, maxCompletionTokens: maxCompletionTokens, temperature: temperature, learningRate: learningRate,
                        iterations: iterations)
    }

    /// Parses one of this setup's options at `args[i]`; returns false when the option is not one of them.
    mutating func parse(_ args: [String], _ i: inout Int) throws -> Bool {
        func value() throws -> String {
            guard i + 1 < args.count else { throw NodeOptions.Invalid(description: "\(args[i]) needs a value") }
            i += 1
            return args[i]
        }
        switch args[i] {
        case "--families":
            let v = try value()
            families = try v.split(separator: ",").map { name in
                guard let f = TaskFamily(rawValue: String(name)) else {
                    throw NodeOptions.Invalid(description: "--families: '\(name)' is not one of \(TaskFamily.allCases.map(\.rawValue))")
                }
                return f
            }
            if families.isEmpty || families.contains(.arc1D) {
                throw NodeOptions.Invalid(description: "--families needs ≥ 1 family; arc_1d has no compact prompt for the GPT policy")
            }
        case "--node-warmups":
            // FAMILY[+FAMILY...]:STEPS,...  e.g. propositional_logic:100,basic_arithmetic:1000
            let v = try value()
            nodeWarmups = try v.split(separator: ",").map { item in
                let parts = item.split(separator: ":")
                guard parts.count == 2, let steps = Int(parts[1]), (0...100_000).contains(steps) else {
                    throw NodeOptions.Invalid(description: "--node-warmups: '\(item)' is not FAMILY[+FAMILY...]:STEPS (steps 0...100000)")
                }
                let fams = try parts[0].split(separator: "+").map { name in
                    guard let f = TaskFamily(rawValue: String(name)), f != .arc1D else {
                        throw NodeOptions.Invalid(description: "--node-warmups: '\(name)' is not a family with a compact prompt")
                    }
                    return f
                }
                guard !fams.isEmpty else { throw NodeOptions.Invalid(description: "--node-warmups: '\(item)' names no family") }
                return BaseModel.Warmup(families: fams, steps: steps)
            }
            if nodeWarmups.isEmpty { throw NodeOptions.Invalid(description: "--node-warmups needs ≥ 1 entry") }
        case "--node-sizes":
            // WIDTHxLAYERS[xHEADS],...  e.g. 32x2,48x3
            let v = try value()
            do throws(PolicyError) { nodeSizes = try BaseModel.Size.list(parsing: v) } catch {
                throw NodeOptions.Invalid(description: "--node-sizes: \(error.message)")
            }
        case "--warmup-steps":
            guard let n = Int(try value()), (0...100_000).contains(n) else { throw NodeOptions.Invalid(description: "--warmup-steps needs 0...100000") }
            warmupSteps = n
        case "--lr":
            guard let x = Float(try value()), x >= 0, x.isFinite else { throw NodeOptions.Invalid(description: "--lr needs a number ≥ 0") }
            learningRate = x
        case "--temperature":
            guard let x = Float(try value()), x > 0, x.isFinite else { throw NodeOptions.Invalid(description: "--temperature needs a number > 0") }
            temperature = x
        case "--iterations":
            guard let n = Int(try value()), (1...64).contains(n) else { throw NodeOptions.Invalid(description: "--iterations (μ) needs 1...64") }
            iterations = n
        case "--max-tokens":
            guard let n = Int(try value()), (1...32).contains(n) else { throw NodeOptions.Invalid(description: "--max-tokens needs 1...32") }
            maxCompletionTokens = n
        case "--cache": cacheDirectory = try value()
        case "--warmup-lr":
            guard let x = Float(try value()), x > 0, x.isFinite else { throw NodeOptions.Invalid(description: "--warmup-lr needs a number > 0") }
            warmupLearningRate = x
        case "--width", "--layers", "--heads":
            let name = args[i]
            guard let n = Int(try value()), (1...512).contains(n) else { throw NodeOptions.Invalid(description: "\(name) needs 1...512") }
            if name == "--width" { model.width = n } else if name == "--layers" { model.layers = n } else { model.heads = n }
            model.hidden = 4 * model.width  // the GPT checks width % heads when the policy is built
        default: return false
        }
        return true
    }

    /// One policy per node: on the shared base model, or with `--node-warmups`/`--node-sizes` on
    /// each node's own (each distinct recipe trained or loaded once).
    func nodePolicies(nodes: Int, log: (String) -> Void) throws -> [GPTPolicy] {
        var made: [String: GPTPolicy] = [:]
        return try BaseModel.nodeRecipes(base: recipe, warmups: nodeWarmups, sizes: nodeSizes, nodes: nodes).map { r in
            if let p = made[r.identifier] { return p }
            let p = try basePolicy(r, log: log)
            made[r.identifier] = p
            return p
        }
    }

    /// The distinct base models of `--node-warmups`/`--node-sizes` (or the one shared base),
    /// labelled with their warm-up and size, for `probe`.
    func distinctBasePolicies(log: (String) -> Void) throws -> [(label: String, policy: GPTPolicy)] {
        try BaseModel.distinctRecipes(base: recipe, warmups: nodeWarmups, sizes: nodeSizes).map { r in (r.label, try basePolicy(r, log: log)) }
    }

    /// The base model (cached) and a policy on it; progress on stderr.
    func basePolicy(log: (String) -> Void) throws -> GPTPolicy { try basePolicy(recipe, log: log) }

    private func basePolicy(_ recipe: BaseModel.Recipe, log: (String) -> Void) throws -> GPTPolicy {
        let clock = ContinuousClock()
        let start = clock.now
        let (parameters, fromCache) = try BaseModel.cached(recipe, directory: cacheDirectory) { step, logp in
            if step % 50 == 0 || step == recipe.steps - 1 { log("warm-up step \(step)/\(recipe.steps): mean log p of the answers \(logp)") }
        }
        log(fromCache ? "base model \(recipe.identifier.prefix(12)) (\(recipe.label)) from \(cacheDirectory)"
            : "base model \(recipe.identifier.prefix(12)) (\(recipe.label)) trained in \(clock.now - start), cached in \(cacheDirectory)")
        return try GPTPolicy(config: policyConfig(model: recipe.model), parameters: parameters)
    }
}
