import RepOps

/// One traced RepOps step as Verde sees it: the op records (ending with the checkpoint op) and
/// each op's output value (nil for the checkpoint op), so a party can hand the referee the
/// tensors an op reads.
struct GPTStepTrace: Sendable {
    var ops: [OpRecord]
    var outputs: [Tensor?]
    /// RepOps' records, index-aligned with `ops` where RepOps emitted the op (nil: a clip record
    /// Verde added because the gradient norm was within the threshold).
    var replays: [TraceRecord?]
    /// The checkpoint after the step (the checkpoint op's tensors).
    var checkpoint: [NamedTensor]
}

/// Records a step and applies a bitflip or skip to one forward op's output.
final class FaultingSink: TraceOutputFilter {
    var records: [TraceRecord] = []
    let target: Int?
    let skip: Bool

    init(target: Int?, skip: Bool) {
        self.target = target
        self.skip = skip
    }

    func record(_ record: TraceRecord) { records.append(record) }

    func filter(index: Int, output: Tensor, inputs: [Tensor]) -> Tensor {
        guard index == target else { return output }
        if skip {
            guard let first = inputs.first, first.shape == output.shape else { return output }
            return first
        }
        var scalars = output.scalars
        guard !scalars.isEmpty else { return output }
        scalars[0] = Float(bitPattern: scalars[0].bitPattern ^ 1)
        return (try? Tensor(shape: output.shape, scalars: scalars)) ?? output
    }
}

enum GPTStep {
    /// Runs the next step of `trainer` traced, with `fault` if it applies to `step` (1-based).
    static func run(_ trainer: inout GPTTrainer, job: GPTJob, step: Int, fault: GPTFault?) throws(VerdeError) -> GPTStepTrace {
        let before = job.checkpointTensors(trainer)
        let active = fault?.step == step ? fault : nil
        var target: Int?, skip = false
        switch active {
        case .bitflip(_, let k)?: target = k
        case .skip(_, let k)?: target = k; skip = true
        default: break
        }
        let sink = FaultingSink(target: target, skip: skip)
        do {
            switch active {
            case _ where job.evaluation:
                // Inference: the forward pass alone, on this step's batch (another one for a batch fault).
                let corpus = active == .batch(step: step) ? Array(job.corpus.dropFirst()) + [job.corpus[0]] : job.corpus
                let batcher = try TokenBatcher(tokens: corpus, batchSize: job.batchSize, context: job.config.context, seed: job.seed)
                let tape = Tape(traceSink: sink)
                trainer.parameters.register(on: tape)
                let (x, y) = batcher.batch(step: step - 1)
                _ = try trainer.model.loss(tape, inputs: x, targets: y)
            case .batch?:
                // The same state on a shifted corpus draws other batches; back to the job's corpus after.
                let shifted = Array(job.corpus.dropFirst()) + [job.corpus[0]]
                var wrong = try Checkpoint(decoding: Checkpoint(trainer).encoded(), corpus: shifted).trainer
                try wrong.step(traceSink: sink)
                trainer = try Checkpoint(decoding: Checkpoint(wrong).encoded(), corpus: job.corpus).trainer
            case .learningRate(_, let factor)?:
                let schedule = trainer.schedule
                trainer.schedule.peak *= factor
                trainer.schedule.minimum *= factor
                defer { trainer.schedule = schedule }
                try trainer.step(traceSink: sink)
            default:
                try trainer.step(traceSink: sink)
            }
        } catch let error as VerdeError {
            throw error
        } catch {
            throw VerdeError(.invalidValue, "RepOps step \(step) failed: \(error)")
        }
        // An evaluation step's last record (the loss) is the new score.
        let produced = job.evaluation ? [GPTJob.scoreName: sink.records.count - 1] : [:]
        var trace = try map(sink.records, before: before, maxNorm: job.maxGradientNorm, produced: produced)
        if case .lie(_, let k)? = active, trace.ops.indices.contains(k) {
            trace.ops[k].outputDigest.storage.3 ^= 1 << 63
        }
        return trace
    }

    /// RepOps records → Verde op records. Two normalisations keep every step's op graph the same:
    /// named inputs become checkpoint inputs, and when the gradient norm is within the threshold
    /// (RepOps then emits no `clip` records) a `clip` record per parameter is inserted after
    /// `globalNorm` whose output is the gradient unchanged, and AdamW reads it. A final
    /// ``OpRecord/checkpointKind`` op commits the step's resulting checkpoint.
    static func map(
        _ records: [TraceRecord], before: [(name: String, tensor: Tensor)], maxNorm: Float, produced: [String: Int] = [:]
    ) throws(VerdeError) -> GPTStepTrace {
        var ops: [OpRecord] = [], outputs: [Tensor?] = [], replays: [TraceRecord?] = []
        ops.reserveCapacity(records.count + 64)
        var shift = 0
        var normIndex: Int?
        var clipOf: [Int: Int] = [:]  // gradient record (RepOps index) → inserted clip (Verde index)
        func input(_ i: TraceInput, after norm: Bool) -> OpInput {
            switch i {
            case .named(let name): return .checkpoint(name)
            case .op(let j):
                if norm, let c = clipOf[j] { return .op(c) }
                if let n = normIndex, j > n { return .op(j + shift) }
                return .op(j)
            }
        }
        for (i, r) in records.enumerated() {
            let afterNorm = normIndex != nil
            ops.append(OpRecord(
                index: ops.count, kind: r.kind, attributes: Array(r.attributes.utf8),
                inputs: r.inputs.map { input($0, after: afterNorm) }, outputShape: r.outputShape,
                outputDigest: Digest(traceBytes: r.outputDigest)))
            outputs.append(r.output)
            replays.append(r)
            if r.kind == "globalNorm", i + 1 < records.count, records[i + 1].kind != "clip" {
                normIndex = i
                for g in r.inputs {
                    guard case .op(let j) = g else { continue }
                    clipOf[j] = ops.count
                    ops.append(OpRecord(
                        index: ops.count, kind: "clip", attributes: Array("maxNorm=\(maxNorm.bitPattern)".utf8),
                        inputs: [.op(j), .op(i)], outputShape: records[j].outputShape,
                        outputDigest: Digest(traceBytes: records[j].outputDigest)))
                    outputs.append(records[j].output)
                    replays.append(nil)
                }
                shift = ops.count - 1 - i
            }
        }
        // Where each checkpoint tensor's new value comes from: the AdamW record reading its old value.
        var producer = produced
        for op in ops where op.kind.hasPrefix("adamw.") {
            if case .checkpoint(let name)? = op.inputs.first { producer[name] = op.index }
        }
        var names = WordWriter()
        names.write(UInt64(before.count))
        var inputs: [OpInput] = [], tensors: [NamedTensor] = []
        for (name, tensor) in before {
            names.write(string: name)
            if let k = producer[name] {
                inputs.append(.op(k))
                tensors.append(NamedTensor(name: name, digest: ops[k].outputDigest))
            } else {
                // Not updated this step (no gradient): carried over from the checkpoint.
                inputs.append(.checkpoint(name))
                tensors.append(NamedTensor(name: name, digest: Digest(trace: tensor)))
            }
        }
        ops.append(OpRecord(
            index: ops.count, kind: OpRecord.checkpointKind, attributes: names.bytes, inputs: inputs, outputShape: [],
            outputDigest: try CheckpointCommitment.root(of: tensors)))
        outputs.append(nil)
        replays.append(nil)
        return GPTStepTrace(ops: ops, outputs: outputs, replays: replays, checkpoint: tensors)
    }
}
