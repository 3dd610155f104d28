import Foundation
import GensynPrimitives
import GensynTestSupport
import RepOps
import Signal
import Testing

/// A toy preference: after a prompt, the user prefers completions ending in token 3 over ones
/// ending in token 4 (prompts and prefixes random, seeded).
func toyPairs(_ n: Int, seed: UInt64) -> [TokenizedPreference] {
    var rng = SeededRandom(seed: seed)
    return (0..<n).map { _ in
        let prompt = [0] + (0..<Int.random(in: 1...3, using: &rng)).map { _ in Int.random(in: 1...6, using: &rng) }
        let stem = (0..<Int.random(in: 0...1, using: &rng)).map { _ in Int.random(in: 1...6, using: &rng) }
        return TokenizedPreference(prompt: prompt, chosen: stem + [3], rejected: stem + [4])
    }
}

@Suite("Preference tuning", .serialized)
struct TuningTests {
    static let config = GPTConfig(vocabulary: 8, context: 8, width: 16, heads: 2, layers: 1)

    static func tuner(seed: UInt64 = 5, lr: Float = 1e-2) throws -> PreferenceTuner {
        let model = try GPT(config)
        return try PreferenceTuner(model: model, base: model.initialParameters(seed: 11),
                                   configuration: TuningConfiguration(batchSize: 8, learningRate: lr, beta: 0.5, seed: seed))
    }

    @Test func dpoMovesTheModelTowardHeldOutPreferences() throws {
        let (train, heldOut) = try TuningSplit.split(toyPairs(80, seed: 1), heldOutFraction: 0.25, seed: 2)
        #expect(heldOut.count == 20 && train.count == 60)
        var tuner = try Self.tuner()
        let before = try tuner.metrics(heldOut)
        #expect(before.meanMargin == 0 && before.rewardAccuracy == 0)
        #expect(abs(before.loss - log(2.0)) < 1e-6)
        var losses: [Float] = []
        for _ in 0..<6 { losses.append(try tuner.dpoEpoch(train)) }
        let after = try tuner.metrics(heldOut)
        #expect(losses.last! < losses.first!, "training loss \(losses)")
        #expect(after.loss < before.loss - 0.1, "held-out DPO loss \(before.loss) → \(after.loss)")
        #expect(after.rewardAccuracy >= 0.9 && after.meanMargin > 0.5, "\(after)")
        #expect(after.accuracy >= 0.9 && after.accuracy > before.accuracy, "\(before.accuracy) → \(after.accuracy)")
        #expect(tuner.steps == 6 * 8 && tuner.epochs == 6)
    }

    @Test func rewardWeightedCloningRaisesRewardedCompletions() throws {
        // Reward +1 for completions ending in 3, −1 for those ending in 4.
        let pairs = toyPairs(60, seed: 3)
        let examples = pairs.flatMap { [TokenizedExample(prompt: $0.prompt, completion: $0.chosen, weight: 1),
                                         TokenizedExample(prompt: $0.prompt, completion: $0.rejected, weight: -1)] }
        let heldOut = toyPairs(20, seed: 4)
        var tuner = try Self.tuner()
        let before = try tuner.metrics(heldOut)
        for _ in 0..<4 { try tuner.behaviourCloningEpoch(examples) }
        let after = try tuner.metrics(heldOut)
        #expect(after.accuracy >= 0.9 && after.meanPreference > before.meanPreference + 1, "\(before) → \(after)")
    }

    @Test func tuningIsBitwiseReproducibleAcrossThreadCounts() throws {
        let pairs = toyPairs(24, seed: 6)
        let examples = pairs.map { TokenizedExample(prompt: $0.prompt, completion: $0.chosen, weight: 0.5) }
        let saved = RepOps.threads
        defer { RepOps.threads = saved }
        var digests: [String] = []
        for threads in [1, 2, 2] {
            RepOps.threads = threads
            var tuner = try Self.tuner()
            try tuner.dpoEpoch(pairs)
            try tuner.behaviourCloningEpoch(examples)
            try tuner.dpoEpoch(pairs)
            digests.append(try tuner.delta().digestHex + tuner.parameters.digestHex)
        }
        #expect(Set(digests).count == 1, "\(digests)")
        // A different shuffle seed gives different parameters (the seed is really used).
        RepOps.threads = 1
        var other = try Self.tuner(seed: 6)
        try other.dpoEpoch(pairs)
        try other.behaviourCloningEpoch(examples)
        try other.dpoEpoch(pairs)
        #expect(try other.delta().digestHex + other.parameters.digestHex != digests[0])
    }

    @Test func splitIsSeededAndCoversEverything() throws {
        let items = Array(0..<50)
        let a = try TuningSplit.split(items, heldOutFraction: 0.2, seed: 9), b = try TuningSplit.split(items, heldOutFraction: 0.2, seed: 9)
        #expect(a.train == b.train && a.heldOut == b.heldOut && a.heldOut.count == 10)
        #expect((a.train + a.heldOut).sorted() == items)
        #expect(try TuningSplit.split(items, heldOutFraction: 0.2, seed: 10).heldOut != a.heldOut)
        #expect(throws: SignalError.self) { try TuningSplit.split(items, heldOutFraction: 1, seed: 1) }
    }

    @Test func badTuningInputsAreTypedErrors() throws {
        var tuner = try Self.tuner()
        func code(_ body: () throws -> Void) -> SignalError.Code? {
            do { try body(); return nil } catch let e as SignalError { return e.code } catch { return nil }
        }
        #expect(code { try tuner.dpoEpoch([]) } == .invalidTrainingData)
        #expect(code { try tuner.dpoEpoch([TokenizedPreference(prompt: [], chosen: [1], rejected: [2])]) } == .invalidTrainingData)
        #expect(code { try tuner.dpoEpoch([TokenizedPreference(prompt: [1], chosen: [], rejected: [2])]) } == .invalidTrainingData)
        #expect(code { try tuner.dpoEpoch([TokenizedPreference(prompt: [1], chosen: [9], rejected: [2])]) } == .invalidTrainingData)
        #expect(code { try tuner.dpoEpoch([TokenizedPreference(prompt: Array(repeating: 1, count: 8), chosen: [1, 2], rejected: [2])]) } == .invalidTrainingData)
        #expect(code { try tuner.behaviourCloningEpoch([TokenizedExample(prompt: [1], completion: [2], weight: .nan)]) } == .invalidTrainingData)
        #expect(code { _ = try DPOObjective(beta: 0).evaluate(tuner.model, parameters: tuner.parameters, reference: [(0, 0)], pairs: toyPairs(1, seed: 1)) } == .invalidTrainingData)
        #expect(code { _ = try DPOObjective().evaluate(tuner.model, parameters: tuner.parameters, reference: [], pairs: toyPairs(1, seed: 1)) } == .invalidTrainingData)
        #expect(code { _ = try DPOObjective(chosenLikelihoodWeight: -1).evaluate(tuner.model, parameters: tuner.parameters, reference: [(0, 0)], pairs: toyPairs(1, seed: 1)) } == .invalidTrainingData)
        let other = try GPT(GPTConfig(vocabulary: 9, context: 8, width: 16, heads: 2, layers: 1))
        #expect(code { _ = try PreferenceTuner(model: other, base: tuner.base) } == .parameterMismatch)
        #expect(code { _ = try PreferenceTuner(model: tuner.model, base: tuner.base, configuration: TuningConfiguration(batchSize: 0)) } == .invalidConfiguration)
        // Nothing was updated by the failed calls.
        #expect(tuner.steps == 0 && tuner.parameters == tuner.base)
        // All-zero weights: no loss, no movement.
        try tuner.behaviourCloningEpoch([TokenizedExample(prompt: [1], completion: [2], weight: 0)])
        #expect(tuner.parameters == tuner.base)
    }
}

@Suite("Parameter deltas")
struct ParameterDeltaTests {
    static func tuned() throws -> PreferenceTuner {
        var tuner = try TuningTests.tuner()
        try tuner.dpoEpoch(toyPairs(16, seed: 8))
        return tuner
    }

    @Test func deltaReproducesTunedParametersBitwise() throws {
        let tuner = try Self.tuned()
        let delta = try tuner.delta()
        #expect(delta.baseDigestHex == tuner.base.digestHex && delta.norm > 0)
        #expect(try delta.applied(to: tuner.base) == tuner.parameters)
        let bytes = delta.safetensorsBytes()
        let read = try ParameterDelta(safetensors: bytes)
        #expect(read.delta == delta.delta && read.residual == delta.residual && read.digestHex == delta.digestHex)
        #expect(delta.digest == Keccak256.hash(bytes))
        #expect(try read.applied(to: tuner.base).digestHex == tuner.parameters.digestHex)
    }

    @Test func residualsCoverSubtractionsThatRound() throws {
        // Values chosen so that fl(t − b) rounds: a sign change far below the base's magnitude.
        let b: [Float] = [0.02, -1.5, 3e-8, -0.0, 1e30, 7]
        let t: [Float] = [-1.234567e-6, 1.0000001, 0.75, 0, 1e-30, 7]
        let base = ParameterSet(["w": try Tensor(shape: [2, 3], scalars: b)])
        let tuned = ParameterSet(["w": try Tensor(shape: [2, 3], scalars: t)])
        let delta = try ParameterDelta(base: base, tuned: tuned)
        #expect(delta.residual["w"] != nil, "these subtractions round, so a residual is stored")
        #expect(try delta.applied(to: base)["w"]!.scalars.map(\.bitPattern) == t.map(\.bitPattern))
        #expect(try ParameterDelta(safetensors: delta.safetensorsBytes()).applied(to: base)["w"]!.scalars.map(\.bitPattern) == t.map(\.bitPattern))
        // +0 → −0 is the one change no addition reproduces (+0 + −0 = +0); an optimizer that
        // subtracts updates never makes it, and the delta refuses it rather than lose the sign.
        do {
            _ = try ParameterDelta(base: ParameterSet(["w": Tensor([0])]), tuned: ParameterSet(["w": Tensor([-0.0])]))
            Issue.record("expected parameterMismatch")
        } catch { #expect(error.code == .parameterMismatch) }
    }

    @Test func mismatchesAreTypedErrors() throws {
        let a = ParameterSet(["w": try Tensor(shape: [2], scalars: [1, 2])])
        let wrongShape = ParameterSet(["w": try Tensor(shape: [1, 2], scalars: [1, 2])])
        let wrongName = ParameterSet(["v": try Tensor(shape: [2], scalars: [1, 2])])
        let nonFinite = ParameterSet(["w": try Tensor(shape: [2], scalars: [1, .infinity])])
        for (tuned, code) in [(wrongShape, SignalError.Code.parameterMismatch), (wrongName, .parameterMismatch), (nonFinite, .invalidTrainingData)] {
            do { _ = try ParameterDelta(base: a, tuned: tuned); Issue.record("expected \(code)") } catch { #expect(error.code == code) }
        }
        let d = try ParameterDelta(base: a, tuned: a)
        do { _ = try d.applied(to: wrongName); Issue.record("expected parameterMismatch") } catch { #expect(error.code == .parameterMismatch) }
        do { _ = try ParameterDelta(safetensors: [1, 2, 3]); Issue.record("expected invalidRecord") } catch { #expect(error.code == .invalidRecord) }
    }

    @Test(.enabled(if: PythonOracle.isAvailable))
    func pythonSafetensorsLoadsAndAppliesTheDelta() throws {
        let tuner = try Self.tuned()
        // Make one tensor need a residual so Python applies that path too.
        var tunedParams = tuner.parameters
        let name = tunedParams.names[0]
        var s = tunedParams[name]!.scalars
        s[0] = -s[0] * 1e-5
        tunedParams[name] = try Tensor(shape: tunedParams[name]!.shape, scalars: s)
        let delta = try ParameterDelta(base: tuner.base, tuned: tunedParams)
        #expect(!delta.residual.names.isEmpty)
        let input = [delta.safetensorsBytes(), tuner.base.safetensorsBytes(), tunedParams.safetensorsBytes()].map { Hex.encode($0) }.joined(separator: "\n")
        let out = try PythonOracle.run("""
            import sys, hashlib, numpy as np
            from safetensors.numpy import load
            d, b, t = (load(bytes.fromhex(l)) for l in sys.stdin.read().split())
            bad = 0
            for k in t:
                r = d.get("residual/" + k, np.zeros_like(d[k]))
                y = ((b[k].astype(np.float64) + d[k].astype(np.float64)) + r.astype(np.float64)).astype(np.float32)
                bad += int((y.view(np.uint32) != t[k].view(np.uint32)).sum())
            print(len([k for k in d if not k.startswith("residual/")]), len(t), bad)
            """, input: input)
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "\(tunedParams.names.count) \(tunedParams.names.count) 0")
    }
}
