import Foundation
import GensynTestSupport
import Testing
@testable import Verde

/// Leaves with varied lengths (including empty), the same formula as the Python oracle's.
func sampleLeaves(_ n: Int) -> [[UInt8]] {
    (0..<n).map { i in (0..<(i % 5)).map { j in UInt8((i * 31 + j) % 256) } }
}

@Suite("Merkle tree")
struct MerkleTreeTests {
    static let sizes = Array(0...17) + [31, 32, 33, 100]

    /// RFC 6962 MTH and PATH written recursively in Python over eth_hash's Keccak-256: an
    /// independent implementation of the split rule and the audit path order.
    static let oracle = """
    import json, sys
    from eth_hash.auto import keccak
    def split(n):
        k = 1
        while k * 2 < n: k *= 2
        return k
    def mth(d):
        if len(d) == 0: return keccak(b'')
        if len(d) == 1: return keccak(b'\\x00' + d[0])
        k = split(len(d))
        return keccak(b'\\x01' + mth(d[:k]) + mth(d[k:]))
    def path(m, d):
        if len(d) == 1: return []
        k = split(len(d))
        if m < k: return path(m, d[:k]) + [mth(d[k:])]
        return path(m - k, d[k:]) + [mth(d[:k])]
    out = []
    for n in json.loads(sys.stdin.read()):
        leaves = [bytes([(i * 31 + j) % 256 for j in range(i % 5)]) for i in range(n)]
        nodes = {}
        def walk(lo, hi):
            nodes['%d:%d' % (lo, hi)] = mth(leaves[lo:hi]).hex()
            if hi - lo > 1:
                k = split(hi - lo); walk(lo, lo + k); walk(lo + k, hi)
        if n: walk(0, n)
        out.append({'n': n, 'root': mth(leaves).hex(),
                    'paths': [[h.hex() for h in path(m, leaves)] for m in range(n)], 'nodes': nodes})
    print(json.dumps(out))
    """

    @Test("roots, audit paths and inner nodes match a recursive RFC 6962 oracle (Python, eth_hash)")
    func knownAnswers() throws {
        let output = try PythonOracle.run(Self.oracle, input: "\(Self.sizes)")
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(cases.count == Self.sizes.count)
        for c in cases {
            let n = try #require(c["n"] as? Int)
            let tree = MerkleTree(leaves: sampleLeaves(n))
            #expect(tree.root == (try Digest(hex: try #require(c["root"] as? String))), "root n=\(n)")
            #expect(MerkleTree.root(ofLeafHashes: tree.leafHashes) == tree.root, "in-place root n=\(n)")
            let paths = try #require(c["paths"] as? [[String]])
            for (m, path) in paths.enumerated() {
                let proof = try tree.proof(forLeafAt: m)
                #expect(proof.siblings == (try path.map { try Digest(hex: $0) }), "path n=\(n) m=\(m)")
                #expect(proof.verify(leaf: sampleLeaves(n)[m], root: tree.root))
            }
            let nodes = try #require(c["nodes"] as? [String: String])
            for (key, hex) in nodes {
                let parts = key.split(separator: ":").map { Int($0)! }
                #expect(try tree.nodeHash(covering: parts[0]..<parts[1]) == Digest(hex: hex), "node \(key) n=\(n)")
            }
        }
    }

    @Test("the empty tree's root is keccak(\"\")")
    func emptyRoot() throws {
        #expect(MerkleTree(leaves: []).root
            == (try Digest(hex: "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")))
    }

    @Test("every proof verifies; wrong index, sibling, count, truncation and extension are rejected",
          arguments: [1, 2, 3, 5, 7, 8, 9, 13, 16, 33])
    func rejections(n: Int) throws {
        let leaves = sampleLeaves(n)
        let tree = MerkleTree(leaves: leaves)
        let stranger = Digest.keccak([0xAB])
        for i in 0..<n {
            let proof = try tree.proof(forLeafAt: i)
            #expect(proof.verify(leaf: leaves[i], root: tree.root))
            // The leaf does not verify at any other index (unless it equals that leaf).
            for j in 0..<n where j != i && leaves[j] != leaves[i] {
                var moved = proof
                moved.leafIndex = j
                #expect(!moved.verify(leaf: leaves[i], root: tree.root), "index \(i) -> \(j)")
                #expect(!proof.verify(leaf: leaves[j], root: tree.root), "leaf \(j) at \(i)")
            }
            for s in proof.siblings.indices {
                var wrong = proof
                wrong.siblings[s] = stranger
                #expect(!wrong.verify(leaf: leaves[i], root: tree.root), "sibling \(s)")
            }
            if !proof.siblings.isEmpty {
                var truncated = proof
                truncated.siblings.removeLast()
                #expect(!truncated.verify(leaf: leaves[i], root: tree.root))
                truncated = proof
                truncated.siblings.removeFirst()
                #expect(!truncated.verify(leaf: leaves[i], root: tree.root))
            }
            var extended = proof
            extended.siblings.append(stranger)
            #expect(!extended.verify(leaf: leaves[i], root: tree.root))
            extended = proof
            extended.siblings.insert(tree.root, at: 0)
            #expect(!extended.verify(leaf: leaves[i], root: tree.root))
            // The root does not bind the size (RFC 6962 signs it separately; Verde commits op and
            // step counts): a wrong count is rejected whenever it changes the path's shape.
            for count in [n - 1, n + 1, 2 * n] where count > i && count != n && pathShape(i, count) != pathShape(i, n) {
                var resized = proof
                resized.leafCount = count
                #expect(!resized.verify(leaf: leaves[i], root: tree.root), "count \(count)")
            }
            #expect(!proof.verify(leaf: leaves[i] + [0], root: tree.root))
            #expect(!proof.verify(leaf: leaves[i], root: stranger))
        }
        #expect(throws: VerdeError.self) { try tree.proof(forLeafAt: n) }
        #expect(throws: VerdeError.self) { try tree.proof(forLeafAt: -1) }
        var outside = try tree.proof(forLeafAt: 0)
        outside.leafIndex = n
        #expect(outside.root(forLeafHash: tree.leafHashes[0]) == nil)
    }

    @Test("leaf/node confusion: an inner node's preimage is not a leaf, a leaf is not an inner node")
    func domainSeparation() throws {
        let leaves = sampleLeaves(8)
        let tree = MerkleTree(leaves: leaves)
        let h = tree.leafHashes
        // Claim the 64 bytes h0 ‖ h1 (the preimage of node [0,2) minus the prefix) is leaf 0 of the
        // 4-leaf tree one level up, whose siblings are the real nodes: it must fail.
        let upper = MerkleTree(leafHashes: [try tree.nodeHash(covering: 0..<2), try tree.nodeHash(covering: 2..<4),
                                            try tree.nodeHash(covering: 4..<6), try tree.nodeHash(covering: 6..<8)])
        #expect(upper.root == tree.root)  // the same root seen as 4 "leaf hashes"
        let fake = try upper.proof(forLeafAt: 0)
        #expect(!fake.verify(leaf: h[0].bytes + h[1].bytes, root: tree.root))
        // Without the prefixes the forgery would pass: keccak(h0 ‖ h1) is what an unprefixed tree uses.
        #expect(Digest.keccak(h[0].bytes + h[1].bytes) != MerkleTree.leafHash(h[0].bytes + h[1].bytes))
        #expect(MerkleTree.nodeHash(h[0], h[1]) == Digest.keccak([0x01] + h[0].bytes + h[1].bytes))
        #expect(MerkleTree.leafHash(leaves[3]) == Digest.keccak([0x00] + leaves[3]))
        #expect(throws: VerdeError.self) { try tree.nodeHash(covering: 1..<3) }  // not a node
        #expect(throws: VerdeError.self) { try tree.nodeHash(covering: 0..<9) }
    }

    @Test("in-place root and the streaming accumulator equal the tree's root (seeded random sizes)")
    func inPlaceRoot() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<50 {
            let n = Int(rng.next() % 300)
            let hashes = (0..<n).map { _ in Digest.keccak(withUnsafeBytes(of: rng.next()) { Array($0) }) }
            let tree = MerkleTree(leafHashes: hashes)
            #expect(MerkleTree.root(ofLeafHashes: hashes) == tree.root)
            var accumulator = MerkleAccumulator()
            #expect(accumulator.root == MerkleTree.emptyRoot)
            for (i, h) in hashes.enumerated() {
                accumulator.append(leafHash: h)
                // Every prefix root too (checked sparsely to stay fast).
                if i % 37 == 0 { #expect(accumulator.root == MerkleTree(leafHashes: Array(hashes[...i])).root) }
            }
            #expect(accumulator.root == tree.root && accumulator.leafCount == n)
        }
    }
}

/// The left/right pattern of leaf `m`'s audit path in a tree of `n` leaves (RFC 6962 PATH recursion).
func pathShape(_ m: Int, _ n: Int) -> [Bool] {
    if n <= 1 { return [] }
    let k = MerkleTree.split(n)
    return m < k ? pathShape(m, k) + [true] : pathShape(m - k, n - k) + [false]
}

