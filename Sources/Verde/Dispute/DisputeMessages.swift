/// One of the two parties of a dispute (two trainers, or a provider and a challenger).
public enum Disputant: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The first party (encoded 1).
    case a = 1
    /// The second party (encoded 2).
    case b = 2

    /// The other party.
    public var other: Disputant { self == .a ? .b : .a }

    public var description: String { self == .a ? "A" : "B" }
}

/// Which tree a ``RefereeMessage/openNode(round:tree:step:range:)`` walks.
public enum DisputeTree: Int, Sendable, Hashable {
    /// The job tree over step commitments.
    case job = 0
    /// The trace tree of one step.
    case trace = 1
}

/// What the referee asks; the same question goes to both parties each round.
///
/// Encoding: a tag word (`0` openNode, `1` openStep, `2` openOp), `round`, then the fields.
public enum RefereeMessage: Sendable, Hashable, WordCodable {
    /// Reveal the two children of the node covering leaves `range` (`step` is 0 for the job tree).
    case openNode(round: Int, tree: DisputeTree, step: Int, range: Range<Int>)
    /// Reveal the commitment of `step` (a leaf of the job tree).
    case openStep(round: Int, step: Int)
    /// Reveal op `op` of `step` with the openings of its inputs.
    case openOp(round: Int, step: Int, op: Int)

    /// The round this question belongs to.
    public var round: Int {
        switch self {
        case .openNode(let r, _, _, _), .openStep(let r, _), .openOp(let r, _, _): r
        }
    }

    public func encode(to writer: inout WordWriter) {
        switch self {
        case .openNode(let round, let tree, let step, let range):
            writer.write(UInt64(0)); writer.write(round); writer.write(tree.rawValue); writer.write(step)
            writer.write(range.lowerBound); writer.write(range.upperBound)
        case .openStep(let round, let step):
            writer.write(UInt64(1)); writer.write(round); writer.write(step)
        case .openOp(let round, let step, let op):
            writer.write(UInt64(2)); writer.write(round); writer.write(step); writer.write(op)
        }
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        let tag = try reader.readInt("referee message tag", max: 2)
        let round = try reader.readInt("round")
        switch tag {
        case 0:
            let tree = try DisputeTree(rawValue: reader.readInt("tree", max: 1))!
            let step = try reader.readInt("step")
            let lower = try reader.readInt("range start"), upper = try reader.readInt("range end")
            guard lower < upper else { throw VerdeError(.invalidValue, "empty node range \(lower)..<\(upper)") }
            self = .openNode(round: round, tree: tree, step: step, range: lower..<upper)
        case 1: self = .openStep(round: round, step: try reader.readInt("step"))
        default: self = .openOp(round: round, step: try reader.readInt("step"), op: try reader.readInt("op"))
        }
    }
}

/// An op record with its proof against the trace root of its step.
///
/// Encoding: `record`, `proof`.
public struct OpOpening: Sendable, Hashable, WordCodable {
    /// The claimed record.
    public var record: OpRecord
    /// Its proof against the trace root.
    public var proof: InclusionProof

    /// An opening.
    public init(record: OpRecord, proof: InclusionProof) {
        self.record = record
        self.proof = proof
    }

    /// Whether `record` is leaf `record.index` of a trace of `opCount` ops with root `traceRoot`.
    public func verify(traceRoot: Digest, opCount: Int) -> Bool {
        proof.leafIndex == record.index && proof.leafCount == opCount
            && proof.verify(leafHash: record.leafHash, root: traceRoot)
    }

    public func encode(to writer: inout WordWriter) { writer.write(record); writer.write(proof) }

    public init(from reader: inout WordReader) throws(VerdeError) {
        record = try OpRecord(from: &reader)
        proof = try InclusionProof(from: &reader)
    }
}

/// Where the checkpoint before step `s` comes from when `s > 1`: step `s − 1`'s commitment (with its
/// proof against the party's job root) and that step's last op, whose output is the checkpoint.
///
/// Encoding: `step` (the commitment), `stepProof`, `last`.
public struct CheckpointSource: Sendable, Hashable, WordCodable {
    /// Commitment of step `s − 1`.
    public var step: StepCommitment
    /// Its proof against the job root.
    public var stepProof: InclusionProof
    /// The last op of step `s − 1` with its proof against `step.traceRoot`.
    public var last: OpOpening

    /// A checkpoint source.
    public init(step: StepCommitment, stepProof: InclusionProof, last: OpOpening) {
        self.step = step
        self.stepProof = stepProof
        self.last = last
    }

    public func encode(to writer: inout WordWriter) { writer.write(step); writer.write(stepProof); writer.write(last) }

    public init(from reader: inout WordReader) throws(VerdeError) {
        step = try StepCommitment(from: &reader)
        stepProof = try InclusionProof(from: &reader)
        last = try OpOpening(from: &reader)
    }
}

/// The opening of one input of the disputed op, in the op's input order.
///
/// Encoding: a tag word (`0` op, `1` tensor), then the opening.
public enum InputOpening: Sendable, Hashable, WordCodable {
    /// An earlier op of the same step (proof against the party's trace root).
    case op(OpOpening)
    /// A tensor of the checkpoint before the step.
    case tensor(TensorOpening)

    public func encode(to writer: inout WordWriter) {
        switch self {
        case .op(let opening): writer.write(UInt64(0)); writer.write(opening)
        case .tensor(let opening): writer.write(UInt64(1)); writer.write(opening)
        }
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        switch try reader.readInt("input opening tag", max: 1) {
        case 0: self = .op(try OpOpening(from: &reader))
        default: self = .tensor(try TensorOpening(from: &reader))
        }
    }
}

/// A party's evidence for the disputed op: the record and the openings of its inputs.
///
/// Encoding: `record`, `inputs` (list), a flag word, then `checkpoint` when the flag is 1.
public struct OpEvidence: Sendable, Hashable, WordCodable {
    /// The party's record of the disputed op.
    public var record: OpRecord
    /// One opening per input of `record`.
    public var inputs: [InputOpening]
    /// Where the checkpoint before the step comes from; present when the step is not the first
    /// and an input is a checkpoint tensor.
    public var checkpoint: CheckpointSource?

    /// Evidence.
    public init(record: OpRecord, inputs: [InputOpening], checkpoint: CheckpointSource?) {
        self.record = record
        self.inputs = inputs
        self.checkpoint = checkpoint
    }

    public func encode(to writer: inout WordWriter) {
        writer.write(record)
        writer.write(list: inputs)
        writer.write(checkpoint != nil)
        if let checkpoint { writer.write(checkpoint) }
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        record = try OpRecord(from: &reader)
        inputs = try reader.readList(InputOpening.self, "input openings", max: 1 << 12)
        checkpoint = try reader.readBool("checkpoint flag") ? CheckpointSource(from: &reader) : nil
    }
}

/// A party's answer to a ``RefereeMessage``.
///
/// Encoding: a tag word (`0` node, `1` step, `2` evidence), `round`, then the fields.
public enum PartyMessage: Sendable, Hashable, WordCodable {
    /// The two children of the asked node.
    case node(round: Int, left: Digest, right: Digest)
    /// The asked step's commitment.
    case step(round: Int, StepCommitment)
    /// The asked op's evidence.
    case evidence(round: Int, OpEvidence)

    /// The round this answer belongs to.
    public var round: Int {
        switch self {
        case .node(let r, _, _), .step(let r, _), .evidence(let r, _): r
        }
    }

    public func encode(to writer: inout WordWriter) {
        switch self {
        case .node(let round, let left, let right):
            writer.write(UInt64(0)); writer.write(round); writer.write(left); writer.write(right)
        case .step(let round, let step):
            writer.write(UInt64(1)); writer.write(round); writer.write(step)
        case .evidence(let round, let evidence):
            writer.write(UInt64(2)); writer.write(round); writer.write(evidence)
        }
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        let tag = try reader.readInt("party message tag", max: 2)
        let round = try reader.readInt("round")
        switch tag {
        case 0: self = .node(round: round, left: try reader.readDigest("left"), right: try reader.readDigest("right"))
        case 1: self = .step(round: round, try StepCommitment(from: &reader))
        default: self = .evidence(round: round, try OpEvidence(from: &reader))
        }
    }
}
