/// What a job's tree commits to for one step: the number of ops and the root of its trace tree.
/// The step's resulting checkpoint commitment is the output digest of the trace's last op
/// (``OpRecord/checkpointKind``), so it cannot disagree with the trace.
///
/// Encoding (the job tree's leaf bytes): `opCount`, `traceRoot`.
public struct StepCommitment: Sendable, Hashable, WordCodable {
    /// Number of ops in the step's trace.
    public var opCount: Int
    /// Merkle root over the step's ``OpRecord``s.
    public var traceRoot: Digest

    /// A step commitment.
    public init(opCount: Int, traceRoot: Digest) {
        self.opCount = opCount
        self.traceRoot = traceRoot
    }

    /// The leaf hash in a job tree.
    public var leafHash: Digest { MerkleTree.leafHash(encoded) }

    public func encode(to writer: inout WordWriter) {
        writer.write(opCount)
        writer.write(traceRoot)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        opCount = try reader.readInt("op count")
        traceRoot = try reader.readDigest("trace root")
    }
}

/// One step's operator trace and its tree.
public struct StepTrace: Sendable {
    /// The ops, `ops[i].index == i`.
    public let ops: [OpRecord]
    /// The trace tree over the records' encodings.
    public let tree: MerkleTree

    /// Commits `ops`.
    /// - Throws: ``VerdeError`` `.invalidValue` when the trace is empty, an index is out of place,
    ///   an input names a later op, or the last op is not a checkpoint op.
    public init(ops: [OpRecord]) throws(VerdeError) {
        guard let last = ops.last else { throw VerdeError(.invalidValue, "a step trace has no ops") }
        for (i, op) in ops.enumerated() {
            guard op.index == i else { throw VerdeError(.invalidValue, "op \(i) is recorded with index \(op.index)") }
            for case .op(let j) in op.inputs where j >= i {
                throw VerdeError(.invalidValue, "op \(i) reads op \(j), which is not earlier")
            }
        }
        guard last.kind == OpRecord.checkpointKind else {
            throw VerdeError(.invalidValue, "the last op of a step is \"\(last.kind)\", not \"\(OpRecord.checkpointKind)\"")
        }
        self.ops = ops
        tree = MerkleTree(leafHashes: ops.map(\.leafHash))
    }

    /// The step's commitment.
    public var commitment: StepCommitment { StepCommitment(opCount: ops.count, traceRoot: tree.root) }

    /// The checkpoint commitment after this step (the last op's output).
    public var checkpoint: Digest { ops[ops.count - 1].outputDigest }
}

/// A job's commitment: the Merkle root over its steps' ``StepCommitment``s (leaf `s − 1` is step `s`).
public struct JobCommitment: Sendable {
    /// Step commitments, step 1 first.
    public let steps: [StepCommitment]
    /// The job tree.
    public let tree: MerkleTree

    /// Commits `steps`.
    public init(steps: [StepCommitment]) {
        self.steps = steps
        tree = MerkleTree(leafHashes: steps.map(\.leafHash))
    }

    /// What a party publishes for the job.
    public var root: Digest { tree.root }
}
