import Foundation
import RepOps
import Testing

/// Broadcasting arithmetic, activations and the special-value rules.
@Suite("Elementwise")
struct ElementwiseTests {
    @Test("broadcast add/sub/mul/div: each element is one IEEE operation on the broadcast operands")
    func broadcasting() throws {
        var r = TestRandom(seed: 21)
        let a = r.tensor([4, 1, 3]), b = r.tensor([5, 1])
        let sum = try a.adding(b), diff = try a.subtracting(b), prod = try a.multiplying(b), quot = try a.dividing(b)
        #expect(sum.shape == [4, 5, 3])
        for i in 0..<4 {
            for j in 0..<5 {
                for k in 0..<3 {
                    let x = a.scalars[i * 3 + k], y = b.scalars[j], o = (i * 5 + j) * 3 + k
                    #expect(sum.scalars[o] == x + y && diff.scalars[o] == x - y)
                    #expect(prod.scalars[o] == x * y && quot.scalars[o].bitPattern == (x / y).bitPattern)
                }
            }
        }
        #expect(try a.adding(Tensor(scalar: 2)).scalars == a.scalars.map { $0 + 2 })
        expectError(.shapeMismatch) { _ = try a.adding(Tensor.zeros([2, 2])) }
    }

    /// Tolerance: 4 ulp + 1e-7 absolute; the GELU forms add 0.5·|x|·2⁻²¹ for the documented
    /// `1 + t` step, which cancels for negative x (t ≈ −1 carries an absolute error of an ulp of 1).
    @Test("activations match float64 within the stated tolerance")
    func activations() {
        var r = TestRandom(seed: 22)
        let x = Tensor(r.floats(2000, scale: 8))
        let checks: [(String, Tensor, (Double) -> Double)] = [
            ("sigmoid", x.sigmoid(), { 1 / (1 + Foundation.exp(-$0)) }),
            ("tanh", x.tanh(), { Foundation.tanh($0) }),
            ("silu", x.silu(), { $0 / (1 + Foundation.exp(-$0)) }),
            ("gelu", x.gelu(), { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
            ("gelu_tanh", x.geluTanh(), { 0.5 * $0 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }),
            ("exp", x.exp(), { Foundation.exp($0) }),
            ("erf", x.erf(), { Foundation.erf($0) }),
        ]
        for (name, got, reference) in checks {
            for (i, v) in x.scalars.enumerated() {
                let exact = reference(Double(v))
                let cancellation = name.hasPrefix("gelu") ? 0.5 * abs(Double(v)) * 0x1p-21 : 0
                #expect(abs(Double(got.scalars[i]) - exact) <= 4 * ulp(exact) + 1e-7 + cancellation, "\(name)(\(v)) = \(got.scalars[i]), exact \(exact)")
            }
        }
        let positive = Tensor(r.floats(500, scale: 100).map { abs($0) + 1e-3 })
        for (i, v) in positive.log().scalars.enumerated() {
            let exact = Foundation.log(Double(positive.scalars[i]))
            #expect(abs(Double(v) - exact) <= 4 * ulp(exact) + 1e-7)
        }
    }

    @Test("relu and special values: −0 → +0, NaN stays NaN, ±inf limits")
    func specialValues() {
        let x = Tensor([-0.0, 0, -1, 2, .nan, .infinity, -.infinity])
        let relu = x.relu().scalars
        #expect(relu[0].bitPattern == 0 && relu[1].bitPattern == 0 && relu[2] == 0 && relu[3] == 2)
        #expect(relu[4].isNaN && relu[5] == .infinity && relu[6] == 0)
        let s = x.sigmoid().scalars
        #expect(s[4].isNaN && s[5] == 1 && s[6] == 0 && s[0] == 0.5)
        let t = x.tanh().scalars
        #expect(t[0].bitPattern == (-0.0 as Float).bitPattern && t[5] == 1 && t[6] == -1 && t[4].isNaN)
        let e = x.exp().scalars
        #expect(e[5] == .infinity && e[6] == 0 && e[0] == 1 && e[4].isNaN)
        let l = Tensor([0, -1, .infinity, .leastNonzeroMagnitude]).log().scalars
        #expect(l[0] == -.infinity && l[1].isNaN && l[2] == .infinity)
        #expect(abs(Double(l[3]) - Foundation.log(Double(Float.leastNonzeroMagnitude))) <= 4 * ulp(103.28))
    }

    @Test("scale is one multiplication per element")
    func scale() {
        let x = Tensor([1, -3, 0.1, .infinity])
        #expect(x.scaled(by: 0.3).scalars.map(\.bitPattern) == x.scalars.map { ($0 * 0.3).bitPattern })
    }
}
