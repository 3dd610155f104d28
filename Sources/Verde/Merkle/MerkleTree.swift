import CGensynKeccak

/// A Keccak-256 binary Merkle tree with RFC 6962 domain separation and shape.
///
/// - leaf hash: `keccak(0x00 ‖ leaf bytes)`; node hash: `keccak(0x01 ‖ left ‖ right)`, so a leaf can
///   never be passed off as an inner node or the reverse;
/// - shape (RFC 6962 §2.1): a tree of `n > 1` leaves splits at `k`, the largest power of two below
///   `n`: `root = node(MTH(leaves[0..<k]), MTH(leaves[k..<n]))`. Equivalently, built level by level,
///   an odd node at the end of a level moves up unchanged (it is not hashed with itself);
/// - the empty tree's root is `keccak("")`.
///
/// The tree keeps every level, so it can produce inclusion proofs and the hash of any node.
///
/// ```swift
/// let tree = MerkleTree(leaves: [[1], [2], [3]])
/// let proof = try tree.proof(forLeafAt: 2)
/// assert(proof.verify(leaf: [3], root: tree.root))
/// ```
public struct MerkleTree: Sendable {
    /// Byte prefixed to a leaf before hashing.
    public static let leafPrefix: UInt8 = 0x00
    /// Byte prefixed to two child hashes before hashing.
    public static let nodePrefix: UInt8 = 0x01

    /// `levels[0]` holds the leaf hashes; each next level the parents; the last level the root.
    let levels: [[Digest]]

    /// Number of leaves.
    public var leafCount: Int { levels[0].count }

    /// The root (``emptyRoot`` when there are no leaves).
    public var root: Digest { levels.last!.first ?? MerkleTree.emptyRoot }

    /// The leaf hashes, in order.
    public var leafHashes: [Digest] { levels[0] }

    /// A tree over leaves given as bytes.
    public init(leaves: [[UInt8]]) {
        self.init(leafHashes: leaves.map { MerkleTree.leafHash($0) })
    }

    /// A tree over already hashed leaves (see ``leafHash(_:)-(UnsafeRawBufferPointer)``).
    public init(leafHashes: [Digest]) {
        var levels = [leafHashes]
        var level = leafHashes
        while level.count > 1 {
            var next: [Digest] = []
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(MerkleTree.nodeHash(level[i], level[i + 1]))
                i += 2
            }
            if i < level.count { next.append(level[i]) }  // odd node moves up unchanged
            levels.append(next)
            level = next
        }
        self.levels = levels
    }

    /// The root over `leafHashes` without keeping the levels: one buffer, hashed in place.
    public static func root(ofLeafHashes leafHashes: [Digest]) -> Digest {
        var level = leafHashes
        var count = level.count
        guard count > 0 else { return emptyRoot }
        level.withUnsafeMutableBufferPointer { buffer in
            while count > 1 {
                var write = 0, read = 0
                while read + 1 < count {
                    buffer[write] = nodeHash(buffer[read], buffer[read + 1])
                    write += 1
                    read += 2
                }
                if read < count { buffer[write] = buffer[read]; write += 1 }
                count = write
            }
        }
        return level[0]
    }

    /// The root of the empty tree: `keccak("")`.
    public static let emptyRoot = Digest.keccak([UInt8]())

    /// `keccak(0x00 ‖ data)`.
    public static func leafHash(_ data: UnsafeRawBufferPointer) -> Digest {
        var hasher = DigestHasher()
        hasher.update(byte: leafPrefix)
        hasher.update(data)
        return hasher.finalize()
    }

    /// `keccak(0x00 ‖ data)`.
    public static func leafHash(_ data: [UInt8]) -> Digest {
        data.withUnsafeBytes { leafHash($0) }
    }

    /// `keccak(0x01 ‖ left ‖ right)`.
    ///
    /// The 65-byte message fits one Keccak block, so it is absorbed straight into a stack state
    /// (with its padding) and permuted once: no context set-up, no buffering, no allocation.
    @inline(__always)
    public static func nodeHash(_ left: Digest, _ right: Digest) -> Digest {
        #if _endian(little)
        typealias Lanes = (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        var state: Lanes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var out = Digest.zero
        withUnsafeMutableBytes(of: &state) { raw in
            // Little-endian lanes: state bytes are message bytes (Keccak loads lanes little-endian).
            raw[0] = nodePrefix
            left.withUnsafeBytes { raw.baseAddress!.advanced(by: 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            right.withUnsafeBytes { raw.baseAddress!.advanced(by: 33).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            raw[65] = 0x01  // Keccak padding: 0x01 after the message …
            raw[135] = 0x80  // … and 0x80 in the last byte of the 136-byte rate
            gensyn_keccak_f1600(raw.baseAddress!.assumingMemoryBound(to: UInt64.self))
            withUnsafeMutableBytes(of: &out.storage) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<32])) }
        }
        return out
        #else
        var buffer = [UInt8](repeating: nodePrefix, count: 1)
        buffer += left.bytes
        buffer += right.bytes
        return Digest.keccak(buffer)
        #endif
    }

    /// Where a node covering `count > 1` leaves splits: the largest power of two below `count`.
    public static func split(_ count: Int) -> Int {
        precondition(count > 1, "only inner nodes split")
        return 1 << (Int.bitWidth - 1 - (count - 1).leadingZeroBitCount)
    }

    /// The hash of the node covering leaves `range` (a node of this tree's shape: the whole tree,
    /// or a child of such a node). A one-leaf range gives the leaf hash.
    /// - Throws: ``VerdeError`` `.invalidValue` when `range` is not a node of this tree.
    public func nodeHash(covering range: Range<Int>) throws(VerdeError) -> Digest {
        let size = range.count
        guard size > 0, range.lowerBound >= 0, range.upperBound <= leafCount else {
            throw VerdeError(.invalidValue, "range \(range) is not inside a tree of \(leafCount) leaves")
        }
        // Height: ceil(log2(size)). A node is aligned to 2^height and is full or ends the tree.
        let height = size == 1 ? 0 : Int.bitWidth - (size - 1).leadingZeroBitCount
        guard range.lowerBound & ((1 << height) - 1) == 0, size == 1 << height || range.upperBound == leafCount else {
            throw VerdeError(.invalidValue, "range \(range) is not a node of a tree of \(leafCount) leaves")
        }
        return levels[height][range.lowerBound >> height]
    }

    /// The inclusion proof (RFC 6962 audit path) of the leaf at `index`.
    /// - Throws: ``VerdeError`` `.invalidValue` when `index` is out of range.
    public func proof(forLeafAt index: Int) throws(VerdeError) -> InclusionProof {
        guard index >= 0, index < leafCount else {
            throw VerdeError(.invalidValue, "leaf index \(index) is outside a tree of \(leafCount) leaves")
        }
        var siblings: [Digest] = []
        var i = index
        for level in levels.dropLast() {
            let sibling = i ^ 1
            if sibling < level.count { siblings.append(level[sibling]) }
            i >>= 1
        }
        return InclusionProof(leafIndex: index, leafCount: leafCount, siblings: siblings)
    }
}
