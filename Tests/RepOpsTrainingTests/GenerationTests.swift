import RepOps
import Testing

@Suite("RepOps generation")
struct GenerationTests {
    @Test func kvCacheMatchesTheFullForwardPass() throws {
        var trainer = try tinyTrainer()
        for _ in 0..<15 { try trainer.step() }
        let model = trainer.model, params = trainer.parameters
        let tokens = ByteTokenizer().encode("The clock kept t")
        var cache = model.makeCache()
        for (i, token) in tokens.enumerated() {
            let cached = try model.step(params, token: token, cache: &cache)
            let tape = Tape()
            params.register(on: tape)
            let full = try tape.value(model.logits(tape, [Array(tokens[0...i])])).slice(axis: 0, i..<(i + 1))
            for (a, b) in zip(cached.scalars, full.scalars) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        }
        #expect(throws: RepOpsError.self) { try model.step(params, token: 1, cache: &cache) }   // context full
    }

    @Test func samplingIsSeededAndRespectsItsFilters() throws {
        var trainer = try tinyTrainer()
        for _ in 0..<10 { try trainer.step() }
        let (model, params) = (trainer.model, trainer.parameters)
        let prompt = ByteTokenizer().encode("The ")
        let greedy = try model.generate(params, prompt: prompt, maxNewTokens: 8)
        #expect(greedy.count == 8)
        #expect(try model.generate(params, prompt: prompt, maxNewTokens: 8, sampling: .sample(temperature: 1, topK: 1), seed: 3) == greedy)
        let a = try model.generate(params, prompt: prompt, maxNewTokens: 12, sampling: .sample(temperature: 1.5), seed: 1)
        #expect(try model.generate(params, prompt: prompt, maxNewTokens: 12, sampling: .sample(temperature: 1.5), seed: 1) == a)
        #expect(try model.generate(params, prompt: prompt, maxNewTokens: 12, sampling: .sample(temperature: 1.5), seed: 2) != a)
        // Stops at the context length (16).
        #expect(try model.generate(params, prompt: prompt, maxNewTokens: 100).count == 16 - prompt.count + 1)
        // top-k: the choice is always among the k largest logits.
        let logits = try Tensor(shape: [6], scalars: [0.1, 3, -1, 2.5, 0, 2.9])
        for counter in 0..<50 {
            let c = try GPT.choose(logits, .sample(temperature: 2, topK: 3), seed: 9, counter: UInt64(counter))
            #expect([1, 3, 5].contains(c))
            let p = try GPT.choose(logits, .sample(temperature: 1, topP: 0.3), seed: 9, counter: UInt64(counter))
            #expect(p == 1)   // index 1 alone has probability ≥ 0.3
        }
        #expect(throws: RepOpsError.self) { try GPT.choose(logits, .sample(temperature: 0), seed: 0, counter: 0) }
        #expect(throws: RepOpsError.self) { try model.generate(params, prompt: [], maxNewTokens: 1) }
    }
}
