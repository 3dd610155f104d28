import RepOps
import Synchronization

/// A party that trains a ``GPTJob`` with RepOps — honestly, or with one ``GPTFault`` — and answers
/// disputes about it: a ``TraceSource`` over real traces.
///
/// Training traces every step (forward, backward, clipping, AdamW), maps the records to
/// ``OpRecord``s and keeps each step's ``StepCommitment`` and checkpoint digests, plus the full
/// trainer state every `checkpointInterval` steps. A step's trace is replayed on demand from the
/// nearest kept state (bitwise identical: RepOps is deterministic).
public final class GPTTraceSource: TensorUploading, Sendable {
    public let job: JobSpec
    /// The training job.
    public let training: GPTJob
    /// The injected fault, if any.
    public let fault: GPTFault?
    public let commitment: JobCommitment
    /// `checkpoints[s]`: the checkpoint tensors' digests after step `s` (0: initial).
    let checkpoints: [[NamedTensor]]
    /// Trainer states after steps `0, interval, 2·interval, …`.
    let kept: [GPTTrainer]
    /// Wall time of training (all steps, traced), seconds.
    public let trainingSeconds: Double
    let cache = Mutex<(step: Int, trace: GPTStepTrace, before: GPTTrainer)?>(nil)

    /// Trains `training` (with `fault`); `progress` is called after each step.
    /// - Throws: ``VerdeError`` when the job is invalid or RepOps fails.
    public init(job training: GPTJob, fault: GPTFault? = nil, progress: ((Int) -> Void)? = nil) throws(VerdeError) {
        self.training = training
        self.fault = fault
        job = try training.spec()
        var trainer = try training.trainer()
        var checkpoints = [try training.checkpoint(trainer).tensors]
        var kept = [trainer]
        var steps: [StepCommitment] = []
        let clock = ContinuousClock(), start = clock.now
        for step in 1...training.steps {
            let trace = try GPTStep.run(&trainer, job: training, step: step, fault: fault)
            let stepTrace = try StepTrace(ops: trace.ops)
            steps.append(stepTrace.commitment)
            checkpoints.append(try CheckpointCommitment(tensors: trace.checkpoint).tensors)
            if step % training.checkpointInterval == 0 { kept.append(trainer) }
            progress?(step)
        }
        let elapsed = clock.now - start
        trainingSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        self.checkpoints = checkpoints
        self.kept = kept
        commitment = JobCommitment(steps: steps)
    }

    /// The trainer state after `step`, replayed from the nearest kept state.
    func state(after step: Int) throws(VerdeError) -> GPTTrainer {
        let base = step / training.checkpointInterval
        var trainer = kept[base]
        for s in (base * training.checkpointInterval + 1)..<(step + 1) {
            _ = try GPTStep.run(&trainer, job: training, step: s, fault: fault)
        }
        return trainer
    }

    /// Step `step`'s Verde trace with its values (cached: a dispute asks about one step).
    func stepTrace(_ step: Int) throws(VerdeError) -> (trace: GPTStepTrace, before: GPTTrainer) {
        guard (1...training.steps).contains(step) else { throw VerdeError(.invalidValue, "the job has no step \(step)") }
        if let hit = cache.withLock({ $0 }), hit.step == step { return (hit.trace, hit.before) }
        let before = try state(after: step - 1)
        var trainer = before
        let trace = try GPTStep.run(&trainer, job: training, step: step, fault: fault)
        cache.withLock { $0 = (step, trace, before) }
        return (trace, before)
    }

    public func trace(step: Int) throws -> StepTrace {
        try StepTrace(ops: stepTrace(step).trace.ops)
    }

    public func checkpoint(after step: Int) throws -> CheckpointCommitment {
        guard (0...training.steps).contains(step) else { throw VerdeError(.invalidValue, "the job has no step \(step)") }
        return try CheckpointCommitment(tensors: checkpoints[step])
    }

    public func uploadInputs(step: Int, op: Int, to store: TensorStore) throws -> Int {
        let (trace, before) = try stepTrace(step)
        guard trace.ops.indices.contains(op) else { throw VerdeError(.invalidValue, "step \(step) has no op \(op)") }
        var named: [String: Tensor] = [:]
        for (name, tensor) in training.checkpointTensors(before) { named[name] = tensor }
        var committed: [String: Digest] = [:]
        for t in checkpoints[step - 1] { committed[t.name] = t.digest }
        var bytes = 0
        for input in trace.ops[op].inputs {
            // Filed under the digest this party committed to; the referee's store checks it on read.
            let value: Tensor?, digest: Digest?
            switch input {
            case .op(let j):
                value = trace.outputs.indices.contains(j) ? trace.outputs[j] : nil
                digest = trace.ops.indices.contains(j) ? trace.ops[j].outputDigest : nil
            case .checkpoint(let name):
                value = named[name]
                digest = committed[name]
            }
            guard let value, let digest else { continue }
            store.put(value, claiming: digest)
            bytes += 4 * value.count + 8 * value.rank + 5
        }
        return bytes
    }

    /// Op `op` of `step` from RepOps' own record (nil for records Verde adds): for tests.
    func repOpsRecord(step: Int, op: Int) throws -> TraceRecord? {
        try stepTrace(step).trace.replays[op]
    }
}
