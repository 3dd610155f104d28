import CGensynRepOps

/// Deterministic fp32 elementwise math: the same bits on every CPU, SIMD path and platform.
///
/// Each function is built only from correctly rounded IEEE-754 operations (no libm), evaluated
/// in double precision and rounded once, with the rare hard cases near a rounding boundary fixed
/// from a table found by an exhaustive check; see `Docs/RepOps.md`, "Math functions", for the
/// accuracy measured over all 2³² inputs and the special-value rules.
///
/// ```swift
/// let y = RepOpsMath.exp(1)                     // 2.7182817
/// let g = RepOpsMath.apply(.gelu, to: [-1, 0, 1]) // [-0.15865526, 0, 0.8413448]
/// ```
public enum RepOpsMath {
    /// The functions of the library, by their stable names (`gensyn-repops math <name>`).
    public enum Function: String, CaseIterable, Sendable, Hashable {
        /// eˣ.
        case exp
        /// Natural logarithm.
        case log
        /// Hyperbolic tangent.
        case tanh
        /// Error function.
        case erf
        /// 1 / (1 + e⁻ˣ).
        case sigmoid
        /// Square root.
        case sqrt
        /// 1 / √x.
        case rsqrt
        /// x·Φ(x), Φ the standard normal CDF (the exact, erf form of GELU).
        case gelu
        /// x·σ(2·√(2/π)·(x + 0.044715·x³)), equal to 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
        case geluTanh = "gelu_tanh"
        /// x·sigmoid(x).
        case silu
    }

    /// f(x) for one value. Same bits as the array form.
    public static func evaluate(_ function: Function, _ x: Float) -> Float {
        var y: Float = 0
        withUnsafePointer(to: x) { xp in
            withUnsafeMutablePointer(to: &y) { yp in
                kernel(function)(xp, yp, 1)
            }
        }
        return y
    }

    /// f applied to every element of `x`.
    public static func apply(_ function: Function, to x: [Float]) -> [Float] {
        guard !x.isEmpty else { return [] }
        return [Float](unsafeUninitializedCapacity: x.count) { out, count in
            x.withUnsafeBufferPointer { input in
                kernel(function)(input.baseAddress!, out.baseAddress!, x.count)
            }
            count = x.count
        }
    }

    /// f applied in place to every element of `values`.
    public static func applyInPlace(_ function: Function, _ values: inout [Float]) {
        guard !values.isEmpty else { return }
        values.withUnsafeMutableBufferPointer { buffer in
            kernel(function)(buffer.baseAddress!, buffer.baseAddress!, buffer.count)
        }
    }

    /// eˣ, correctly rounded.
    public static func exp(_ x: Float) -> Float { gensyn_expf(x) }
    /// ln x, correctly rounded; −∞ at ±0, NaN below 0.
    public static func log(_ x: Float) -> Float { gensyn_logf(x) }
    /// tanh x.
    public static func tanh(_ x: Float) -> Float { gensyn_tanhf(x) }
    /// erf x.
    public static func erf(_ x: Float) -> Float { gensyn_erff(x) }
    /// 1 / (1 + e⁻ˣ).
    public static func sigmoid(_ x: Float) -> Float { gensyn_sigmoidf(x) }
    /// √x; NaN below 0, −0 at −0.
    public static func sqrt(_ x: Float) -> Float { gensyn_sqrtf(x) }
    /// 1 / √x; +∞ at +0, −∞ at −0, NaN below 0.
    public static func rsqrt(_ x: Float) -> Float { gensyn_rsqrtf(x) }
    /// x·Φ(x) (GELU, erf form).
    public static func gelu(_ x: Float) -> Float { gensyn_geluf(x) }
    /// GELU, tanh form (see ``Function/geluTanh``).
    public static func geluTanh(_ x: Float) -> Float { gensyn_gelu_tanhf(x) }
    /// x·sigmoid(x).
    public static func silu(_ x: Float) -> Float { gensyn_siluf(x) }

    /// eˣ for every element.
    public static func exp(_ x: [Float]) -> [Float] { apply(.exp, to: x) }
    /// ln x for every element.
    public static func log(_ x: [Float]) -> [Float] { apply(.log, to: x) }
    /// tanh x for every element.
    public static func tanh(_ x: [Float]) -> [Float] { apply(.tanh, to: x) }
    /// erf x for every element.
    public static func erf(_ x: [Float]) -> [Float] { apply(.erf, to: x) }
    /// sigmoid for every element.
    public static func sigmoid(_ x: [Float]) -> [Float] { apply(.sigmoid, to: x) }
    /// √x for every element.
    public static func sqrt(_ x: [Float]) -> [Float] { apply(.sqrt, to: x) }
    /// 1/√x for every element.
    public static func rsqrt(_ x: [Float]) -> [Float] { apply(.rsqrt, to: x) }
    /// GELU (erf form) for every element.
    public static func gelu(_ x: [Float]) -> [Float] { apply(.gelu, to: x) }
    /// GELU (tanh form) for every element.
    public static func geluTanh(_ x: [Float]) -> [Float] { apply(.geluTanh, to: x) }
    /// SiLU for every element.
    public static func silu(_ x: [Float]) -> [Float] { apply(.silu, to: x) }

    typealias Kernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

    /// The runtime-dispatched C kernel of `function`.
    static func kernel(_ function: Function) -> Kernel {
        switch function {
        case .exp: gensyn_exp_f32
        case .log: gensyn_log_f32
        case .tanh: gensyn_tanh_f32
        case .erf: gensyn_erf_f32
        case .sigmoid: gensyn_sigmoid_f32
        case .sqrt: gensyn_sqrt_f32
        case .rsqrt: gensyn_rsqrt_f32
        case .gelu: gensyn_gelu_f32
        case .geluTanh: gensyn_gelu_tanh_f32
        case .silu: gensyn_silu_f32
        }
    }
}
