import RepOps

/// The referee's RepOps ``OpReexecutor`` for a ``GPTJob``: it checks that a disputed record is the
/// op the job's program runs at that position of that step, fetches the agreed input tensors from
/// a ``TensorStore`` (checking each against its digest), re-executes that one op with RepOps and
/// returns the output's ``RepOps/Tensor/traceDigest``. It never re-runs a step.
///
/// The program (the op graph of a step: kinds, inputs, shapes, attributes) is the same at every
/// step except for what the job fixes per step — the batch (token `embedding` indices and
/// `crossEntropy` targets, and their gradients' attributes) and AdamW's learning rate and bias
/// corrections — which the referee computes from the job. The graph itself is derived once per
/// job (``init(job:store:)`` traces one step of the initial checkpoint, like compiling the
/// program); ``programSeconds`` reports that one-time cost.
public struct GPTReexecutor: OpReexecutor {
    /// The job.
    public let training: GPTJob
    /// Its spec's digest (the job id the referee serves).
    public let jobID: Digest
    /// Its spec (compared by value: cheaper than re-hashing every question's spec).
    let spec: JobSpec
    /// The job's batches.
    let batcher: TokenBatcher
    /// Where the parties file input tensors.
    public private(set) var store: TensorStore
    let program: [OpRecord]
    let replays: [TraceRecord?]
    let roles: [Role]
    /// One-time cost of deriving the program, seconds.
    public let programSeconds: Double

    enum Role: Sendable, Equatable {
        case fixed, tokens, targets, adamUpdate(rank: Int), clip, checkpoint
    }

    /// The re-executor of `job`, reading tensors from `store`.
    /// - Throws: ``VerdeError`` when the job is invalid or RepOps' trace format is not the one
    ///   this referee knows (an attribute it must compute per step does not reproduce).
    public init(job: GPTJob, store: TensorStore = TensorStore()) throws(VerdeError) {
        training = job
        spec = try job.spec()
        jobID = spec.digest
        batcher = try GPTReexecutor.batcher(job)
        self.store = store
        let clock = ContinuousClock(), start = clock.now
        var trainer = try job.trainer()
        var one = job
        one.steps = 1
        let trace = try GPTStep.run(&trainer, job: one, step: 1, fault: nil)
        program = trace.ops
        replays = trace.replays
        let (x, y) = try GPTReexecutor.batch(job, step: 1)
        var roles: [Role] = []
        for (op, replay) in zip(trace.ops, trace.replays) {
            let text = String(decoding: op.attributes, as: UTF8.self)
            if op.kind == OpRecord.checkpointKind { roles.append(.checkpoint) }
            else if op.kind == "clip" { roles.append(.clip) }
            else if text == "indices=\(x)" { roles.append(.tokens) }
            else if text == "targets=\(y)" { roles.append(.targets) }
            else if op.kind == "adamw.p" { roles.append(.adamUpdate(rank: replay?.output.rank ?? op.outputShape.count)) }
            else { roles.append(.fixed) }
        }
        self.roles = roles
        let elapsed = clock.now - start
        programSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard roles.contains(.tokens), roles.contains(.targets) else {
            throw VerdeError(.invalidValue, "RepOps' embedding/crossEntropy attributes are not in the format this referee computes")
        }
        for (i, role) in roles.enumerated() where role != .fixed {
            guard try expectedAttributes(i, step: 1) == program[i].attributes else {
                throw VerdeError(.invalidValue, "RepOps' \(program[i].kind) attributes are not in the format this referee computes")
            }
        }
    }

    /// The job's batcher.
    static func batcher(_ job: GPTJob) throws(VerdeError) -> TokenBatcher {
        do { return try TokenBatcher(tokens: job.corpus, batchSize: job.batchSize, context: job.config.context, seed: job.seed) } catch {
            throw VerdeError(.invalidValue, "the job's batches: \(error.message)")
        }
    }

    /// The same referee (the same derived program) reading input tensors from `store`.
    public func reading(from store: TensorStore) -> GPTReexecutor {
        var copy = self
        copy.store = store
        return copy
    }

    /// Batch of step `step` (1-based), flattened.
    static func batch(_ job: GPTJob, step: Int) throws(VerdeError) -> ([Int], [Int]) {
        batch(try batcher(job), step: step)
    }

    static func batch(_ batcher: TokenBatcher, step: Int) -> ([Int], [Int]) {
        let (x, y) = batcher.batch(step: step - 1)
        return (x.flatMap { $0 }, y.flatMap { $0 })
    }

    /// AdamW's per-step constants for step `step`: bias corrections, rate, and decay for rank ≥ 2.
    func adam(step: Int) -> (c1: Float, c2: Float, lr: Float, decay: Float) {
        let o = training.optimizer
        var p1: Float = 1, p2: Float = 1
        for _ in 0..<step { p1 = p1 * o.beta1; p2 = p2 * o.beta2 }
        let lr = training.schedule.learningRate(step: step - 1)
        return (1 - p1, 1 - p2, lr, 1 - lr * o.weightDecay)
    }

    /// The attributes the program's op `index` has at `step`.
    func expectedAttributes(_ index: Int, step: Int) throws(VerdeError) -> [UInt8] {
        switch roles[index] {
        case .fixed, .clip, .checkpoint: return program[index].attributes
        case .tokens: return Array("indices=\(GPTReexecutor.batch(batcher, step: step).0)".utf8)
        case .targets: return Array("targets=\(GPTReexecutor.batch(batcher, step: step).1)".utf8)
        case .adamUpdate(let rank):
            let a = adam(step: step)
            let decay: Float = rank >= 2 ? a.decay : 1
            return Array(("c1=\(a.c1.bitPattern) c2=\(a.c2.bitPattern) lr=\(a.lr.bitPattern) decay=\(decay.bitPattern) "
                + "eps=\(training.optimizer.eps.bitPattern)").utf8)
        }
    }

    public func opCount(step: Int, job: JobSpec) throws -> Int {
        guard job == spec else { throw VerdeError(.invalidValue, "this referee serves job \(jobID), not \(job.digest)") }
        guard (1...job.steps).contains(step) else { throw VerdeError(.invalidValue, "the job has no step \(step)") }
        return program.count
    }

    public func reexecute(_ record: OpRecord, inputs: [TensorDigest], step: Int, job: JobSpec) throws -> TensorDigest {
        let count = try opCount(step: step, job: job)
        let i = record.index
        guard (0..<count).contains(i) else { throw VerdeError(.invalidValue, "step \(step) has no op \(i)") }
        let expected = program[i]
        guard record.kind == expected.kind, record.inputs == expected.inputs, record.outputShape == expected.outputShape,
              record.attributes == (try expectedAttributes(i, step: step))
        else {
            throw VerdeError(.invalidValue, "op \(i) of step \(step) is not the program's \(expected.kind) op")
        }
        guard inputs.count == record.inputs.count else {
            throw VerdeError(.invalidValue, "op \(i) takes \(record.inputs.count) inputs, got \(inputs.count)")
        }
        if roles[i] == .checkpoint {
            var reader = WordReader(record.attributes)
            let n = try reader.readInt("tensor count", max: inputs.count)
            var tensors: [NamedTensor] = []
            for k in 0..<n { tensors.append(NamedTensor(name: try reader.readString("tensor name"), digest: inputs[k])) }
            return try CheckpointCommitment.root(of: tensors)
        }
        // The store hands out a value only under its own digest (hashing each upload once), so
        // every value is the one both parties committed to.
        var values: [Tensor] = []
        values.reserveCapacity(inputs.count)
        for d in inputs { values.append(try store.tensor(d)) }
        let output = try run(i, values, step: step)
        guard output.shape == record.outputShape else {
            throw VerdeError(.invalidValue, "op \(i) of step \(step) produced shape \(output.shape), not \(record.outputShape)")
        }
        return Digest(trace: output)
    }

    /// Op `i` of `step` on `values`, with RepOps.
    func run(_ i: Int, _ values: [Tensor], step: Int) throws(VerdeError) -> Tensor {
        do {
            switch roles[i] {
            case .clip:
                // Clip when the norm exceeds the threshold; otherwise the gradient passes unchanged.
                let norm = values[1].scalars[0], maxNorm = training.maxGradientNorm
                return norm > maxNorm && norm.isFinite ? values[0].scaled(by: maxNorm / norm) : values[0]
            case .adamUpdate(let rank):
                let a = adam(step: step)
                return adamUpdate(values[0], values[1], values[2], a.c1, a.c2, a.lr, rank >= 2 ? a.decay : 1)
            case .tokens, .targets:
                let (x, y) = GPTReexecutor.batch(batcher, step: step)
                return try batchOp(program[i].kind, values, tokens: x, targets: y)
            case .fixed:
                guard let replay = replays[i] else { throw VerdeError(.invalidValue, "op \(i) has no RepOps replay") }
                return try replay.reexecute(values)
            case .checkpoint:
                throw VerdeError(.invalidValue, "the checkpoint op has no tensor output")
            }
        } catch let error as VerdeError {
            throw error
        } catch {
            throw VerdeError(.invalidValue, "RepOps rejected op \(i) of step \(step): \(error)")
        }
    }

    /// AdamW's parameter update (RepOps' `adamw.p`, Docs/RepOps.md "Optimizers"): per element
    /// `p = p·decay` (when decay ≠ 1), then `p = p − lr·((m/c₁) / (sqrt(v/c₂) + eps))`.
    func adamUpdate(_ p: Tensor, _ m: Tensor, _ v: Tensor, _ c1: Float, _ c2: Float, _ lr: Float, _ decay: Float) -> Tensor {
        let eps = training.optimizer.eps
        var out = p.scalars
        let ms = m.scalars, vs = v.scalars
        guard ms.count == out.count, vs.count == out.count else { return p }
        // Element arrays hoisted out of the loop (a per-element `Tensor.scalars` read is a call
        // across modules); the same operations in the same order as RepOps.
        out.withUnsafeMutableBufferPointer { o in
            ms.withUnsafeBufferPointer { mb in
                vs.withUnsafeBufferPointer { vb in
                    for k in 0..<o.count {
                        let mHat = mb[k] / c1, vHat = vb[k] / c2
                        if decay != 1 { o[k] = o[k] * decay }
                        o[k] = o[k] - lr * (mHat / (vHat.squareRoot() + eps))
                    }
                }
            }
        }
        return (try? Tensor(shape: p.shape, scalars: out)) ?? p
    }

    /// The batch-reading ops with this step's batch: the token embedding, the cross-entropy, and
    /// their input gradients. The cross-entropy's gradient is RepOps' documented one,
    /// `(softmax(x) − onehot(t)) · (g / N)` (Docs/RepOps.md, "Autograd"), computed directly; the
    /// embedding's goes through a tape seeded with the given output gradient (`sum(y ⊙ g)` hands
    /// the op's vector-Jacobian product exactly `g`, since `1 · g = g`).
    func batchOp(_ kind: String, _ values: [Tensor], tokens: [Int], targets: [Int]) throws -> Tensor {
        switch kind {
        case "embedding":
            return try values[0].embedding(tokens)
        case "crossEntropy":
            return Tensor(scalar: try values[0].crossEntropy(targets: targets))
        case "vjp.crossEntropy.0":
            // Inputs: logits [N, C], the loss, its gradient (one element).
            let x = values[0], g = values[values.count - 1]
            guard x.rank == 2, x.shape[0] == targets.count, g.count == 1 else {
                throw VerdeError(.invalidValue, "\(kind): inputs do not fit \(targets.count) targets")
            }
            return try x.crossEntropyGradient(targets: targets, outputGradient: g.scalars[0])
        case "vjp.embedding.0":
            let tape = Tape()
            let a = tape.variable(values[0])
            let y = try tape.embedding(a, tokens)
            let seeded = try tape.sum(tape.mul(y, tape.constant(values[values.count - 1])))
            guard let g = try tape.gradients(of: seeded)[a] else {
                throw VerdeError(.invalidValue, "\(kind): no gradient reached the input")
            }
            return g
        default:
            throw VerdeError(.invalidValue, "op kind \(kind) does not read the batch")
        }
    }
}
