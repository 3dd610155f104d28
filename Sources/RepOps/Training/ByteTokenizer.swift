/// Byte-level tokenizer: a token is one UTF-8 byte (vocabulary 256).
public struct ByteTokenizer: Sendable, Equatable {
    /// A tokenizer.
    public init() {}

    /// Vocabulary size.
    public var vocabularySize: Int { 256 }

    /// The UTF-8 bytes of `text`.
    public func encode(_ text: String) -> [Int] { text.utf8.map(Int.init) }

    /// Text from tokens; invalid UTF-8 becomes U+FFFD, ids outside 0...255 throw.
    public func decode(_ tokens: [Int]) throws(RepOpsError) -> String {
        if let bad = tokens.firstIndex(where: { $0 < 0 || $0 > 255 }) {
            throw RepOpsError(.indexOutOfRange, "token \(tokens[bad]) at position \(bad) is not a byte (0...255)")
        }
        return String(decoding: tokens.map(UInt8.init), as: UTF8.self)
    }
}

/// Training batches drawn from a token stream with Philox (Docs/RepOps.md, "Training data").
public struct TokenBatcher: Sendable {
    /// The corpus as tokens.
    public let tokens: [Int]
    /// Sequences per batch and their length.
    public let batchSize: Int, context: Int
    /// Stream seed.
    public let seed: UInt64

    /// A batcher; the corpus must hold more than `context` tokens.
    public init(tokens: [Int], batchSize: Int, context: Int, seed: UInt64) throws(RepOpsError) {
        guard batchSize > 0, context > 0, tokens.count > context else {
            throw RepOpsError(.invalidArgument, "need batchSize ≥ 1, context ≥ 1 and more than \(context) tokens; got \(batchSize), \(context), \(tokens.count)")
        }
        self.tokens = tokens
        self.batchSize = batchSize
        self.context = context
        self.seed = seed
    }

    /// Batch for `step`: sequence b starts at `w0 mod (count − context)` where w0 is word 0 of the
    /// Philox block at counter `(low32(step), high32(step), b, 3)`; targets are inputs shifted by one.
    public func batch(step: Int) -> (inputs: [[Int]], targets: [[Int]]) {
        let s = UInt64(step)
        var inputs: [[Int]] = [], targets: [[Int]] = []
        for b in 0..<batchSize {
            let w = Tensor.philox4x32x10(
                counter: (UInt32(truncatingIfNeeded: s), UInt32(truncatingIfNeeded: s >> 32), UInt32(b), 3),
                key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
            let start = Int(w[0]) % (tokens.count - context)
            inputs.append(Array(tokens[start..<(start + context)]))
            targets.append(Array(tokens[(start + 1)...(start + context)]))
        }
        return (inputs, targets)
    }
}

/// Character-level tokenizer: the distinct Unicode scalars of a text, ids in increasing
/// scalar-value order (so the same text always gives the same vocabulary).
public struct CharacterTokenizer: Sendable, Equatable {
    /// Scalars by id.
    public let vocabulary: [Unicode.Scalar]
    let ids: [Unicode.Scalar: Int]

    /// The vocabulary of `text`.
    public init(text: String) {
        vocabulary = Set(text.unicodeScalars).sorted { $0.value < $1.value }
        ids = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
    }

    /// Vocabulary size.
    public var vocabularySize: Int { vocabulary.count }

    /// Ids of `text`'s scalars; a scalar outside the vocabulary throws.
    public func encode(_ text: String) throws(RepOpsError) -> [Int] {
        var out: [Int] = []
        for (i, u) in text.unicodeScalars.enumerated() {
            guard let id = ids[u] else { throw RepOpsError(.invalidArgument, "character U+\(String(u.value, radix: 16, uppercase: true)) at \(i) is not in the vocabulary") }
            out.append(id)
        }
        return out
    }

    /// Text from ids; ids outside the vocabulary throw.
    public func decode(_ tokens: [Int]) throws(RepOpsError) -> String {
        var s = String.UnicodeScalarView()
        for (i, t) in tokens.enumerated() {
            guard t >= 0, t < vocabulary.count else { throw RepOpsError(.indexOutOfRange, "token \(t) at \(i) is outside 0..<\(vocabulary.count)") }
            s.append(vocabulary[t])
        }
        return String(s)
    }
}
