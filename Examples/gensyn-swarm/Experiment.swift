import Foundation
import RepOps
import Swarm

/// Command-line options of `experiment`.
struct ExperimentOptions {
    var nodes = 8, rounds = 100, seeds = 3, firstSeed = 0, completions = 4, difficulty = 1, questionsPerFamily = 2
    var configs: [(local: Int, external: Int)] = [(4, 4)]
    var json = false
    var plot: String?
    var policy = PolicyKind.gpt
    var gpt = GPTSetup()

    init(_ args: [String]) throws {
        var i = 0
        var local: Int?, external: Int?, list: String?
        func value() throws -> String {
            guard i + 1 < args.count else { throw NodeOptions.Invalid(description: "\(args[i]) needs a value") }
            i += 1
            return args[i]
        }
        func number(_ name: String) throws -> Int {
            guard let n = Int(try value()) else { throw NodeOptions.Invalid(description: "\(name) needs an integer") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--nodes": nodes = try number("--nodes")
            case "--local": local = try number("--local")
            case "--external": external = try number("--external")
            case "--configs": list = try value()
            case "--rounds": rounds = try number("--rounds")
            case "--seeds": seeds = try number("--seeds")
            case "--first-seed": firstSeed = try number("--first-seed")
            case "--completions": completions = try number("--completions")
            case "--difficulty": difficulty = try number("--difficulty")
            case "--questions-per-family": questionsPerFamily = try number("--questions-per-family")
            case "--json": json = true
            case "--plot": plot = try value()
            case "--policy":
                let v = try value()
                guard let p = PolicyKind(rawValue: v) else { throw NodeOptions.Invalid(description: "--policy: '\(v)' is not gpt or stand-in") }
                policy = p
            default:
                guard try gpt.parse(args, &i) else { throw NodeOptions.Invalid(description: "unknown option \(args[i])") }
            }
            i += 1
        }
        if let list {
            guard local == nil, external == nil else { throw NodeOptions.Invalid(description: "use either --configs or --local/--external") }
            configs = try list.split(separator: ",").map { item in
                let parts = item.split(separator: "/")
                guard parts.count == 2, let l = Int(parts[0]), let e = Int(parts[1]), l >= 0, e >= 0 else {
                    throw NodeOptions.Invalid(description: "--configs: '\(item)' is not I/J")
                }
                return (l, e)
            }
        } else if local != nil || external != nil {
            configs = [(local ?? 4, external ?? 4)]
        }
        guard (1...256).contains(nodes), !configs.isEmpty, configs.allSatisfy({ $0.local >= 0 && $0.external >= 0 }),
            (1...100_000).contains(rounds), (1...1000).contains(seeds), (0...1_000_000).contains(firstSeed), (1...64).contains(completions), (1...3).contains(difficulty),
            (1...64).contains(questionsPerFamily)
        else {
            throw NodeOptions.Invalid(description: "need 1 ≤ nodes ≤ 256, I, J ≥ 0, 1 ≤ rounds ≤ 100000, 1 ≤ seeds ≤ 1000, 0 ≤ first seed ≤ 1000000, 1 ≤ G ≤ 64, "
                + "difficulty 1...3, 1 ≤ questions per family ≤ 64")
        }
        if let plot, !plot.hasSuffix(".svg") { throw NodeOptions.Invalid(description: "--plot writes SVG: give a path ending in .svg") }
    }
}

extension GensynSwarm {
    static func runExperiment(_ o: ExperimentOptions) async throws {
        // Nodes run concurrently on the cooperative pool; single-threaded kernels avoid
        // oversubscription (results are identical for every thread count).
        RepOps.threads = 1
        let bases: [GPTPolicy]? = o.policy == .gpt ? try o.gpt.nodePolicies(nodes: o.nodes, log: log) : nil
        let base = bases?.first
        if base == nil { log("STAND-IN policy (seeded noisy solver, not a neural network): results test the harness, not SAPO") }
        let families = o.policy == .gpt ? o.gpt.families : TaskFamily.allCases
        var curves: [(label: String, values: [Double])] = []
        for (local, external) in o.configs {
            let label = "\(local)/\(external)"
            let config = SwarmExperiment.Config(
                nodes: o.nodes, localSamples: local, externalSamples: external, rounds: o.rounds, completionsPerQuestion: o.completions,
                difficulty: o.difficulty, families: families, questionsPerFamily: o.policy == .gpt ? o.questionsPerFamily : 1)
            var runs: [SwarmExperiment.Run] = []
            let clock = ContinuousClock()
            for seed in o.firstSeed..<(o.firstSeed + o.seeds) {
                let start = clock.now
                let progress: (Int, Float) -> Void = { round, reward in
                    if (round + 1) % 10 == 0 { log("config \(label) seed \(seed) round \(round + 1)/\(o.rounds): swarm reward \(reward)") }
                }
                let run: SwarmExperiment.Run
                if let bases {
                    run = await SwarmExperiment.run(config, seed: UInt64(seed), makePolicy: { bases[$0] }, progress: progress)
                } else {
                    run = await SwarmExperiment.run(config, seed: UInt64(seed), makePolicy: { _ in NoisySolverPolicy(skill: 0.2, learningRate: 0.002) },
                                                    progress: progress)
                }
                log("config \(label) seed \(seed): cumulative reward \(run.cumulativeReward) (\(clock.now - start))")
                log("config \(label) seed \(seed): per node " + run.cumulativeRewardPerNode.map { String(format: "%.2f", $0) }.joined(separator: " "))
                func mean(_ part: ArraySlice<Float>) -> Float { part.reduce(0, +) / Float(max(1, part.count)) }
                let tail = min(10, o.rounds)
                log("config \(label) seed \(seed): per node, mean of the last \(tail) rounds "
                    + run.rewardByNodeByRound.map { String(format: "%.3f", mean($0.suffix(tail))) }.joined(separator: " "))
                let block = max(1, o.rounds / 10)
                for (node, curve) in run.rewardByNodeByRound.enumerated() {
                    let means = stride(from: 0, to: curve.count, by: block).map { String(format: "%.2f", mean(curve[$0..<min(curve.count, $0 + block)])) }
                    log("config \(label) seed \(seed): node \(node) reward by \(block)-round block " + means.joined(separator: " "))
                }
                for (node, group) in run.finalGroups.enumerated() {
                    guard let group else { continue }
                    let shown = zip(group.completions, group.rewards).prefix(4).map { "\($0.0.debugDescription) \(String(format: "%.1f", $0.1))" }
                    log("config \(label) seed \(seed): node \(node) last round, first question: " + shown.joined(separator: ", "))
                }
                runs.append(run)
            }
            let (mean, std) = SwarmExperiment.meanAndStd(runs.map(\.cumulativeReward))
            let byRound = (0..<o.rounds).map { r in runs.map { Double($0.rewardByRound[r]) }.reduce(0, +) / Double(runs.count) }
            curves.append((label, byRound))
            if o.json {
                emit(["config": label, "rounds": o.rounds, "seeds": o.seeds, "cumulative_reward_mean": mean,
                      "cumulative_reward_std": std, "reward_by_round": byRound])
                continue
            }
            print("config \(label), \(o.nodes) nodes, \(o.rounds) rounds, \(o.seeds) seeds (\(base == nil ? "STAND-IN policy" : "GPT policy"))")
            for node in 0..<o.nodes {
                let (m, s) = SwarmExperiment.meanAndStd(runs.map { $0.cumulativeRewardPerNode[node] })
                print("  node \(node): cumulative reward \(m) ± \(s)")
            }
            print("  swarm (mean over nodes, summed over rounds): \(mean) ± \(std)")
        }
        if let plot = o.plot {
            let title = "SAPO, \(o.nodes) nodes, \(o.seeds) seeds, \(base == nil ? "stand-in" : "GPT") policy: reward by round"
            do { try RewardPlot.svg(title: title, curves: curves).write(toFile: plot, atomically: true, encoding: .utf8) } catch {
                throw NodeOptions.Invalid(description: "cannot write the plot to \(plot): \(error)")
            }
            log("plot written to \(plot)")
        }
    }
}
