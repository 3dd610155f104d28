import Foundation
import GensynPrimitives

/// Why a trace file could not be read or written. `code` is stable; `message` says what to do.
public struct TraceFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The file ends inside a frame, or without its end frame (the writer did not finish).
        public static let truncated = Code(name: "truncated")
        /// Not a RepOps trace file (wrong magic bytes).
        public static let badMagic = Code(name: "badMagic")
        /// A format version this build cannot read.
        public static let unsupportedVersion = Code(name: "unsupportedVersion")
        /// A frame's checksum does not match its payload: the file is corrupted.
        public static let checksumMismatch = Code(name: "checksumMismatch")
        /// A field holds an impossible value (unknown frame type, bad length, wrong record count…).
        public static let malformed = Code(name: "malformed")
        /// Opening, writing or renaming the file failed.
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

/// A trace record as stored in a trace file: everything but the tensor value.
public struct TraceFileRecord: Sendable, Equatable, CustomStringConvertible {
    /// The training step the record belongs to (``TraceFileWriter/step``).
    public var step: Int
    /// ``TraceRecord/index`` (restarts at 0 every step).
    public var index: Int
    /// ``TraceRecord/kind``.
    public var kind: String
    /// ``TraceRecord/attributes``.
    public var attributes: String
    /// ``TraceRecord/inputs``.
    public var inputs: [TraceInput]
    /// ``TraceRecord/outputShape``.
    public var outputShape: [Int]
    /// ``TraceRecord/outputDigest`` (32 bytes, ``Tensor/traceDigest``).
    public var outputDigest: [UInt8]

    /// A record with the given fields.
    public init(step: Int, index: Int, kind: String, attributes: String, inputs: [TraceInput], outputShape: [Int], outputDigest: [UInt8]) {
        self.step = step
        self.index = index
        self.kind = kind
        self.attributes = attributes
        self.inputs = inputs
        self.outputShape = outputShape
        self.outputDigest = outputDigest
    }

    /// The stored form of `record`, traced in `step`.
    public init(step: Int, _ record: TraceRecord) {
        self.init(step: step, index: record.index, kind: record.kind, attributes: record.attributes,
                  inputs: record.inputs, outputShape: record.outputShape, outputDigest: record.outputDigest)
    }

    public var description: String {
        "step \(step) #\(index) \(kind)(\(inputs.map(\.description).joined(separator: ", ")))"
            + "\(attributes.isEmpty ? "" : " [\(attributes)]") → \(outputShape) \(Hex.encode(outputDigest))"
    }
}

/// The RepOps trace file format, version 1 (Docs/RepOps.md, "Trace files").
///
/// `"GSNTRACE"` (8 bytes), version (u32 LE), then frames: payload length n (u32 LE), payload
/// (n bytes), checksum (the first 8 bytes of Keccak-256 of the payload). A payload is a type byte
/// and its fields: `1` a record — step, index (u64 LE each), kind, attributes (u32 LE length +
/// UTF-8 each), input count (u32 LE) and per input `0` + record index (u64 LE) or `1` + name,
/// rank (u32 LE) and dims (u64 LE each), digest (32 bytes); `2` the end — record count (u64 LE).
/// A file ends with exactly one end frame; one without it was not finished.
///
/// ```swift
/// let writer = try TraceFileWriter(path: "step.trace")
/// try trainer.step(traceSink: writer)
/// try writer.finish()
/// let records = try TraceFile.read(path: "step.trace")
/// ```
public enum TraceFile {
    /// Format magic.
    public static let magic: [UInt8] = Array("GSNTRACE".utf8)
    /// The format version this build writes and reads.
    public static let version: UInt32 = 1
    /// Largest payload a reader accepts (a guard against absurd lengths in corrupted files).
    public static let maxPayloadBytes = 1 << 26

    static let recordType: UInt8 = 1, endType: UInt8 = 2

    /// Magic and version.
    static var header: [UInt8] {
        var w = ByteWriter()
        w.bytes(magic)
        w.u32(version)
        return w.out
    }

    /// One frame around `payload`.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(payload.count))
        w.bytes(payload)
        w.bytes(Array(Keccak256.hash(payload).prefix(8)))
        return w.out
    }

    static func payload(_ r: TraceFileRecord) -> [UInt8] {
        var w = ByteWriter()
        func string(_ s: String) {
            w.u32(UInt32(s.utf8.count))
            w.bytes(Array(s.utf8))
        }
        w.bytes([recordType])
        w.u64(UInt64(r.step))
        w.u64(UInt64(r.index))
        string(r.kind)
        string(r.attributes)
        w.u32(UInt32(r.inputs.count))
        for input in r.inputs {
            switch input {
            case let .op(i): w.bytes([0]); w.u64(UInt64(i))
            case let .named(n): w.bytes([1]); string(n)
            }
        }
        w.u32(UInt32(r.outputShape.count))
        for d in r.outputShape { w.u64(UInt64(d)) }
        w.bytes(r.outputDigest)
        return w.out
    }

    static func endPayload(count: Int) -> [UInt8] {
        var w = ByteWriter()
        w.bytes([endType])
        w.u64(UInt64(count))
        return w.out
    }

    /// A whole trace file holding `records`.
    public static func encode(_ records: [TraceFileRecord]) -> [UInt8] {
        var out = header
        for r in records { out += frame(payload(r)) }
        return out + frame(endPayload(count: records.count))
    }

    /// The records of a trace file; every frame's checksum and the end frame are checked.
    public static func decode(_ bytes: [UInt8]) throws(TraceFileError) -> [TraceFileRecord] {
        do {
            return try decodeFrames(bytes)
        } catch let error as TraceFileError {
            throw error
        } catch let error as CheckpointError {
            // Field readers are shared with checkpoints.
            throw TraceFileError(error.code == .truncated ? .truncated : .malformed, error.message)
        } catch {
            throw TraceFileError(.malformed, "\(error)")
        }
    }

    /// Reads and decodes the trace file at `path`.
    public static func read(path: String) throws(TraceFileError) -> [TraceFileRecord] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TraceFileError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        return try decode([UInt8](data))
    }

    private static func decodeFrames(_ bytes: [UInt8]) throws -> [TraceFileRecord] {
        var r = ByteReader(bytes: bytes, end: bytes.count)
        guard bytes.count >= magic.count, try r.take(magic.count) == magic else {
            throw TraceFileError(.badMagic, "not a RepOps trace file (it does not start with GSNTRACE)")
        }
        guard bytes.count >= 12 else { throw TraceFileError(.truncated, "the file ends inside its header") }
        let v = try r.u32()
        guard v == version else {
            throw TraceFileError(.unsupportedVersion, "trace format version \(v); this build reads version \(version)")
        }
        var records: [TraceFileRecord] = []
        while r.pos < r.end {
            let start = r.pos
            guard r.end - r.pos >= 4 else { throw TraceFileError(.truncated, "the file ends inside the frame at offset \(start)") }
            let n = Int(try r.u32())
            guard n >= 1, n <= maxPayloadBytes else { throw TraceFileError(.malformed, "frame at offset \(start) announces \(n) payload bytes") }
            guard r.end - r.pos >= n + 8 else {
                throw TraceFileError(.truncated, "the file ends inside the frame at offset \(start) (after \(records.count) records)")
            }
            let payload = try r.take(n)
            guard try r.take(8) == Array(Keccak256.hash(payload).prefix(8)) else {
                throw TraceFileError(.checksumMismatch, "frame at offset \(start) (after \(records.count) records) is corrupted: its checksum does not match")
            }
            var p = ByteReader(bytes: payload, end: payload.count)
            switch try p.take(1)[0] {
            case recordType:
                records.append(try decodeRecord(&p))
            case endType:
                let count = try p.int()
                guard count == records.count else {
                    throw TraceFileError(.malformed, "the end frame counts \(count) records; the file has \(records.count)")
                }
                guard p.pos == p.end, r.pos == r.end else { throw TraceFileError(.malformed, "bytes follow the end frame at offset \(start)") }
                return records
            case let t:
                throw TraceFileError(.malformed, "frame at offset \(start) has unknown type \(t)")
            }
            guard p.pos == p.end else { throw TraceFileError(.malformed, "frame at offset \(start) has \(p.end - p.pos) trailing bytes") }
        }
        throw TraceFileError(.truncated, "the file ends after \(records.count) records without its end frame (the writer did not finish)")
    }

    private static func decodeRecord(_ p: inout ByteReader) throws -> TraceFileRecord {
        let step = try p.int(), index = try p.int()
        let kind = try p.string(), attributes = try p.string()
        let inputCount = Int(try p.u32())
        guard inputCount <= p.end - p.pos else { throw TraceFileError(.malformed, "a record announces \(inputCount) inputs") }
        var inputs: [TraceInput] = []
        for _ in 0..<inputCount {
            switch try p.take(1)[0] {
            case 0: inputs.append(.op(try p.int()))
            case 1: inputs.append(.named(try p.string()))
            case let t: throw TraceFileError(.malformed, "record #\(index) has an input of unknown type \(t)")
            }
        }
        let rank = Int(try p.u32())
        guard rank <= 8 else { throw TraceFileError(.malformed, "record #\(index) has rank \(rank)") }
        var shape: [Int] = []
        for _ in 0..<rank { shape.append(try p.int()) }
        let digest = try p.take(32)
        return TraceFileRecord(step: step, index: index, kind: kind, attributes: attributes, inputs: inputs, outputShape: shape, outputDigest: digest)
    }
}

/// A ``TraceSink`` that streams records (without tensor values) to a trace file.
///
/// Records go to `path + ".tmp"` as they arrive; ``finish()`` writes the end frame, flushes and
/// renames the file to `path`, so `path` only ever holds a complete trace. ``step`` is stamped on
/// every following record (set it before each traced training step).
public final class TraceFileWriter: TraceSink {
    /// Step number stamped on the records that follow.
    public var step = 0
    /// Records written so far.
    public private(set) var count = 0
    /// Where ``finish()`` puts the trace.
    public let path: String
    let tmp: String
    private var file: UnsafeMutablePointer<FILE>?
    private var failure: TraceFileError?

    /// Starts a trace file at `path` (written to `path + ".tmp"` until ``finish()``).
    public init(path: String) throws(TraceFileError) {
        self.path = path
        tmp = path + ".tmp"
        guard let f = fopen(tmp, "wb") else {
            throw TraceFileError(.io, "cannot create \(tmp): \(String(cString: strerror(errno)))")
        }
        file = f
        write(TraceFile.header)
    }

    deinit {
        if let file { fclose(file) }
    }

    private func write(_ bytes: [UInt8]) {
        guard failure == nil, let file else { return }
        if fwrite(bytes, 1, bytes.count, file) != bytes.count {
            failure = TraceFileError(.io, "cannot write \(tmp): \(String(cString: strerror(errno)))")
        }
    }

    public func record(_ record: TraceRecord) {
        write(TraceFile.frame(TraceFile.payload(TraceFileRecord(step: step, record))))
        count += 1
    }

    /// Writes the end frame, flushes to disk and renames the file to `path`. Reports the first
    /// write error, if any (the partial `.tmp` file is then left for inspection).
    public func finish() throws(TraceFileError) {
        guard let f = file else { throw TraceFileError(.io, "the trace \(path) is already finished") }
        write(TraceFile.frame(TraceFile.endPayload(count: count)))
        if failure == nil && (fflush(f) != 0 || fsync(fileno(f)) != 0) {
            failure = TraceFileError(.io, "cannot flush \(tmp): \(String(cString: strerror(errno)))")
        }
        fclose(f)
        file = nil
        if let failure { throw failure }
        guard rename(tmp, path) == 0 else {
            throw TraceFileError(.io, "cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
