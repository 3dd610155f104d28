import CGensynRepOps
import RepOps
import Testing

/// Canonical GEMM: the documented fma chain, every path and thread count, against float64.
@Suite("GEMM")
struct GEMMTests {
    /// The specification, literally: C[i][j] = chain of fma over k in order from init.
    static func specGEMM(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, ta: Bool, tb: Bool, bias: [Float]?) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = bias?[j] ?? 0
                for p in 0..<k {
                    let av = ta ? a[p * m + i] : a[i * k + p]
                    let bv = tb ? b[j * k + p] : b[p * n + j]
                    acc = acc.addingProduct(av, bv)  // fused: one rounding, like fma
                }
                c[i * n + j] = acc
            }
        }
        return c
    }

    static func run(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, ta: Bool, tb: Bool, bias: [Float]?, threads: Int32, isa: gensyn_isa) -> [Float] {
        var c = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    gensyn_gemm_f32_ex(
                        ta ? 1 : 0, tb ? 1 : 0, m, n, k, pa.baseAddress, ta ? m : k, pb.baseAddress, tb ? k : n, pc.baseAddress, n,
                        bias == nil ? GENSYN_GEMM_ZERO : GENSYN_GEMM_BIAS, bias, threads, isa)
                }
            }
        }
        return c
    }

    static var isas: [gensyn_isa] { gensyn_cpu_has_avx2_fma() == 1 ? [GENSYN_ISA_PORTABLE, GENSYN_ISA_AVX2] : [GENSYN_ISA_PORTABLE] }

    @Test("random shapes: every ISA and 1, 2, 3, 4, 7 threads give the documented chain's bits", arguments: 0..<12)
    func propertyBitwise(seed: Int) {
        var r = TestRandom(seed: UInt64(seed))
        // Sizes straddling the 6x16 tile and the KC = 256 block of K.
        let m = r.int(1...70), n = r.int(1...70), k = seed % 4 == 3 ? r.int(257...300) : r.int(0...90)
        let ta = r.int(0...1) == 1, tb = r.int(0...1) == 1
        let a = r.floats(m * k, scale: 4), b = r.floats(k * n, scale: 4)
        let bias: [Float]? = seed % 3 == 0 ? r.floats(n) : nil
        let spec = Self.specGEMM(a, b, m: m, n: n, k: k, ta: ta, tb: tb, bias: bias)
        for isa in Self.isas {
            for threads in [1, 2, 3, 4, 7] as [Int32] {
                let got = Self.run(a, b, m: m, n: n, k: k, ta: ta, tb: tb, bias: bias, threads: threads, isa: isa)
                let same = zip(got, spec).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "m=\(m) n=\(n) k=\(k) ta=\(ta) tb=\(tb) isa=\(isa.rawValue) threads=\(threads)")
            }
        }
    }

    @Test("values of every magnitude (subnormals, overflow to inf, NaN from inf − inf): paths agree with the fused chain")
    func wideRange() {
        var state: UInt64 = 12345
        func wide() -> Float {  // random finite bit patterns, exponents spread over the whole range
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bits = UInt32(truncatingIfNeeded: state >> 32)
            return Float(bitPattern: (bits >> 23) & 0xff == 0xff ? bits & 0xbf7f_ffff : bits)
        }
        let (m, n, k) = (9, 21, 7)
        let a = (0..<(m * k)).map { _ in wide() }, b = (0..<(k * n)).map { _ in wide() }
        let spec = Self.specGEMM(a, b, m: m, n: n, k: k, ta: false, tb: false, bias: nil)
        for isa in Self.isas {
            let got = Self.run(a, b, m: m, n: n, k: k, ta: false, tb: false, bias: nil, threads: 1, isa: isa)
            let same = zip(got, spec).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            #expect(same, "isa=\(isa.rawValue)")
        }
        // Small magnitudes only: subnormal products and sums, no overflow.
        let tiny = a.map { Float(sign: $0.sign, exponent: -70 - Int(abs($0.exponent) % 40), significand: $0.significand) }
        let tinySpec = Self.specGEMM(tiny, tiny, m: 9, n: 9, k: 7, ta: false, tb: true, bias: nil)
        for isa in Self.isas {
            let got = Self.run(tiny, tiny, m: 9, n: 9, k: 7, ta: false, tb: true, bias: nil, threads: 1, isa: isa)
            #expect(got.map(\.bitPattern) == tinySpec.map(\.bitPattern), "isa=\(isa.rawValue)")
        }
    }

    @Test("accumulate mode continues the chain: K split in two calls equals one call, bit for bit")
    func accumulateContinuesChain() {
        var r = TestRandom(seed: 5)
        let (m, n, k, k1) = (13, 35, 40, 17)
        let a = r.floats(m * k), b = r.floats(k * n)
        let whole = Self.run(a, b, m: m, n: n, k: k, ta: false, tb: false, bias: nil, threads: 1, isa: GENSYN_ISA_PORTABLE)
        for isa in Self.isas {
            var c = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        gensyn_gemm_f32_ex(0, 0, m, n, k1, pa.baseAddress, k, pb.baseAddress, n, pc.baseAddress, n, GENSYN_GEMM_ZERO, nil, 2, isa)
                        gensyn_gemm_f32_ex(
                            0, 0, m, n, k - k1, pa.baseAddress! + k1, k, pb.baseAddress! + k1 * n, n, pc.baseAddress, n,
                            GENSYN_GEMM_ACCUMULATE, nil, 3, isa)
                    }
                }
            }
            #expect(c.map(\.bitPattern) == whole.map(\.bitPattern), "isa=\(isa.rawValue)")
        }
    }

    @Test("a larger product splits over threads and tiles without changing bits")
    func largerThreaded() {
        var r = TestRandom(seed: 99)
        let (m, n, k) = (131, 97, 140)
        let a = r.floats(m * k), b = r.floats(k * n)
        let reference = Self.run(a, b, m: m, n: n, k: k, ta: false, tb: false, bias: nil, threads: 1, isa: GENSYN_ISA_PORTABLE)
        for isa in Self.isas {
            for threads in [2, 3, 4, 7] as [Int32] {
                let got = Self.run(a, b, m: m, n: n, k: k, ta: false, tb: false, bias: nil, threads: threads, isa: isa)
                #expect(got.map(\.bitPattern) == reference.map(\.bitPattern), "isa=\(isa.rawValue) threads=\(threads)")
            }
        }
    }

    @Test("Tensor.matmul is within K·2⁻²³·Σ|aᵢₖbₖⱼ| of float64, for every transpose combination", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func accuracy(ta: Bool, tb: Bool) throws {
        var r = TestRandom(seed: 7)
        let (m, n, k) = (23, 19, 61)
        let a = r.tensor(ta ? [k, m] : [m, k], scale: 3), b = r.tensor(tb ? [n, k] : [k, n], scale: 3)
        let bias = r.tensor([n])
        let c = try a.matmul(b, transposeSelf: ta, transposeOther: tb, bias: bias)
        #expect(c.shape == [m, n])
        for i in 0..<m {
            for j in 0..<n {
                var exact = Double(bias.scalars[j]), mag = abs(exact)
                for p in 0..<k {
                    let av = Double(ta ? a.scalars[p * m + i] : a.scalars[i * k + p])
                    let bv = Double(tb ? b.scalars[j * k + p] : b.scalars[p * n + j])
                    exact += av * bv
                    mag += abs(av * bv)
                }
                #expect(abs(Double(c.scalars[i * n + j]) - exact) <= Double(k + 1) * 0x1p-23 * mag + 1e-30)
            }
        }
    }

    @Test("batched matmul equals one GEMM per batch; a 2-D right operand is shared")
    func batched() throws {
        var r = TestRandom(seed: 8)
        let a = r.tensor([3, 5, 7]), b = r.tensor([3, 7, 4]), shared = r.tensor([7, 4])
        let c = try a.matmul(b), cs = try a.matmul(shared)
        #expect(c.shape == [3, 5, 4])
        for t in 0..<3 {
            let at = try a.slice(axis: 0, t..<(t + 1)).reshaped([5, 7])
            let bt = try b.slice(axis: 0, t..<(t + 1)).reshaped([7, 4])
            #expect(try at.matmul(bt).scalars == c.slice(axis: 0, t..<(t + 1)).scalars)
            #expect(try at.matmul(shared).scalars == cs.slice(axis: 0, t..<(t + 1)).scalars)
        }
    }

    @Test("K = 0 gives the bias (or +0); an all-zero K chain from +0 stays +0")
    func emptyK() throws {
        let a = try Tensor.zeros([2, 0]), b = try Tensor.zeros([0, 3])
        #expect(try a.matmul(b).scalars == [0, 0, 0, 0, 0, 0])
        #expect(try a.matmul(b, bias: Tensor([1, 2, 3])).scalars == [1, 2, 3, 1, 2, 3])
        #expect(try Tensor.zeros([0, 2, 3]).matmul(Tensor.zeros([0, 3, 4])).shape == [0, 2, 4])
        #expect(try Tensor.zeros([0, 3]).matmul(Tensor.zeros([3, 4])).shape == [0, 4])
        let neg = try Tensor(shape: [1, 1], scalars: [-0.0])
        #expect(try neg.matmul(Tensor(shape: [1, 1], scalars: [1])).scalars[0].bitPattern == 0)  // fma(−0, 1, +0) = +0
    }

    @Test("mismatched GEMM shapes are typed errors")
    func errors() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4, 5])
        expectError(.shapeMismatch) { _ = try a.matmul(b) }
        expectError(.shapeMismatch) { _ = try a.matmul(try Tensor.zeros([3, 5]), bias: try Tensor.zeros([4])) }
        expectError(.shapeMismatch) { _ = try Tensor([1, 2]).matmul(b) }
        expectError(.shapeMismatch) { _ = try Tensor.zeros([2, 3, 4]).matmul(try Tensor.zeros([3, 4, 5])) }
    }
}
