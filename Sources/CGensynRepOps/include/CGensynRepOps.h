#ifndef CGENSYN_REPOPS_H
#define CGENSYN_REPOPS_H

// RepOps C kernels. Every kernel has a portable path and (where the CPU has it) an AVX2+FMA
// path chosen at run time; all paths produce identical bits because they perform the same
// correctly rounded IEEE-754 operations in the same order (Docs/RepOps.md). Kernels never
// call libm transcendental functions and never enable FTZ/DAZ.

#include <stddef.h>
#include <stdint.h>
#include "gensyn_math.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set paths a kernel may take.
typedef enum gensyn_isa {
    GENSYN_ISA_PORTABLE = 0,
    GENSYN_ISA_AVX2 = 1,
} gensyn_isa;

/// 1 if this CPU (and OS) supports AVX2 and FMA.
int gensyn_cpu_has_avx2_fma(void);
/// The best path this CPU supports.
gensyn_isa gensyn_isa_best(void);
/// The path kernels take now. Initially `REPOPS_ISA` (portable|avx2) if set, else the best.
gensyn_isa gensyn_isa_active(void);
/// 1 if `REPOPS_ISA` was set to something this CPU cannot run or that is not a known name.
int gensyn_isa_env_invalid(void);
/// Selects a path; returns 0 on success, -1 if the CPU does not support it.
int gensyn_isa_select(gensyn_isa isa);
/// "portable" or "avx2".
const char *gensyn_isa_name(gensyn_isa isa);

/// Virtual lane count of canonical reductions: element i goes to lane i mod 16.
#define GENSYN_REDUCTION_LANES 16

/// Canonical dot product: 16 FMA chains (lane i mod 16, starting from +0), then the fixed
/// pairwise tree ((l0+l8)+(l4+l12))+... described in Docs/RepOps.md.
float gensyn_dot_f32(const float *a, const float *b, size_t n);
float gensyn_dot_f32_portable(const float *a, const float *b, size_t n);
float gensyn_dot_f32_avx2(const float *a, const float *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif
