/// What the referee wants done: send a question, or publish the ruling.
public enum DisputeAction: Sendable, Hashable {
    /// Send `message` to `party`; its answer is due by the round's ``DisputeReferee/deadline``.
    case send(RefereeMessage, to: Disputant)
    /// The dispute is over.
    case rule(Verdict)
}

/// The referee of a Verde dispute as a pure state machine: it consumes answers and clock ticks and
/// returns ``DisputeAction``s; it does no I/O and keeps no wall clock.
///
/// Stages (each round asks both parties the same question):
/// 1. descend the job tree from the two published roots, always into the leftmost child where the
///    parties differ, to the first step `s` whose commitments differ (every step before it lies in
///    subtrees both parties committed identically, so checkpoint `s − 1` is agreed);
/// 2. open step `s`'s commitments; check the op count against the program; descend the two trace
///    trees the same way to the first op `k` whose records differ (all earlier ops agree);
/// 3. open op `k` with proofs for each input (earlier ops against the trace root, checkpoint
///    tensors against checkpoint `s − 1`), re-execute op `k` with the injected ``OpReexecutor`` on
///    the agreed inputs, and rule: a party whose output digest differs loses.
///
/// Every answer is checked against what the party committed before (a node's children must hash
/// to the node, a leaf to its leaf hash, an opening to its root): a failed check loses, and so
/// does missing the round's deadline.
///
/// ```swift
/// var referee = DisputeReferee(job: spec, rootA: rootA, rootB: rootB, timeout: 10, reexecutor: repops)
/// var actions = referee.start(now: 0)
/// // deliver each .send to its party, feed answers back:
/// actions = referee.receive(answer, from: .a, now: 1)
/// // and tick the clock: actions = referee.advance(to: now)
/// ```
public struct DisputeReferee: Sendable {
    /// The job under dispute.
    public let job: JobSpec
    /// ``JobSpec/digest``.
    public let jobID: Digest
    /// Logical ticks a party has to answer each round.
    public let timeout: UInt64
    let roots: Pair
    let reexecutor: any OpReexecutor

    struct Pair: Sendable {
        var a: Digest, b: Digest
        subscript(party: Disputant) -> Digest { party == .a ? a : b }
    }

    enum Stage: Sendable {
        case idle
        case jobNode(range: Range<Int>, known: Pair)
        case step(step: Int, known: Pair)
        case traceNode(step: Int, opCount: Int, roots: Pair, range: Range<Int>, known: Pair)
        case op(step: Int, opCount: Int, roots: Pair, op: Int, known: Pair)
        case done
    }

    var stage = Stage.idle
    var answers: [Disputant: PartyMessage] = [:]
    /// Number of question rounds sent so far.
    public private(set) var round = 0
    /// Last tick at which answers to the current round are accepted.
    public private(set) var deadline: UInt64 = 0
    /// The ruling, once made.
    public private(set) var verdict: Verdict?
    /// The disputed step, once located.
    public private(set) var locatedStep: Int?
    /// The disputed op, once located.
    public private(set) var locatedOp: Int?

    /// A referee for `job` between parties that published job roots `rootA` and `rootB`.
    public init(job: JobSpec, rootA: Digest, rootB: Digest, timeout: UInt64, reexecutor: any OpReexecutor) {
        self.job = job
        jobID = job.digest
        roots = Pair(a: rootA, b: rootB)
        self.timeout = timeout
        self.reexecutor = reexecutor
    }

    /// Opens the dispute at tick `now`: the first questions, or a ``VerdictReason/noDispute`` ruling
    /// when the roots are equal.
    public mutating func start(now: UInt64) -> [DisputeAction] {
        guard case .idle = stage else { return [] }
        if roots.a == roots.b { return rule(winner: nil, losers: [], reason: .noDispute) }
        return descend(into: 0..<job.steps, known: roots, now: now)
    }

    /// Takes `message` from `party` at tick `now`. Answers to another round, repeated answers and
    /// answers after the ruling are ignored; an answer after the deadline ends the round as a timeout.
    public mutating func receive(_ message: PartyMessage, from party: Disputant, now: UInt64) -> [DisputeAction] {
        guard verdict == nil else { return [] }
        if now > deadline { return advance(to: now) }
        guard message.round == round, answers[party] == nil else { return [] }
        answers[party] = message
        return answers.count == 2 ? process(now: now) : []
    }

    /// Moves the clock to `now`: past the deadline, a party that has not answered loses.
    public mutating func advance(to now: UInt64) -> [DisputeAction] {
        guard verdict == nil, now > deadline else { return [] }
        switch stage {
        case .idle, .done: return []
        default: break
        }
        return process(now: now)
    }

    // MARK: - Rounds

    mutating func ask(_ question: RefereeMessage, now: UInt64) -> [DisputeAction] {
        answers = [:]
        deadline = now &+ timeout
        return [.send(question, to: .a), .send(question, to: .b)]
    }

    /// Next question after the parties' nodes differ over `range` of the job tree.
    mutating func descend(into range: Range<Int>, known: Pair, now: UInt64) -> [DisputeAction] {
        round += 1
        if range.count == 1 {
            let step = range.lowerBound + 1
            locatedStep = step
            stage = .step(step: step, known: known)
            return ask(.openStep(round: round, step: step), now: now)
        }
        stage = .jobNode(range: range, known: known)
        return ask(.openNode(round: round, tree: .job, step: 0, range: range), now: now)
    }

    mutating func descendTrace(step: Int, opCount: Int, traceRoots: Pair, into range: Range<Int>, known: Pair, now: UInt64)
        -> [DisputeAction]
    {
        round += 1
        if range.count == 1 {
            locatedOp = range.lowerBound
            stage = .op(step: step, opCount: opCount, roots: traceRoots, op: range.lowerBound, known: known)
            return ask(.openOp(round: round, step: step, op: range.lowerBound), now: now)
        }
        stage = .traceNode(step: step, opCount: opCount, roots: traceRoots, range: range, known: known)
        return ask(.openNode(round: round, tree: .trace, step: step, range: range), now: now)
    }

    /// Handles the round once both answered or the deadline passed. Answers are checked first:
    /// a missing or invalid answer loses.
    mutating func process(now: UInt64) -> [DisputeAction] {
        let silent = Disputant.allCases.filter { answers[$0] == nil }
        switch stage {
        case .jobNode(let range, let known):
            let children = checkNodes(known)
            if let ruling = faults(silent: silent, invalid: children) { return ruling }
            let (a, b) = (children[.a]!!, children[.b]!!)
            let split = range.lowerBound + MerkleTree.split(range.count)
            return a.0 != b.0
                ? descend(into: range.lowerBound..<split, known: Pair(a: a.0, b: b.0), now: now)
                : descend(into: split..<range.upperBound, known: Pair(a: a.1, b: b.1), now: now)

        case .traceNode(let step, let opCount, let traceRoots, let range, let known):
            let children = checkNodes(known)
            if let ruling = faults(silent: silent, invalid: children) { return ruling }
            let (a, b) = (children[.a]!!, children[.b]!!)
            let split = range.lowerBound + MerkleTree.split(range.count)
            return a.0 != b.0
                ? descendTrace(step: step, opCount: opCount, traceRoots: traceRoots,
                               into: range.lowerBound..<split, known: Pair(a: a.0, b: b.0), now: now)
                : descendTrace(step: step, opCount: opCount, traceRoots: traceRoots,
                               into: split..<range.upperBound, known: Pair(a: a.1, b: b.1), now: now)

        case .step(let step, let known):
            var commitments: [Disputant: StepCommitment?] = [:]
            for party in Disputant.allCases {
                guard case .step(_, let c)? = answers[party] else { commitments[party] = .some(nil); continue }
                commitments[party] = c.leafHash == known[party] ? c : .some(nil)
            }
            if let ruling = faults(silent: silent, invalid: commitments) { return ruling }
            let (a, b) = (commitments[.a]!!, commitments[.b]!!)
            let expected: Int
            do { expected = try reexecutor.opCount(step: step, job: job) } catch {
                return rule(winner: nil, losers: [], reason: .inconclusive)
            }
            let wrong = Set(Disputant.allCases.filter { (($0 == .a ? a : b).opCount) != expected })
            if !wrong.isEmpty {
                return rule(winner: wrong.count == 1 ? wrong.first!.other : nil, losers: wrong, reason: .wrongOpCount)
            }
            guard a.traceRoot != b.traceRoot else { return rule(winner: nil, losers: [], reason: .inconclusive) }
            let traceRoots = Pair(a: a.traceRoot, b: b.traceRoot)
            return descendTrace(step: step, opCount: expected, traceRoots: traceRoots, into: 0..<expected,
                                known: traceRoots, now: now)

        case .op(let step, let opCount, let traceRoots, let op, let known):
            var judged: [Disputant: Judgement] = [:]
            var memo: [Reexecution: Digest] = [:]
            for party in Disputant.allCases {
                guard case .evidence(_, let evidence)? = answers[party] else {
                    judged[party] = Judgement(fault: silent.contains(party) ? .timeout : .invalidProof)
                    continue
                }
                judged[party] = judge(evidence, party: party, step: step, opCount: opCount, traceRoot: traceRoots[party],
                                      op: op, leafHash: known[party], memo: &memo)
            }
            let (ja, jb) = (judged[.a]!, judged[.b]!)
            let losers = Set(Disputant.allCases.filter { judged[$0]!.fault != nil })
            let winner: Disputant? = losers.count == 1 ? losers.first!.other : nil
            let reason: VerdictReason = losers.isEmpty ? .inconclusive : (ja.fault ?? jb.fault)!
            let recomputed = winner.flatMap { judged[$0]!.recomputed } ?? ja.recomputed ?? jb.recomputed ?? .zero
            return rule(winner: winner, losers: losers, reason: reason, recomputed: recomputed,
                        recordA: ja.recordHash, recordB: jb.recordHash)

        case .idle, .done:
            return []
        }
    }

    /// Children answers checked against the known node hashes; `.some(nil)` marks an invalid answer.
    func checkNodes(_ known: Pair) -> [Disputant: (Digest, Digest)?] {
        var out: [Disputant: (Digest, Digest)?] = [:]
        for party in Disputant.allCases {
            if case .node(_, let left, let right)? = answers[party], MerkleTree.nodeHash(left, right) == known[party] {
                out[party] = (left, right)
            } else {
                out[party] = .some(nil)
            }
        }
        return out
    }

    /// A ruling when a party was silent or answered something that does not check out.
    mutating func faults<T>(silent: [Disputant], invalid checked: [Disputant: T?]) -> [DisputeAction]? {
        let bad = Set(Disputant.allCases.filter { checked[$0]! == nil })
        guard !bad.isEmpty else { return nil }
        let reason: VerdictReason = bad.isDisjoint(with: silent) ? .invalidProof : .timeout
        return rule(winner: bad.count == 1 ? bad.first!.other : nil, losers: bad, reason: reason)
    }

    mutating func rule(
        winner: Disputant?, losers: Set<Disputant>, reason: VerdictReason, recomputed: Digest = .zero,
        recordA: Digest = .zero, recordB: Digest = .zero
    ) -> [DisputeAction] {
        let v = Verdict(jobID: jobID, winner: winner, losers: losers, reason: reason, step: locatedStep, op: locatedOp,
                        recomputed: recomputed, recordA: recordA, recordB: recordB)
        verdict = v
        stage = .done
        return [.rule(v)]
    }

    // MARK: - The one-op check

    struct Judgement {
        var fault: VerdictReason?
        var recomputed: Digest?
        var recordHash: Digest = .zero
    }

    /// A re-execution's question: the record (its claimed output zeroed) and the input digests.
    /// Two parties whose records differ only in the claimed output ask the same one: it runs once.
    struct Reexecution: Hashable {
        var record: OpRecord
        var inputs: [TensorDigest]
    }

    /// Checks one party's evidence and re-executes its op on the agreed inputs.
    func judge(
        _ evidence: OpEvidence, party: Disputant, step: Int, opCount: Int, traceRoot: Digest, op: Int, leafHash: Digest,
        memo: inout [Reexecution: Digest]
    ) -> Judgement {
        let record = evidence.record
        let recordHash = record.leafHash
        guard recordHash == leafHash, record.index == op, evidence.inputs.count == record.inputs.count else {
            return Judgement(fault: .invalidProof)
        }
        var inputs: [TensorDigest] = []
        inputs.reserveCapacity(record.inputs.count)
        var checkpoint: Digest?
        for (input, opening) in zip(record.inputs, evidence.inputs) {
            switch (input, opening) {
            case (.op(let j), .op(let o)):
                guard j < op, o.record.index == j, o.verify(traceRoot: traceRoot, opCount: opCount) else {
                    return Judgement(fault: .invalidProof, recordHash: recordHash)
                }
                inputs.append(o.record.outputDigest)
            case (.checkpoint(let name), .tensor(let t)):
                if checkpoint == nil { checkpoint = previousCheckpoint(evidence.checkpoint, party: party, step: step) }
                guard let root = checkpoint, t.tensor.name == name, t.verify(against: root) else {
                    return Judgement(fault: .invalidProof, recordHash: recordHash)
                }
                inputs.append(t.tensor.digest)
            default:
                return Judgement(fault: .invalidProof, recordHash: recordHash)
            }
        }
        var question = Reexecution(record: record, inputs: inputs)
        question.record.outputDigest = .zero
        let recomputed: Digest
        if let known = memo[question] {
            recomputed = known
        } else {
            do { recomputed = try reexecutor.reexecute(record, inputs: inputs, step: step, job: job) } catch {
                return Judgement(fault: .invalidOp, recordHash: recordHash)
            }
            memo[question] = recomputed
        }
        return Judgement(fault: recomputed == record.outputDigest ? nil : .wrongOutput, recomputed: recomputed,
                         recordHash: recordHash)
    }

    /// Checkpoint `step − 1`'s commitment: the job's initial checkpoint, or the output of step
    /// `step − 1`'s last op opened against the party's job root (a leaf both parties committed).
    func previousCheckpoint(_ source: CheckpointSource?, party: Disputant, step: Int) -> Digest? {
        if step == 1 { return job.initialCheckpoint }
        guard let source,
              source.stepProof.leafIndex == step - 2, source.stepProof.leafCount == job.steps,
              source.stepProof.verify(leafHash: source.step.leafHash, root: roots[party]),
              source.last.record.index == source.step.opCount - 1,
              source.last.record.kind == OpRecord.checkpointKind,
              source.last.verify(traceRoot: source.step.traceRoot, opCount: source.step.opCount)
        else { return nil }
        return source.last.record.outputDigest
    }
}
