/// The reward of one completion: correctness (1 or 0) plus a small format reward.
public struct Reward: Hashable, Sendable {
    /// 1 when the extracted answer is exactly correct, else 0.
    public let correctness: Float
    /// ``Verifier/formatWeight`` when the completion has exactly one well-formed answer block, else 0.
    public let format: Float
    /// `correctness + format`.
    public var total: Float { correctness + format }
}

/// Scores completions against a task with the `<answer>…</answer>` format.
///
/// The answer is the text of the **last** `<answer>…</answer>` block (a completion may think
/// aloud first). The format reward is granted when there is exactly one block, it is not empty,
/// and nothing but whitespace follows `</answer>`. The verifier never traps on any input.
public struct Verifier: Hashable, Sendable {
    /// The format reward for a well-formed completion (default 0.1, small next to correctness).
    public let formatWeight: Float
    /// Completions longer than this many bytes score 0 (bounds the work per completion).
    public let maxCompletionBytes: Int

    /// A verifier; `formatWeight` is clamped to 0...1.
    public init(formatWeight: Float = 0.1, maxCompletionBytes: Int = 8192) {
        self.formatWeight = formatWeight.isNaN ? 0 : min(max(formatWeight, 0), 1)
        self.maxCompletionBytes = max(0, maxCompletionBytes)
    }

    /// What a completion's answer block looks like.
    public struct Extraction: Hashable, Sendable {
        /// The text of the last answer block, if any.
        public let answer: String?
        /// Whether the completion meets the format rule (one non-empty block, nothing after it).
        public let wellFormed: Bool
        /// An extraction result.
        public init(answer: String?, wellFormed: Bool) { self.answer = answer; self.wellFormed = wellFormed }
    }

    static let open = "<answer>", close = "</answer>"
    static let openBytes = Array(open.utf8), closeBytes = Array(close.utf8)

    /// Extracts the answer block of `completion`.
    ///
    /// A scan over the UTF-8 bytes (the tags are ASCII, so every cut falls between scalars): the
    /// tags are found by their bytes, whatever characters surround them (a combining mark after
    /// `>` does not hide a tag), with no dependence on the string-processing library.
    public static func extract(_ completion: String) -> Extraction {
        let bytes = Array(completion.utf8)
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            var i = start
            while i + pattern.count <= bytes.count {
                if bytes[i] == pattern[0], bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
                i += 1
            }
            return nil
        }
        func occurrences(_ pattern: [UInt8]) -> Int {
            var n = 0, i = 0
            while let j = find(pattern, from: i) { n += 1; i = j + pattern.count }
            return n
        }
        var blocks: [Range<Int>] = []
        var position = 0, tail = 0
        while let o = find(openBytes, from: position) {
            guard let c = find(closeBytes, from: o + openBytes.count) else { break }
            blocks.append((o + openBytes.count)..<c)
            position = c + closeBytes.count
            tail = position
        }
        guard let last = blocks.last else { return Extraction(answer: nil, wellFormed: false) }
        let answer = String(decoding: bytes[last], as: UTF8.self)
        let wellFormed = blocks.count == 1 && occurrences(openBytes) == 1 && occurrences(closeBytes) == 1
            && !AnswerText.trimmed(answer).isEmpty && AnswerText.trimmed(String(decoding: bytes[tail...], as: UTF8.self)).isEmpty
        return Extraction(answer: answer, wellFormed: wellFormed)
    }

    /// Scores `completion` for `task`.
    public func score(_ completion: String, for task: SwarmTask) -> Reward {
        guard completion.utf8.count <= maxCompletionBytes else { return Reward(correctness: 0, format: 0) }
        let e = Verifier.extract(completion)
        let correct: Float = e.answer.map { task.accepts($0) ? 1 : 0 } ?? 0
        return Reward(correctness: correct, format: e.wellFormed ? formatWeight : 0)
    }

    /// Wraps an answer in the expected format.
    public static func format(answer: String) -> String { open + answer + close }
}
