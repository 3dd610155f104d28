import BenchmarkSupport
import CGensynRepOps

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RepOps math (array kernels, runtime-dispatched) against glibc's float functions over the same
/// 4096-element arrays: `exp`/`expf`, `log`/`logf`, `tanh`/`tanhf`, `erf`/`erff`,
/// `sigmoid`/`1/(1+expf(-x))`, `gelu`/`0.5x(1+erff(x/√2))`, `silu`/`x/(1+expf(-x))`.
enum MathBenchmarks {
    static let count = 4096

    static func all() -> [Benchmark] {
        let n = count
        // Active ranges: [-10, 10] (every function non-saturated somewhere), log over (0, 1000].
        let signed = BenchBuffer<Float>(count: n) { Float($0) / Float(n) * 20 - 10 + 0.001 }
        let positive = BenchBuffer<Float>(count: n) { (Float($0) + 0.5) / Float(n) * 1000 }
        let out = BenchBuffer<Float>(count: n) { _ in 0 }
        func bench(
            _ name: String, _ input: BenchBuffer<Float>, _ ours: @escaping @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
            _ baseline: @escaping @Sendable (Float) -> Float
        ) -> Benchmark {
            Benchmark(
                name: name, unit: "Melem/s", work: Double(n) / 1e6,
                ours: {
                    ours(input.pointer, out.pointer, n)
                    blackHole(out.pointer[n - 1])
                },
                baseline: {
                    let x = input.pointer, y = out.pointer
                    for i in 0..<n { y[i] = baseline(x[i]) }
                    blackHole(y[n - 1])
                })
        }
        return [
            bench("exp", signed, { gensyn_exp_f32($0, $1, $2) }, { expf($0) }),
            bench("log", positive, { gensyn_log_f32($0, $1, $2) }, { logf($0) }),
            bench("tanh", signed, { gensyn_tanh_f32($0, $1, $2) }, { tanhf($0) }),
            bench("erf", signed, { gensyn_erf_f32($0, $1, $2) }, { erff($0) }),
            bench("sigmoid", signed, { gensyn_sigmoid_f32($0, $1, $2) }, { 1 / (1 + expf(-$0)) }),
            bench("gelu", signed, { gensyn_gelu_f32($0, $1, $2) }, { 0.5 * $0 * (1 + erff($0 * 0.70710678)) }),
            bench("silu", signed, { gensyn_silu_f32($0, $1, $2) }, { $0 / (1 + expf(-$0)) }),
        ]
    }
}
