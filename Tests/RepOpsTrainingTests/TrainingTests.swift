import Foundation
import RepOps
import Testing

let tinyConfig = GPTConfig(vocabulary: 256, context: 16, width: 16, heads: 2, layers: 1)

func tinyTrainer(seed: UInt64 = 7) throws -> GPTTrainer {
    try GPTTrainer(config: tinyConfig, corpus: ByteTokenizer().encode(TinyCorpus.text), seed: seed)
}

@Suite("RepOps training", .serialized)
struct TrainingTests {
    @Test func trainingTwiceGivesIdenticalParametersOnEveryThreadCountAndISA() throws {
        let saved = (RepOps.threads, RepOps.isa)
        defer { RepOps.threads = saved.0; try? RepOps.select(saved.1) }
        var digests: [String] = []
        var settings: [(Int, RepOps.ISA)] = [(1, .portable), (1, .portable), (2, .portable)]
        if RepOps.supportedISAs.contains(.avx2) { settings += [(1, .avx2), (2, .avx2)] }
        for (threads, isa) in settings {
            RepOps.threads = threads
            try RepOps.select(isa)
            var trainer = try tinyTrainer()
            for _ in 0..<3 { try trainer.step() }
            digests.append(Checkpoint(trainer).digestHex)
        }
        #expect(Set(digests).count == 1, "\(digests)")
        // A different seed must change the result (the digest is not constant).
        var other = try tinyTrainer(seed: 8)
        try other.step()
        #expect(other.parameters.digestHex != (try tinyTrainer().parameters.digestHex))
    }

    @Test func lossGoesDownOnTheCorpus() throws {
        var trainer = try GPTTrainer(
            config: tinyConfig, corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 3, batchSize: 4,
            schedule: WarmupCosineSchedule(peak: 2e-2, minimum: 2e-3, warmupSteps: 3, totalSteps: 40))
        let heldOut = (1000..<1004).map { $0 }
        let before = try heldOut.map { try trainer.loss(step: $0) }.reduce(0, +) / 4
        #expect(abs(before - Float(log(256.0))) < 0.1, "initial loss \(before) should be near ln 256")
        for _ in 0..<40 { try trainer.step() }
        let after = try heldOut.map { try trainer.loss(step: $0) }.reduce(0, +) / 4
        #expect(after < before - 1.0, "loss \(before) → \(after)")
    }

    @Test func targetLogProbabilitiesAgreeWithCrossEntropyAndNormalise() throws {
        let trainer = try tinyTrainer(seed: 11)
        let model = try GPT(tinyConfig)
        let inputs = [[72, 101, 108, 108, 111], [119, 111, 114, 108, 100]]
        let targets = [[101, 108, 108, 111, 32], [111, 114, 108, 100, 33]]
        let tape = Tape()
        trainer.parameters.register(on: tape)
        let lp = try model.targetLogProbabilities(tape, inputs: inputs, targets: targets)
        let values = tape.value(lp)
        #expect(values.shape == [10, 1])
        let ce = try tape.value(model.loss(tape, inputs: inputs, targets: targets)).scalars[0]
        let mean = values.scalars.reduce(0, +) / 10
        #expect(abs(mean + ce) < 1e-5, "mean log p \(mean) vs cross-entropy \(ce)")
        // Every token of the vocabulary as target at one position: probabilities sum to 1.
        let tape2 = Tape()
        trainer.parameters.register(on: tape2)
        let all = try model.targetLogProbabilities(
            tape2, inputs: Array(repeating: [72], count: 256), targets: (0..<256).map { [$0] })
        let total = tape2.value(all).scalars.reduce(0.0) { $0 + exp(Double($1)) }
        #expect(abs(total - 1) < 1e-5)
        // Gradient of Σ log p = −N · gradient of the mean cross-entropy.
        let g1 = try tape.gradients(of: tape.sum(lp)).matching(trainer.parameters)
        let tape3 = Tape()
        trainer.parameters.register(on: tape3)
        let g2 = try tape3.gradients(of: model.loss(tape3, inputs: inputs, targets: targets)).matching(trainer.parameters)
        for name in trainer.parameters.names {
            let a = g1[name]!.scalars, b = g2[name]!.scalars
            for i in a.indices { #expect(abs(a[i] + 10 * b[i]) <= 1e-4 + 1e-3 * abs(a[i]), "\(name)[\(i)]") }
        }
        #expect(throws: RepOpsError.self) { try model.targetLogProbabilities(Tape(), inputs: [[1]], targets: [[256]]) }
        #expect(throws: RepOpsError.self) { try model.targetLogProbabilities(Tape(), inputs: [[1, 2]], targets: [[1]]) }
    }

    @Test func gptParameterCountMatchesTheArchitecture() throws {
        let c = GPTConfig(vocabulary: 11, context: 5, width: 8, heads: 2, layers: 2, hidden: 12)
        let p = try GPT(c).initialParameters(seed: 1)
        let d = c.width
        let perBlock = 2 * (2 * d) + 4 * (d * d + d) + (d * c.hidden + c.hidden) + (c.hidden * d + d)
        #expect(p.scalarCount == c.vocabulary * d + c.context * d + c.layers * perBlock + 2 * d + d * c.vocabulary)
        #expect(p["h1.attn.q.weight"]?.shape == [8, 8])
        #expect(p["ln_f.weight"] == (try Tensor(shape: [8], repeating: 1)))
        #expect(try GPT(c).initialParameters(seed: 1) == p)
        #expect(try GPT(c).initialParameters(seed: 2) != p)
    }

    @Test func modelErrorsAreTyped() throws {
        #expect(throws: RepOpsError.self) { try GPT(GPTConfig(width: 10, heads: 3)) }
        let model = try GPT(tinyConfig)
        let tape = Tape()
        try model.initialParameters(seed: 1).register(on: tape)
        #expect(throws: RepOpsError.self) { try model.logits(tape, [Array(repeating: 0, count: 17)]) }
        #expect(throws: RepOpsError.self) { try model.logits(tape, [[300]]) }
        #expect(throws: RepOpsError.self) { try model.loss(tape, inputs: [[1, 2]], targets: [[1]]) }
    }

    @Test func adamWMatchesAFloat64Reference() throws {
        var opt = AdamW(beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1)
        let p0 = normal([3, 4], 1), g1 = normal([3, 4], 2), g2 = normal([3, 4], 3)
        var params = ParameterSet(["w": p0])
        try opt.step(&params, ParameterSet(["w": g1]), lr: 0.01)
        try opt.step(&params, ParameterSet(["w": g2]), lr: 0.005)
        #expect(opt.step == 2)
        for i in 0..<12 {
            var p = Double(p0.scalars[i]), m = 0.0, v = 0.0
            for (t, (g, lr)) in [(Double(g1.scalars[i]), 0.01), (Double(g2.scalars[i]), 0.005)].enumerated() {
                m = 0.9 * m + 0.1 * g
                v = 0.99 * v + 0.01 * g * g
                let mh = m / (1 - pow(0.9, Double(t + 1))), vh = v / (1 - pow(0.99, Double(t + 1)))
                p = p * (1 - lr * 0.1) - lr * mh / (vh.squareRoot() + 1e-8)
            }
            #expect(abs(Double(params["w"]!.scalars[i]) - p) < 1e-5, "element \(i)")
        }
        #expect(throws: RepOpsError.self) { try opt.step(&params, ParameterSet(["w": normal([4, 3], 4)]), lr: 0.01) }
    }

    @Test func sgdWithMomentum() throws {
        var opt = SGD(momentum: 0.5)
        var params = ParameterSet(["b": Tensor([1, 2])])
        try opt.step(&params, ParameterSet(["b": Tensor([0.5, -1])]), lr: 0.25)   // buf = g
        try opt.step(&params, ParameterSet(["b": Tensor([0.5, -1])]), lr: 0.25)   // buf = 0.5 g + g
        #expect(params["b"] == Tensor([1 - 0.125 - 0.1875, 2 + 0.25 + 0.375]))  // exact in binary
    }

    @Test func globalNormClipping() throws {
        let g = ParameterSet(["a": Tensor([3, 0]), "b": Tensor([4])])
        #expect(g.globalNorm == 5)
        let (clipped, norm) = g.clippedByGlobalNorm(1)
        #expect(norm == 5)
        #expect(abs(clipped.globalNorm - 1) < 1e-6)
        #expect(clipped["a"] == Tensor([3 * Float(0.2), 0]))
        #expect(g.clippedByGlobalNorm(10).0 == g)
    }

    @Test(arguments: [0.0, 0.1, 0.25, 0.4999, 0.5, 0.6, 0.9, 1.0])
    func cosineIsAccurate(_ p: Double) {
        #expect(abs(WarmupCosineSchedule.cosPi(p) - cos(Double.pi * p)) < 1e-15)
    }

    @Test func scheduleShape() {
        let s = WarmupCosineSchedule(peak: 1, minimum: 0.1, warmupSteps: 4, totalSteps: 14)
        #expect(s.learningRate(step: 0) == 0.25)
        #expect(s.learningRate(step: 3) == 1)
        #expect(s.learningRate(step: 4) == 1)
        #expect(abs(s.learningRate(step: 9) - 0.55) < 1e-6)
        #expect(abs(s.learningRate(step: 14) - 0.1) < 1e-7)
        #expect(abs(s.learningRate(step: 100) - 0.1) < 1e-7)
    }

    @Test func byteTokenizerRoundTrips() throws {
        let tok = ByteTokenizer()
        let text = "Grüße, 世界!"
        #expect(try tok.decode(tok.encode(text)) == text)
        #expect(tok.encode("A") == [65])
        #expect(throws: RepOpsError.self) { try tok.decode([256]) }
        #expect(TinyCorpus.text.utf8.count > 2000)
    }

    @Test func characterTokenizer() throws {
        let tok = CharacterTokenizer(text: "hello, wörld")
        #expect(tok.vocabulary.map { Character($0) } == [" ", ",", "d", "e", "h", "l", "o", "r", "w", "ö"])
        #expect(try tok.decode(tok.encode("world, hello")) == "world, hello")
        #expect(try tok.encode("he") == [4, 3])
        #expect(throws: RepOpsError.self) { try tok.encode("x") }
        #expect(throws: RepOpsError.self) { try tok.decode([10]) }
    }

    @Test func bpeTokenizer() throws {
        // "aaab aaab": the most frequent pair is (a, a) (4 times), then (256, a)... fixed rules.
        let bpe = BPETokenizer(training: "aaab aaab", mergeCount: 10)
        #expect(bpe.merges.first == BPETokenizer.Pair(97, 97))
        #expect(bpe.encode("aaab aaab").count < 9)
        let big = BPETokenizer(training: TinyCorpus.text, mergeCount: 40)
        #expect(big.merges.count == 40)
        #expect(big.vocabularySize == 296)
        #expect(try big.decode(big.encode(TinyCorpus.text)) == TinyCorpus.text)
        #expect(big.encode(TinyCorpus.text).count < TinyCorpus.text.utf8.count * 3 / 4)
        #expect(BPETokenizer(training: TinyCorpus.text, mergeCount: 40) == big)
        #expect(BPETokenizer(merges: big.merges).encode("the clock") == big.encode("the clock"))
        #expect(throws: RepOpsError.self) { try big.decode([296]) }
    }

    @Test func batchesAreSeededAndShifted() throws {
        let b = try TokenBatcher(tokens: Array(0..<100), batchSize: 3, context: 8, seed: 5)
        let (x, y) = b.batch(step: 2)
        #expect(x.count == 3 && x.allSatisfy { $0.count == 8 })
        for (xi, yi) in zip(x, y) { #expect(Array(xi.dropFirst()) == Array(yi.dropLast()) && yi.last == xi.last! + 1) }
        #expect(b.batch(step: 2).inputs == x)
        #expect(b.batch(step: 3).inputs != x)
        #expect(throws: RepOpsError.self) { try TokenBatcher(tokens: [1, 2], batchSize: 1, context: 8, seed: 0) }
    }
}
