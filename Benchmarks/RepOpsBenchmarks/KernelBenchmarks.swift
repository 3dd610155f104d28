import BenchmarkSupport
import CGensynOpenBLAS
import CGensynRepOps

/// The kernel pattern's own benchmark: canonical fixed-order dot product (runtime-dispatched
/// C kernel) against OpenBLAS `cblas_sdot` (free order).
enum KernelBenchmarks {
    static func all() -> [Benchmark] {
        [4096, 1 << 20].map { n in
            let a = BenchBuffer<Float>(count: n) { Float($0 % 97) * 0.01 }
            let b = BenchBuffer<Float>(count: n) { Float($0 % 89) * -0.02 }
            return Benchmark(
                name: "dot_n\(n)", unit: "GFLOP/s", work: 2 * Double(n) / 1e9,
                ours: { blackHole(gensyn_dot_f32(a.pointer, b.pointer, n)) },
                baseline: { blackHole(cblas_sdot(Int32(n), a.pointer, 1, b.pointer, 1)) })
        }
    }
}
