import RepOps
import Testing

@Suite("RepOps execution traces")
struct TraceTests {
    /// One traced forward + backward step of the tiny GPT.
    func tracedStep() throws -> (TraceBuffer, ParameterSet, ParameterSet) {
        let model = try GPT(tinyConfig)
        let params = try model.initialParameters(seed: 5)
        let batch = try TokenBatcher(tokens: ByteTokenizer().encode(TinyCorpus.text), batchSize: 2, context: 8, seed: 5).batch(step: 0)
        let buffer = TraceBuffer()
        let tape = Tape(traceSink: buffer)
        params.register(on: tape)
        let loss = try model.loss(tape, inputs: batch.inputs, targets: batch.targets)
        return (buffer, params, try tape.gradients(of: loss).matching(params))
    }

    @Test func everyRecordOfATrainingStepReplaysToItsDigest() throws {
        let (buffer, params, _) = try tracedStep()
        let records = buffer.records
        #expect(records.map(\.index) == Array(0..<records.count))
        #expect(records.contains { $0.kind.hasPrefix("vjp.multiHeadCausalAttention") } && records.contains { $0.kind == "gradSum" })
        var replayed = 0
        for r in records where !r.inputs.isEmpty {
            let values = try r.inputs.map { input throws -> Tensor in
                switch input {
                case let .named(name): return try #require(params[name])
                case let .op(i):
                    #expect(i < r.index, "inputs refer to earlier records")
                    return records[i].output
                }
            }
            let out = try r.reexecute(values)
            #expect(out.traceDigest == r.outputDigest, "record \(r)")
            replayed += 1
        }
        #expect(replayed > 50)
        // Tensors of ≤ 2048 elements keep the plain digest of the canonical bytes (the tree above:
        // TraceDigestTests).
        let small = records.filter { $0.output.count <= 2048 }
        #expect(small.count > 40)
        for r in small { #expect(r.outputDigest == r.output.digest) }
    }

    @Test func aWholeTrainingStepWithClippingAndAdamWReplays() throws {
        var trainer = try GPTTrainer(
            config: GPTConfig(vocabulary: 256, context: 8, width: 8, heads: 2, layers: 1),
            corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 4, batchSize: 2, maxGradientNorm: 0.05)
        try trainer.step()
        let before = trainer.parameters, m = trainer.optimizer.m, v = trainer.optimizer.v
        let buffer = TraceBuffer()
        try trainer.step(traceSink: buffer)
        let records = buffer.records
        #expect(records.filter { $0.kind == "clip" }.count == before.names.count)   // norm 0.05 forces clipping
        #expect(records.filter { $0.kind == "globalNorm" }.count == 1)
        func resolve(_ input: TraceInput) throws -> Tensor {
            switch input {
            case let .op(i): return records[i].output
            case let .named(n):
                if n.hasPrefix("adamw.m/") { return try #require(m[String(n.dropFirst(8))]) }
                if n.hasPrefix("adamw.v/") { return try #require(v[String(n.dropFirst(8))]) }
                return try #require(before[n], "unknown named input \(n)")
            }
        }
        for r in records where !r.inputs.isEmpty {
            #expect(try r.reexecute(r.inputs.map(resolve)).traceDigest == r.outputDigest, "record \(r)")
        }
        // The traced updates are the new parameters, in canonical name order.
        let updates = records.filter { $0.kind == "adamw.p" }
        #expect(updates.count == before.names.count)
        for (r, name) in zip(updates, before.names) {
            #expect(r.inputs.first == .named(name))
            #expect(r.output == trainer.parameters[name])
        }
    }

    @Test func aTamperedInputChangesTheReplayedDigest() throws {
        let (buffer, params, _) = try tracedStep()
        let r = try #require(buffer.records.first { $0.kind == "matmul" })
        var values = r.inputs.map { input -> Tensor in
            if case let .named(n) = input { return params[n]! }
            if case let .op(i) = input { return buffer.records[i].output }
            fatalError()
        }
        values[0] = values[0].scaled(by: 1.0001)
        #expect(try r.reexecute(values).traceDigest != r.outputDigest)
    }

    @Test func tracingDoesNotChangeGradients() throws {
        let (_, params, traced) = try tracedStep()
        let model = try GPT(tinyConfig)
        let batch = try TokenBatcher(tokens: ByteTokenizer().encode(TinyCorpus.text), batchSize: 2, context: 8, seed: 5).batch(step: 0)
        let tape = Tape()
        params.register(on: tape)
        let loss = try model.loss(tape, inputs: batch.inputs, targets: batch.targets)
        #expect(try tape.gradients(of: loss).matching(params) == traced)
    }
}
