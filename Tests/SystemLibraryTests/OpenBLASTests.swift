import CGensynOpenBLAS
import Testing

@Suite("OpenBLAS system library")
struct OpenBLASTests {
    @Test("sgemm 2×3 · 3×2 against a hand-computed product")
    func smallSgemm() {
        // A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]
        // A·B = [[1·7+2·9+3·11, 1·8+2·10+3·12], [4·7+5·9+6·11, 4·8+5·10+6·12]] = [[58,64],[139,154]]
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [7, 8, 9, 10, 11, 12]
        var c = [Float](repeating: -1, count: 4)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
        #expect(c == [58, 64, 139, 154])
    }

    @Test("sgemm with transposes, alpha and beta")
    func transposedSgemm() {
        // Aᵀ stored: A = [[1,2],[3,4]] given column-major-as-row (i.e. Aᵀ = [[1,3],[2,4]]).
        let at: [Float] = [1, 3, 2, 4]
        let b: [Float] = [1, 0, 0, 1]
        var c: [Float] = [1, 1, 1, 1]
        // C = 2·A·I + 3·C = [[2+3, 4+3], [6+3, 8+3]]
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 2, 2, 2, 2, at, 2, b, 2, 3, &c, 2)
        #expect(c == [5, 7, 9, 11])
    }
}
