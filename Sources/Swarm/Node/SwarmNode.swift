/// Settings of one node.
public struct SwarmNodeConfig: Sendable, Hashable {
    /// This node's id (its listen address for network nodes).
    public var nodeID: String
    /// Seed of everything random at this node (tasks, sampling, the stand-in policy).
    public var seed: UInt64
    /// Families asked each round (one question per family, as in the paper).
    public var families: [TaskFamily]
    /// Questions per family per round (so a round can hold more questions than families).
    public var questionsPerFamily: Int
    /// Difficulty of the questions.
    public var difficulty: Int
    /// Completions per question (G).
    public var completionsPerQuestion: Int
    /// Local groups per training step (I).
    public var localSamples: Int
    /// External groups per training step (J).
    public var externalSamples: Int
    /// Exchange timing and limits.
    public var exchange: PeerExchange.Config

    /// A configuration; counts are clamped to sensible minimums, difficulty to 1...3.
    public init(nodeID: String, seed: UInt64, families: [TaskFamily] = TaskFamily.allCases, difficulty: Int = 1,
                completionsPerQuestion: Int = 4, localSamples: Int = 4, externalSamples: Int = 4,
                exchange: PeerExchange.Config = PeerExchange.Config(), questionsPerFamily: Int = 1) {
        self.nodeID = nodeID
        self.seed = seed
        self.families = families.isEmpty ? TaskFamily.allCases : families
        self.questionsPerFamily = max(1, questionsPerFamily)
        self.difficulty = min(max(difficulty, 1), TaskSpec.maxDifficulty)
        self.completionsPerQuestion = max(1, completionsPerQuestion)
        self.localSamples = max(0, localSamples)
        self.externalSamples = max(0, externalSamples)
        self.exchange = exchange
    }
}

/// What one round did at one node.
public struct RoundReport: Sendable, Hashable {
    /// The round.
    public let round: UInt64
    /// Mean reward of this node's own completions.
    public let localMeanReward: Float
    /// This node's own groups of the round, scored (what it published, before the zero-advantage drop).
    public let local: [ScoredGroup]
    /// The exchange result (external groups, rejections, time-outs).
    public let exchange: PeerExchange.RoundResult
    /// The training batch.
    public let batch: RolloutSampler.Batch
    /// The coordinator's record of the round (winners among the peers seen).
    public let closed: RoundCoordinator.Event
    /// Bytes this node published.
    public let publishedBytes: Int
    /// Rejections logged during the round.
    public let rejections: [String]
    /// Wall time of the round in milliseconds.
    public let millis: UInt64
}

/// One SAPO node: each round it generates G completions per question with its policy, scores
/// them, publishes them, exchanges with its peers through ``PeerExchange``, samples I local + J
/// external groups, trains, and records rewards in its ``RoundCoordinator`` replica (its own
/// reward and each peer's reward **as re-scored here**).
public struct SwarmNode<Transport: SwarmTransport, Policy: SwarmPolicy>: Sendable {
    /// The configuration.
    public let config: SwarmNodeConfig
    /// The transport.
    public let transport: Transport
    /// The policy (and learner).
    public private(set) var policy: Policy
    /// The exchange state machine.
    public private(set) var exchange: PeerExchange
    /// The coordinator replica.
    public private(set) var coordinator: RoundCoordinator
    let verifier: Verifier
    let clock = ContinuousClock()
    let origin: ContinuousClock.Instant

    /// A node starting at `startingRound`.
    public init(config: SwarmNodeConfig, transport: Transport, policy: Policy, startingRound: UInt64 = 0) {
        self.config = config
        self.transport = transport
        self.policy = policy
        self.exchange = PeerExchange(nodeID: config.nodeID, config: config.exchange)
        self.coordinator = RoundCoordinator(startingRound: startingRound)
        self.verifier = config.exchange.verifier
        self.origin = clock.now
    }

    /// The tasks of `round` at this node: ``SwarmNodeConfig/questionsPerFamily`` per family,
    /// seeded by (node seed, round, family) for the first and (node seed, round, family, k) for
    /// the k-th after it.
    public func tasks(round: UInt64) -> [SwarmTask] {
        config.families.flatMap { family in (0..<max(1, config.questionsPerFamily)).map { (family, $0) } }.map { family, k in
            let streams = [round, UInt64(family.wireCode)] + (k == 0 ? [] : [UInt64(k)])
            let seed = SwarmRandom(seed: config.seed, streams: streams).state
            // Clamped here too (the config's fields are mutable), so the spec is always valid.
            let difficulty = min(max(config.difficulty, 1), TaskSpec.maxDifficulty)
            return SwarmTask(try! TaskSpec(family: family, difficulty: difficulty, seed: seed))
        }
    }

    func nowMillis() -> UInt64 {
        let d = clock.now - origin
        return UInt64(max(0, d.components.seconds)) * 1000 + UInt64(max(0, d.components.attoseconds / 1_000_000_000_000_000))
    }

    enum Input: Sendable {
        case fetched(peer: String, round: UInt64, outcome: FetchOutcome)
        case wake
    }

    /// Runs the coordinator's current round to completion and advances it.
    /// - Parameter log: receives one line per notable event (rejections, drops, joins).
    public mutating func runRound(log: @Sendable (String) -> Void = { _ in }) async -> RoundReport {
        let start = nowMillis()
        let round = coordinator.round
        var rng = SwarmRandom(seed: config.seed, streams: [round, 0xC0DE])
        // 1. Local rollouts.
        var groups: [RolloutGroup] = []
        var local: [ScoredGroup] = []
        for task in tasks(round: round) {
            let completions = policy.complete(task, count: config.completionsPerQuestion, rng: &rng)
            let scored = ScoredGroup(task: task, completions: completions, origin: config.nodeID, verifier: verifier)
            local.append(scored)
            groups.append(RolloutGroup(spec: task.spec, question: task.question, completions: completions, rewards: scored.rewards))
        }
        let publication = RolloutPublication(round: round, nodeID: config.nodeID, groups: groups)
        // 2. Exchange.
        for peer in await transport.refreshPeers() where !exchange.peers.contains(peer) {
            _ = exchange.peerJoined(peer, now: nowMillis())
            log("peer \(peer) joined")
        }
        var pending = exchange.startRound(publication, now: nowMillis())
        var publishedBytes = 0
        var rejections: [String] = []
        var result: PeerExchange.RoundResult?
        let transport = self.transport
        let timeout = config.exchange.fetchTimeoutMillis
        await withTaskGroup(of: Input.self) { group in
            while result == nil {
                for action in pending {
                    switch action {
                    case .publish(let r, let payload):
                        publishedBytes = payload.count
                        await transport.publish(round: r, payload: payload)
                    case .fetch(let peer, let r, let notBefore):
                        // Read the clock once: `notBefore > now() ? notBefore - now() : 0` trapped
                        // when the millisecond ticked between the two reads.
                        let delay = millisUntil(notBefore, now: nowMillis())
                        group.addTask {
                            if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
                            if Task.isCancelled { return .fetched(peer: peer, round: r, outcome: .failed("cancelled")) }
                            return .fetched(peer: peer, round: r, outcome: await transport.fetch(from: peer, round: r, timeoutMillis: timeout))
                        }
                    case .wakeUp(let at):
                        let delay = millisUntil(at, now: nowMillis())
                        group.addTask {
                            try? await Task.sleep(for: .milliseconds(delay))
                            return .wake
                        }
                    case .rejected(let peer, let r, let error):
                        let line = "rejected round \(r) from \(peer): \(error.code): \(error.message)"
                        rejections.append(line)
                        log(line)
                    case .roundComplete(let r):
                        result = r
                    }
                }
                pending = []
                if result != nil { break }
                guard let input = await group.next() else { break }
                let now = nowMillis()
                switch input {
                case .fetched(let peer, let r, .payload(let bytes)):
                    pending = exchange.fetchSucceeded(peer: peer, round: r, payload: bytes, now: now)
                case .fetched(let peer, let r, .notReady):
                    pending = exchange.fetchNotReady(peer: peer, round: r, now: now)
                case .fetched(let peer, let r, .failed):
                    pending = exchange.fetchFailed(peer: peer, round: r, now: now)
                case .wake:
                    pending = exchange.tick(now: now)
                }
            }
            group.cancelAll()
        }
        // The wake-up task guarantees completion; this fallback only runs if the group emptied.
        let exchanged = result ?? PeerExchange.RoundResult(round: round, external: [], received: [], rejected: [:], timedOut: [], dropped: [])
        for peer in exchanged.dropped {
            await transport.forget(peer)
            log("peer \(peer) dropped after \(config.exchange.maxMissedRounds) missed rounds")
        }
        // 3. Sample and train.
        let batch = RolloutSampler.sample(local: local, external: exchanged.external,
                                          localCount: config.localSamples, externalCount: config.externalSamples, rng: &rng)
        policy.train(on: batch)
        // 4. Coordinator replica: own reward and peers' re-scored rewards.
        let localMean = Self.mean(local.map(\.meanReward))
        var perPeer: [String: [Float]] = [:]
        for g in exchanged.external { perPeer[g.origin, default: []].append(g.meanReward) }
        for (peer, rewards) in perPeer.sorted(by: { $0.key < $1.key }) + [(config.nodeID, [localMean])] {
            if !coordinator.peers.contains(peer) { _ = try? coordinator.register(peer) }
            _ = try? coordinator.submitReward(round: round, stage: 0, peer: peer, reward: Self.mean(rewards))
        }
        let closed = coordinator.advance()
        return RoundReport(round: round, localMeanReward: localMean, local: local, exchange: exchanged, batch: batch, closed: closed,
                           publishedBytes: publishedBytes, rejections: rejections, millis: nowMillis() - start)
    }

    static func mean(_ xs: [Float]) -> Float {
        guard !xs.isEmpty else { return 0 }
        var s: Float = 0
        for x in xs { s += x }
        return s / Float(xs.count)
    }
}

/// Milliseconds from `now` until `deadline`, 0 when it has passed (never traps).
package func millisUntil(_ deadline: UInt64, now: UInt64) -> UInt64 { deadline > now ? deadline - now : 0 }
