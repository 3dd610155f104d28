import Swarm
import Testing

@Suite("In-process experiment harness")
struct SwarmExperimentTests {
    @Test("reproducible per seed; I local + J external at every node")
    func reproducible() async {
        let config = SwarmExperiment.Config(nodes: 3, localSamples: 2, externalSamples: 2, rounds: 4, completionsPerQuestion: 4)
        let a = await SwarmExperiment.run(config, seed: 5) { _ in NoisySolverPolicy(skill: 0.4) }
        let b = await SwarmExperiment.run(config, seed: 5) { _ in NoisySolverPolicy(skill: 0.4) }
        let c = await SwarmExperiment.run(config, seed: 6) { _ in NoisySolverPolicy(skill: 0.4) }
        #expect(a == b)
        #expect(a != c)
        #expect(a.rewardByRound.count == 4 && a.cumulativeRewardPerNode.count == 3)
        let perNodeMean = a.cumulativeRewardPerNode.reduce(0, +) / 3
        #expect(abs(perNodeMean - a.cumulativeReward) < 1e-4)
        // Per-node curves add up to the totals; the final samples are each node's last first question.
        #expect(a.rewardByNodeByRound.count == 3 && a.rewardByNodeByRound.allSatisfy { $0.count == 4 })
        for node in 0..<3 { #expect(a.rewardByNodeByRound[node].reduce(0, +) == a.cumulativeRewardPerNode[node]) }
        for round in 0..<4 {
            var sum: Float = 0
            for node in 0..<3 { sum += a.rewardByNodeByRound[node][round] }
            #expect(sum / 3 == a.rewardByRound[round])
        }
        let finals = a.finalGroups.compactMap { $0 }
        #expect(a.finalGroups.count == 3 && finals.count == 3 && finals.allSatisfy { $0.completions.count == 4 && $0.rewards.count == 4 })
        let verifier = Verifier()
        #expect(finals.allSatisfy { $0.rewards.allSatisfy { $0 >= 0 && $0 <= 1 + verifier.formatWeight } })
        let (mean, std) = SwarmExperiment.meanAndStd([1, 2, 3, 4])
        #expect(mean == 2.5 && abs(std - 1.2909944487358056) < 1e-12)
        #expect(SwarmExperiment.meanAndStd([7]) == (7, 0))
    }
}
