import BenchmarkSupport
import CGensynOpenBLAS
import CGensynRepOps

/// Canonical GEMM (fixed-order fma chains, runtime-dispatched C kernel) against OpenBLAS
/// `cblas_sgemm` (free order), on 1 and 2 threads each. Shapes are M×K×N.
enum GEMMBenchmarks {
    static let shapes: [(name: String, m: Int, k: Int, n: Int)] =
        [256, 384, 512, 1024, 2048].map { ("n\($0)", $0, $0, $0) } + [("512x2048x512", 512, 2048, 512), ("64x4096x1024", 64, 4096, 1024)]

    static func all() -> [Benchmark] {
        shapes.flatMap { s in
            [1, 2].map { threads in
                let a = BenchBuffer<Float>(count: s.m * s.k) { Float($0 % 97) * 0.01 - 0.4 }
                let b = BenchBuffer<Float>(count: s.k * s.n) { Float($0 % 89) * 0.02 - 0.8 }
                let c = BenchBuffer<Float>(count: s.m * s.n) { _ in 0 }
                let (m, n, k) = (s.m, s.n, s.k)
                return Benchmark(
                    name: "gemm_\(s.name)_t\(threads)", unit: "GFLOP/s", work: 2 * Double(m * n * k) / 1e9,
                    ours: {
                        gensyn_gemm_f32_ex(0, 0, m, n, k, a.pointer, k, b.pointer, n, c.pointer, n, GENSYN_GEMM_ZERO, nil, Int32(threads), gensyn_isa_active())
                        blackHole(c.pointer[0])
                    },
                    baseline: {
                        openblas_set_num_threads(Int32(threads))
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a.pointer, Int32(k), b.pointer, Int32(n), 0, c.pointer, Int32(n))
                        blackHole(c.pointer[0])
                    })
            }
        }
    }
}
