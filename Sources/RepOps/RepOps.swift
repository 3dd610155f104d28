import CGensynRepOps

/// Run-time controls shared by every RepOps kernel. They change speed only: results are
/// bitwise identical for every thread count and instruction-set path (`Docs/RepOps.md`).
///
/// Initial values come from the environment: `REPOPS_THREADS=n` (1...64; default: the CPU
/// count) and `REPOPS_ISA=portable|avx2` (default: the best the CPU supports).
public enum RepOps {
    /// An instruction-set path of the C kernels.
    public enum ISA: String, Sendable, CaseIterable {
        /// Plain C, any CPU.
        case portable
        /// AVX2 + FMA (x86-64).
        case avx2

        var c: gensyn_isa { self == .avx2 ? GENSYN_ISA_AVX2 : GENSYN_ISA_PORTABLE }
    }

    /// Threads the kernels use (1...64).
    public static var threads: Int {
        get { Int(gensyn_threads_get()) }
        set { gensyn_threads_set(Int32(clamping: newValue)) }
    }

    /// The path the kernels take now.
    public static var isa: ISA { gensyn_isa_active() == GENSYN_ISA_AVX2 ? .avx2 : .portable }

    /// The fastest path this CPU supports.
    public static var bestISA: ISA { gensyn_isa_best() == GENSYN_ISA_AVX2 ? .avx2 : .portable }

    /// Paths this CPU can run.
    public static var supportedISAs: [ISA] { gensyn_cpu_has_avx2_fma() == 1 ? [.portable, .avx2] : [.portable] }

    /// Selects a path for all kernels.
    public static func select(_ isa: ISA) throws(RepOpsError) {
        guard gensyn_isa_select(isa.c) == 0 else {
            throw RepOpsError(.unsupportedISA, "this CPU cannot run the \(isa.rawValue) path; use one of \(supportedISAs.map(\.rawValue))")
        }
    }

    /// Problems with `REPOPS_ISA` / `REPOPS_THREADS` (ignored values), for tools to report.
    public static var environmentWarnings: [String] {
        var out: [String] = []
        if gensyn_isa_env_invalid() != 0 { out.append("REPOPS_ISA is not portable|avx2 (or not supported here); using portable") }
        if gensyn_threads_env_invalid() != 0 { out.append("REPOPS_THREADS is not an integer in 1...64; using the CPU count") }
        return out
    }
}
