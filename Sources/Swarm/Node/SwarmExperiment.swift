/// An in-process swarm run for the SAPO comparison (I local / J external at equal compute):
/// N nodes on an ``InProcessNetwork``, rounds in lock-step (every node finishes round r before
/// any starts r + 1), every random choice seeded, so a run is reproducible.
///
/// The policy is whatever ``SwarmPolicy`` the caller builds per node: ``GPTPolicy`` for the SAPO
/// comparison, or ``NoisySolverPolicy``, a stand-in whose "learning" grows with the number of
/// groups it trains on (its results show that the harness works, not what SAPO does).
public enum SwarmExperiment {
    /// What to run.
    public struct Config: Sendable, Hashable {
        /// Nodes (N ≥ 1).
        public var nodes: Int
        /// Local groups per training step (I).
        public var localSamples: Int
        /// External groups per training step (J).
        public var externalSamples: Int
        /// Rounds (R).
        public var rounds: Int
        /// Completions per question (G).
        public var completionsPerQuestion: Int
        /// Task difficulty.
        public var difficulty: Int
        /// Families asked each round.
        public var families: [TaskFamily]
        /// Questions per family per round.
        public var questionsPerFamily: Int

        /// A configuration; counts are clamped to at least 1 (I and J to at least 0).
        public init(nodes: Int, localSamples: Int, externalSamples: Int, rounds: Int, completionsPerQuestion: Int = 8, difficulty: Int = 1,
                    families: [TaskFamily] = TaskFamily.allCases, questionsPerFamily: Int = 1) {
            self.nodes = max(1, nodes)
            self.localSamples = max(0, localSamples)
            self.externalSamples = max(0, externalSamples)
            self.rounds = max(1, rounds)
            self.completionsPerQuestion = max(1, completionsPerQuestion)
            self.difficulty = min(max(1, difficulty), TaskSpec.maxDifficulty)
            self.families = families.isEmpty ? TaskFamily.allCases : families
            self.questionsPerFamily = max(1, questionsPerFamily)
        }
    }

    /// One seed's run.
    public struct Run: Sendable, Hashable {
        /// Mean over nodes of each node's mean local reward, per round.
        public let rewardByRound: [Float]
        /// Each node's local mean reward per round (`[node][round]`).
        public let rewardByNodeByRound: [[Float]]
        /// Each node's first own group of the last round (nil when it had none): what the node
        /// writes by the end, e.g. whether it is stuck on well-formed wrong answers.
        public let finalGroups: [ScoredGroup?]
        /// Each node's local mean reward summed over rounds.
        public var cumulativeRewardPerNode: [Float] { rewardByNodeByRound.map { $0.reduce(0, +) } }
        /// `rewardByRound` summed: the swarm's cumulative reward.
        public var cumulativeReward: Float { rewardByRound.reduce(0, +) }
    }

    /// Runs `config` with `seed`; `makePolicy(node)` builds each node's policy; `progress(round,
    /// swarm reward of the round)` is called after every round.
    public static func run<Policy: SwarmPolicy>(_ config: Config, seed: UInt64, makePolicy: (Int) -> Policy,
                                                progress: (Int, Float) -> Void = { _, _ in }) async -> Run {
        typealias Node = SwarmNode<InProcessTransport, Policy>
        let network = InProcessNetwork()
        // Generous timeout: in lock-step every peer publishes; retries are 1 ms apart.
        let exchange = PeerExchange.Config(fetchTimeoutMillis: 60_000, retryIntervalMillis: 1)
        var nodes: [Node] = (0..<config.nodes).map { i in
            let id = "node-\(i)"
            let c = SwarmNodeConfig(nodeID: id, seed: SwarmRandom(seed: seed, stream: UInt64(i)).state, families: config.families,
                                    difficulty: config.difficulty, completionsPerQuestion: config.completionsPerQuestion,
                                    localSamples: config.localSamples, externalSamples: config.externalSamples, exchange: exchange,
                                    questionsPerFamily: config.questionsPerFamily)
            return SwarmNode(config: c, transport: InProcessTransport(network: network, node: id), policy: makePolicy(i))
        }
        var byRound: [Float] = []
        var curves = [[Float]](repeating: [], count: config.nodes)
        var finals = [ScoredGroup?](repeating: nil, count: config.nodes)
        for _ in 0..<config.rounds {
            let start = nodes
            let results = await withTaskGroup(of: (Int, Node, Float, ScoredGroup?).self) { group in
                for (i, n) in start.enumerated() {
                    group.addTask {
                        var node = n
                        let report = await node.runRound()
                        return (i, node, report.localMeanReward, report.local.first)
                    }
                }
                var out: [(Int, Node, Float, ScoredGroup?)] = []
                for await r in group { out.append(r) }
                return out.sorted { $0.0 < $1.0 }
            }
            nodes = results.map(\.1)
            var sum: Float = 0
            for (i, _, reward, first) in results {
                curves[i].append(reward)
                finals[i] = first
                sum += reward
            }
            byRound.append(sum / Float(config.nodes))
            progress(byRound.count - 1, byRound[byRound.count - 1])
        }
        return Run(rewardByRound: byRound, rewardByNodeByRound: curves, finalGroups: finals)
    }

    /// Mean and sample standard deviation (n − 1; 0 for one value) of `values`, in `Double`.
    public static func meanAndStd(_ values: [Float]) -> (mean: Double, std: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let x = values.map(Double.init)
        let mean = x.reduce(0, +) / Double(x.count)
        guard x.count > 1 else { return (mean, 0) }
        let v = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count - 1)
        return (mean, v.squareRoot())
    }
}
