#ifndef GENSYN_MATH_H
#define GENSYN_MATH_H

// RepOps elementwise math: exp, log, tanh, erf, sigmoid, sqrt, rsqrt, gelu (erf and tanh forms),
// silu on fp32. Built only from correctly rounded IEEE-754 double operations (+ - * / sqrt and
// conversions; no fma, no libm), so every path and every platform gives the same bits. Each
// function evaluates in double, rounds once to float, and fixes the rare inputs whose double
// value lies too close to a rounding boundary from a table found by the exhaustive checker
// (Tools/mathcheck). Accuracy and special values: Docs/RepOps.md, "Math functions".

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Scalar functions (they run the active array kernel on one element: identical bits).
float gensyn_expf(float x);
float gensyn_logf(float x);
float gensyn_tanhf(float x);
float gensyn_erff(float x);
float gensyn_sigmoidf(float x);
float gensyn_sqrtf(float x);
float gensyn_rsqrtf(float x);
float gensyn_geluf(float x);      // x * Phi(x), Phi the standard normal CDF (erf form)
float gensyn_gelu_tanhf(float x); // x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)) = the tanh form
float gensyn_siluf(float x);      // x * sigmoid(x)

// Array kernels: y[i] = f(x[i]) for i < n; y may equal x (in place). The plain name dispatches
// on gensyn_isa_active(); _portable and _avx2 are the two paths (identical results).
#define GENSYN_MATH_DECLARE(NAME)                                                \
    void gensyn_##NAME##_f32(const float *x, float *y, size_t n);                \
    void gensyn_##NAME##_f32_portable(const float *x, float *y, size_t n);       \
    void gensyn_##NAME##_f32_avx2(const float *x, float *y, size_t n);
GENSYN_MATH_DECLARE(exp)
GENSYN_MATH_DECLARE(log)
GENSYN_MATH_DECLARE(tanh)
GENSYN_MATH_DECLARE(erf)
GENSYN_MATH_DECLARE(sigmoid)
GENSYN_MATH_DECLARE(sqrt)
GENSYN_MATH_DECLARE(rsqrt)
GENSYN_MATH_DECLARE(gelu)
GENSYN_MATH_DECLARE(gelu_tanh)
GENSYN_MATH_DECLARE(silu)
#undef GENSYN_MATH_DECLARE

/// Number of functions and their names ("exp", "log", "tanh", "erf", "sigmoid", "sqrt",
/// "rsqrt", "gelu", "gelu_tanh", "silu"), index 0 ..< count.
size_t gensyn_math_function_count(void);
const char *gensyn_math_function_name(size_t index);

/// Applies the named function (active path) to x[0..n) into y; returns 0, or -1 for an
/// unknown name.
int gensyn_math_apply(const char *name, const float *x, float *y, size_t n);
/// The same on an explicit path (GENSYN_ISA_PORTABLE = 0, GENSYN_ISA_AVX2 = 1); -1 for an
/// unknown name or a path this CPU cannot run.
int gensyn_math_apply_isa(const char *name, int isa, const float *x, float *y, size_t n);

/// The inputs of the named function's exception table (hard cases whose double value rounds the
/// wrong way; their results come from the table): writes up to `cap` bit patterns to `out` and
/// returns the table size, or -1 for an unknown name. For tests.
long gensyn_math_exception_inputs(const char *name, uint32_t *out, size_t cap);

/// For the accuracy checker: the double value each function computes before its final
/// rounding to float (special inputs give their float result widened). -1 for an unknown name.
int gensyn_math_eval_f64(const char *name, const float *x, double *y, size_t n);

#ifdef __cplusplus
}
#endif
#endif
