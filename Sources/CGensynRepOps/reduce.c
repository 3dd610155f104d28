// Canonical reductions (Docs/RepOps.md, "Reductions"): 16 virtual lanes, element i in lane
// i mod 16, lanes from +0 in index order, then the fixed pairwise tree. The AVX2 paths keep
// lanes 0-7 and 8-15 in two registers and perform exactly the same operations.
#pragma STDC FP_CONTRACT OFF // a*b+c stays two roundings on every target (no silent fma)
#include "CGensynRepOps.h"
#include "repops_fma.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static inline float tree16(float lane[16]) {
    for (int h = 8; h >= 1; h >>= 1)
        for (int j = 0; j < h; j++) lane[j] = lane[j] + lane[j + h];
    return lane[0];
}

float gensyn_sum_f32_portable(const float *x, size_t n) {
    float lane[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lane[l] = lane[l] + x[i + l];
    for (int l = 0; i + (size_t)l < n; l++) lane[l] = lane[l] + x[i + l];
    return tree16(lane);
}

float gensyn_sumsq_f32_portable(const float *x, size_t n, float c) {
    float lane[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) {
            float d = x[i + l] - c;
            lane[l] = repops_fmaf(d, d, lane[l]);
        }
    for (int l = 0; i + (size_t)l < n; l++) {
        float d = x[i + l] - c;
        lane[l] = repops_fmaf(d, d, lane[l]);
    }
    return tree16(lane);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
float gensyn_sum_f32_avx2(const float *x, size_t n) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        lo = _mm256_add_ps(lo, _mm256_loadu_ps(x + i));
        hi = _mm256_add_ps(hi, _mm256_loadu_ps(x + i + 8));
    }
    float lane[16];
    _mm256_storeu_ps(lane, lo);
    _mm256_storeu_ps(lane + 8, hi);
    for (int l = 0; i + (size_t)l < n; l++) lane[l] = lane[l] + x[i + l];
    return tree16(lane);
}

__attribute__((target("avx2,fma")))
float gensyn_sumsq_f32_avx2(const float *x, size_t n, float c) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps(), vc = _mm256_set1_ps(c);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), vc), d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), vc);
        lo = _mm256_fmadd_ps(d0, d0, lo);
        hi = _mm256_fmadd_ps(d1, d1, hi);
    }
    float lane[16];
    _mm256_storeu_ps(lane, lo);
    _mm256_storeu_ps(lane + 8, hi);
    for (int l = 0; i + (size_t)l < n; l++) {
        float d = x[i + l] - c;
        lane[l] = __builtin_fmaf(d, d, lane[l]);
    }
    return tree16(lane);
}
#else
float gensyn_sum_f32_avx2(const float *x, size_t n) { return gensyn_sum_f32_portable(x, n); }
float gensyn_sumsq_f32_avx2(const float *x, size_t n, float c) { return gensyn_sumsq_f32_portable(x, n, c); }
#endif

float gensyn_sum_f32(const float *x, size_t n) {
    return gensyn_isa_active() == GENSYN_ISA_AVX2 ? gensyn_sum_f32_avx2(x, n) : gensyn_sum_f32_portable(x, n);
}

float gensyn_sumsq_f32(const float *x, size_t n, float c) {
    return gensyn_isa_active() == GENSYN_ISA_AVX2 ? gensyn_sumsq_f32_avx2(x, n, c) : gensyn_sumsq_f32_portable(x, n, c);
}

// Order independent, so one implementation serves every path.
float gensyn_max_f32(const float *x, size_t n) {
    float m = -__builtin_inff();
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        if (v != v) nan = 1;
        else if (v > m || (v == 0.0f && m == 0.0f && !__builtin_signbit(v))) m = v;
    }
    return nan ? __builtin_nanf("") : m;
}
