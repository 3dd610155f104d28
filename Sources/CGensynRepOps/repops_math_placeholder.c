// Placeholder elementwise functions behind repops_math_seam.h, until the math library lands.
// Built only from correctly rounded + - * / fma and exact bit manipulation, so they give the
// same bits everywhere; accuracy is a few ulp, not the math library's correct rounding.
#pragma STDC FP_CONTRACT OFF // a*b+c stays two roundings on every target (no silent fma)
#include "repops_math_seam.h"
#include <stdint.h>
#include <string.h>

static inline uint32_t bits_of(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}
static inline float from_bits(uint32_t u) {
    float x;
    memcpy(&x, &u, 4);
    return x;
}
static inline float pow2i(int e) { return from_bits((uint32_t)(e + 127) << 23); } // -126 <= e <= 127

float repops_placeholder_expf(float x) {
    if (x != x) return x + x;
    if (x > 88.72284f) return from_bits(0x7f800000u);
    if (x < -103.98f) return 0.0f;
    const float magic = 12582912.0f; // 1.5 * 2^23: rounds to an integer
    float k = (__builtin_fmaf(x, 1.44269502f, magic)) - magic;
    float r = __builtin_fmaf(-k, 0.693145752f, x); // ln2 high part (exact product)
    r = __builtin_fmaf(-k, 1.42860677e-06f, r);    // ln2 low part
    float p = 1.0f / 40320;
    p = __builtin_fmaf(p, r, 1.0f / 5040);
    p = __builtin_fmaf(p, r, 1.0f / 720);
    p = __builtin_fmaf(p, r, 1.0f / 120);
    p = __builtin_fmaf(p, r, 1.0f / 24);
    p = __builtin_fmaf(p, r, 1.0f / 6);
    p = __builtin_fmaf(p, r, 0.5f);
    p = __builtin_fmaf(p, r, 1.0f);
    p = __builtin_fmaf(p, r, 1.0f);
    int ki = (int)k, k1 = ki / 2, k2 = ki - k1; // two exact-range scalings: one final rounding
    return (p * pow2i(k1)) * pow2i(k2);
}

float repops_placeholder_logf(float x) {
    uint32_t u = bits_of(x);
    if (x != x) return x + x;
    if (x == 0.0f) return from_bits(0xff800000u);
    if (u >> 31) return from_bits(0x7fc00000u);
    if (u == 0x7f800000u) return x;
    int e = 0;
    if (u < 0x00800000u) { // subnormal: scale into the normal range
        x = x * 8388608.0f;
        u = bits_of(x);
        e = -23;
    }
    e += (int)(u >> 23) - 127;
    float m = from_bits((u & 0x007fffffu) | 0x3f800000u); // [1, 2)
    if (m > 1.41421356f) {
        m = m * 0.5f;
        e += 1;
    }
    float f = m - 1.0f, s = f / (2.0f + f), s2 = s * s;
    float p = 1.0f / 11;
    p = __builtin_fmaf(p, s2, 1.0f / 9);
    p = __builtin_fmaf(p, s2, 1.0f / 7);
    p = __builtin_fmaf(p, s2, 1.0f / 5);
    p = __builtin_fmaf(p, s2, 1.0f / 3);
    // log(m) = 2 atanh(s) = f - f*s + 2 s^3 p, arranged to keep f exact and leading.
    float tail = __builtin_fmaf(2.0f * s * s2, p, -f * s);
    float ef = (float)e;
    return __builtin_fmaf(ef, 0.693145752f, __builtin_fmaf(ef, 1.42860677e-06f, tail) + f);
}

float repops_placeholder_tanhf(float x) {
    if (x != x) return x + x;
    float a = x < 0 ? -x : x, t;
    if (a < 0x1p-12f) return x;
    if (a > 9.1f) t = 1.0f;
    else if (a >= 0.55f) {
        t = 1.0f - 2.0f / (repops_placeholder_expf(2.0f * a) + 1.0f);
    } else { // tanh = em1 / (em1 + 2), em1 = expm1(2a) by its Taylor series
        float y = 2.0f * a, p = 1.0f / 479001600;
        const float c[] = {1.0f / 39916800, 1.0f / 3628800, 1.0f / 362880, 1.0f / 40320, 1.0f / 5040,
                           1.0f / 720, 1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f, 1.0f};
        for (int i = 0; i < 11; i++) p = __builtin_fmaf(p, y, c[i]);
        float em1 = p * y;
        t = em1 / (em1 + 2.0f);
    }
    return x < 0 ? -t : t;
}

float repops_placeholder_erff(float x) {
    if (x != x) return x + x;
    float a = x < 0 ? -x : x, r;
    if (a < 1.0f) { // 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
        float a2 = a * a, p = 0.0f, term = 1.0f;
        float coef[14];
        for (int n = 0; n < 14; n++) {
            coef[n] = term / (float)(2 * n + 1);
            term = -term / (float)(n + 1);
        }
        for (int n = 13; n >= 0; n--) p = __builtin_fmaf(p, a2, coef[n]);
        r = (1.12837917f * a) * p;
    } else if (a >= 4.0f) {
        r = 1.0f;
    } else { // Abramowitz-Stegun 7.1.26
        float t = 1.0f / __builtin_fmaf(0.3275911f, a, 1.0f);
        float q = 1.061405429f;
        q = __builtin_fmaf(q, t, -1.453152027f);
        q = __builtin_fmaf(q, t, 1.421413741f);
        q = __builtin_fmaf(q, t, -0.284496736f);
        q = __builtin_fmaf(q, t, 0.254829592f);
        r = 1.0f - (q * t) * repops_placeholder_expf(-a * a);
    }
    return x < 0 ? -r : r;
}

float repops_placeholder_sigmoidf(float x) {
    if (x != x) return x + x;
    return 1.0f / (1.0f + repops_placeholder_expf(-x));
}
