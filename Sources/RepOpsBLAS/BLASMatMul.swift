import CGensynOpenBLAS
import RepOps

/// **Non-deterministic** fast matrix multiply on OpenBLAS `cblas_sgemm`, for users who do not
/// need verification.
///
/// OpenBLAS may order (and split) the K accumulation differently per thread count, CPU and
/// version, so results are close to RepOps' canonical ``RepOps/Tensor/matmul(_:transposeSelf:transposeOther:bias:)``
/// but **not bitwise reproducible**: never hash or commit them.
///
/// ```swift
/// import RepOps
/// import RepOpsBLAS
/// let c = try BLASMatMul.matmul(a, b)   // ≈ try a.matmul(b)
/// ```
public enum BLASMatMul {
    /// `op(a) · op(b)` for 2-D tensors (`op` optionally transposes), with OpenBLAS.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws(RepOpsError) -> Tensor {
        guard a.rank == 2, b.rank == 2 else {
            throw RepOpsError(.shapeMismatch, "BLASMatMul.matmul needs 2-D operands; got \(a.shape) and \(b.shape)")
        }
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kb else { throw RepOpsError(.shapeMismatch, "BLASMatMul.matmul inner dimensions differ: K=\(k) vs K=\(kb)") }
        guard m <= Int(Int32.max), n <= Int(Int32.max), k <= Int(Int32.max) else {
            throw RepOpsError(.invalidShape, "BLASMatMul.matmul: dimensions exceed OpenBLAS's 32-bit range")
        }
        var out = [Float](repeating: 0, count: m * n)
        if m > 0, n > 0, k > 0 {
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { pc in
                        cblas_sgemm(
                            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(a.shape[1]), pb.baseAddress, Int32(b.shape[1]),
                            0, pc.baseAddress, Int32(n))
                    }
                }
            }
        }
        return try Tensor(shape: [m, n], scalars: out)
    }

    /// OpenBLAS's thread count (process-wide).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(clamping: max(1, newValue))) }
    }
}
