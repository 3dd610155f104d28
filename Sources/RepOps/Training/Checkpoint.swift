import Foundation
import GensynPrimitives

/// Why a checkpoint could not be read or written. `code` is stable; `message` says what to do.
public struct CheckpointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The file ends before the data it announces.
        public static let truncated = Code(name: "truncated")
        /// Not a RepOps checkpoint (wrong magic bytes).
        public static let badMagic = Code(name: "badMagic")
        /// A format version this build cannot read.
        public static let unsupportedVersion = Code(name: "unsupportedVersion")
        /// The content digest does not match: the file is corrupted.
        public static let digestMismatch = Code(name: "digestMismatch")
        /// A field holds an impossible value (bad dtype, shape, name, trailing bytes).
        public static let malformed = Code(name: "malformed")
        /// Tensors do not fit the model the checkpoint describes.
        public static let shapeMismatch = Code(name: "shapeMismatch")
        /// Reading or writing the file failed.
        public static let io = Code(name: "io")
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// What to do about it.
    public let message: String

    /// An error with `code` and `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// A complete training state in the canonical checkpoint format (Docs/RepOps.md, "Checkpoints"):
/// model sizes, data and schedule settings, step, RNG seed, optimizer state and parameters.
public struct Checkpoint: Sendable, Equatable {
    /// Format magic, `GSNRPCK` + NUL.
    public static let magic: [UInt8] = Array("GSNRPCK".utf8) + [0]
    /// The format version this build writes and reads.
    public static let version: UInt32 = 1

    /// The trainer state.
    public var trainer: GPTTrainer

    /// A checkpoint of `trainer`.
    public init(_ trainer: GPTTrainer) { self.trainer = trainer }

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool { a.encoded() == b.encoded() }

    /// Canonical bytes: body followed by its Keccak-256 (the content digest).
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Checkpoint.magic)
        w.u32(Checkpoint.version)
        let t = trainer, c = t.model.config
        for v in [c.vocabulary, c.context, c.width, c.heads, c.layers, c.hidden, t.batcher.batchSize, t.stepCount] { w.u64(UInt64(v)) }
        w.u64(t.batcher.seed)
        let o = t.optimizer, s = t.schedule
        for f in [o.beta1, o.beta2, o.eps, o.weightDecay, o.beta1Power, o.beta2Power, s.peak, s.minimum, t.maxGradientNorm ?? -1] { w.f32(f) }
        for v in [o.step, s.warmupSteps, s.totalSteps] { w.u64(UInt64(v)) }
        for set in [t.parameters, o.m, o.v] {
            w.u32(UInt32(set.tensors.count))
            for name in set.names {
                let nameBytes = Array(name.utf8)
                w.u32(UInt32(nameBytes.count))
                w.bytes(nameBytes)
                let body = set[name]!.canonicalBytes
                w.u64(UInt64(body.count))
                w.bytes(body)
            }
        }
        return w.out + Keccak256.hash(w.out)
    }

    /// The content digest (Keccak-256 of the body; the file's last 32 bytes).
    public var digest: [UInt8] { Array(encoded().suffix(32)) }
    /// ``digest`` as lowercase hex.
    public var digestHex: String { Hex.encode(digest) }

    /// Decodes and validates canonical bytes; the training corpus is not stored and is given
    /// again (batches depend only on it, the seed and the step).
    public init(decoding bytes: [UInt8], corpus: [Int]) throws(CheckpointError) {
        guard bytes.count >= Checkpoint.magic.count + 4 + 32 else {
            throw CheckpointError(.truncated, "\(bytes.count) bytes is shorter than any checkpoint")
        }
        guard Array(bytes.prefix(8)) == Checkpoint.magic else { throw CheckpointError(.badMagic, "not a RepOps checkpoint (magic bytes differ)") }
        var r = ByteReader(bytes: bytes, end: bytes.count - 32)
        r.pos = 8
        let version = try r.u32()
        guard version == Checkpoint.version else {
            throw CheckpointError(.unsupportedVersion, "checkpoint version \(version); this build reads version \(Checkpoint.version)")
        }
        guard Keccak256.hash(Array(bytes[0..<(bytes.count - 32)])) == Array(bytes.suffix(32)) else {
            throw CheckpointError(.digestMismatch, "content digest mismatch: the file is corrupted or truncated")
        }
        var ints: [Int] = []
        for _ in 0..<8 { ints.append(try r.int()) }
        let seed = try r.u64()
        var floats: [Float] = []
        for _ in 0..<9 { floats.append(try r.f32()) }
        let adamStep = try r.int(), warmup = try r.int(), total = try r.int()
        var sets: [ParameterSet] = []
        for _ in 0..<3 {
            var set = ParameterSet()
            let n = try r.u32()
            for _ in 0..<n {
                let name = try r.string()
                let body = try r.take(r.int())
                guard set[name] == nil else { throw CheckpointError(.malformed, "tensor \(name) appears twice") }
                set[name] = try Tensor.decodeCanonical(body, name)
            }
            sets.append(set)
        }
        guard r.pos == r.end else { throw CheckpointError(.malformed, "\(r.end - r.pos) unexpected bytes after the tensors") }
        let config = GPTConfig(vocabulary: ints[0], context: ints[1], width: ints[2], heads: ints[3], layers: ints[4], hidden: ints[5])
        // Check the stored tensors against the model's parameter list before building anything,
        // so a hostile header cannot make us allocate more than the file holds.
        let specs: [ParameterSpec]
        do { specs = try GPT(config).parameterSpecs } catch {
            throw CheckpointError(.malformed, "the stored model sizes are invalid: \(error.message)")
        }
        guard ints[6] <= 1 << 16 else { throw CheckpointError(.malformed, "batch size \(ints[6]) is implausible") }
        guard Set(sets[0].names) == Set(specs.map(\.name)), sets[0].tensors.count == specs.count else {
            throw CheckpointError(.shapeMismatch, "parameter names differ from the model's \(specs.count) parameters")
        }
        for spec in specs where sets[0][spec.name]!.shape != spec.shape {
            throw CheckpointError(.shapeMismatch, "parameter \(spec.name) has shape \(sets[0][spec.name]!.shape); the model needs \(spec.shape)")
        }
        for set in sets[1...] {
            for name in set.names where set[name]!.shape != sets[0][name]?.shape {
                throw CheckpointError(.shapeMismatch, "optimizer moment \(name) does not match a parameter's shape")
            }
        }
        var trainer: GPTTrainer
        do {
            trainer = try GPTTrainer(
                config: config, corpus: corpus, seed: seed, batchSize: ints[6],
                schedule: WarmupCosineSchedule(peak: floats[6], minimum: floats[7], warmupSteps: warmup, totalSteps: total),
                optimizer: AdamW(beta1: floats[0], beta2: floats[1], eps: floats[2], weightDecay: floats[3]),
                maxGradientNorm: floats[8] < 0 ? nil : floats[8])
        } catch {
            throw CheckpointError(.malformed, "the stored settings do not make a trainer: \(error.message)")
        }
        trainer.restore(parameters: sets[0], step: ints[7], adamStep: adamStep,
                        powers: (floats[4], floats[5]), moments: (sets[1], sets[2]))
        self.trainer = trainer
    }

    /// Writes the checkpoint atomically: to `path + ".tmp"`, flushed, then renamed over `path`.
    /// A failed save leaves any previous file at `path` untouched.
    public func save(to path: String) throws(CheckpointError) {
        let tmp = path + ".tmp"
        do {
            try Data(encoded()).write(to: URL(fileURLWithPath: tmp))
            let fd = open(tmp, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
        } catch {
            throw CheckpointError(.io, "cannot write \(tmp): \(error.localizedDescription)")
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw CheckpointError(.io, "cannot rename \(tmp) to \(path) (errno \(errno))")
        }
    }

    /// Reads and validates the checkpoint at `path`.
    public static func load(from path: String, corpus: [Int]) throws(CheckpointError) -> Checkpoint {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CheckpointError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        return try Checkpoint(decoding: [UInt8](data), corpus: corpus)
    }
}

extension GPTTrainer {
    mutating func restore(parameters: ParameterSet, step: Int, adamStep: Int, powers: (Float, Float), moments: (ParameterSet, ParameterSet)) {
        self.parameters = parameters
        self.stepCount = step
        optimizer.restore(step: adamStep, powers: powers, m: moments.0, v: moments.1)
    }
}

extension AdamW {
    mutating func restore(step: Int, powers: (Float, Float), m: ParameterSet, v: ParameterSet) {
        self.step = step
        (beta1Power, beta2Power) = powers
        self.m = m
        self.v = v
    }
}

extension Tensor {
    /// Parses ``canonicalBytes`` (float32 only).
    static func decodeCanonical(_ b: [UInt8], _ name: String) throws(CheckpointError) -> Tensor {
        var r = ByteReader(bytes: b, end: b.count)
        guard try r.take(1) == [Tensor.float32Tag] else { throw CheckpointError(.malformed, "tensor \(name) has an unknown dtype tag") }
        let rank = try r.u32()
        guard rank <= 8 else { throw CheckpointError(.malformed, "tensor \(name) has rank \(rank)") }
        var shape: [Int] = []
        for _ in 0..<rank { shape.append(try r.int()) }
        let count: Int
        do { count = try Tensor.elementCount(shape) } catch { throw CheckpointError(.malformed, "tensor \(name): \(error.message)") }
        guard r.end - r.pos == 4 * count else {
            throw CheckpointError(.malformed, "tensor \(name) of shape \(shape) needs \(4 * count) data bytes, has \(r.end - r.pos)")
        }
        var scalars = [Float](repeating: 0, count: count)
        for i in 0..<count { scalars[i] = Float(bitPattern: try r.u32()) }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }
}

struct ByteWriter {
    var out: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { out.append(contentsOf: b) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
}

struct ByteReader {
    let bytes: [UInt8]
    let end: Int
    var pos = 0

    init(bytes: [UInt8], end: Int) {
        self.bytes = bytes
        self.end = end
    }

    mutating func take(_ n: Int) throws(CheckpointError) -> [UInt8] {
        guard n >= 0, n <= end - pos else { throw CheckpointError(.truncated, "the file ends inside a field (needs \(n) bytes at offset \(pos))") }
        defer { pos += n }
        return Array(bytes[pos..<(pos + n)])
    }

    mutating func u32() throws(CheckpointError) -> UInt32 {
        try take(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }

    mutating func u64() throws(CheckpointError) -> UInt64 {
        try take(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    mutating func int() throws(CheckpointError) -> Int {
        let v = try u64()
        guard v <= UInt64(Int32.max) else { throw CheckpointError(.malformed, "value \(v) at offset \(pos - 8) is out of range") }
        return Int(v)
    }

    mutating func f32() throws(CheckpointError) -> Float { Float(bitPattern: try u32()) }

    mutating func string() throws(CheckpointError) -> String {
        let n = Int(try u32())
        let b = try take(n)
        guard let s = String(validating: b, as: UTF8.self) else { throw CheckpointError(.malformed, "a tensor name is not UTF-8") }
        return s
    }
}
