import BenchmarkSupport

/// Every RepOps benchmark, run by `gensyn-bench` and by `gensyn-repops bench`.
public enum RepOpsBenchmarks {
    public static func all() -> [Benchmark] {
        KernelBenchmarks.all() + GEMMBenchmarks.all() + MathBenchmarks.all() + TrainingBenchmarks.all()
    }
}
