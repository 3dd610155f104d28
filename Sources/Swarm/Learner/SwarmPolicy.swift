/// What a node trains: it answers tasks and learns from a SAPO batch. ``GPTPolicy`` (a RepOps
/// GPT with ``SAPOLearner``) is the real one; ``NoisySolverPolicy`` is a fast stand-in for
/// transport tests.
public protocol SwarmPolicy: Sendable {
    /// `count` completions for `task`.
    mutating func complete(_ task: SwarmTask, count: Int, rng: inout SwarmRandom) -> [String]
    /// One training step on `batch` (I local + J external groups with advantages).
    mutating func train(on batch: RolloutSampler.Batch)
    /// A short description for logs.
    var summary: String { get }
}

/// **STAND-IN POLICY — NOT A NEURAL NETWORK.** Answers a task correctly with probability
/// ``skill`` (else with a wrong answer, or without answer tags), and "trains" by moving `skill`
/// toward 1 in proportion to the number of groups with a learning signal it is given. It exists
/// so that the exchange, the coordinator and the transports can be tested end to end quickly,
/// without a neural network (``GPTPolicy`` is the real policy).
public struct NoisySolverPolicy: SwarmPolicy {
    /// Probability of a correct answer.
    public private(set) var skill: Float
    /// Skill gained per trained group, as a fraction of the remaining gap to 1.
    public let learningRate: Float

    /// A stand-in solver; `skill` is clamped to 0...1.
    public init(skill: Float = 0.3, learningRate: Float = 0.01) {
        self.skill = skill.isNaN ? 0 : min(max(skill, 0), 1)
        self.learningRate = learningRate.isNaN ? 0 : min(max(learningRate, 0), 1)
    }

    public mutating func complete(_ task: SwarmTask, count: Int, rng: inout SwarmRandom) -> [String] {
        (0..<max(0, count)).map { _ in
            let u = rng.nextUnitFloat()
            if u < skill { return "The answer is " + Verifier.format(answer: task.answer) }
            if rng.below(4) == 0 { return "I am not sure: " + task.answer + "?" }  // no tags: format fails
            return "The answer is " + Verifier.format(answer: NoisySolverPolicy.wrong(task.answer, rng: &rng))
        }
    }

    /// `answer` with one digit changed (or `true`/`false` flipped, or an `x` appended): always a
    /// wrong answer, since changing one digit changes the value of the number it belongs to.
    public static func wrong(_ answer: String, rng: inout SwarmRandom) -> String {
        if answer == "true" { return "false" }
        if answer == "false" { return "true" }
        var chars = Array(answer)
        let digitPositions = chars.indices.filter { chars[$0].isASCII && chars[$0].isNumber }
        guard let i = rng.element(of: digitPositions) else { return answer + "x" }
        let d = Int(String(chars[i]))!
        chars[i] = Character(String((d + 1 + rng.below(9)) % 10))
        return String(chars)
    }

    public mutating func train(on batch: RolloutSampler.Batch) {
        for _ in batch.all { skill += learningRate * (1 - skill) }
    }

    public var summary: String { "stand-in noisy solver, skill \(skill)" }
}
