// gensyn-doctor: checks that this machine can run gensyn-swift — the three system libraries
// answer, and which kernel path (ISA) RepOps takes. Exit status 0 when everything works.
import CGensynGMP
import CGensynOpenBLAS
import CGensynRepOps
import CGensynSecp256k1

#if canImport(Glibc)
import Glibc
#endif

var failures = 0
@MainActor func check(_ name: String, _ ok: Bool, _ detail: String) {
    print("\(ok ? "ok  " : "FAIL") \(name): \(detail)")
    if !ok { failures += 1 }
}

// OpenBLAS: a 2×2 sgemm.
var a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8], c = [Float](repeating: 0, count: 4)
cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
check("OpenBLAS", c == [19, 22, 43, 50], "sgemm [[1,2],[3,4]]·[[5,6],[7,8]] = \(c.map { Int($0) })")

// libsecp256k1: the public key of private key 1 is the generator G.
if let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) {
    var key = [UInt8](repeating: 0, count: 32); key[31] = 1
    var pub = secp256k1_pubkey()
    var out = [UInt8](repeating: 0, count: 33); var len = 33
    let ok = secp256k1_ec_pubkey_create(ctx, &pub, key) == 1
        && secp256k1_ec_pubkey_serialize(ctx, &out, &len, &pub, UInt32(SECP256K1_EC_COMPRESSED)) == 1
    let hex = out.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    check("libsecp256k1", ok && hex == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "1·G = \(hex.prefix(18))…")
    secp256k1_context_destroy(ctx)
} else {
    check("libsecp256k1", false, "context creation failed")
}

// GMP: 2^127 − 1 is the Mersenne prime 170141183460469231731687303715884105727.
var x = __mpz_struct(), power = __mpz_struct(), two = __mpz_struct(), one = __mpz_struct()
gensyn_mpz_init(&x); gensyn_mpz_init(&power); gensyn_mpz_init(&two); gensyn_mpz_init(&one)
gensyn_mpz_set_ui(&two, 2); gensyn_mpz_set_ui(&one, 1)
gensyn_mpz_pow_ui(&power, &two, 127); gensyn_mpz_sub(&x, &power, &one)
let text = gensyn_mpz_get_str(&x, 10).map { p -> String in defer { free(p) }; return String(cString: p) } ?? ""
check("GMP \(String(cString: gensyn_gmp_version()))", text == "170141183460469231731687303715884105727", "2^127 − 1 = \(text)")
gensyn_mpz_clear(&x); gensyn_mpz_clear(&power); gensyn_mpz_clear(&two); gensyn_mpz_clear(&one)

// Kernel dispatch.
let best = gensyn_isa_best(), active = gensyn_isa_active()
check("RepOps kernels", gensyn_isa_env_invalid() == 0,
      "CPU best path \(String(cString: gensyn_isa_name(best))), active \(String(cString: gensyn_isa_name(active)))"
      + (gensyn_isa_env_invalid() != 0 ? " (REPOPS_ISA names a path this CPU cannot run; using portable)" : ""))
let v: [Float] = (0..<1000).map { Float($0) * 0.001 }
let dp = gensyn_dot_f32_portable(v, v, 1000), dv = gensyn_dot_f32_avx2(v, v, 1000)
check("kernel paths agree", dp.bitPattern == dv.bitPattern, "canonical dot: portable \(dp), avx2 \(dv)")

print(failures == 0 ? "all checks passed" : "\(failures) check(s) failed")
exit(failures == 0 ? 0 : 1)
