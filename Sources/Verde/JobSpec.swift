/// The program a delegated training job runs: every party runs it from the same initial checkpoint.
///
/// Encoding, in order: `modelConfig` (bytes), `dataOrder` (bytes), `seed`, `hyperparameters`
/// (bytes), `steps`, `checkpointInterval`, `initialCheckpoint` (word). The ``digest`` (Keccak-256 of
/// the encoding) is the job's id.
///
/// `checkpointInterval` is how often parties keep full checkpoints (tensor bytes): to answer a
/// dispute about step `s` a party replays from the last kept checkpoint at or before `s − 1`.
/// Commitments are still per step.
public struct JobSpec: Sendable, Hashable, WordCodable {
    /// The model configuration, opaque to Verde (e.g. RepOps' canonical JSON).
    public var modelConfig: [UInt8]
    /// How the data is ordered (dataset id, shuffling scheme), opaque to Verde.
    public var dataOrder: [UInt8]
    /// The seed of data order, initialisation and dropout.
    public var seed: UInt64
    /// Hyperparameters (learning rate, batch size …), opaque to Verde.
    public var hyperparameters: [UInt8]
    /// Number of training steps, at least 1.
    public var steps: Int
    /// Steps between kept checkpoints, `1...steps`.
    public var checkpointInterval: Int
    /// Commitment of the checkpoint training starts from (step 0).
    public var initialCheckpoint: Digest

    /// A job spec.
    /// - Throws: ``VerdeError`` `.invalidValue` when `steps < 1` or the interval is outside `1...steps`.
    public init(
        modelConfig: [UInt8], dataOrder: [UInt8], seed: UInt64, hyperparameters: [UInt8], steps: Int,
        checkpointInterval: Int, initialCheckpoint: Digest
    ) throws(VerdeError) {
        guard steps >= 1 else { throw VerdeError(.invalidValue, "a job needs at least 1 step, got \(steps)") }
        guard (1...steps).contains(checkpointInterval) else {
            throw VerdeError(.invalidValue, "checkpoint interval \(checkpointInterval) is outside 1...\(steps)")
        }
        self.modelConfig = modelConfig
        self.dataOrder = dataOrder
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.steps = steps
        self.checkpointInterval = checkpointInterval
        self.initialCheckpoint = initialCheckpoint
    }

    /// The job id: Keccak-256 of the encoding.
    public var digest: Digest { Digest.keccak(encoded) }

    public func encode(to writer: inout WordWriter) {
        writer.write(bytes: modelConfig)
        writer.write(bytes: dataOrder)
        writer.write(seed)
        writer.write(bytes: hyperparameters)
        writer.write(steps)
        writer.write(checkpointInterval)
        writer.write(initialCheckpoint)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        try self.init(
            modelConfig: reader.readBytes("model config"), dataOrder: reader.readBytes("data order"),
            seed: reader.readUInt64("seed"), hyperparameters: reader.readBytes("hyperparameters"),
            steps: reader.readInt("steps", max: 1 << 40), checkpointInterval: reader.readInt("checkpoint interval", max: 1 << 40),
            initialCheckpoint: reader.readDigest("initial checkpoint"))
    }
}
