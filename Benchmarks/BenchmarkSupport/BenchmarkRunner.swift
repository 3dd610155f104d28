/// Runs benchmarks: ours and the baseline alternate sample by sample (the order flips every
/// round), each sample repeats its closure until it lasts at least `minSampleSeconds`, and the
/// reported figure is the median over `samples` samples.
public struct BenchmarkRunner: Sendable {
    public var samples: Int
    public var minSampleSeconds: Double
    /// Called after each benchmark (progress output for long runs).
    public var progress: (@Sendable (BenchmarkResult, Int, Int) -> Void)?
    /// Seconds from a monotonic clock; injectable so the harness itself is testable exactly.
    public var clock: @Sendable () -> Double

    public init(samples: Int = 9, minSampleSeconds: Double = 0.05,
                progress: (@Sendable (BenchmarkResult, Int, Int) -> Void)? = nil,
                clock: @escaping @Sendable () -> Double = monotonicSeconds) {
        self.samples = max(1, samples)
        self.minSampleSeconds = minSampleSeconds
        self.progress = progress
        self.clock = clock
    }

    /// Measures every benchmark in order.
    public func run(_ benchmarks: [Benchmark]) -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []
        for (index, benchmark) in benchmarks.enumerated() {
            let result = run(benchmark)
            results.append(result)
            progress?(result, index + 1, benchmarks.count)
        }
        return results
    }

    /// Measures one benchmark.
    public func run(_ benchmark: Benchmark) -> BenchmarkResult {
        // Warm up both and find how many calls make one sample long enough.
        let oursCalls = callsPerSample(benchmark.ours)
        let baseCalls = callsPerSample(benchmark.baseline)
        var ourTimes: [Double] = []
        var baseTimes: [Double] = []
        for round in 0..<samples {
            if round % 2 == 0 {
                ourTimes.append(time(benchmark.ours, calls: oursCalls))
                baseTimes.append(time(benchmark.baseline, calls: baseCalls))
            } else {
                baseTimes.append(time(benchmark.baseline, calls: baseCalls))
                ourTimes.append(time(benchmark.ours, calls: oursCalls))
            }
        }
        let ours = figure(secondsPerCall: Self.median(ourTimes), benchmark)
        let base = figure(secondsPerCall: Self.median(baseTimes), benchmark)
        let ratio = benchmark.lowerIsBetter ? base / ours : ours / base
        return BenchmarkResult(name: benchmark.name, ours: ours, baseline: base, unit: benchmark.unit, ratio: ratio)
    }

    func figure(secondsPerCall: Double, _ benchmark: Benchmark) -> Double {
        benchmark.lowerIsBetter ? secondsPerCall * benchmark.work : benchmark.work / secondsPerCall
    }

    func callsPerSample(_ body: @Sendable () -> Void) -> Int {
        body()
        var calls = 1
        while true {
            let seconds = time(body, calls: calls) * Double(calls)
            if seconds >= minSampleSeconds || calls >= 1 << 30 { return calls }
            let scale = seconds > 0 ? minSampleSeconds / seconds * 1.2 : 10
            calls = max(calls * 2, min(Int(Double(calls) * scale) + 1, calls * 100))
        }
    }

    /// Seconds per call, over `calls` calls.
    func time(_ body: @Sendable () -> Void, calls: Int) -> Double {
        let start = clock()
        for _ in 0..<calls { body() }
        return (clock() - start) / Double(calls)
    }

    /// Median (mean of the middle two for an even count).
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "median of no values")
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
