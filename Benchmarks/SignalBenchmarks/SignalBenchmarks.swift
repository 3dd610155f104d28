import BenchmarkSupport
import Signal
import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Signal's store with durability on (every append returns after `fdatasync`), against a plain
/// durable JSON-lines log: the same transitions JSON-encoded, `write` + `fdatasync` on an
/// `O_APPEND` file, no framing, checksums or index. Stores live in a temporary directory on
/// the same disk (`SIGNAL_BENCH_DIR`, default /tmp).
public enum SignalBenchmarks {
    struct EditorState: Codable, Sendable { var file: String; var text: String; var cursor: Int }
    struct Completion: Codable, Sendable { var text: String }
    struct BuildOutcome: Codable, Sendable { var compiles: Bool; var testsPassed: Int }
    typealias EditorRecorder = Recorder<EditorState, Completion, BuildOutcome>

    /// A CodeAssist-like step: a line of code, two suggestions, an accept, a test result.
    static func transition(_ i: Int) -> EditorRecorder.Step {
        let line = "    let total\(i) = items.reduce(0) { $0 + $1.price * Double($1.quantity) }"
        return Transition(
            state: EditorState(file: "Sources/Shop/Cart.swift", text: line, cursor: 24),
            suggestions: [Suggestion(Completion(text: ".rounded()"), score: -0.31), Suggestion(Completion(text: " // total"), score: -1.7)],
            action: Completion(text: ".rounded()"),
            nextState: EditorState(file: "Sources/Shop/Cart.swift", text: line + ".rounded()", cursor: 34),
            outcome: BuildOutcome(compiles: true, testsPassed: 12),
            feedback: [.accepted(0), .rejected(1)], rewards: [AppReward("tests", 1)])
    }

    /// Owns a temporary store directory and a baseline log file; removes them in `deinit`.
    final class Fixture: @unchecked Sendable {
        let dir: String
        let recorder: EditorRecorder
        let baselineFD: Int32
        var baselineBytes = 0

        init(tag: String) {
            let base = getenv("SIGNAL_BENCH_DIR").map { String(cString: $0) } ?? "/tmp"
            var template = Array("\(base)/signal-bench-\(tag)-XXXXXX".utf8CString)
            dir = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
            // Bounded disk use: 64 MiB of segments, oldest deleted first.
            let config = SignalStoreConfiguration(directory: dir + "/store", retention: RetentionPolicy(maxBytes: 64 << 20))
            recorder = try! EditorRecorder(store: SignalStore(config))
            baselineFD = open(dir + "/baseline.jsonl", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            SignalBenchmarks.directories.withLock { $0.append(dir) }
        }

        deinit {
            close(baselineFD)
            _ = system("rm -rf '\(dir)'")
        }

        /// The baseline: append bytes, `fdatasync`; start over past 64 MiB like the store's retention.
        func baselineAppend(_ bytes: [UInt8]) {
            if baselineBytes > 64 << 20 { _ = ftruncate(baselineFD, 0); baselineBytes = 0 }
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { write(baselineFD, $0.baseAddress! + done, bytes.count - done) }
                precondition(n > 0, "baseline write failed")
                done += n
            }
            baselineBytes += bytes.count
            precondition(fdatasync(baselineFD) == 0, "baseline fdatasync failed")
        }
    }

    static func jsonLines(_ steps: [EditorRecorder.Step]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var out: [UInt8] = []
        for s in steps { out += try! encoder.encode(s); out.append(0x0a) }
        return out
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func fmt(_ x: Double) -> String { "\((x * 1000).rounded() / 1000)" }

    /// Temporary directories of fixtures still referenced by benchmark closures.
    static let directories = Mutex<[String]>([])

    /// Removes the benchmark stores (call once the benchmarks have run).
    public static func cleanUp() {
        for dir in directories.withLock({ d in defer { d = [] }; return d }) { _ = system("rm -rf '\(dir)'") }
    }

    public static func all() -> [Benchmark] {
        let batch = 1000
        let steps = (0..<batch).map(transition)
        let batched = Fixture(tag: "batched")
        let single = Fixture(tag: "single")
        let raw = Fixture(tag: "raw")
        let concurrent = Fixture(tag: "async")
        let bodies = steps.map { Array(jsonLines([$0]).dropLast()) }
        let records = bodies.map { NewRecord(episode: EpisodeID(1), body: $0) }
        let rawLines = jsonLines(steps)
        let episode = batched.recorder.newEpisode()
        return [
            // Group commit: 1000 transitions, JSON-encoded, framed, one write + one fdatasync.
            Benchmark(
                name: "signal_batched_1000", unit: "records/s", work: Double(batch),
                ours: { blackHole(try! batched.recorder.record(contentsOf: steps.map { (episode, $0) })) },
                baseline: { batched.baselineAppend(jsonLines(steps)) }),
            // The store alone: the same JSON bodies already encoded; baseline writes those bytes.
            Benchmark(
                name: "signal_store_batched_1000", unit: "records/s", work: Double(batch),
                ours: { blackHole(try! raw.recorder.store.append(contentsOf: records)) },
                baseline: { raw.baselineAppend(rawLines) }),
            // 64 tasks each recording one transition at once (async appends share syncs) vs 64
            // sequential JSON line writes, each with its own fdatasync.
            Benchmark(
                name: "signal_async_64_tasks", unit: "records/s", work: 64,
                ours: {
                    let done = DispatchSemaphore(value: 0)
                    Task {
                        await withTaskGroup(of: Void.self) { group in
                            for i in 0..<64 { group.addTask { _ = try! await concurrent.recorder.record(steps[i], in: episode) } }
                        }
                        done.signal()
                    }
                    done.wait()
                },
                baseline: { for i in 0..<64 { concurrent.baselineAppend(jsonLines([steps[i]])) } }),
            // One acknowledged record: encode, frame, write, fdatasync.
            Benchmark(
                name: "signal_single_ack", unit: "µs/record", work: 1e6, lowerIsBetter: true,
                ours: { blackHole(try! single.recorder.record(steps[7], in: episode)) },
                baseline: { single.baselineAppend(jsonLines([steps[7]])) }),
        ]
    }

    /// Latency percentiles of single acknowledged appends (ours and the baseline interleaved,
    /// `count` each) and bytes per record, as a text table for stderr and as rows.
    public static func latencyReport(count: Int = 2000) -> (text: String, rows: [(name: String, ours: Double, baseline: Double, unit: String)]) {
        let fixture = Fixture(tag: "latency")
        let episode = fixture.recorder.newEpisode()
        let step = transition(7)
        let line = jsonLines([step])
        var ours: [Double] = [], base: [Double] = []
        for i in 0..<count {
            let t0 = monotonicSeconds()
            if i % 2 == 0 {
                _ = try! fixture.recorder.record(step, in: episode)
                let t1 = monotonicSeconds()
                fixture.baselineAppend(line)
                base.append(monotonicSeconds() - t1)
                ours.append(t1 - t0)
            } else {
                fixture.baselineAppend(line)
                let t1 = monotonicSeconds()
                _ = try! fixture.recorder.record(step, in: episode)
                ours.append(monotonicSeconds() - t1)
                base.append(t1 - t0)
            }
        }
        ours.sort(); base.sort()
        // CPU time per record of a batched append (encode + frame + index), immune to other
        // processes competing for the cores: what bounds records/s when the disk is not the limit.
        let steps = (0..<1000).map(transition)
        let items = steps.map { (episode, $0) }
        let records = steps.map { NewRecord(episode: episode, body: Array(jsonLines([$0]).dropLast())) }
        let lines = jsonLines(steps)
        var cpuOurs = Double.infinity, cpuBase = Double.infinity, cpuStore = Double.infinity, cpuRaw = Double.infinity
        for _ in 0..<5 {
            let c = threadCPUSeconds()
            _ = try! fixture.recorder.store.append(contentsOf: records)
            let c3 = threadCPUSeconds()
            fixture.baselineAppend(lines)
            cpuStore = min(cpuStore, (c3 - c) / 1000 * 1e6)
            cpuRaw = min(cpuRaw, (threadCPUSeconds() - c3) / 1000 * 1e6)
            let c0 = threadCPUSeconds()
            _ = try! fixture.recorder.record(contentsOf: items)
            let c1 = threadCPUSeconds()
            fixture.baselineAppend(jsonLines(steps))
            let c2 = threadCPUSeconds()
            cpuOurs = min(cpuOurs, (c1 - c0) / 1000 * 1e6)
            cpuBase = min(cpuBase, (c2 - c1) / 1000 * 1e6)
        }
        func pct(_ v: [Double], _ p: Double) -> Double { v[min(v.count - 1, Int(Double(v.count) * p))] * 1e3 }
        let stats = fixture.recorder.store.statistics()
        let rows: [(String, Double, Double, String)] = [
            ("signal_ack_p50", pct(ours, 0.50), pct(base, 0.50), "ms"),
            ("signal_ack_p99", pct(ours, 0.99), pct(base, 0.99), "ms"),
            ("signal_ack_max", ours.last! * 1e3, base.last! * 1e3, "ms"),
            ("signal_batched_cpu", cpuOurs, cpuBase, "µs CPU/record"),
            ("signal_store_batched_cpu", cpuStore, cpuRaw, "µs CPU/record"),
            ("signal_bytes_per_record", Double(stats.logicalBytes) / Double(max(1, stats.records)), Double(line.count), "bytes"),
        ]
        var text = "Signal single-acknowledged-append latency (\(count) each, interleaved; baseline write+fdatasync of the JSON line):\n"
        for r in rows {
            text += "  \(r.0): ours \(fmt(r.1)) \(r.3), baseline \(fmt(r.2)) \(r.3), ratio \(fmt(r.2 / r.1))\n"
        }
        return (text, rows)
    }
}
