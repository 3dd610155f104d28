import RepOps

/// How much a policy can gain from RL on a set of tasks. RL of the GRPO/SAPO kind mostly
/// sharpens: it raises the sampled accuracy towards what the model already produces sometimes,
/// so it needs pass@k well above pass@1 and groups whose rewards differ.
public struct PolicyHeadroom: Hashable, Sendable {
    /// Questions measured.
    public var questions: Int
    /// Completions sampled per question (k).
    public var samples: Int
    /// Mean correctness of the sampled completions (pass@1 at the policy's temperature).
    public var sampledAccuracy: Double
    /// Fraction of questions whose greedy (argmax) completion is correct.
    public var greedyAccuracy: Double
    /// Fraction of questions with at least one correct completion among the k samples (pass@k).
    public var passAtK: Double
    /// Mean reward (correctness + format) of the sampled completions.
    public var meanReward: Double
    /// Fraction of questions whose k samples do not all have the same reward (groups SAPO keeps).
    public var groupsWithSignal: Double
    /// The most common correct answer among the questions (ties: the smallest), and the accuracy
    /// of a policy that always gives it: the bar a policy must clear to show more than a habit
    /// (propositional logic, for one, is mostly `true`).
    public var constantAnswer: String
    /// Fraction of the questions whose answer is ``constantAnswer``.
    public var constantAnswerAccuracy: Double

    /// The most common answer of `tasks` and the fraction of tasks it answers.
    public static func constantBaseline(_ tasks: [SwarmTask]) -> (answer: String, accuracy: Double) {
        var counts: [String: Int] = [:]
        for t in tasks { counts[t.answer, default: 0] += 1 }
        guard let best = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) else { return ("", 0) }
        return (best.key, Double(best.value) / Double(tasks.count))
    }
}

extension GPTPolicy {
    /// The greedy (argmax) completion of `task`, as text; "" when the task has no prompt.
    public mutating func greedyCompletion(_ task: SwarmTask) -> String {
        guard let prompt = promptTokens(task) else { return "" }
        return (try? generate(prompt: prompt, count: 1, seed: 0, sampling: .greedy).first) ?? ""
    }

    /// Measures ``PolicyHeadroom`` on `tasks` with `samples` completions each, sampled as in a
    /// round (temperature of the config), seeded by `seed`. Does not train.
    public mutating func headroom(_ tasks: [SwarmTask], samples: Int, seed: UInt64, verifier: Verifier = Verifier()) -> PolicyHeadroom {
        var rng = SwarmRandom(seed: seed)
        var sampled = 0.0, greedy = 0.0, pass = 0.0, reward = 0.0, signal = 0.0
        let k = max(1, samples)
        for task in tasks {
            let completions = complete(task, count: k, rng: &rng)
            let scores = completions.map { verifier.score($0, for: task) }
            let correct = scores.filter { $0.correctness > 0 }.count
            sampled += Double(correct) / Double(k)
            pass += correct > 0 ? 1 : 0
            reward += scores.map { Double($0.total) }.reduce(0, +) / Double(k)
            signal += SAPOObjective.isZeroAdvantage(SAPOObjective.groupAdvantages(scores.map(\.total))) ? 0 : 1
            greedy += verifier.score(greedyCompletion(task), for: task).correctness > 0 ? 1 : 0
        }
        let n = Double(max(1, tasks.count))
        let constant = PolicyHeadroom.constantBaseline(tasks)
        return PolicyHeadroom(questions: tasks.count, samples: k, sampledAccuracy: sampled / n, greedyAccuracy: greedy / n,
                              passAtK: pass / n, meanReward: reward / n, groupsWithSignal: signal / n,
                              constantAnswer: constant.answer, constantAnswerAccuracy: constant.accuracy)
    }

    /// RL on a fixed set of questions (a bandit): every step samples `completions` per task,
    /// scores them, drops zero-advantage groups and takes one SAPO step on the rest. Returns the
    /// mean reward of each step's samples (before its update). A working learner drives it up.
    public mutating func drill(_ tasks: [SwarmTask], completions: Int, steps: Int, seed: UInt64, verifier: Verifier = Verifier()) -> [Float] {
        var curve: [Float] = []
        for step in 0..<max(0, steps) {
            var rng = SwarmRandom(seed: seed, stream: UInt64(step))
            let groups = tasks.map { ScoredGroup(task: $0, completions: complete($0, count: completions, rng: &rng), origin: "self", verifier: verifier) }
            var sum: Float = 0
            for g in groups { sum += g.meanReward }
            curve.append(groups.isEmpty ? 0 : sum / Float(groups.count))
            train(on: RolloutSampler.sample(local: groups, external: [], localCount: groups.count, externalCount: 0, rng: &rng))
        }
        return curve
    }
}
