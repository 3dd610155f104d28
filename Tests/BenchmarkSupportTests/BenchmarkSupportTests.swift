import BenchmarkSupport
import Foundation
import Testing

@Suite("Benchmark harness")
struct BenchmarkSupportTests {
    @Test("median of odd and even counts")
    func median() {
        #expect(BenchmarkRunner.median([3, 1, 2]) == 2)
        #expect(BenchmarkRunner.median([4, 1, 3, 2]) == 2.5)
    }

    /// A fake clock: each benchmark closure advances it by a fixed cost, so results are exact.
    final class FakeClock: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0.0
        func read() -> Double { lock.lock(); defer { lock.unlock() }; return now }
        func advance(_ seconds: Double) { lock.lock(); now += seconds; lock.unlock() }
    }

    @Test("ratio direction and figures: ours costs 1 ms, the baseline 4 ms")
    func ratioDirection() {
        let clock = FakeClock()
        let runner = BenchmarkRunner(samples: 5, minSampleSeconds: 0.01, clock: { clock.read() })
        let throughput = runner.run(Benchmark(name: "t", unit: "ops/s", work: 1,
                                              ours: { clock.advance(0.001) }, baseline: { clock.advance(0.004) }))
        #expect(abs(throughput.ours - 1000) < 1e-6 && abs(throughput.baseline - 250) < 1e-6)
        #expect(abs(throughput.ratio - 4) < 1e-9)
        let latency = runner.run(Benchmark(name: "t", unit: "ns/op", work: 1e9, lowerIsBetter: true,
                                           ours: { clock.advance(0.001) }, baseline: { clock.advance(0.004) }))
        #expect(abs(latency.ours - 1e6) < 1e-3 && abs(latency.baseline - 4e6) < 1e-3)
        #expect(abs(latency.ratio - 4) < 1e-9)
    }

    @Test("samples alternate: ours and the baseline run the same number of times")
    func interleaving() {
        let clock = FakeClock()
        let counts = FakeClock()  // reused as a counter: +1 per ours call, +1000 per baseline call
        let runner = BenchmarkRunner(samples: 4, minSampleSeconds: 0.0, clock: { clock.read() })
        _ = runner.run(Benchmark(name: "t", unit: "ops/s", work: 1,
                                 ours: { clock.advance(0.001); counts.advance(1) },
                                 baseline: { clock.advance(0.001); counts.advance(1000) }))
        // Warm-up (1) + sizing (1) + 4 samples of 1 call each, for both.
        #expect(counts.read() == 6 * 1 + 6 * 1000)
    }

    @Test("JSON has the documented keys in order and parses")
    func json() throws {
        let text = BenchmarkReport.json([
            BenchmarkResult(name: "gemm_n1024_t1", ours: 35.5, baseline: 36.8, unit: "GFLOP/s", ratio: 35.5 / 36.8),
            BenchmarkResult(name: "q\"x", ours: 1, baseline: 2, unit: "ns/op", ratio: 2),
        ])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(parsed[0]["name"] as? String == "gemm_n1024_t1")
        #expect(parsed[1]["name"] as? String == "q\"x")
        #expect((parsed[0]["ratio"] as? Double).map { abs($0 - 35.5 / 36.8) < 1e-12 } == true)
        let first = try #require(text.split(separator: "\n").first)
        let order = ["\"name\"", "\"ours\"", "\"baseline\"", "\"unit\"", "\"ratio\""].map { first.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test("table lists every result")
    func table() {
        let t = BenchmarkReport.table([BenchmarkResult(name: "exp", ours: 1234.5, baseline: 1000, unit: "Mop/s", ratio: 1.2345)])
        #expect(t.contains("exp") && t.contains("1235") && t.contains("1.23"))
    }

    @Test("command line: unknown options are refused")
    func commandLine() throws {
        #expect(throws: BenchmarkCommandError.self) { try BenchmarkCommand(arguments: ["--bogus"]) }
        let c = try BenchmarkCommand(arguments: ["--json", "--filter", "gemm", "--out", "/tmp/x.json"])
        #expect(c.json && c.filter == "gemm" && c.outPath == "/tmp/x.json")
    }
}
