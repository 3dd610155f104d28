import CGensynRepOps
import Testing

/// The C-kernel pattern: a runtime-dispatched AVX2+FMA path and a portable path give the same bits.
@Suite("Kernel dispatch")
struct KernelDispatchTests {
    /// Deterministic pseudo-random floats spanning many magnitudes (including subnormals and −0).
    static func values(_ n: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bits = UInt32(truncatingIfNeeded: state >> 32)
            // Keep finite values only; exponent field 255 would be inf/NaN.
            let exponent = (bits >> 23) & 0xff
            return Float(bitPattern: exponent == 0xff ? bits & 0xbf7f_ffff : bits)
        }
    }

    static func mixed(_ n: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1000
        }
    }

    @Test("portable and AVX2 canonical dot agree bit for bit", arguments: [0, 1, 7, 15, 16, 17, 31, 33, 100, 1000, 4099])
    func dotPathsAgree(n: Int) throws {
        try #require(gensyn_cpu_has_avx2_fma() == 1, "this CPU has no AVX2+FMA; nothing to compare")
        for seed in 1...20 as ClosedRange<UInt64> {
            let a = Self.mixed(n, seed: seed), b = Self.mixed(n, seed: seed &+ 1000)
            let p = gensyn_dot_f32_portable(a, b, n), v = gensyn_dot_f32_avx2(a, b, n)
            #expect(p.bitPattern == v.bitPattern, "n=\(n) seed=\(seed): \(p) vs \(v)")
            let wa = Self.values(n, seed: seed), wb = Self.values(n, seed: seed &+ 7)
            let wp = gensyn_dot_f32_portable(wa, wb, n), wv = gensyn_dot_f32_avx2(wa, wb, n)
            #expect(wp.bitPattern == wv.bitPattern || (wp.isNaN && wv.isNaN), "wide n=\(n) seed=\(seed)")
        }
    }

    @Test("canonical dot follows the documented order: lane i mod 16, then the pairwise tree")
    func documentedOrder() {
        let n = 37
        let a = Self.mixed(n, seed: 42), b = Self.mixed(n, seed: 43)
        var lane = [Float](repeating: 0, count: 16)
        for i in 0..<n { lane[i % 16] = lane[i % 16].addingProduct(a[i], b[i]) }  // fused, like fmaf
        var h = 8
        while h >= 1 { for j in 0..<h { lane[j] = lane[j] + lane[j + h] }; h /= 2 }
        #expect(gensyn_dot_f32_portable(a, b, n).bitPattern == lane[0].bitPattern)
    }

    @Test("the canonical dot is close to a float64 reference")
    func accuracy() {
        let n = 5000
        let a = Self.mixed(n, seed: 5), b = Self.mixed(n, seed: 6)
        let exact = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let scale = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
        let got = Double(gensyn_dot_f32(a, b, n))
        #expect(abs(got - exact) <= scale * 1e-5)
    }

    @Test("ISA selection: names, selecting portable, refusing unknown")
    func selection() {
        let saved = gensyn_isa_active()
        defer { _ = gensyn_isa_select(saved) }
        #expect(String(cString: gensyn_isa_name(GENSYN_ISA_PORTABLE)) == "portable")
        #expect(String(cString: gensyn_isa_name(GENSYN_ISA_AVX2)) == "avx2")
        #expect(gensyn_isa_select(GENSYN_ISA_PORTABLE) == 0)
        #expect(gensyn_isa_active() == GENSYN_ISA_PORTABLE)
        #expect(gensyn_isa_select(gensyn_isa(rawValue: 99)) == -1)
        #expect(gensyn_isa_select(GENSYN_ISA_AVX2) == (gensyn_cpu_has_avx2_fma() == 1 ? 0 : -1))
    }
}
