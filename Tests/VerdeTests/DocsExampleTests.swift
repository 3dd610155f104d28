import RepOps
import Testing
import Verde

@Suite("Docs/Verde.md example")
struct DocsExampleTests {
    @Test("the page's example runs and says what the page says")
    func example() throws {
        let model = SyntheticModel(parameterCount: 8)
        let job = try model.job(steps: 256, seed: 42)
        let honest = try SyntheticTrainer(job: job)
        let cheater = try SyntheticTrainer(job: job, fault: .bitflip(step: 100, op: 7))
        #expect(honest.commitment.root != cheater.commitment.root)
        let outcome = LocalDispute.run(job: job, a: honest, b: cheater, reexecutor: SyntheticReexecutor())
        #expect(outcome.verdict.description == #"Verdict(winner: A, losers: ["B"], reason: wrongOutput, step: 100, op: 7)"#)
        let chainRecord = try #require(SlashingRecord(verdict: outcome.verdict, addresses: [
            .a: try PartyAddress(bytes: [UInt8](repeating: 0xaa, count: 20)),
            .b: try PartyAddress(bytes: [UInt8](repeating: 0xbb, count: 20))]))
        #expect(chainRecord.encoded.count == 256)
    }

    @Test("the page's RepOps example rules as the page says")
    func repOpsExample() throws {
        let job = GPTJob(config: GPTConfig(vocabulary: 256, context: 8, width: 8, heads: 2, layers: 1),
                         corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 3, batchSize: 2, steps: 5)
        let honest = try GPTTraceSource(job: job)
        let cheater = try GPTTraceSource(job: job, fault: .learningRate(step: 4, 2))
        let referee = try GPTReexecutor(job: job)
        let result = LocalDispute.run(job: honest.job, a: honest, b: cheater, reexecutor: referee, store: referee.store)
        let firstUpdate = try honest.trace(step: 4).ops.first { $0.kind == "adamw.p" }!.index
        #expect(result.verdict.description
                == #"Verdict(winner: A, losers: ["B"], reason: invalidOp, step: 4, op: \#(firstUpdate))"#)
    }
}
