import Foundation
import GensynPrimitives
import RepOps
import Testing

@Suite("RepOps trace files")
struct TraceFileTests {
    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("repops-\(name)-\(UInt64.random(in: 0...UInt64.max)).trace").path
    }

    /// Two traced steps of the tiny GPT trainer streamed to a file.
    static func tracedFile() throws -> (path: String, buffers: [TraceBuffer]) {
        var trainer = try GPTTrainer(
            config: GPTConfig(vocabulary: 256, context: 8, width: 8, heads: 2, layers: 1),
            corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 2, batchSize: 2)
        let path = tempPath("steps")
        let writer = try TraceFileWriter(path: path)
        var buffers: [TraceBuffer] = []
        for step in 0..<2 {
            let buffer = TraceBuffer()
            writer.step = step
            try trainer.step(traceSink: Tee(sinks: [writer, buffer]))
            buffers.append(buffer)
        }
        #expect(!FileManager.default.fileExists(atPath: path), "nothing at the final path before finish()")
        try writer.finish()
        return (path, buffers)
    }

    /// Forwards each record to several sinks.
    final class Tee: TraceSink {
        let sinks: [any TraceSink]
        init(sinks: [any TraceSink]) { self.sinks = sinks }
        func record(_ record: TraceRecord) { for s in sinks { s.record(record) } }
    }

    @Test func aStreamedTraceReadsBackRecordForRecord() throws {
        let (path, buffers) = try Self.tracedFile()
        defer { unlink(path) }
        let records = try TraceFile.read(path: path)
        let expected = buffers.enumerated().flatMap { step, b in b.records.map { TraceFileRecord(step: step, $0) } }
        #expect(records.count > 100)
        #expect(records == expected)
        #expect(records.contains { $0.inputs.contains { if case .named = $0 { true } else { false } } })
        #expect(try TraceFile.decode(TraceFile.encode(records)) == records)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == TraceFile.encode(records))
    }

    static func sample() -> [UInt8] {
        TraceFile.encode([
            TraceFileRecord(step: 3, index: 0, kind: "leaf", attributes: "", inputs: [], outputShape: [2, 2], outputDigest: Keccak256.hash([1])),
            TraceFileRecord(step: 3, index: 1, kind: "matmul", attributes: "transposeA=false", inputs: [.op(0), .named("w")],
                            outputShape: [2, 3], outputDigest: Keccak256.hash([2])),
        ])
    }

    static func code(_ bytes: [UInt8]) -> TraceFileError.Code? {
        do { _ = try TraceFile.decode(bytes); return nil } catch { return error.code }
    }

    @Test func everyTruncationIsATypedError() {
        let good = Self.sample()
        for n in 0..<good.count {
            let c = Self.code(Array(good.prefix(n)))
            #expect(c == (n < 8 ? .badMagic : .truncated), "prefix \(n)")
        }
    }

    @Test func everyFlippedByteIsDetected() {
        let good = Self.sample()
        for i in 0..<good.count {
            var bad = good
            bad[i] ^= 0x40
            #expect(Self.code(bad) != nil, "byte \(i)")
        }
        var version = good
        version[8] = 2
        #expect(Self.code(version) == .unsupportedVersion)
        var payload = good
        payload[12 + 4 + 20] ^= 1   // inside the first record's payload
        #expect(Self.code(payload) == .checksumMismatch)
        #expect(Self.code(good + [0]) == .truncated || Self.code(good + [0]) == .malformed)
        #expect(Self.code(good) == nil)
    }

    @Test func unreadableFilesAreIOErrors() {
        #expect(throws: TraceFileError.self) { try TraceFile.read(path: "/nonexistent/x.trace") }
        #expect(throws: TraceFileError.self) { try TraceFileWriter(path: "/nonexistent/dir/x.trace") }
    }
}
