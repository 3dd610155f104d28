// Keccak-f[1600] and the Keccak-256 sponge (Ethereum's keccak256: pad byte 0x01, not SHA3's 0x06).
// Plain 64-bit-lane C (see KECCAK_ROUND for the layout); little-endian loads are done bytewise so
// the code is correct on any endianness and alignment. An AVX-512VL single-state permutation (rows
// in zmm, vpternlogq, vprolvq, vpermt2q transposes) was tried and measured 0.67x of this scalar code
// on Zen 4: every round needs a 5x5 lane transpose whose cross-lane permutes (~4 cycles each) sit
// on the critical path. Wide SIMD pays off only across independent states (keccak_multi.c).
#include "CGensynKeccak.h"
#include <stdatomic.h>
#include <string.h>

#if defined(__clang__)
#define UNROLL2 _Pragma("clang loop unroll_count(2)")
#else
#define UNROLL2
#endif

#include "keccak_constants.h"
#define RC GENSYN_KECCAK_RC

#define ROL(x, n) (((x) << (n)) | ((x) >> (64 - (n))))
#define RATE 136

static inline uint64_t load64le(const uint8_t *p) {
    return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) | ((uint64_t)p[3] << 24) |
           ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}

// One round, plane by plane (the order XKCP's 64-bit code uses): read lanes A.., write lanes E..,
// and accumulate the next round's column parities c0..c4 while writing. Processing one output plane
// at a time keeps ~12 values live instead of ~35, so far fewer spills than computing all 25 rho/pi
// lanes first; ping-ponging A/E avoids copies. Measured ~1.07x OpenSSL's SHA3-256 asm here (was 0.98x).
#define KECCAK_ROUND(A, E, rc)                                                                              \
    {                                                                                                       \
        uint64_t d0 = c4 ^ ROL(c1, 1), d1 = c0 ^ ROL(c2, 1), d2 = c1 ^ ROL(c3, 1), d3 = c2 ^ ROL(c4, 1);     \
        uint64_t d4 = c3 ^ ROL(c0, 1);                                                                      \
        uint64_t b0, b1, b2, b3, b4;                                                                        \
        b0 = A##00 ^ d0; b1 = ROL(A##06 ^ d1, 44); b2 = ROL(A##12 ^ d2, 43);                                \
        b3 = ROL(A##18 ^ d3, 21); b4 = ROL(A##24 ^ d4, 14);                                                 \
        E##00 = b0 ^ (~b1 & b2) ^ (rc); E##01 = b1 ^ (~b2 & b3); E##02 = b2 ^ (~b3 & b4);                   \
        E##03 = b3 ^ (~b4 & b0); E##04 = b4 ^ (~b0 & b1);                                                   \
        c0 = E##00; c1 = E##01; c2 = E##02; c3 = E##03; c4 = E##04;                                         \
        b0 = ROL(A##03 ^ d3, 28); b1 = ROL(A##09 ^ d4, 20); b2 = ROL(A##10 ^ d0, 3);                        \
        b3 = ROL(A##16 ^ d1, 45); b4 = ROL(A##22 ^ d2, 61);                                                 \
        E##05 = b0 ^ (~b1 & b2); E##06 = b1 ^ (~b2 & b3); E##07 = b2 ^ (~b3 & b4);                          \
        E##08 = b3 ^ (~b4 & b0); E##09 = b4 ^ (~b0 & b1);                                                   \
        c0 ^= E##05; c1 ^= E##06; c2 ^= E##07; c3 ^= E##08; c4 ^= E##09;                                   \
        b0 = ROL(A##01 ^ d1, 1); b1 = ROL(A##07 ^ d2, 6); b2 = ROL(A##13 ^ d3, 25);                         \
        b3 = ROL(A##19 ^ d4, 8); b4 = ROL(A##20 ^ d0, 18);                                                  \
        E##10 = b0 ^ (~b1 & b2); E##11 = b1 ^ (~b2 & b3); E##12 = b2 ^ (~b3 & b4);                          \
        E##13 = b3 ^ (~b4 & b0); E##14 = b4 ^ (~b0 & b1);                                                   \
        c0 ^= E##10; c1 ^= E##11; c2 ^= E##12; c3 ^= E##13; c4 ^= E##14;                                   \
        b0 = ROL(A##04 ^ d4, 27); b1 = ROL(A##05 ^ d0, 36); b2 = ROL(A##11 ^ d1, 10);                       \
        b3 = ROL(A##17 ^ d2, 15); b4 = ROL(A##23 ^ d3, 56);                                                 \
        E##15 = b0 ^ (~b1 & b2); E##16 = b1 ^ (~b2 & b3); E##17 = b2 ^ (~b3 & b4);                          \
        E##18 = b3 ^ (~b4 & b0); E##19 = b4 ^ (~b0 & b1);                                                   \
        c0 ^= E##15; c1 ^= E##16; c2 ^= E##17; c3 ^= E##18; c4 ^= E##19;                                   \
        b0 = ROL(A##02 ^ d2, 62); b1 = ROL(A##08 ^ d3, 55); b2 = ROL(A##14 ^ d4, 39);                       \
        b3 = ROL(A##15 ^ d0, 41); b4 = ROL(A##21 ^ d1, 2);                                                  \
        E##20 = b0 ^ (~b1 & b2); E##21 = b1 ^ (~b2 & b3); E##22 = b2 ^ (~b3 & b4);                          \
        E##23 = b3 ^ (~b4 & b0); E##24 = b4 ^ (~b0 & b1);                                                   \
        c0 ^= E##20; c1 ^= E##21; c2 ^= E##22; c3 ^= E##23; c4 ^= E##24;                                   \
    }

// Absorbs `blocks` whole 136-byte blocks straight from `input` (no copy) and permutes after each;
// with input == NULL it applies the permutation once. The lanes stay in locals across blocks. Written
// once and compiled twice: for baseline x86-64 and with BMI1/BMI2 (andn for chi, rorx for rotations).
// Integer-only, so both give identical bits; the choice is made once from CPUID.
__attribute__((always_inline)) static inline void keccak_absorb_body(uint64_t s[25], const uint8_t *input,
                                                                     size_t blocks) {
    uint64_t a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
    uint64_t a05 = s[5], a06 = s[6], a07 = s[7], a08 = s[8], a09 = s[9];
    uint64_t a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
    uint64_t a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
    uint64_t a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
    uint64_t e00, e01, e02, e03, e04, e05, e06, e07, e08, e09, e10, e11, e12;
    uint64_t e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;
    if (blocks == 0) return;
    do {
        if (input) {
            const uint8_t *p = input;
            a00 ^= load64le(p); a01 ^= load64le(p + 8); a02 ^= load64le(p + 16); a03 ^= load64le(p + 24);
            a04 ^= load64le(p + 32); a05 ^= load64le(p + 40); a06 ^= load64le(p + 48); a07 ^= load64le(p + 56);
            a08 ^= load64le(p + 64); a09 ^= load64le(p + 72); a10 ^= load64le(p + 80); a11 ^= load64le(p + 88);
            a12 ^= load64le(p + 96); a13 ^= load64le(p + 104); a14 ^= load64le(p + 112);
            a15 ^= load64le(p + 120); a16 ^= load64le(p + 128);
            input += RATE;
        }
        uint64_t c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20, c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
        uint64_t c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22, c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
        uint64_t c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
        UNROLL2 for (int round = 0; round < 24; round += 2) {
            KECCAK_ROUND(a, e, RC[round])
            KECCAK_ROUND(e, a, RC[round + 1])
        }
    } while (--blocks > 0);
    s[0] = a00; s[1] = a01; s[2] = a02; s[3] = a03; s[4] = a04;
    s[5] = a05; s[6] = a06; s[7] = a07; s[8] = a08; s[9] = a09;
    s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14;
    s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19;
    s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24;
}

static void keccak_absorb_portable(uint64_t s[25], const uint8_t *input, size_t blocks) {
    keccak_absorb_body(s, input, blocks);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>
__attribute__((target("bmi,bmi2"))) static void keccak_absorb_bmi2(uint64_t s[25], const uint8_t *input,
                                                                   size_t blocks) {
    keccak_absorb_body(s, input, blocks);
}

static int cpu_has_bmi2(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return ((b >> 3) & 1) && ((b >> 8) & 1); // BMI1 and BMI2
}
#endif

typedef void (*absorb_fn)(uint64_t s[25], const uint8_t *input, size_t blocks);

static absorb_fn select_absorb(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (cpu_has_bmi2()) return keccak_absorb_bmi2;
#endif
    return keccak_absorb_portable;
}

// Every thread that races here computes the same pointer; relaxed atomics make that well defined.
static _Atomic(absorb_fn) chosen = 0;

static inline absorb_fn active_absorb(void) {
    absorb_fn f = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (!f) {
        f = select_absorb();
        atomic_store_explicit(&chosen, f, memory_order_relaxed);
    }
    return f;
}

/// The implementation for `path` (0 portable, 1 BMI1/BMI2), or NULL if unavailable here.
static absorb_fn absorb_for_path(int path) {
    if (path == 0) return keccak_absorb_portable;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (path == 1 && cpu_has_bmi2()) return keccak_absorb_bmi2;
#endif
    return 0;
}

void gensyn_keccak_f1600(uint64_t s[25]) { active_absorb()(s, 0, 1); }

int gensyn_keccak_f1600_path(uint64_t s[25], int path) {
    absorb_fn f = absorb_for_path(path);
    if (!f) return -1;
    f(s, 0, 1);
    return 0;
}

void gensyn_keccak256_init(gensyn_keccak256_ctx *ctx) { memset(ctx, 0, sizeof *ctx); }

static void sponge_update(gensyn_keccak256_ctx *ctx, const uint8_t *data, size_t length, absorb_fn absorb) {
    if (length == 0) return;
    if (ctx->buffered > 0) {
        size_t take = RATE - ctx->buffered;
        if (take > length) take = length;
        memcpy(ctx->buffer + ctx->buffered, data, take);
        ctx->buffered += take;
        data += take;
        length -= take;
        if (ctx->buffered < RATE) return;
        absorb(ctx->state, ctx->buffer, 1);
        ctx->buffered = 0;
    }
    if (length >= RATE) {
        size_t blocks = length / RATE;
        absorb(ctx->state, data, blocks);
        data += blocks * RATE;
        length -= blocks * RATE;
    }
    if (length > 0) {
        memcpy(ctx->buffer, data, length);
        ctx->buffered = length;
    }
}

static void sponge_final(const gensyn_keccak256_ctx *ctx, uint8_t out[32], absorb_fn absorb) {
    uint64_t s[25];
    uint8_t block[RATE];
    memcpy(s, ctx->state, sizeof s);
    memset(block, 0, sizeof block);
    memcpy(block, ctx->buffer, ctx->buffered);
    block[ctx->buffered] ^= 0x01;
    block[RATE - 1] ^= 0x80;
    absorb(s, block, 1);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(s[i] >> (8 * j));
}

void gensyn_keccak256_update(gensyn_keccak256_ctx *ctx, const uint8_t *data, size_t length) {
    sponge_update(ctx, data, length, active_absorb());
}

void gensyn_keccak256_final(const gensyn_keccak256_ctx *ctx, uint8_t out[32]) {
    sponge_final(ctx, out, active_absorb());
}

void gensyn_keccak256(const uint8_t *data, size_t length, uint8_t out[32]) {
    absorb_fn absorb = active_absorb();
    gensyn_keccak256_ctx ctx;
    gensyn_keccak256_init(&ctx);
    sponge_update(&ctx, data, length, absorb);
    sponge_final(&ctx, out, absorb);
}

int gensyn_keccak256_path(const uint8_t *data, size_t length, uint8_t out[32], int path) {
    absorb_fn absorb = absorb_for_path(path);
    if (!absorb) return -1;
    gensyn_keccak256_ctx ctx;
    gensyn_keccak256_init(&ctx);
    sponge_update(&ctx, data, length, absorb);
    sponge_final(&ctx, out, absorb);
    return 0;
}
