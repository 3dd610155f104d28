import CGensynGMP
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Owns an mpz_t for the length of a test.
final class BigInteger {
    var value = __mpz_struct()
    init(_ text: String) throws {
        gensyn_mpz_init(&value)
        guard gensyn_mpz_set_str(&value, text, 10) == 0 else { throw ParseError() }
    }
    init() { gensyn_mpz_init(&value) }
    deinit { gensyn_mpz_clear(&value) }
    var decimal: String {
        let p = gensyn_mpz_get_str(&value, 10)!
        defer { free(p) }
        return String(cString: p)
    }
    struct ParseError: Error {}
}

@Suite("GMP system library")
struct GMPTests {
    @Test("product of two 300-digit numbers: (10^300 − 1)² = 9…98 0…01")
    func product300() throws {
        let a = try BigInteger(String(repeating: "9", count: 300))
        let r = BigInteger()
        gensyn_mpz_mul(&r.value, &a.value, &a.value)
        // (10^n − 1)² = 10^2n − 2·10^n + 1: (n−1) nines, an 8, (n−1) zeros, a 1.
        let expected = String(repeating: "9", count: 299) + "8" + String(repeating: "0", count: 299) + "1"
        #expect(r.decimal == expected)
        #expect(r.decimal.count == 600)
    }

    @Test("product of two different 300-digit numbers: (10^300 − 7)(10^299 + 3)")
    func productMixed() throws {
        let a = try BigInteger("9" + String(repeating: "9", count: 298) + "3")   // 10^300 − 7
        let b = try BigInteger("1" + String(repeating: "0", count: 298) + "3")   // 10^299 + 3 (300 digits)
        let r = BigInteger()
        gensyn_mpz_mul(&r.value, &a.value, &b.value)
        // (10^300 − 7)(10^299 + 3) = 10^599 + 3·10^300 − 7·10^299 − 21 = 10^599 + 23·10^299 − 21
        // = 1 0…0 (298 zeros) 22 9…9 (297 nines) 79
        let expected = "1" + String(repeating: "0", count: 298) + "22" + String(repeating: "9", count: 297) + "79"
        #expect(r.decimal == expected)
        let q = BigInteger(), rem = BigInteger()
        gensyn_mpz_tdiv_qr(&q.value, &rem.value, &r.value, &a.value)
        #expect(gensyn_mpz_cmp(&q.value, &b.value) == 0 && gensyn_mpz_sgn(&rem.value) == 0)
    }

    @Test("malformed decimal text is rejected")
    func rejectsGarbage() {
        #expect(throws: BigInteger.ParseError.self) { _ = try BigInteger("12x4") }
    }
}
