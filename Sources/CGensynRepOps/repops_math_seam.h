// THE math seam: every RepOps kernel reaches exp/log/tanh/erf/sigmoid only through these
// wrappers. They currently call RepOps' placeholder functions (repops_math_placeholder.c, built
// from + - * / fma and exact bit operations only, a few ulp); the math library's correctly
// rounded gensyn_expf/... replace them here, in one place. A swap changes bits: regenerate the
// golden digests (Tests/RepOpsTests/GoldenDigests.swift) afterwards.
#ifndef REPOPS_MATH_SEAM_H
#define REPOPS_MATH_SEAM_H

float repops_placeholder_expf(float x);
float repops_placeholder_logf(float x);
float repops_placeholder_tanhf(float x);
float repops_placeholder_erff(float x);
float repops_placeholder_sigmoidf(float x);

static inline float repops_expf(float x) { return repops_placeholder_expf(x); }
static inline float repops_logf(float x) { return repops_placeholder_logf(x); }
static inline float repops_tanhf(float x) { return repops_placeholder_tanhf(x); }
static inline float repops_erff(float x) { return repops_placeholder_erff(x); }
static inline float repops_sigmoidf(float x) { return repops_placeholder_sigmoidf(x); }

#endif
