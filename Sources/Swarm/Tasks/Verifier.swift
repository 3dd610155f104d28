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

    /// Extracts the answer block of `completion`.
    public static func extract(_ completion: String) -> Extraction {
        var blocks: [Substring] = []
        var rest = Substring(completion)
        var tail = rest
        while let o = rest.firstRange(of: open) {
            guard let c = rest[o.upperBound...].firstRange(of: close) else { break }
            blocks.append(rest[o.upperBound..<c.lowerBound])
            rest = rest[c.upperBound...]
            tail = rest
        }
        guard let last = blocks.last else { return Extraction(answer: nil, wellFormed: false) }
        let openings = completion.ranges(of: open).count
        let closings = completion.ranges(of: close).count
        let wellFormed = blocks.count == 1 && openings == 1 && closings == 1
            && !AnswerText.trimmed(String(last)).isEmpty && AnswerText.trimmed(String(tail)).isEmpty
        return Extraction(answer: String(last), wellFormed: wellFormed)
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
