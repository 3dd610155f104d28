// Multi-lane Keccak-256 (CGensynKeccakMulti.h): one Keccak-f[1600] state per SIMD lane, so 4
// (AVX2) or 8 (AVX-512) equal-length messages are absorbed in one pass. The lanes of a block
// are loaded with a gather (lane l reads message l), so no transposition is needed. Integer-only
// work: every path gives the same bytes as the single-stream sponge in keccak.c.
#include "CGensynKeccakMulti.h"
#include "CGensynKeccak.h"
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define KM_X86 1
#else
#define KM_X86 0
#endif

#define KM_RATE 136

#if KM_X86
#include "keccak_constants.h"
#define KM_RC GENSYN_KECCAK_RC

// One round on the 25 lane vectors a00…a24 (a[x + 5y]): theta, rho + pi into b, chi, iota.
// V, XOR5, ROL, CHI and SPLAT are defined by each path.
#define KM_ROUND(rc) do { \
    V c0 = XOR5(a00, a05, a10, a15, a20), c1 = XOR5(a01, a06, a11, a16, a21); \
    V c2 = XOR5(a02, a07, a12, a17, a22), c3 = XOR5(a03, a08, a13, a18, a23); \
    V c4 = XOR5(a04, a09, a14, a19, a24); \
    V d0 = c4 ^ ROL(c1, 1); \
    V d1 = c0 ^ ROL(c2, 1); \
    V d2 = c1 ^ ROL(c3, 1); \
    V d3 = c2 ^ ROL(c4, 1); \
    V d4 = c3 ^ ROL(c0, 1); \
    V b00 = (a00 ^ d0); \
    V b01 = ROL(a06 ^ d1, 44); \
    V b02 = ROL(a12 ^ d2, 43); \
    V b03 = ROL(a18 ^ d3, 21); \
    V b04 = ROL(a24 ^ d4, 14); \
    V b05 = ROL(a03 ^ d3, 28); \
    V b06 = ROL(a09 ^ d4, 20); \
    V b07 = ROL(a10 ^ d0, 3); \
    V b08 = ROL(a16 ^ d1, 45); \
    V b09 = ROL(a22 ^ d2, 61); \
    V b10 = ROL(a01 ^ d1, 1); \
    V b11 = ROL(a07 ^ d2, 6); \
    V b12 = ROL(a13 ^ d3, 25); \
    V b13 = ROL(a19 ^ d4, 8); \
    V b14 = ROL(a20 ^ d0, 18); \
    V b15 = ROL(a04 ^ d4, 27); \
    V b16 = ROL(a05 ^ d0, 36); \
    V b17 = ROL(a11 ^ d1, 10); \
    V b18 = ROL(a17 ^ d2, 15); \
    V b19 = ROL(a23 ^ d3, 56); \
    V b20 = ROL(a02 ^ d2, 62); \
    V b21 = ROL(a08 ^ d3, 55); \
    V b22 = ROL(a14 ^ d4, 39); \
    V b23 = ROL(a15 ^ d0, 41); \
    V b24 = ROL(a21 ^ d1, 2); \
    a00 = CHI(b00, b01, b02); \
    a01 = CHI(b01, b02, b03); \
    a02 = CHI(b02, b03, b04); \
    a03 = CHI(b03, b04, b00); \
    a04 = CHI(b04, b00, b01); \
    a05 = CHI(b05, b06, b07); \
    a06 = CHI(b06, b07, b08); \
    a07 = CHI(b07, b08, b09); \
    a08 = CHI(b08, b09, b05); \
    a09 = CHI(b09, b05, b06); \
    a10 = CHI(b10, b11, b12); \
    a11 = CHI(b11, b12, b13); \
    a12 = CHI(b12, b13, b14); \
    a13 = CHI(b13, b14, b10); \
    a14 = CHI(b14, b10, b11); \
    a15 = CHI(b15, b16, b17); \
    a16 = CHI(b16, b17, b18); \
    a17 = CHI(b17, b18, b19); \
    a18 = CHI(b18, b19, b15); \
    a19 = CHI(b19, b15, b16); \
    a20 = CHI(b20, b21, b22); \
    a21 = CHI(b21, b22, b23); \
    a22 = CHI(b22, b23, b24); \
    a23 = CHI(b23, b24, b20); \
    a24 = CHI(b24, b20, b21); \
    a00 ^= SPLAT(rc); \
} while (0)


// The sponge for LANES messages, written once for both paths. Lane l of block k is read from
// `data + offsets[l] + 136k`; the last (padded) block from a small per-lane buffer.
#define KM_DECLARE_STATE \
    V a00 = ZERO, a01 = ZERO, a02 = ZERO, a03 = ZERO, a04 = ZERO, a05 = ZERO, a06 = ZERO, a07 = ZERO; \
    V a08 = ZERO, a09 = ZERO, a10 = ZERO, a11 = ZERO, a12 = ZERO, a13 = ZERO, a14 = ZERO, a15 = ZERO; \
    V a16 = ZERO, a17 = ZERO, a18 = ZERO, a19 = ZERO, a20 = ZERO, a21 = ZERO, a22 = ZERO, a23 = ZERO; \
    V a24 = ZERO

#define KM_ABSORB(src, vidx) do { \
    const uint8_t *q_ = (src); \
    a00 ^= GATHER(q_ + 0, vidx); a01 ^= GATHER(q_ + 8, vidx); a02 ^= GATHER(q_ + 16, vidx); \
    a03 ^= GATHER(q_ + 24, vidx); a04 ^= GATHER(q_ + 32, vidx); a05 ^= GATHER(q_ + 40, vidx); \
    a06 ^= GATHER(q_ + 48, vidx); a07 ^= GATHER(q_ + 56, vidx); a08 ^= GATHER(q_ + 64, vidx); \
    a09 ^= GATHER(q_ + 72, vidx); a10 ^= GATHER(q_ + 80, vidx); a11 ^= GATHER(q_ + 88, vidx); \
    a12 ^= GATHER(q_ + 96, vidx); a13 ^= GATHER(q_ + 104, vidx); a14 ^= GATHER(q_ + 112, vidx); \
    a15 ^= GATHER(q_ + 120, vidx); a16 ^= GATHER(q_ + 128, vidx); \
    for (int r_ = 0; r_ < 24; r_++) KM_ROUND(KM_RC[r_]); \
} while (0)

// Fills lane l's final block: the message tail, then the 0x01 … 0x80 padding.
static void km_pad(uint8_t (*pad)[KM_RATE], const uint8_t *data, size_t stride, size_t length, int lanes) {
    size_t full = length / KM_RATE * KM_RATE, rem = length - full;
    for (int l = 0; l < lanes; l++) {
        memset(pad[l], 0, KM_RATE);
        if (rem > 0) memcpy(pad[l], data + (size_t)l * stride + full, rem);
        pad[l][rem] ^= 0x01;
        pad[l][KM_RATE - 1] ^= 0x80;
    }
}

// Writes the first 4 lanes of each state (32 bytes, little-endian) as message l's digest.
static void km_squeeze(const uint64_t (*words)[8], int lanes, uint8_t *out) {
    for (int l = 0; l < lanes; l++)
        for (int w = 0; w < 4; w++)
            for (int j = 0; j < 8; j++) out[32 * l + 8 * w + j] = (uint8_t)(words[w][l] >> (8 * j));
}

// MARK: AVX-512: 8 lanes, native 64-bit rotates and three-input logic (vpternlogq).
#define V __m512i
#define ZERO _mm512_setzero_si512()
#define SPLAT(x) _mm512_set1_epi64((long long)(x))
#define ROL(x, n) _mm512_rol_epi64((x), (n))
#define XOR5(a, b, c, d, e) _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64((a), (b), (c), 0x96), (d), (e), 0x96)
#define CHI(a, b, c) _mm512_ternarylogic_epi64((a), (b), (c), 0xD2)   /* a ^ (~b & c) */
#define GATHER(p, vidx) _mm512_i64gather_epi64((vidx), (const void *)(p), 1)

// Hashes `lanes` (1…8) messages starting at data + l·stride; unused lanes repeat message 0.
__attribute__((target("avx512f"))) static void km_hash8(const uint8_t *data, size_t stride, size_t length, int lanes, uint8_t *out) {
    long long off[8], poff[8];
    for (int l = 0; l < 8; l++) {
        off[l] = l < lanes ? (long long)((size_t)l * stride) : 0;
        poff[l] = l < lanes ? (long long)(l * KM_RATE) : 0;
    }
    const __m512i vidx = _mm512_loadu_si512((const void *)off), pidx = _mm512_loadu_si512((const void *)poff);
    KM_DECLARE_STATE;
    uint8_t pad[8][KM_RATE];
    km_pad(pad, data, stride, length, lanes);
    // One loop (one copy of the round code): full blocks from the messages, then the pad.
    size_t blocks = length / KM_RATE;
    for (size_t k = 0; k <= blocks; k++) KM_ABSORB(k < blocks ? data + k * KM_RATE : &pad[0][0], k < blocks ? vidx : pidx);
    uint64_t words[4][8];
    _mm512_storeu_si512((void *)words[0], a00);
    _mm512_storeu_si512((void *)words[1], a01);
    _mm512_storeu_si512((void *)words[2], a02);
    _mm512_storeu_si512((void *)words[3], a03);
    km_squeeze((const uint64_t (*)[8])words, lanes, out);
}

#undef V
#undef ZERO
#undef SPLAT
#undef ROL
#undef XOR5
#undef CHI
#undef GATHER

// MARK: AVX2: 4 lanes; rotates are two shifts and an or.
#define V __m256i
#define ZERO _mm256_setzero_si256()
#define SPLAT(x) _mm256_set1_epi64x((long long)(x))
#define ROL(x, n) _mm256_or_si256(_mm256_slli_epi64((x), (n)), _mm256_srli_epi64((x), 64 - (n)))
#define XOR5(a, b, c, d, e) ((a) ^ (b) ^ (c) ^ (d) ^ (e))
#define CHI(a, b, c) ((a) ^ _mm256_andnot_si256((b), (c)))
#define GATHER(p, vidx) _mm256_i64gather_epi64((const long long *)(const void *)(p), (vidx), 1)

// Hashes `lanes` (1…4) messages starting at data + l·stride; unused lanes repeat message 0.
__attribute__((target("avx2"))) static void km_hash4(const uint8_t *data, size_t stride, size_t length, int lanes, uint8_t *out) {
    long long off[4], poff[4];
    for (int l = 0; l < 4; l++) {
        off[l] = l < lanes ? (long long)((size_t)l * stride) : 0;
        poff[l] = l < lanes ? (long long)(l * KM_RATE) : 0;
    }
    const __m256i vidx = _mm256_loadu_si256((const __m256i *)off), pidx = _mm256_loadu_si256((const __m256i *)poff);
    KM_DECLARE_STATE;
    uint8_t pad[4][KM_RATE];
    km_pad(pad, data, stride, length, lanes);
    // One loop (one copy of the round code): full blocks from the messages, then the pad.
    size_t blocks = length / KM_RATE;
    for (size_t k = 0; k <= blocks; k++) KM_ABSORB(k < blocks ? data + k * KM_RATE : &pad[0][0], k < blocks ? vidx : pidx);
    uint64_t words[4][8];
    _mm256_storeu_si256((__m256i *)words[0], a00);
    _mm256_storeu_si256((__m256i *)words[1], a01);
    _mm256_storeu_si256((__m256i *)words[2], a02);
    _mm256_storeu_si256((__m256i *)words[3], a03);
    km_squeeze((const uint64_t (*)[8])words, lanes, out);
}

#undef V
#undef ZERO
#undef SPLAT
#undef ROL
#undef XOR5
#undef CHI
#undef GATHER

// CPUID leaf 7 EBX bits, gated on the OS saving the registers (XCR0).
static int km_detect(int path) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1) || !((c >> 28) & 1)) return 0; // OSXSAVE, AVX
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6 || __get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    if (path == GENSYN_KECCAK_MULTI_AVX2) return (b >> 5) & 1;
    return ((lo & 0xE6) == 0xE6) && ((b >> 16) & 1); // opmask + zmm state saved; AVX512F
}
#endif

static atomic_int km_support = -1; // bit 0: AVX2, bit 1: AVX-512

static int km_supported(void) {
    int v = atomic_load(&km_support);
    if (v < 0) {
#if KM_X86
        v = km_detect(GENSYN_KECCAK_MULTI_AVX2) | (km_detect(GENSYN_KECCAK_MULTI_AVX512) << 1);
#else
        v = 0;
#endif
        atomic_store(&km_support, v);
    }
    return v;
}

int gensyn_keccak_multi_has_path(int path) {
    switch (path) {
    case GENSYN_KECCAK_MULTI_BEST:
    case GENSYN_KECCAK_MULTI_PORTABLE: return 1;
    case GENSYN_KECCAK_MULTI_AVX2: return km_supported() & 1;
    case GENSYN_KECCAK_MULTI_AVX512: return (km_supported() >> 1) & 1;
    default: return 0;
    }
}

int gensyn_keccak_multi_best_path(void) {
    int s = km_supported();
    return (s & 2) ? GENSYN_KECCAK_MULTI_AVX512 : (s & 1) ? GENSYN_KECCAK_MULTI_AVX2 : GENSYN_KECCAK_MULTI_PORTABLE;
}

int gensyn_keccak256_strided(const uint8_t *data, size_t stride, size_t length, size_t count, uint8_t *out, int path) {
    if (path == GENSYN_KECCAK_MULTI_BEST) path = gensyn_keccak_multi_best_path();
    if (!gensyn_keccak_multi_has_path(path)) return -1;
    size_t i = 0;
#if KM_X86
    // A lone message is faster single-stream; otherwise partially filled groups still win.
    if (path == GENSYN_KECCAK_MULTI_AVX512) {
        for (; count - i >= 2; i += 8) {
            int lanes = count - i >= 8 ? 8 : (int)(count - i);
            km_hash8(data + i * stride, stride, length, lanes, out + 32 * i);
            if (lanes < 8) { i += (size_t)lanes; break; }
        }
    } else if (path == GENSYN_KECCAK_MULTI_AVX2) {
        for (; count - i >= 2; i += 4) {
            int lanes = count - i >= 4 ? 4 : (int)(count - i);
            km_hash4(data + i * stride, stride, length, lanes, out + 32 * i);
            if (lanes < 4) { i += (size_t)lanes; break; }
        }
    }
#endif
    for (; i < count; i++) gensyn_keccak256(data + i * stride, length, out + 32 * i);
    return 0;
}
