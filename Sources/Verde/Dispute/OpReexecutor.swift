/// Re-executes one operator for the referee. RepOps implements it: it checks the record is the op
/// the job's program runs at that position, fetches the input tensors whose digests it is given
/// (from a content-addressed store the parties fill, checking each tensor's bytes against its
/// digest), runs the op deterministically and returns the output tensor's digest.
///
/// The synthetic workload used by tests and benchmarks has its own (``SyntheticReexecutor``).
public protocol OpReexecutor: Sendable {
    /// How many ops the job's program runs in `step` (1-based).
    /// - Throws: when the job or step is not one this re-executor can run.
    func opCount(step: Int, job: JobSpec) throws -> Int

    /// The output digest of `record` run on inputs with digests `inputs` (in `record.inputs` order),
    /// at `step` of `job`. `record.outputDigest` is the claim under test: ignore it.
    /// - Throws: when `record` is not the op the program runs at `record.index` of `step` (kind,
    ///   attributes, inputs or output shape differ), or it cannot run.
    func reexecute(_ record: OpRecord, inputs: [TensorDigest], step: Int, job: JobSpec) throws -> TensorDigest
}
