/// A tensor's digest: Keccak-256 over RepOps' canonical tensor bytes (dtype, shape, little-endian
/// values). Verde treats it as opaque: it only compares and commits to it.
public typealias TensorDigest = Digest

/// One tensor of a checkpoint: its name and digest. It is a checkpoint tree's leaf.
///
/// Encoding (the leaf bytes): `name` (byte string, UTF-8), `digest` (one word).
public struct NamedTensor: Sendable, Hashable, WordCodable {
    /// The tensor's name, e.g. `layers.0.weight`.
    public var name: String
    /// The tensor's digest.
    public var digest: TensorDigest

    /// A named tensor.
    public init(name: String, digest: TensorDigest) {
        self.name = name
        self.digest = digest
    }

    public func encode(to writer: inout WordWriter) {
        writer.write(string: name)
        writer.write(digest)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        name = try reader.readString("tensor name")
        digest = try reader.readDigest("tensor digest")
    }
}

/// A checkpoint commitment: the Merkle root over a checkpoint's named tensors, sorted by the
/// UTF-8 bytes of their names (so it does not depend on the order the trainer lists them in).
///
/// ```swift
/// let checkpoint = try CheckpointCommitment(tensors: [
///     NamedTensor(name: "w", digest: wDigest), NamedTensor(name: "b", digest: bDigest)])
/// let opening = try checkpoint.opening(named: "w")
/// assert(opening.verify(against: checkpoint.root))
/// ```
public struct CheckpointCommitment: Sendable {
    /// The tensors in canonical order.
    public let tensors: [NamedTensor]
    let tree: MerkleTree

    /// The commitment.
    public var root: Digest { tree.root }

    /// Sorts and commits `tensors`.
    /// - Throws: ``VerdeError`` `.invalidValue` on an empty or duplicate name.
    public init(tensors: [NamedTensor]) throws(VerdeError) {
        let sorted = tensors.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        for (i, tensor) in sorted.enumerated() {
            guard !tensor.name.isEmpty else { throw VerdeError(.invalidValue, "a checkpoint tensor has an empty name") }
            if i > 0, sorted[i - 1].name == tensor.name {
                throw VerdeError(.invalidValue, "the checkpoint names tensor \"\(tensor.name)\" twice")
            }
        }
        self.tensors = sorted
        tree = MerkleTree(leaves: sorted.map(\.encoded))
    }

    /// The root over `tensors` (sorted, checked) without keeping the tree.
    public static func root(of tensors: [NamedTensor]) throws(VerdeError) -> Digest {
        try CheckpointCommitment(tensors: tensors).root
    }

    /// The tensor named `name` with its inclusion proof.
    /// - Throws: ``VerdeError`` `.invalidValue` when there is no such tensor.
    public func opening(named name: String) throws(VerdeError) -> TensorOpening {
        guard let index = tensors.firstIndex(where: { $0.name == name }) else {
            throw VerdeError(.invalidValue, "the checkpoint has no tensor named \"\(name)\"")
        }
        return TensorOpening(tensor: tensors[index], proof: try tree.proof(forLeafAt: index))
    }
}

/// A named tensor and its proof against a checkpoint commitment.
///
/// Encoding: `tensor`, `proof`.
public struct TensorOpening: Sendable, Hashable, WordCodable {
    /// The claimed tensor.
    public var tensor: NamedTensor
    /// Its proof against the checkpoint root.
    public var proof: InclusionProof

    /// An opening; checked by ``verify(against:)``.
    public init(tensor: NamedTensor, proof: InclusionProof) {
        self.tensor = tensor
        self.proof = proof
    }

    /// Whether the tensor is a leaf of the checkpoint `root`.
    public func verify(against root: Digest) -> Bool {
        proof.verify(leaf: tensor.encoded, root: root)
    }

    public func encode(to writer: inout WordWriter) {
        writer.write(tensor)
        writer.write(proof)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        tensor = try NamedTensor(from: &reader)
        proof = try InclusionProof(from: &reader)
    }
}
