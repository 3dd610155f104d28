import BenchmarkSupport
import Foundation
import RepOps
import Swarm

/// The rollout publication codec (strict, bounded binary) against Foundation's JSON coders on the
/// same publication: 7 groups (one per task family) of 8 completions, as a node publishes per round.
enum SwarmBenchmarks {
    static func publication() -> RolloutPublication {
        var rng = SwarmRandom(seed: 3)
        var policy = NoisySolverPolicy(skill: 0.5)
        let groups = TaskFamily.allCases.map { family in
            let task = SwarmTask(try! TaskSpec(family: family, difficulty: 2, seed: rng.next()))
            let completions = policy.complete(task, count: 8, rng: &rng)
            return RolloutGroup(spec: task.spec, question: task.question, completions: completions,
                                rewards: completions.map { Verifier().score($0, for: task).total })
        }
        return RolloutPublication(round: 1234, nodeID: "127.0.0.1:7001", groups: groups)
    }

    /// The GPT policy's two hot paths on the experiments' tiny model (random initial weights:
    /// speed does not depend on them): sampling G = 4 completions of one question, and one SAPO
    /// step on 8 groups × 4 completions.
    static func policy() -> [Benchmark] {
        let config = GPTPolicyConfig()
        let parameters = try! GPT(config.model).initialParameters(seed: 1)
        var policy = try! GPTPolicy(config: config, parameters: parameters)
        let families: [TaskFamily] = [.basicArithmetic, .baseConversion, .fractionSimplification, .propositionalLogic]
        let tasks = (0..<8).map { SwarmTask(try! TaskSpec(family: families[$0 % 4], difficulty: 1, seed: UInt64($0))) }
        let prompt = policy.promptTokens(tasks[1])!
        // Completion i of `sample` uses seed stream i and the absolute position as the counter, as
        // `GPT.generate` does: generating exactly the tokens `sample` drew gives the same tokens.
        let before = policy.statistics.generatedTokens
        let texts = try! policy.sample(prompt: prompt, count: 4, seed: 77)
        let drawn = policy.statistics.generatedTokens - before
        let lengths = texts.map { policy.completionTokens($0)!.count }
        precondition(lengths.reduce(0, +) == drawn)
        let model = policy.learner.model
        for (i, text) in texts.enumerated() {
            let tokens = try! model.generate(parameters, prompt: prompt, maxNewTokens: lengths[i],
                                             sampling: .sample(temperature: 1), seed: SwarmRandom(seed: 77, stream: UInt64(i)).state)
            precondition(policy.tokenizer.decode(tokens) == text)
        }
        // A SAPO batch: 8 questions × 4 sampled completions with alternating advantages.
        var sequences: [SAPOLearner.Sequence] = []
        for (q, task) in tasks.enumerated() {
            let p = policy.promptTokens(task)!
            for (i, text) in (try! policy.sample(prompt: p, count: 4, seed: UInt64(q))).enumerated() {
                sequences.append(SAPOLearner.Sequence(prompt: p, completion: policy.completionTokens(text)!, advantage: i % 2 == 0 ? 1 : -1))
            }
        }
        let tokens = sequences.map(\.completion.count).reduce(0, +)
        let learner = policy.learner, sampler = policy, batch = sequences
        return [
            Benchmark(
                name: "sapo_generate", unit: "tokens/s", work: Double(drawn),
                ours: { var p = sampler; blackHole(try? p.sample(prompt: prompt, count: 4, seed: 77)) },
                baseline: {
                    for i in 0..<4 {
                        blackHole(try? model.generate(parameters, prompt: prompt, maxNewTokens: lengths[i], sampling: .sample(temperature: 1),
                                                      seed: SwarmRandom(seed: 77, stream: UInt64(i)).state))
                    }
                }),
            Benchmark(
                name: "sapo_train_step", unit: "tokens/s", work: Double(tokens),
                ours: { var l = learner; blackHole(try? l.step(batch)) },
                baseline: { var l = learner; blackHole(try? l.step(batch, traceSink: TraceBuffer())) }),
        ]
    }

    static func all() -> [Benchmark] {
        let p = publication()
        let binary = RolloutCodec.encode(p)
        let json = try! JSONEncoder().encode(p)
        precondition(try! RolloutCodec.decode(binary, expectedRound: 1234) == p)
        precondition(try! JSONDecoder().decode(RolloutPublication.self, from: json) == p)
        let perCall = 1e-3  // thousands of publications
        return [
            Benchmark(
                name: "rollout_decode", unit: "k pub/s", work: perCall,
                ours: { blackHole(try? RolloutCodec.decode(binary, expectedRound: 1234)) },
                baseline: { blackHole(try? JSONDecoder().decode(RolloutPublication.self, from: json)) }),
            Benchmark(
                name: "rollout_encode", unit: "k pub/s", work: perCall,
                ours: { blackHole(RolloutCodec.encode(p)) },
                baseline: { blackHole(try? JSONEncoder().encode(p)) }),
        ] + policy()
    }
}
