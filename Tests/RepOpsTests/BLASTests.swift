import RepOps
import RepOpsBLAS
import Testing

/// The opt-in OpenBLAS backend is close to the canonical GEMM, but is not required to match it.
@Suite("RepOpsBLAS")
struct BLASTests {
    @Test("BLASMatMul is within float32 rounding of RepOps' matmul for every transpose combination",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func close(ta: Bool, tb: Bool) throws {
        var r = TestRandom(seed: 51)
        let (m, n, k) = (37, 29, 300)
        let a = r.tensor(ta ? [k, m] : [m, k]), b = r.tensor(tb ? [n, k] : [k, n])
        let ours = try a.matmul(b, transposeSelf: ta, transposeOther: tb)
        let blas = try BLASMatMul.matmul(a, b, transposeA: ta, transposeB: tb)
        #expect(blas.shape == ours.shape)
        // Both are K-term float32 sums of |terms| ≤ 1: each within K·2⁻²⁴·K of the exact value.
        for (x, y) in zip(ours.scalars, blas.scalars) { #expect(abs(x - y) <= Float(k) * 0x1p-23 * Float(k) / 10) }
        let identical = zip(ours.scalars, blas.scalars).filter { $0.bitPattern == $1.bitPattern }.count
        // Reported, not asserted: OpenBLAS's order is its own business.
        print("RepOpsBLAS: \(identical)/\(ours.count) elements bitwise identical with the canonical GEMM")
    }

    @Test("BLASMatMul rejects mismatched shapes with typed errors")
    func errors() throws {
        expectError(.shapeMismatch) { _ = try BLASMatMul.matmul(Tensor.zeros([2, 3]), Tensor.zeros([2, 3])) }
        expectError(.shapeMismatch) { _ = try BLASMatMul.matmul(Tensor([1]), Tensor.zeros([1, 1])) }
    }
}
