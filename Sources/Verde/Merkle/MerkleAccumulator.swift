/// Builds a ``MerkleTree`` root leaf by leaf in O(log n) memory: what a trainer keeps while it
/// runs a long job, appending each step's commitment as the step finishes.
///
/// It holds the roots of the perfect subtrees (one per set bit of the leaf count, largest
/// first); ``root`` folds them right to left, which is exactly RFC 6962's split rule.
///
/// ```swift
/// var accumulator = MerkleAccumulator()
/// for step in steps { accumulator.append(leafHash: step.leafHash) }
/// assert(accumulator.root == JobCommitment(steps: steps).root)
/// ```
public struct MerkleAccumulator: Sendable {
    /// `(height, hash)` of each perfect subtree, left to right, heights strictly decreasing.
    var peaks: [(height: Int, hash: Digest)] = []
    /// Number of leaves appended.
    public private(set) var leafCount = 0

    /// An empty accumulator.
    public init() {}

    /// Appends a leaf given by its hash (``MerkleTree/leafHash(_:)-(UnsafeRawBufferPointer)``).
    public mutating func append(leafHash: Digest) {
        var node = (height: 0, hash: leafHash)
        while let last = peaks.last, last.height == node.height {
            peaks.removeLast()
            node = (node.height + 1, MerkleTree.nodeHash(last.hash, node.hash))
        }
        peaks.append(node)
        leafCount += 1
    }

    /// Appends a leaf given by its bytes.
    public mutating func append(leaf: [UInt8]) { append(leafHash: MerkleTree.leafHash(leaf)) }

    /// The root of the leaves so far (``MerkleTree/emptyRoot`` when none).
    public var root: Digest {
        guard var r = peaks.last?.hash else { return MerkleTree.emptyRoot }
        for peak in peaks.dropLast().reversed() { r = MerkleTree.nodeHash(peak.hash, r) }
        return r
    }
}
