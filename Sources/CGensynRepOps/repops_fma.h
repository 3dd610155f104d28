// Exact fused multiply-add for the portable paths, without an FMA instruction or a libm call.
//
// The product of two floats is exact in double (24 + 24 < 53 bits). The double sum p + c is
// made round-to-odd (TwoSum gives its exact error e; if e != 0 and the sum's last bit is even,
// step one ulp toward e), and a round-to-odd double (53 ≥ 24 + 2 bits) rounds to the correctly
// rounded float — including subnormal results. So this returns exactly fmaf(a, b, c).
#ifndef REPOPS_FMA_H
#define REPOPS_FMA_H
#pragma STDC FP_CONTRACT OFF
#include <stdint.h>
#include <string.h>

static inline float repops_fmaf(float a, float b, float c) {
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
    return __builtin_fmaf(a, b, c); // the target has an fma instruction
#else
    double p = (double)a * (double)b, cd = (double)c;
    double s = p + cd;
    double bv = s - p;
    double e = (p - (s - bv)) + (cd - bv);
    if (e != 0.0 && s - s == 0.0) { // inexact and finite
        uint64_t bits;
        memcpy(&bits, &s, 8);
        if ((bits & 1) == 0) {
            bits += ((e > 0.0) == (s > 0.0)) ? 1 : (uint64_t)-1;
            memcpy(&s, &bits, 8);
        }
    }
    return (float)s;
#endif
}
#endif
