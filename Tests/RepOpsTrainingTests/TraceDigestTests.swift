import CGensynKeccak
import CGensynRepOps
import Dispatch
import Foundation
import GensynPrimitives
import GensynTestSupport
@testable import RepOps
import Synchronization
import Testing

/// The multi-lane Keccak paths and the tree-shaped trace digest (Docs/RepOps.md, "Traces").
@Suite("RepOps trace digests")
struct TraceDigestTests {
    static let paths: [Int32] = [GENSYN_KECCAK_MULTI_PORTABLE.rawValue, GENSYN_KECCAK_MULTI_AVX2.rawValue, GENSYN_KECCAK_MULTI_AVX512.rawValue]

    static func single(_ bytes: ArraySlice<UInt8>) -> [UInt8] { Keccak256.hash(Array(bytes)) }

    /// Every path's digest of each strided message equals the single-stream Keccak-256 of it:
    /// lengths around the 136-byte rate, 0…19 messages (full groups, partial groups, one alone),
    /// overlapping and gapped strides, unaligned starts.
    @Test(arguments: paths) func multiLaneEqualsSingleStream(path: Int32) throws {
        guard gensyn_keccak_multi_has_path(path) == 1 else { return }
        var rng = SeededRandom(seed: 0x4B45_4343 &+ UInt64(path))
        let data = rng.bytes(40_000)
        var cases = 0
        for round in 0..<400 {
            let length = [0, 1, 135, 136, 137, 271, 272, 8192][round % 8] &+ (round < 8 ? 0 : Int.random(in: 0..<300, using: &rng))
            let count = Int.random(in: 0...19, using: &rng)
            let stride = max(1, length + Int.random(in: -20...40, using: &rng))
            let start = Int.random(in: 0..<8, using: &rng)
            guard start + (count > 0 ? (count - 1) * stride + length : 0) <= data.count else { continue }
            var out = [UInt8](repeating: 0, count: 32 * count)
            let rc = data.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { gensyn_keccak256_strided(d.baseAddress! + start, stride, length, count, $0.baseAddress, Int32(path)) }
            }
            #expect(rc == 0)
            for i in 0..<count {
                let from = start + i * stride
                #expect(Array(out[32 * i..<32 * i + 32]) == Self.single(data[from..<from + length]), "path \(path) length \(length) count \(count) message \(i)")
            }
            cases += 1
        }
        #expect(cases > 300)
    }

    @Test func anUnsupportedPathIsRefused() {
        var out = [UInt8](repeating: 7, count: 32)
        #expect(gensyn_keccak256_strided([1, 2, 3], 3, 3, 1, &out, 9) == -1)
        #expect(out == [UInt8](repeating: 7, count: 32))
        #expect(gensyn_keccak_multi_has_path(GENSYN_KECCAK_MULTI_BEST.rawValue) == 1)
    }

    /// A tensor of `count` random floats; NaNs with assorted payloads when `nans`.
    static func tensor(_ shape: [Int], seed: UInt64, nans: Bool) throws -> Tensor {
        var rng = SeededRandom(seed: seed)
        let n = shape.reduce(1, *)
        let scalars = (0..<n).map { i -> Float in
            if nans && i % 977 == 5 { return Float(bitPattern: 0x7F80_0001 | UInt32.random(in: 0...0x807F_FFFF, using: &rng)) }
            return Float.random(in: -4...4, using: &rng)
        }
        return try Tensor(shape: shape, scalars: scalars)
    }

    static let shapes: [[Int]] = [[1], [2048], [2049], [4096], [8, 2048], [9, 2048], [33, 1000], [17, 2048 + 3], [3, 5, 7, 131]]

    /// Chunk digests are the same bits for every path and thread count, with or without NaNs,
    /// and equal Keccak-256 of each 8 KiB piece of the canonical bytes.
    @Test(arguments: shapes) func chunkDigestsAgreeOnEveryPathAndThreadCount(shape: [Int]) throws {
        for nans in [false, true] {
            let t = try Self.tensor(shape, seed: UInt64(shape.reduce(1, *)), nans: nans)
            let reference = t.singleStreamChunkDigests()
            #expect(reference.count == 32 * ((t.count * 4 + 8191) / 8192))
            for path in Self.paths where gensyn_keccak_multi_has_path(path) == 1 {
                for threads: Int32 in [1, 2, 3] {
                    #expect(t.traceChunkDigests(path: path, threads: threads) == reference, "shape \(shape) path \(path) threads \(threads) nans \(nans)")
                }
            }
        }
    }

    @Test func aBadChunkSizeIsRefused() {
        var out = [UInt8](repeating: 0, count: 64)
        #expect(gensyn_trace_chunk_digests_f32([1, 2], 2, 6, &out, 1, -1) == -1)
        #expect(gensyn_trace_chunk_digests_f32([1, 2], 2, 0, &out, 1, -1) == -1)
    }

    /// The trace digest against an independent implementation (pycryptodome's Keccak in the test
    /// venv) of the definition in Docs/RepOps.md: plain digest up to 8 KiB, tree above.
    @Test func traceDigestMatchesThePythonReference() throws {
        let tensors = try [
            Self.tensor([3, 4], seed: 1, nans: false), Self.tensor([2048], seed: 2, nans: true),
            Self.tensor([2049], seed: 3, nans: false), Self.tensor([64, 300], seed: 4, nans: true),
            Self.tensor([2, 3, 4096], seed: 5, nans: false), Tensor(scalar: 1.5),
        ]
        let input = tensors.map { t in
            let bytes = t.scalars.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
            return "\(t.shape.isEmpty ? "-" : t.shape.map(String.init).joined(separator: ",")) \(Hex.encode(bytes))"
        }.joined(separator: "\n")
        let out = try PythonOracle.run("""
            import sys, struct
            from Crypto.Hash import keccak
            def k(b):
                h = keccak.new(digest_bits=256); h.update(b); return h.digest()
            for line in sys.stdin.read().split("\\n"):
                dims, data = line.split()
                shape = [] if dims == "-" else [int(d) for d in dims.split(",")]
                words = struct.unpack("<%dI" % (len(data) // 8), bytes.fromhex(data))
                s = struct.pack("<%dI" % len(words), *[0x7FC00000 if (w & 0x7FFFFFFF) > 0x7F800000 else w for w in words])
                h = bytes([1]) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
                if len(s) <= 8192:
                    print(k(h + s).hex())
                else:
                    leaves = b"".join(k(s[i:i + 8192]) for i in range(0, len(s), 8192))
                    print(k(b"gensyn.repops.trace-tree.v1" + h + struct.pack("<I", 8192) + leaves).hex())
            """, input: input)
        let expected = out.split(separator: "\n").map(String.init)
        #expect(expected == tensors.map { Hex.encode($0.traceDigest) })
        // Small tensors keep the plain digest; large ones do not.
        #expect(tensors[0].traceDigest == tensors[0].digest && tensors[1].traceDigest == tensors[1].digest)
        #expect(tensors[2].traceDigest != tensors[2].digest)
    }

    @Test func theShapeIsPartOfATreeDigest() throws {
        let t = try Self.tensor([64, 64], seed: 9, nans: false)
        let r = try t.reshaped([32, 128])
        #expect(t.traceDigest != r.traceDigest)
        #expect(t.traceChunkDigests() == r.traceChunkDigests())
    }

    /// A traced step of a GPT wide enough for tree digests: every record's digest (some reused
    /// from shared storage by the tape) equals a fresh ``Tensor/traceDigest`` of its output, and
    /// every op replays to it.
    @Test func tracedRecordsWithTreeDigestsReplay() throws {
        let model = try GPT(GPTConfig(vocabulary: 64, context: 16, width: 64, heads: 2, layers: 1))
        let params = try model.initialParameters(seed: 3)
        let tokens = ByteTokenizer().encode(TinyCorpus.text).map { $0 % 64 }
        let batch = try TokenBatcher(tokens: tokens, batchSize: 4, context: 16, seed: 3).batch(step: 0)
        let buffer = TraceBuffer()
        let tape = Tape(traceSink: buffer)
        params.register(on: tape)
        _ = try tape.gradients(of: model.loss(tape, inputs: batch.inputs, targets: batch.targets))
        let records = buffer.records
        #expect(records.filter { $0.output.count > 2048 }.count > 20)
        #expect(records.contains { $0.kind == "reshape" && $0.output.count > 2048 })
        for r in records {
            #expect(r.outputDigest == r.output.traceDigest, "record \(r)")
            guard !r.inputs.isEmpty else { continue }
            let values = try r.inputs.map { input throws -> Tensor in
                switch input {
                case let .named(name): return try #require(params[name])
                case let .op(i): return records[i].output
                }
            }
            #expect(try r.reexecute(values).traceDigest == r.outputDigest, "record \(r)")
        }
    }

    /// Counts deliveries and checks they come in index order.
    final class OrderedSink: TraceSink {
        var records: [TraceRecord] = []
        var inOrder = true
        func record(_ record: TraceRecord) {
            if record.index != records.count { inOrder = false }
            records.append(record)
        }
    }

    /// Digests hashed in the background (a training step, and a tape used directly) give the
    /// very records of the inline path, delivered in index order; ``Tape/flushTrace()`` delivers
    /// whatever is still pending, and nothing is delivered twice.
    @Test func backgroundDigestsEqualInlineDigests() throws {
        let config = GPTConfig(vocabulary: 64, context: 16, width: 64, heads: 2, layers: 2)
        let tokens = ByteTokenizer().encode(TinyCorpus.text).map { $0 % 64 }
        var inline = try GPTTrainer(config: config, corpus: tokens, seed: 5, batchSize: 4, maxGradientNorm: 0.1)
        var background = inline
        let a = OrderedSink(), b = OrderedSink()
        try inline.step(traceSink: a, digestsInBackground: false)
        try background.step(traceSink: b)
        #expect(a.records.count > 100)
        #expect(a.records.filter { $0.output.count > 2048 }.count > 20)
        #expect(b.inOrder)
        #expect(b.records.map(\.index) == a.records.map(\.index))
        #expect(b.records.map(\.kind) == a.records.map(\.kind))
        #expect(b.records.map(\.outputDigest) == a.records.map(\.outputDigest))
        #expect(inline.parameters == background.parameters)

        let params = background.parameters
        let batch = try TokenBatcher(tokens: tokens, batchSize: 4, context: 16, seed: 5).batch(step: 0)
        let sink = OrderedSink()
        let tape = Tape(traceSink: sink, digestsInBackground: true)
        params.register(on: tape)
        _ = try tape.gradients(of: GPT(config).loss(tape, inputs: batch.inputs, targets: batch.targets))
        tape.flushTrace()
        let delivered = sink.records.count
        tape.flushTrace()
        #expect(sink.records.count == delivered)
        #expect(sink.inOrder && delivered > 50)
        for r in sink.records { #expect(r.outputDigest == r.output.traceDigest, "record \(r)") }
    }

    /// The background thread runs at the lowest priority, so a loaded machine may leave it
    /// stalled mid-output: waiting for all digests then hashes the queue and recomputes the stalled
    /// output rather than wait for it. Every digest is still the inline one, and the late result
    /// of the stalled thread is dropped (not delivered, not kept).
    @Test func waitingTakesOverAStalledBackgroundHash() throws {
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let first = Mutex(true)
        let digester = TraceDigester(workerWillHash: { _ in
            guard first.withLock({ f in defer { f = false }; return f }) else { return }
            started.signal()
            release.wait()
        })
        let tensors = try (0..<5).map { i in try TraceDigestTests.tensor([3 + i, 1500 + 700 * i], seed: UInt64(40 + i), nans: i == 2) }
        digester.submit(0, tensors[0])
        started.wait() // the background thread holds output 0
        for i in 1..<5 { digester.submit(i, tensors[i]) }
        digester.waitForAll()
        for i in 0..<5 { #expect(digester.take(i) == tensors[i].traceDigest, "output \(i)") }
        release.signal()
        let deadline = ContinuousClock.now + .seconds(30)
        while digester.workerRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
        #expect(!digester.workerRunning)
        #expect(digester.take(0) == nil)
    }
}
