/// What a party answers a dispute from: its job's commitments and, on demand, any step's trace
/// and checkpoints (a real trainer replays a step from its nearest kept checkpoint).
public protocol TraceSource: Sendable {
    /// The job.
    var job: JobSpec { get }
    /// The party's job commitment.
    var commitment: JobCommitment { get }
    /// The trace of `step` (1-based).
    func trace(step: Int) throws -> StepTrace
    /// The checkpoint after `step` (0: the initial checkpoint).
    func checkpoint(after step: Int) throws -> CheckpointCommitment
}

/// An honest party: answers each ``RefereeMessage`` truthfully from its ``TraceSource``.
///
/// It is a pure function of the question (plus a one-step trace cache): a transport delivers the
/// questions and sends the answers back.
public struct DisputeResponder: Sendable {
    /// Where the answers come from.
    public let source: any TraceSource
    var cached: (step: Int, trace: StepTrace)?

    /// A responder over `source`.
    public init(source: any TraceSource) { self.source = source }

    /// The answer to `question`, or nil when the question is not about this job (out-of-range
    /// step, op or node; an honest party does not answer nonsense).
    public mutating func respond(to question: RefereeMessage) -> PartyMessage? {
        do {
            switch question {
            case .openNode(let round, let tree, let step, let range):
                let merkle = tree == .job ? source.commitment.tree : try trace(step).tree
                guard range.count > 1 else { return nil }
                let split = range.lowerBound + MerkleTree.split(range.count)
                return .node(
                    round: round, left: try merkle.nodeHash(covering: range.lowerBound..<split),
                    right: try merkle.nodeHash(covering: split..<range.upperBound))
            case .openStep(let round, let step):
                guard (1...source.job.steps).contains(step) else { return nil }
                return .step(round: round, source.commitment.steps[step - 1])
            case .openOp(let round, let step, let op):
                return .evidence(round: round, try evidence(step: step, op: op))
            }
        } catch {
            return nil
        }
    }

    mutating func trace(_ step: Int) throws -> StepTrace {
        if let cached, cached.step == step { return cached.trace }
        guard (1...source.job.steps).contains(step) else { throw VerdeError(.invalidValue, "no step \(step)") }
        let t = try source.trace(step: step)
        cached = (step, t)
        return t
    }

    /// Op `op` of `step` with the openings of its inputs.
    public mutating func evidence(step: Int, op: Int) throws -> OpEvidence {
        let t = try trace(step)
        guard t.ops.indices.contains(op) else { throw VerdeError(.invalidValue, "step \(step) has no op \(op)") }
        let record = t.ops[op]
        var openings: [InputOpening] = []
        var needsCheckpoint = false
        var previous: CheckpointCommitment?
        for input in record.inputs {
            switch input {
            case .op(let j):
                openings.append(.op(OpOpening(record: t.ops[j], proof: try t.tree.proof(forLeafAt: j))))
            case .checkpoint(let name):
                needsCheckpoint = true
                if previous == nil { previous = try source.checkpoint(after: step - 1) }
                openings.append(.tensor(try previous!.opening(named: name)))
            }
        }
        var checkpointSource: CheckpointSource?
        if needsCheckpoint && step > 1 {
            let before = try source.trace(step: step - 1)
            checkpointSource = CheckpointSource(
                step: source.commitment.steps[step - 2],
                stepProof: try source.commitment.tree.proof(forLeafAt: step - 2),
                last: OpOpening(record: before.ops[before.ops.count - 1], proof: try before.tree.proof(forLeafAt: before.ops.count - 1)))
        }
        return OpEvidence(record: record, inputs: openings, checkpoint: checkpointSource)
    }
}
