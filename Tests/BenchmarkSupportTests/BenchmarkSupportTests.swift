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

    @Test("a benchmark doing 4× less work than its baseline has a ratio well above 1")
    func ratioDirection() {
        @Sendable func spin(_ n: Int) -> Double {
            var x = 1.0
            for i in 0..<n { x = x * 1.0000001 + Double(i & 1) }
            return x
        }
        let runner = BenchmarkRunner(samples: 5, minSampleSeconds: 0.005)
        let fast = runner.run(Benchmark(name: "t", unit: "ops/s", work: 1,
                                        ours: { blackHole(spin(20_000)) }, baseline: { blackHole(spin(80_000)) }))
        #expect(fast.ratio > 2, "ratio \(fast.ratio)")
        #expect(abs(fast.ratio - fast.ours / fast.baseline) < 1e-12)
        let lower = runner.run(Benchmark(name: "t", unit: "ns/op", work: 1e9, lowerIsBetter: true,
                                         ours: { blackHole(spin(20_000)) }, baseline: { blackHole(spin(80_000)) }))
        #expect(lower.ratio > 2 && lower.ours < lower.baseline, "ratio \(lower.ratio)")
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
