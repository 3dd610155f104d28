/// A task family, mirroring the ReasoningGYM families used by rl-swarm. Raw values are the
/// ReasoningGYM names and are part of the rollout publication format.
public enum TaskFamily: String, CaseIterable, Sendable, Hashable, Codable {
    case basicArithmetic = "basic_arithmetic"
    case decimalArithmetic = "decimal_arithmetic"
    case baseConversion = "base_conversion"
    case fractionSimplification = "fraction_simplification"
    case propositionalLogic = "propositional_logic"
    case arc1D = "arc_1d"
    case sorting = "sorting"

    /// The stable one-byte code used on the wire (the declaration order; never reorder).
    public var wireCode: UInt8 { UInt8(TaskFamily.allCases.firstIndex(of: self)!) }

    /// The family with wire code `code`, or `nil`.
    public init?(wireCode code: UInt8) {
        guard Int(code) < TaskFamily.allCases.count else { return nil }
        self = TaskFamily.allCases[Int(code)]
    }
}

/// What identifies a task: its family, difficulty (1...``TaskSpec/maxDifficulty``) and seed.
/// The question and the answer are a pure function of the spec, so a receiver regenerates a
/// peer's task from the spec alone and never trusts the peer's text or rewards.
public struct TaskSpec: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The highest difficulty level.
    public static let maxDifficulty = 3

    /// The task family.
    public let family: TaskFamily
    /// The difficulty, 1 (easiest) to ``maxDifficulty``.
    public let difficulty: Int
    /// The generator seed.
    public let seed: UInt64

    /// A spec; throws ``TaskError`` for a difficulty outside 1...``maxDifficulty``.
    public init(family: TaskFamily, difficulty: Int, seed: UInt64) throws(TaskError) {
        guard (1...TaskSpec.maxDifficulty).contains(difficulty) else {
            throw TaskError(.invalidDifficulty, "difficulty \(difficulty) is outside 1...\(TaskSpec.maxDifficulty)")
        }
        self.family = family
        self.difficulty = difficulty
        self.seed = seed
    }

    public var description: String { "\(family.rawValue)/d\(difficulty)/\(seed)" }

    enum CodingKeys: String, CodingKey { case family, difficulty, seed }

    /// Decodes and validates a spec (a difficulty outside 1...3 is a ``TaskError``).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(family: c.decode(TaskFamily.self, forKey: .family), difficulty: c.decode(Int.self, forKey: .difficulty),
                      seed: c.decode(UInt64.self, forKey: .seed))
    }
}

/// A generated task: the question shown to the policy and the exact answer.
public struct SwarmTask: Hashable, Sendable {
    /// What the task was generated from.
    public let spec: TaskSpec
    /// The prompt text, ending with the answer-format instruction.
    public let question: String
    /// The canonical exact answer (what goes between `<answer>` tags).
    public let answer: String

    /// Generates the task for `spec` (deterministic: same spec, same task, on every platform).
    public init(_ spec: TaskSpec) {
        var rng = SwarmRandom(seed: spec.seed, stream: UInt64(spec.family.wireCode) << 8 | UInt64(spec.difficulty))
        let (body, answer): (String, String)
        switch spec.family {
        case .basicArithmetic: (body, answer) = ArithmeticTasks.basic(difficulty: spec.difficulty, rng: &rng)
        case .decimalArithmetic: (body, answer) = ArithmeticTasks.decimal(difficulty: spec.difficulty, rng: &rng)
        case .baseConversion: (body, answer) = BaseConversionTask.generate(difficulty: spec.difficulty, rng: &rng)
        case .fractionSimplification: (body, answer) = FractionTask.generate(difficulty: spec.difficulty, rng: &rng)
        case .propositionalLogic: (body, answer) = LogicTask.generate(difficulty: spec.difficulty, rng: &rng)
        case .arc1D: (body, answer) = Arc1DTask.generate(difficulty: spec.difficulty, rng: &rng)
        case .sorting: (body, answer) = SortingTask.generate(difficulty: spec.difficulty, rng: &rng)
        }
        self.spec = spec
        self.question = body + "\nPut only the final answer between <answer> and </answer>."
        self.answer = answer
    }

    /// Whether `candidate` (the text between the answer tags) is a correct answer: exact, with
    /// the family's notion of equal (numbers by value, case-insensitive words, lists by element).
    public func accepts(_ candidate: String) -> Bool {
        switch spec.family {
        case .basicArithmetic, .decimalArithmetic:
            guard let a = ExactDecimal(parsing: candidate), let b = ExactDecimal(parsing: answer) else { return false }
            return a == b
        case .baseConversion: return BaseConversionTask.accepts(candidate, answer: answer)
        case .fractionSimplification: return FractionTask.accepts(candidate, answer: answer)
        case .propositionalLogic: return AnswerText.trimmed(candidate).lowercased() == answer
        case .arc1D, .sorting:
            guard let a = AnswerText.integerList(candidate), let b = AnswerText.integerList(answer) else { return false }
            return a == b
        }
    }
}

/// A bad task spec.
public struct TaskError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The difficulty is outside 1...``TaskSpec/maxDifficulty``.
        public static let invalidDifficulty = Code(name: "invalidDifficulty")
        public var description: String { name }
    }
    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String
    init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "TaskError.\(code): \(message)" }
}

/// Strict parsing helpers for answers. They never trap: anything unexpected is `nil`.
enum AnswerText {
    static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }

    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    /// A signed decimal integer of at most 18 digits (`-12`, `7`); no `+`, no spaces inside.
    static func integer(_ s: Substring) -> Int? {
        var digits = s.utf8[...]
        var negative = false
        if digits.first == UInt8(ascii: "-") { negative = true; digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for c in digits {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(c - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// Integers separated by commas and/or whitespace, optionally in square brackets: `1, 2, 3`,
    /// `[1,2,3]`, `1 2 3`. At most 256 elements.
    static func integerList(_ s: String) -> [Int]? {
        var t = Substring(trimmed(s))
        if t.first == "[" && t.last == "]" { t = t.dropFirst().dropLast() }
        let tokens = t.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard !tokens.isEmpty, tokens.count <= 256 else { return nil }
        var out: [Int] = []
        out.reserveCapacity(tokens.count)
        for token in tokens {
            guard let v = integer(token) else { return nil }
            out.append(v)
        }
        return out
    }
}
