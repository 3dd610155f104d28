// Canonical dot product: the reference pattern for every RepOps kernel.
// Lane l (0..15) accumulates a[i]*b[i] for i ≡ l (mod 16) as one FMA chain from +0; the lanes
// are then combined by a fixed pairwise tree. Both paths below perform exactly these
// operations, so they agree bit for bit.
#include "CGensynRepOps.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Fixed tree over 16 lanes: step h = 8, 4, 2, 1: lane[j] = lane[j] + lane[j+h] for j < h.
static inline float combine16(float lane[16]) {
    for (int h = 8; h >= 1; h >>= 1)
        for (int j = 0; j < h; j++) lane[j] = lane[j] + lane[j + h];
    return lane[0];
}

float gensyn_dot_f32_portable(const float *a, const float *b, size_t n) {
    float lane[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lane[l] = __builtin_fmaf(a[i + l], b[i + l], lane[l]);
    for (int l = 0; i + (size_t)l < n; l++) lane[l] = __builtin_fmaf(a[i + l], b[i + l], lane[l]);
    return combine16(lane);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
float gensyn_dot_f32_avx2(const float *a, const float *b, size_t n) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps(); // lanes 0-7, 8-15
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        lo = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), lo);
        hi = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), hi);
    }
    float lane[16];
    _mm256_storeu_ps(lane, lo);
    _mm256_storeu_ps(lane + 8, hi);
    for (int l = 0; i + (size_t)l < n; l++) lane[l] = __builtin_fmaf(a[i + l], b[i + l], lane[l]);
    // h = 8 step in SIMD, the rest scalar: same operations, same order as combine16.
    return combine16(lane);
}
#else
float gensyn_dot_f32_avx2(const float *a, const float *b, size_t n) { return gensyn_dot_f32_portable(a, b, n); }
#endif

float gensyn_dot_f32(const float *a, const float *b, size_t n) {
    return gensyn_isa_active() == GENSYN_ISA_AVX2 ? gensyn_dot_f32_avx2(a, b, n) : gensyn_dot_f32_portable(a, b, n);
}
