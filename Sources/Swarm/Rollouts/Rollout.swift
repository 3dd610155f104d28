/// One question's group of completions, as a node publishes it: the task spec, the question text,
/// the completions as decoded text and the sender's rewards (informative only: receivers re-score).
public struct RolloutGroup: Hashable, Sendable, Codable {
    /// The task the completions answer.
    public let spec: TaskSpec
    /// The question text the policy saw.
    public let question: String
    /// Completions as text (re-tokenised by whoever trains on them).
    public let completions: [String]
    /// The sender's rewards, one per completion.
    public let rewards: [Float]

    /// A group; `rewards` must have one entry per completion (checked by the codec).
    public init(spec: TaskSpec, question: String, completions: [String], rewards: [Float]) {
        self.spec = spec
        self.question = question
        self.completions = completions
        self.rewards = rewards
    }
}

/// What a node publishes for one round. `Codable` gives a JSON view for logs and tools; the
/// wire format is ``RolloutCodec``'s binary encoding, which is strict and bounded.
public struct RolloutPublication: Hashable, Sendable, Codable {
    /// The round.
    public let round: UInt64
    /// The publishing node's id (UTF-8, 1...``RolloutLimits/maxNodeIDBytes`` bytes).
    public let nodeID: String
    /// One group per question.
    public let groups: [RolloutGroup]

    /// A publication.
    public init(round: UInt64, nodeID: String, groups: [RolloutGroup]) {
        self.round = round
        self.nodeID = nodeID
        self.groups = groups
    }
}

/// A group re-scored by the receiving node with its own verifier, with its advantages.
public struct ScoredGroup: Hashable, Sendable {
    /// The regenerated task.
    public let task: SwarmTask
    /// The completions.
    public let completions: [String]
    /// Rewards computed by this node.
    public let rewards: [Float]
    /// Group advantages of `rewards` (``SAPOObjective/groupAdvantages(_:deviation:epsilon:)``).
    public let advantages: [Float]
    /// Who produced the completions (this node's id for local groups).
    public let origin: String

    /// Scores `completions` for `task` with `verifier` and computes the advantages.
    public init(task: SwarmTask, completions: [String], origin: String, verifier: Verifier) {
        self.task = task
        self.completions = completions
        self.rewards = completions.map { verifier.score($0, for: task).total }
        self.advantages = SAPOObjective.groupAdvantages(rewards)
        self.origin = origin
    }

    /// Whether every advantage is zero (no learning signal).
    public var isZeroAdvantage: Bool { SAPOObjective.isZeroAdvantage(advantages) }

    /// Mean reward of the group.
    public var meanReward: Float {
        guard !rewards.isEmpty else { return 0 }
        var s: Float = 0
        for r in rewards { s += r }
        return s / Float(rewards.count)
    }
}
