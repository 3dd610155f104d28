// Runtime ISA selection. The choice changes speed only, never results.
#include "CGensynRepOps.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
static int detect_avx2_fma(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!(fma && osxsave && avx)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0; // OS saves XMM and YMM state
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 5) & 1; // AVX2
}
#else
static int detect_avx2_fma(void) { return 0; }
#endif

static atomic_int cached_support = -1;
static atomic_int active_isa = -1;
static atomic_int env_invalid = 0;

int gensyn_cpu_has_avx2_fma(void) {
    int v = atomic_load(&cached_support);
    if (v < 0) {
        v = detect_avx2_fma();
        atomic_store(&cached_support, v);
    }
    return v;
}

gensyn_isa gensyn_isa_best(void) { return gensyn_cpu_has_avx2_fma() ? GENSYN_ISA_AVX2 : GENSYN_ISA_PORTABLE; }

static gensyn_isa from_environment(void) {
    const char *env = getenv("REPOPS_ISA");
    if (env == NULL || *env == 0) return gensyn_isa_best();
    if (strcmp(env, "portable") == 0) return GENSYN_ISA_PORTABLE;
    if (strcmp(env, "avx2") == 0 && gensyn_cpu_has_avx2_fma()) return GENSYN_ISA_AVX2;
    atomic_store(&env_invalid, 1);
    return GENSYN_ISA_PORTABLE; // safe: identical results, just slower
}

gensyn_isa gensyn_isa_active(void) {
    int v = atomic_load(&active_isa);
    if (v < 0) {
        int fresh = (int)from_environment();
        int expected = -1;
        if (!atomic_compare_exchange_strong(&active_isa, &expected, fresh)) fresh = expected;
        v = fresh;
    }
    return (gensyn_isa)v;
}

int gensyn_isa_env_invalid(void) {
    (void)gensyn_isa_active();
    return atomic_load(&env_invalid);
}

int gensyn_isa_select(gensyn_isa isa) {
    if (isa == GENSYN_ISA_AVX2 && !gensyn_cpu_has_avx2_fma()) return -1;
    if (isa != GENSYN_ISA_AVX2 && isa != GENSYN_ISA_PORTABLE) return -1;
    atomic_store(&active_isa, (int)isa);
    return 0;
}

const char *gensyn_isa_name(gensyn_isa isa) { return isa == GENSYN_ISA_AVX2 ? "avx2" : "portable"; }
