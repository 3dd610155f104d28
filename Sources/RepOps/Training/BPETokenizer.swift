/// A small byte-pair-encoding tokenizer over UTF-8 bytes. Ids 0...255 are bytes; merge k creates
/// id 256 + k. Training is deterministic: each round merges the most frequent adjacent pair of
/// the current sequence, ties broken by the smaller (left, right) pair.
public struct BPETokenizer: Sendable, Equatable {
    /// Merges in rank order: merge k joins `(left, right)` into id `256 + k`.
    public let merges: [Pair]
    let rank: [Pair: Int]

    /// Two adjacent token ids.
    public struct Pair: Hashable, Sendable, Comparable {
        /// Left and right ids.
        public let left: Int, right: Int
        /// A pair.
        public init(_ left: Int, _ right: Int) {
            self.left = left
            self.right = right
        }

        public static func < (a: Pair, b: Pair) -> Bool { (a.left, a.right) < (b.left, b.right) }
    }

    /// A tokenizer with the given merges.
    public init(merges: [Pair]) {
        self.merges = merges
        rank = Dictionary(merges.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Learns up to `mergeCount` merges from `text` (fewer if no pair occurs twice).
    public init(training text: String, mergeCount: Int) {
        var seq = text.utf8.map(Int.init)
        var merges: [Pair] = []
        while merges.count < mergeCount {
            var counts: [Pair: Int] = [:]
            for i in 0..<max(0, seq.count - 1) { counts[Pair(seq[i], seq[i + 1]), default: 0] += 1 }
            guard let best = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $1.key < $0.key) }), best.value >= 2 else { break }
            seq = BPETokenizer.merge(seq, best.key, 256 + merges.count)
            merges.append(best.key)
        }
        self.init(merges: merges)
    }

    /// Vocabulary size (256 bytes + merges).
    public var vocabularySize: Int { 256 + merges.count }

    static func merge(_ seq: [Int], _ pair: Pair, _ id: Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(seq.count)
        var i = 0
        while i < seq.count {
            if i + 1 < seq.count, seq[i] == pair.left, seq[i + 1] == pair.right {
                out.append(id)
                i += 2
            } else {
                out.append(seq[i])
                i += 1
            }
        }
        return out
    }

    /// Tokens of `text`: its bytes, then every merge applied in rank order.
    public func encode(_ text: String) -> [Int] {
        var seq = text.utf8.map(Int.init)
        for (k, pair) in merges.enumerated() { seq = BPETokenizer.merge(seq, pair, 256 + k) }
        return seq
    }

    /// Text from tokens (invalid UTF-8 becomes U+FFFD); unknown ids throw.
    public func decode(_ tokens: [Int]) throws(RepOpsError) -> String {
        var bytes: [UInt8] = []
        func expand(_ t: Int) {
            if t < 256 { bytes.append(UInt8(t)) } else {
                expand(merges[t - 256].left)
                expand(merges[t - 256].right)
            }
        }
        for (i, t) in tokens.enumerated() {
            guard t >= 0, t < vocabularySize else { throw RepOpsError(.indexOutOfRange, "token \(t) at \(i) is outside 0..<\(vocabularySize)") }
            expand(t)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
