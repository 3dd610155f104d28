import RepOps
import Signal
import Testing

/// The "Local tuning" example of Docs/Signal.md, run as written (prints replaced by checks).
@Suite struct TuningDocExampleTests {
    @Test func example() throws {
        let model = try GPT(GPTConfig(vocabulary: 8, context: 8, width: 16, heads: 2, layers: 1))
        let base = try model.initialParameters(seed: 11)
        let pairs = (0..<80).map { i in TokenizedPreference(prompt: [0, 1 + i % 6, 1 + i / 6 % 6], chosen: [3], rejected: [4]) }
        let (train, heldOut) = try TuningSplit.split(pairs, heldOutFraction: 0.25, seed: 2)

        var tuner = try PreferenceTuner(model: model, base: base,
                                        configuration: TuningConfiguration(batchSize: 8, learningRate: 1e-2, beta: 0.5, seed: 5))
        let before = try tuner.metrics(heldOut)
        for _ in 0..<6 { try tuner.dpoEpoch(train) }
        let after = try tuner.metrics(heldOut)
        #expect(before.meanMargin == 0 && abs(before.loss - 0.6931471805599453) < 1e-6)
        #expect(after.accuracy == 1 && after.loss < before.loss - 0.3, "\(before) → \(after)")

        let delta = try tuner.delta()
        let file = delta.safetensorsBytes()
        #expect(delta.digestHex.count == 64)
        #expect(try ParameterDelta(safetensors: file).applied(to: base) == tuner.parameters)
    }
}
