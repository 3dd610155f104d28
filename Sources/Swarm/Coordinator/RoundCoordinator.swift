/// The round coordinator as a pure state machine, after the on-chain SwarmCoordinator: peers
/// register, submit one reward per (round, stage, peer), the coordinator advances stages and
/// rounds and records each round's winners (the peers with the highest total reward of the round).
///
/// In-process now; a chain contract can back the same transitions later. Every method either
/// applies a transition and returns what happened, or throws a ``CoordinatorError`` and leaves
/// the state unchanged.
public struct RoundCoordinator: Hashable, Sendable {
    /// The current round.
    public private(set) var round: UInt64 = 0
    /// The current stage within the round, 0..<``stages``.
    public private(set) var stage: Int = 0
    /// Stages per round.
    public let stages: Int
    /// Registered peers.
    public private(set) var peers: Set<String> = []
    /// Rewards of the current round: stage → peer → reward.
    public private(set) var currentRewards: [Int: [String: Float]] = [:]
    /// Winners of each closed round.
    public private(set) var winners: [UInt64: [String]] = [:]
    /// Each peer's reward summed over closed rounds.
    public private(set) var cumulativeReward: [String: Float] = [:]

    /// A coordinator at `startingRound`, stage 0; `stages` is at least 1. A node that joins a
    /// running swarm starts its replica at the swarm's current round.
    public init(stages: Int = 1, startingRound: UInt64 = 0) {
        self.stages = max(1, stages)
        self.round = startingRound
    }

    /// What a transition did.
    public enum Event: Hashable, Sendable {
        /// A peer joined.
        case registered(String)
        /// A peer left (its rewards of the current round stay counted).
        case removed(String)
        /// A reward was recorded.
        case rewardRecorded(round: UInt64, stage: Int, peer: String, reward: Float)
        /// The stage advanced within the round.
        case stageAdvanced(round: UInt64, stage: Int)
        /// A round closed with these winners (sorted, possibly empty) and the next round began.
        case roundClosed(round: UInt64, winners: [String], rewards: [String: Float])
    }

    /// Registers a peer (`registerPeer`). Throws if the id is empty, too long or already registered.
    public mutating func register(_ peer: String) throws(CoordinatorError) -> Event {
        guard !peer.isEmpty, peer.utf8.count <= 64 else { throw CoordinatorError(.invalidPeer, "peer id must be 1...64 UTF-8 bytes") }
        guard !peers.contains(peer) else { throw CoordinatorError(.alreadyRegistered, "peer \(peer) is already registered") }
        peers.insert(peer)
        return .registered(peer)
    }

    /// Removes a peer (it left or crashed).
    public mutating func remove(_ peer: String) throws(CoordinatorError) -> Event {
        guard peers.remove(peer) != nil else { throw CoordinatorError(.unknownPeer, "peer \(peer) is not registered") }
        return .removed(peer)
    }

    /// Records `reward` for (`round`, `stage`, `peer`) (`submitReward`): only for the current round
    /// and stage, once per peer, finite values only.
    public mutating func submitReward(round r: UInt64, stage s: Int, peer: String, reward: Float) throws(CoordinatorError) -> Event {
        guard peers.contains(peer) else { throw CoordinatorError(.unknownPeer, "peer \(peer) is not registered") }
        guard r == round else { throw CoordinatorError(.wrongRound, "reward for round \(r) but the current round is \(round)") }
        guard s == stage else { throw CoordinatorError(.wrongStage, "reward for stage \(s) but the current stage is \(stage)") }
        guard reward.isFinite else { throw CoordinatorError(.invalidReward, "reward must be finite") }
        guard currentRewards[s]?[peer] == nil else {
            throw CoordinatorError(.duplicateReward, "peer \(peer) already submitted a reward for round \(r) stage \(s)")
        }
        currentRewards[s, default: [:]][peer] = reward
        return .rewardRecorded(round: r, stage: s, peer: peer, reward: reward)
    }

    /// Advances to the next stage, or closes the round after its last stage (`updateStageAndRound`),
    /// computing the winners: the peers with the highest total reward this round (ties all win).
    public mutating func advance() -> Event {
        if stage + 1 < stages {
            stage += 1
            return .stageAdvanced(round: round, stage: stage)
        }
        var totals: [String: Float] = [:]
        for s in 0..<stages {
            // Sorted order: the float sums are the same whatever the dictionary order.
            for (peer, reward) in (currentRewards[s] ?? [:]).sorted(by: { $0.key < $1.key }) {
                totals[peer, default: 0] += reward
            }
        }
        let best = totals.values.max()
        let roundWinners = best.map { b in totals.filter { $0.value == b }.keys.sorted() } ?? []
        for (peer, total) in totals.sorted(by: { $0.key < $1.key }) { cumulativeReward[peer, default: 0] += total }
        winners[round] = roundWinners
        let closed = round
        round += 1
        stage = 0
        currentRewards = [:]
        return .roundClosed(round: closed, winners: roundWinners, rewards: totals)
    }
}

/// A rejected coordinator transition.
public struct CoordinatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let invalidPeer = Code(name: "invalidPeer")
        public static let alreadyRegistered = Code(name: "alreadyRegistered")
        public static let unknownPeer = Code(name: "unknownPeer")
        public static let wrongRound = Code(name: "wrongRound")
        public static let wrongStage = Code(name: "wrongStage")
        public static let invalidReward = Code(name: "invalidReward")
        public static let duplicateReward = Code(name: "duplicateReward")
        public var description: String { name }
    }
    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String
    init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "CoordinatorError.\(code): \(message)" }
}
