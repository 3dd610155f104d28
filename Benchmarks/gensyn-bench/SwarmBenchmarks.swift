import BenchmarkSupport
import Foundation
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
        ]
    }
}
