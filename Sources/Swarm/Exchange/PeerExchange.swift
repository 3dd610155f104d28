/// The peer-exchange state machine of one node: each round it publishes its rollouts, fetches
/// every peer's publication for that round until a deadline, validates and re-scores what
/// arrives, and closes the round with whatever it has by the deadline.
///
/// Pure: time is a millisecond count passed in by the caller, and every input returns the
/// ``Action``s to perform (publish, fetch, wake up, log a rejection, round complete). Peers may
/// join, leave or crash at any time: a peer that never answers costs at most the fetch timeout.
public struct PeerExchange: Sendable {
    /// Timing, limits and the verifier used to re-score external rollouts.
    public struct Config: Sendable, Hashable {
        /// How long after the round starts the node stops waiting for peers.
        public var fetchTimeoutMillis: UInt64
        /// Delay before asking again a peer that had nothing yet or failed.
        public var retryIntervalMillis: UInt64
        /// Limits applied when decoding peers' payloads.
        public var limits: RolloutLimits
        /// The receiving node's verifier (peers' rewards are never trusted).
        public var verifier: Verifier
        /// A peer that misses this many rounds in a row (timed out) is dropped; it comes back
        /// when it joins again.
        public var maxMissedRounds: Int
        /// Whether a publication's node id must equal the address it was fetched from (default true).
        public var requireOriginMatch: Bool = true

        /// A configuration (defaults: 5 s timeout, 200 ms retry).
        public init(fetchTimeoutMillis: UInt64 = 5000, retryIntervalMillis: UInt64 = 200,
                    limits: RolloutLimits = RolloutLimits(), verifier: Verifier = Verifier(), maxMissedRounds: Int = 2) {
            self.maxMissedRounds = max(1, maxMissedRounds)
            self.fetchTimeoutMillis = fetchTimeoutMillis
            self.retryIntervalMillis = max(1, retryIntervalMillis)
            self.limits = limits
            self.verifier = verifier
        }
    }

    /// Something the I/O layer must do.
    public enum Action: Hashable, Sendable {
        /// Make `payload` available to peers as this node's publication for `round`.
        case publish(round: UInt64, payload: [UInt8])
        /// Fetch `peer`'s publication for `round`, not before `notBefore` (ms).
        case fetch(peer: String, round: UInt64, notBefore: UInt64)
        /// Call ``PeerExchange/tick(now:)`` at `at` (ms).
        case wakeUp(at: UInt64)
        /// A peer's payload was rejected: log it (the node carries on).
        case rejected(peer: String, round: UInt64, error: RolloutError)
        /// The round is over.
        case roundComplete(RoundResult)
    }

    /// What a round of exchange produced.
    public struct RoundResult: Hashable, Sendable {
        /// The round.
        public let round: UInt64
        /// External groups, re-scored by this node, in peer order.
        public let external: [ScoredGroup]
        /// Peers whose publication was accepted, sorted.
        public let received: [String]
        /// Peers whose publication was rejected, with the reason.
        public let rejected: [String: RolloutError]
        /// Peers that had not delivered by the deadline, sorted.
        public let timedOut: [String]
        /// Peers dropped after ``Config/maxMissedRounds`` missed rounds in a row, sorted.
        public let dropped: [String]
    }

    enum PeerStatus: Hashable, Sendable { case waiting, received, rejected, timedOut, left }

    /// The configuration.
    public let config: Config
    /// This node's id (its own publication is never fetched).
    public let nodeID: String
    /// Known peers (addresses).
    public private(set) var peers: Set<String> = []
    /// The round in progress or last completed.
    public private(set) var round: UInt64?
    /// Whether the current round is complete.
    public private(set) var isComplete = true
    var deadline: UInt64 = 0
    var status: [String: PeerStatus] = [:]
    var received: [String: [ScoredGroup]] = [:]
    var rejections: [String: RolloutError] = [:]
    var missed: [String: Int] = [:]

    /// An exchange for node `nodeID`.
    public init(nodeID: String, config: Config = Config()) {
        self.nodeID = nodeID
        self.config = config
    }

    /// A peer became known. During a round it is fetched at once.
    public mutating func peerJoined(_ peer: String, now: UInt64) -> [Action] {
        guard peer != nodeID, !peers.contains(peer) else { return [] }
        peers.insert(peer)
        guard let round, !isComplete else { return [] }
        status[peer] = .waiting
        return [.fetch(peer: peer, round: round, notBefore: now)]
    }

    /// A peer left (or was found dead). The round no longer waits for it.
    public mutating func peerLeft(_ peer: String, now: UInt64) -> [Action] {
        guard peers.remove(peer) != nil else { return [] }
        missed[peer] = nil
        if !isComplete, status[peer] == .waiting { status[peer] = .left }
        return completeIfDone(now: now)
    }

    /// Starts `publication.round`: publishes, fetches every peer, and schedules the deadline.
    /// A round still open is closed first with what it has.
    public mutating func startRound(_ publication: RolloutPublication, now: UInt64) -> [Action] {
        var actions: [Action] = []
        if !isComplete { actions += close() }
        let r = publication.round
        round = r
        isComplete = false
        deadline = now &+ config.fetchTimeoutMillis
        status = [:]
        received = [:]
        rejections = [:]
        actions.append(.publish(round: r, payload: RolloutCodec.encode(publication)))
        for peer in peers.sorted() {
            status[peer] = .waiting
            actions.append(.fetch(peer: peer, round: r, notBefore: now))
        }
        actions.append(.wakeUp(at: deadline))
        return actions + completeIfDone(now: now)
    }

    /// A fetch returned a payload. It is decoded (strictly, for this round) and re-scored; a bad
    /// payload is rejected with its reason and the peer is not asked again this round.
    public mutating func fetchSucceeded(peer: String, round r: UInt64, payload: [UInt8], now: UInt64) -> [Action] {
        guard r == round, !isComplete, status[peer] == .waiting else { return [] }
        do throws(RolloutError) {
            let publication = try RolloutCodec.decode(payload, expectedRound: r, limits: config.limits)
            // A peer publishes under its own id only: otherwise it could pass its rollouts (and the
            // rewards they earn in the coordinator) off as another node's.
            guard !config.requireOriginMatch || publication.nodeID == peer else {
                throw RolloutError(.invalidField, "publication from \(peer) claims the id \(publication.nodeID)")
            }
            guard publication.nodeID != nodeID else {
                throw RolloutError(.invalidField, "publication claims this node's own id \(nodeID)")
            }
            received[peer] = try RolloutCodec.rescore(publication, verifier: config.verifier)
            status[peer] = .received
            return completeIfDone(now: now)
        } catch {
            status[peer] = .rejected
            rejections[peer] = error
            return [.rejected(peer: peer, round: r, error: error)] + completeIfDone(now: now)
        }
    }

    /// The peer has no publication for the round yet: ask again later, before the deadline.
    public mutating func fetchNotReady(peer: String, round r: UInt64, now: UInt64) -> [Action] {
        retry(peer: peer, round: r, now: now)
    }

    /// The fetch failed (connection refused, peer crashed, RPC timeout): ask again later, before
    /// the deadline.
    public mutating func fetchFailed(peer: String, round r: UInt64, now: UInt64) -> [Action] {
        retry(peer: peer, round: r, now: now)
    }

    /// Time passed: at or after the deadline, peers still waiting time out and the round completes.
    public mutating func tick(now: UInt64) -> [Action] {
        guard !isComplete else { return [] }
        if now >= deadline {
            for (peer, s) in status where s == .waiting { status[peer] = .timedOut }
        }
        return completeIfDone(now: now)
    }

    mutating func retry(peer: String, round r: UInt64, now: UInt64) -> [Action] {
        guard r == round, !isComplete, status[peer] == .waiting, peers.contains(peer) else { return [] }
        let next = now &+ config.retryIntervalMillis
        return next < deadline ? [.fetch(peer: peer, round: r, notBefore: next)] : []
    }

    mutating func completeIfDone(now: UInt64) -> [Action] {
        guard !isComplete, !status.values.contains(.waiting) else { return [] }
        return close()
    }

    mutating func close() -> [Action] {
        guard let round else { return [] }
        isComplete = true
        let order = received.keys.sorted()
        let timedOut = status.filter { $0.value == .timedOut || $0.value == .waiting }.keys.sorted()
        var dropped: [String] = []
        for (peer, s) in status where s == .received || s == .rejected { missed[peer] = 0 }
        for peer in timedOut {
            missed[peer, default: 0] += 1
            if missed[peer]! >= config.maxMissedRounds, peers.remove(peer) != nil {
                missed[peer] = nil
                dropped.append(peer)
            }
        }
        let result = RoundResult(
            round: round, external: order.flatMap { received[$0]! }, received: order,
            rejected: rejections, timedOut: timedOut, dropped: dropped.sorted())
        return [.roundComplete(result)]
    }
}
