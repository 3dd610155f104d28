import RepOps
import Swarm
import Testing

/// The example of Docs/Swarm.md, verbatim apart from the checks.
@Suite("Docs/Swarm.md example")
struct DocSnippetTests {
    @Test("runs as documented")
    func example() async throws {
        // A task, its exact answer, and the verifier's reward.
        let task = SwarmTask(try TaskSpec(family: .fractionSimplification, difficulty: 2, seed: 42))
        print(task.question)                       // "Simplify the fraction …/… to its lowest terms. …"
        let reward = Verifier().score("<answer>\(task.answer)</answer>", for: task)
        print(reward.correctness, reward.format)   // 1.0 0.1
        #expect(reward.correctness == 1 && reward.format == 0.1 && task.question.hasPrefix("Simplify the fraction"))

        // SAPO maths: group advantages and the clipped surrogate (ε_low 0.2, ε_high 0.28).
        let advantages = SAPOObjective.groupAdvantages([1.1, 0, 0.1, 1.1])
        let s = try SAPOObjective.surrogate(ratios: [1.5, 0.9, 1.1, 0.7], advantages: advantages,
                                            mask: [true, true, true, true])
        print(s.loss, s.gradient, s.clippedTokens)
        #expect(s.clippedTokens == 1 && s.tokens == 4)

        // A tiny GPT policy: a few supervised warm-up steps, then 4 sampled completions.
        let recipe = BaseModel.Recipe(model: GPTConfig(vocabulary: TaskTokenizer().vocabulary, context: 24, width: 16, heads: 2, layers: 1),
                                      families: [.basicArithmetic], steps: 5, batchSize: 8)
        var policy = try GPTPolicy(config: GPTPolicyConfig(model: recipe.model), parameters: BaseModel.train(recipe))
        var rng = SwarmRandom(seed: 7)
        let sum = SwarmTask(try TaskSpec(family: .basicArithmetic, difficulty: 1, seed: 1))
        print(TaskPrompt.compact(sum)!, policy.complete(sum, count: 4, rng: &rng))   // "B…" and 4 completions
        #expect(TaskPrompt.compact(sum)!.hasPrefix("B") && policy.statistics.generatedTokens > 0)

        // One node on an in-process network, stand-in policy (alone: it receives nothing).
        let network = InProcessNetwork()
        var a = SwarmNode(config: SwarmNodeConfig(nodeID: "a", seed: 1),
                          transport: InProcessTransport(network: network, node: "a"), policy: NoisySolverPolicy())
        let report = await a.runRound()
        print(report.exchange.received, report.batch.local.count)
        #expect(report.exchange.received == [] && report.round == 0)
    }
}
