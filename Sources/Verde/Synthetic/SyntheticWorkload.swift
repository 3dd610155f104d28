/// A SYNTHETIC training workload for exercising Verde without RepOps: not machine learning.
///
/// The "model" has `parameterCount` tensors `w00`, `w01`, …; a step runs a fixed op graph of
/// `3 · parameterCount + 3` ops — `data`, one `matmul` per layer, `loss`, one `grad` per layer
/// (reverse order), one `sgd` per tensor, and the final `checkpoint` op — and each op's "output
/// tensor" is only a digest: `keccak("verde-synthetic" ‖ kind ‖ attributes ‖ shape ‖ input digests)`.
/// That keeps the data flow of real training (a fault propagates to everything downstream) at the
/// cost of a few hashes per op, so jobs of 16k steps run in seconds.
///
/// Job encoding: `modelConfig` = `"verde-synthetic-v1"` then the words `parameterCount`;
/// `hyperparameters` = the word `learningRate` (an integer, e.g. micro-units); `dataOrder` = the
/// word `batchCount` (the batch of step `s` is `(s · 7919 + seed) mod batchCount`).
public struct SyntheticModel: Sendable, Hashable {
    static let magic = Array("verde-synthetic-v1".utf8)

    /// Number of parameter tensors (layers).
    public var parameterCount: Int
    /// The learning rate as an integer (only its value matters).
    public var learningRate: UInt64
    /// Number of distinct data batches.
    public var batchCount: UInt64

    /// A synthetic model.
    public init(parameterCount: Int = 8, learningRate: UInt64 = 1000, batchCount: UInt64 = 1 << 20) {
        self.parameterCount = parameterCount
        self.learningRate = learningRate
        self.batchCount = batchCount
    }

    /// Ops per step.
    public var opCount: Int { 3 * parameterCount + 3 }

    /// Parameter tensor names, in canonical (sorted) order.
    public var names: [String] {
        (0..<parameterCount).map { $0 < 10 ? "w0\($0)" : "w\($0)" }
    }

    /// The job spec running this model for `steps` steps from its synthetic initial checkpoint.
    public func job(steps: Int, seed: UInt64, checkpointInterval: Int = 1) throws(VerdeError) -> JobSpec {
        var config = WordWriter()
        config.write(bytes: SyntheticModel.magic)
        config.write(parameterCount)
        var hyper = WordWriter()
        hyper.write(learningRate)
        var order = WordWriter()
        order.write(batchCount)
        return try JobSpec(
            modelConfig: config.bytes, dataOrder: order.bytes, seed: seed, hyperparameters: hyper.bytes, steps: steps,
            checkpointInterval: checkpointInterval, initialCheckpoint: CheckpointCommitment.root(of: initialTensors(seed: seed)))
    }

    /// Reads the model back from a job made by ``job(steps:seed:checkpointInterval:)``.
    /// - Throws: ``VerdeError`` when the job is not a synthetic one.
    public init(job: JobSpec) throws(VerdeError) {
        var config = WordReader(job.modelConfig)
        guard try config.readBytes("magic", max: 64) == SyntheticModel.magic else {
            throw VerdeError(.invalidValue, "the job's model config is not a synthetic model")
        }
        parameterCount = try config.readInt("parameter count", max: 1 << 12)
        try config.finish()
        guard parameterCount >= 1 else { throw VerdeError(.invalidValue, "a synthetic model needs a parameter") }
        var hyper = WordReader(job.hyperparameters)
        learningRate = try hyper.readUInt64("learning rate")
        var order = WordReader(job.dataOrder)
        batchCount = try order.readUInt64("batch count")
        guard batchCount >= 1 else { throw VerdeError(.invalidValue, "a synthetic model needs a batch") }
    }

    /// The initial tensors.
    public func initialTensors(seed: UInt64) -> [NamedTensor] {
        names.map { name in
            var w = WordWriter()
            w.write(bytes: Array("init".utf8)); w.write(seed); w.write(string: name)
            return NamedTensor(name: name, digest: Digest.keccak(w.bytes))
        }
    }

    /// The batch step `step` reads.
    public func batch(step: Int, seed: UInt64) -> UInt64 {
        (UInt64(step) &* 7919 &+ seed) % batchCount
    }

    // Op indices.
    var lossIndex: Int { parameterCount + 1 }
    func gradIndex(layer: Int) -> Int { parameterCount + 2 + (parameterCount - 1 - layer) }
    func sgdIndex(layer: Int) -> Int { 2 * parameterCount + 2 + layer }

    /// The records the program runs in `step`, with zero output digests.
    func program(step: Int, seed: UInt64, learningRate lr: UInt64? = nil, batch: UInt64? = nil) -> [OpRecord] {
        let p = parameterCount, names = self.names
        func words(_ values: UInt64...) -> [UInt8] {
            var w = WordWriter()
            for v in values { w.write(v) }
            return w.bytes
        }
        var ops: [OpRecord] = []
        ops.append(OpRecord(index: 0, kind: "data", attributes: words(seed, batch ?? self.batch(step: step, seed: seed)),
                            inputs: [], outputShape: [32, 64], outputDigest: .zero))
        for l in 0..<p {
            ops.append(OpRecord(index: 1 + l, kind: "matmul", attributes: words(UInt64(l)),
                                inputs: [.op(l), .checkpoint(names[l])], outputShape: [32, 64], outputDigest: .zero))
        }
        ops.append(OpRecord(index: lossIndex, kind: "loss", inputs: [.op(p), .op(0)], outputShape: [1], outputDigest: .zero))
        for l in stride(from: p - 1, through: 0, by: -1) {
            let upstream = l == p - 1 ? lossIndex : gradIndex(layer: l + 1)
            ops.append(OpRecord(index: gradIndex(layer: l), kind: "grad", attributes: words(UInt64(l)),
                                inputs: [.op(upstream), .op(l), .checkpoint(names[l])], outputShape: [64, 64],
                                outputDigest: .zero))
        }
        for l in 0..<p {
            ops.append(OpRecord(index: sgdIndex(layer: l), kind: "sgd", attributes: words(lr ?? learningRate),
                                inputs: [.checkpoint(names[l]), .op(gradIndex(layer: l))], outputShape: [64, 64],
                                outputDigest: .zero))
        }
        var nameList = WordWriter()
        nameList.write(UInt64(p))
        for name in names { nameList.write(string: name) }
        ops.append(OpRecord(index: 3 * p + 2, kind: OpRecord.checkpointKind, attributes: nameList.bytes,
                            inputs: (0..<p).map { .op(sgdIndex(layer: $0)) }, outputShape: [], outputDigest: .zero))
        return ops
    }

    /// The synthetic "execution" of `record` on `inputs`.
    func output(of record: OpRecord, inputs: [TensorDigest]) -> TensorDigest {
        if record.kind == OpRecord.checkpointKind {
            let tensors = zip(names, inputs).map { NamedTensor(name: $0, digest: $1) }
            return (try? CheckpointCommitment.root(of: tensors)) ?? .zero
        }
        var hasher = DigestHasher()
        var w = WordWriter()
        w.write(bytes: Array("verde-synthetic".utf8))
        w.write(string: record.kind)
        w.write(bytes: record.attributes)
        w.write(UInt64(record.outputShape.count))
        for d in record.outputShape { w.write(d) }
        hasher.update(w.bytes)
        for input in inputs { hasher.update(input) }
        return hasher.finalize()
    }
}

/// The ``OpReexecutor`` of the synthetic workload: checks a record against the synthetic program
/// and recomputes its digest. Stands in for RepOps in tests, benchmarks and the example.
public struct SyntheticReexecutor: OpReexecutor {
    /// A re-executor.
    public init() {}

    public func opCount(step: Int, job: JobSpec) throws -> Int {
        guard (1...job.steps).contains(step) else { throw VerdeError(.invalidValue, "the job has no step \(step)") }
        return try SyntheticModel(job: job).opCount
    }

    public func reexecute(_ record: OpRecord, inputs: [TensorDigest], step: Int, job: JobSpec) throws -> TensorDigest {
        let model = try SyntheticModel(job: job)
        let program = model.program(step: step, seed: job.seed)
        guard program.indices.contains(record.index) else {
            throw VerdeError(.invalidValue, "step \(step) has no op \(record.index)")
        }
        var expected = program[record.index]
        expected.outputDigest = record.outputDigest
        guard expected == record else {
            throw VerdeError(.invalidValue, "op \(record.index) of step \(step) is not the program's \(expected.kind) op")
        }
        guard inputs.count == record.inputs.count else {
            throw VerdeError(.invalidValue, "op \(record.index) takes \(record.inputs.count) inputs, got \(inputs.count)")
        }
        return model.output(of: record, inputs: inputs)
    }
}
