// THE math seam: every RepOps kernel reaches exp/log/tanh/erf/sigmoid only through these
// wrappers, which call the correctly rounded math library (gensyn_math.h, math.c). Changing
// what they call changes bits: regenerate the golden digests afterwards
// (scripts/regen-golden-digests).
#ifndef REPOPS_MATH_SEAM_H
#define REPOPS_MATH_SEAM_H

#include "gensyn_math.h"

static inline float repops_expf(float x) { return gensyn_expf(x); }
static inline float repops_logf(float x) { return gensyn_logf(x); }
static inline float repops_tanhf(float x) { return gensyn_tanhf(x); }
static inline float repops_erff(float x) { return gensyn_erff(x); }
static inline float repops_sigmoidf(float x) { return gensyn_sigmoidf(x); }

#endif
