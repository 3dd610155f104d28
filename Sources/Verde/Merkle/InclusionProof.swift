/// A Merkle inclusion proof: the leaf's position, the tree's size and the sibling hashes from the
/// leaf up (RFC 6962 audit path). Verified with the RFC 9162 §2.1.3.2 algorithm, which accepts only
/// a path of exactly the right length for `(leafIndex, leafCount)`.
///
/// Encoding: `leafIndex`, `leafCount`, then the siblings as a list of digests.
public struct InclusionProof: Sendable, Hashable, WordCodable {
    /// Position of the leaf.
    public var leafIndex: Int
    /// Number of leaves in the tree.
    public var leafCount: Int
    /// Sibling hashes, leaf level first.
    public var siblings: [Digest]

    /// A proof; nothing is checked until ``root(forLeafHash:)``.
    public init(leafIndex: Int, leafCount: Int, siblings: [Digest]) {
        self.leafIndex = leafIndex
        self.leafCount = leafCount
        self.siblings = siblings
    }

    /// The root this proof leads to from `leafHash`, or nil when the proof is malformed for its
    /// `(leafIndex, leafCount)`: index out of range, too few or too many siblings.
    public func root(forLeafHash leafHash: Digest) -> Digest? {
        guard leafIndex >= 0, leafCount > 0, leafIndex < leafCount else { return nil }
        var fn = leafIndex, sn = leafCount - 1
        var r = leafHash
        for p in siblings {
            if sn == 0 { return nil }  // path longer than the tree is deep
            if fn & 1 == 1 || fn == sn {
                r = MerkleTree.nodeHash(p, r)
                if fn & 1 == 0 {
                    // Right border: skip levels where this node moved up unchanged.
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = MerkleTree.nodeHash(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 ? r : nil  // sn > 0: path too short
    }

    /// Whether this proof puts the leaf with hash `leafHash` under `root`.
    public func verify(leafHash: Digest, root: Digest) -> Bool {
        self.root(forLeafHash: leafHash) == root
    }

    /// Whether this proof puts the leaf `leaf` (bytes, hashed with the leaf prefix) under `root`.
    public func verify(leaf: [UInt8], root: Digest) -> Bool {
        verify(leafHash: MerkleTree.leafHash(leaf), root: root)
    }

    public func encode(to writer: inout WordWriter) {
        writer.write(leafIndex)
        writer.write(leafCount)
        writer.write(list: siblings)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        leafIndex = try reader.readInt("proof leaf index")
        leafCount = try reader.readInt("proof leaf count")
        siblings = try reader.readList(Digest.self, "proof siblings", max: 64)
    }
}
