/// Runs a synthetic job (see ``SyntheticModel``), honestly or with one ``SyntheticFault``, and
/// answers disputes about it as a ``TraceSource``. SYNTHETIC: it trains nothing.
///
/// It keeps every step's commitment and every checkpoint's tensor digests, and replays a step's
/// trace on demand.
public struct SyntheticTrainer: TraceSource {
    public let job: JobSpec
    /// The model read from the job.
    public let model: SyntheticModel
    /// The injected fault, if any.
    public let fault: SyntheticFault?
    public let commitment: JobCommitment
    /// `tensors[s]`: the parameter digests after step `s` (0: initial), in name order.
    let tensors: [[TensorDigest]]

    /// Trains `job` (a synthetic job) with `fault`.
    /// - Throws: ``VerdeError`` when the job is not synthetic.
    public init(job: JobSpec, fault: SyntheticFault? = nil) throws(VerdeError) {
        self.job = job
        model = try SyntheticModel(job: job)
        self.fault = fault
        var tensors = [model.initialTensors(seed: job.seed).map(\.digest)]
        tensors.reserveCapacity(job.steps + 1)
        var steps: [StepCommitment] = []
        steps.reserveCapacity(job.steps)
        for step in 1...job.steps {
            let (trace, next) = try SyntheticTrainer.run(model: model, job: job, fault: fault, step: step, from: tensors[step - 1])
            steps.append(trace.commitment)
            tensors.append(next)
        }
        self.tensors = tensors
        commitment = JobCommitment(steps: steps)
    }

    /// Runs one step from parameter digests `parameters`: its trace and the resulting parameters.
    static func run(model: SyntheticModel, job: JobSpec, fault: SyntheticFault?, step: Int, from parameters: [TensorDigest])
        throws(VerdeError) -> (StepTrace, [TensorDigest])
    {
        var lr: UInt64?
        if case .learningRate(let s, let value)? = fault, step >= s { lr = value }
        var batch: UInt64?
        if case .batch(let s)? = fault, step == s { batch = model.batch(step: step, seed: job.seed) &+ 1 }
        // What is computed (possibly faulty) and what is recorded (the program's attributes).
        let computed = model.program(step: step, seed: job.seed, learningRate: lr, batch: batch)
        var records = model.program(step: step, seed: job.seed)
        var position: [String: Int] = [:]
        for (i, name) in model.names.enumerated() { position[name] = i }
        var actual: [TensorDigest] = []  // the values downstream ops really use
        actual.reserveCapacity(records.count)
        for i in records.indices {
            let inputs: [TensorDigest] = records[i].inputs.map { input in
                switch input {
                case .op(let j): actual[j]
                case .checkpoint(let name): parameters[position[name]!]
                }
            }
            var out = model.output(of: computed[i], inputs: inputs)
            var committed: TensorDigest?
            switch fault {
            case .bitflip(step, i)?: out.storage.0 ^= 1
            case .skip(step, i)?: out = inputs.first ?? .zero
            case .lie(step, i)?:
                var wrong = out
                wrong.storage.3 ^= 1 << 63
                committed = wrong
            default: break
            }
            actual.append(out)
            records[i].outputDigest = committed ?? out
        }
        let next = (0..<model.parameterCount).map { actual[model.sgdIndex(layer: $0)] }
        return (try StepTrace(ops: records), next)
    }

    public func trace(step: Int) throws -> StepTrace {
        guard (1...job.steps).contains(step) else { throw VerdeError(.invalidValue, "the job has no step \(step)") }
        return try SyntheticTrainer.run(model: model, job: job, fault: fault, step: step, from: tensors[step - 1]).0
    }

    public func checkpoint(after step: Int) throws -> CheckpointCommitment {
        guard (0...job.steps).contains(step) else { throw VerdeError(.invalidValue, "the job has no step \(step)") }
        return try CheckpointCommitment(tensors: zip(model.names, tensors[step]).map { NamedTensor(name: $0, digest: $1) })
    }

    /// The true first divergence between two runs (``LocalDispute/firstDivergence(_:_:)``).
    public static func firstDivergence(_ a: SyntheticTrainer, _ b: SyntheticTrainer) throws -> (step: Int, op: Int)? {
        try LocalDispute.firstDivergence(a, b)
    }
}
