// mathcheck: accuracy checker for the RepOps math library against a correctly rounded reference.
//
// For every input the reference is the x87 long double evaluation (64-bit significand, glibc's
// expl/logl/tanhl/erfl/erfcl/sqrtl, relative error about 2^-60) rounded to float, unless that
// value lies within 2^-12 ulp of a float rounding boundary; then MPFR evaluates the function at
// 256 bits and rounds it to float (emin/emax/subnormals set for binary32). The long double error
// is ~2^-32 ulp, far inside that window, so every reference is the correctly rounded result.
// --all (and --fast) use glibc's double functions instead (faster; error at most about 2^-26
// float ulp, 2^-21 for gelu's erfc argument) with a window of 2^-18 ulp (2^-14 for the gelus).
//
// Usage: mathcheck FN [--all | --range LO HI | --sample N] [--threads T] [--isa portable|avx2]
//                     [--exceptions FILE] [--seed S] [--inputs FILE]
//   --paths: no reference; counts inputs where the portable and AVX2 paths differ in any bit.
//   --fast: double reference (implied by --all); no f64 error statistic.
//   --inputs FILE: checks the inputs listed in FILE (first hex column per line).
//   FN: exp log tanh erf sigmoid sqrt rsqrt gelu gelu_tanh silu
//   LO, HI: input bit patterns (hex), inclusive. Default --sample 1000000 (seeded random bits).
//   --exceptions FILE: writes "xbits ybits" (hex) of every wrong result, sorted, for
//   Sources/CGensynRepOps/math_exceptions.c.
// Build: make -C Tools/mathcheck  (needs libmpfr-dev).
#define _GNU_SOURCE
#include "CGensynRepOps.h"
#include "gensyn_math.h"
#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *fn;
static int fid; // index in the switch of ref_ld
static const char *const names[] = {"exp", "log", "tanh", "erf", "sigmoid", "silu", "sqrt", "rsqrt", "gelu", "gelu_tanh"};
static int isa = GENSYN_ISA_AVX2;
static uint64_t lo_bits, hi_bits; // inclusive range, or sample count
static int sample_mode;
static uint32_t *input_list;
static size_t input_count;
static uint64_t sample_count, seed = 1;
static atomic_ulong next_block;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

#define BLOCK 65536u

typedef struct {
    uint64_t total, wrong, mpfr_calls, nan_mismatch, zero_sign;
    uint64_t max_ulp;
    uint32_t max_ulp_x;
    double max_rel; // relative error of our double value vs the long double reference
    uint32_t max_rel_x;
    uint32_t *bad; // pairs
    size_t bad_count, bad_cap;
} stats;
static stats global;

static float from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static long double ref_ld(float xf) {
    long double x = xf;
    switch (fid) {
    case 0: return expl(x);
    case 1: return logl(x);
    case 2: return tanhl(x);
    case 3: return erfl(x);
    case 4: return 1.0L / (1.0L + expl(-x));
    case 5: return isinf(x) && x < 0 ? -0.0L : x / (1.0L + expl(-x));
    case 6: return sqrtl(x);
    case 7: return 1.0L / sqrtl(x);
    case 8:
        if (isinf(x)) return x > 0 ? x : -0.0L;
        return x * 0.5L * erfcl(-x * 0.70710678118654752440084436210484903928L);
    case 9: {
        if (isinf(x)) return x > 0 ? x : -0.0L;
        long double w = 1.59576912160573071175620241827404L * (x + 0.044715L * x * x * x);
        return x / (1.0L + expl(-w));
    }
    }
    abort();
}

// The same in double with glibc's double functions (errors of a few 2^-53, documented in the
// glibc manual): about 2^-21 float ulp at worst (gelu's erfc argument), still far inside the
// 2^-12 window, and twice as fast. Used for --all; the long double one for samples and lists.
static double ref_d(float xf) {
    double x = xf;
    switch (fid) {
    case 0: return exp(x);
    case 1: return log(x);
    case 2: return tanh(x);
    case 3: return erf(x);
    case 4: return 1.0 / (1.0 + exp(-x));
    case 5: return isinf(x) && x < 0 ? -0.0 : x / (1.0 + exp(-x));
    case 6: return sqrt(x);
    case 7: return 1.0 / sqrt(x);
    case 8:
        if (isinf(x)) return x > 0 ? x : -0.0;
        return x * 0.5 * erfc(-x * 0.70710678118654752440);
    case 9: {
        if (isinf(x)) return x > 0 ? x : -0.0;
        double w = 1.5957691216057307117 * (x + 0.044715 * x * x * x);
        return x / (1.0 + exp(-w));
    }
    }
    abort();
}

// Correctly rounded float of fn(x) with MPFR at 256 bits. The exponent range is per thread
// (MPFR built thread-safe; main() checks).
static float ref_mpfr(float xf) {
    mpfr_t x, t, u, y;
    mpfr_inits2(256, x, t, u, (mpfr_ptr)0);
    mpfr_init2(y, 24);
    mpfr_set_flt(x, xf, MPFR_RNDN);
    if (!strcmp(fn, "exp")) mpfr_exp(t, x, MPFR_RNDN);
    else if (!strcmp(fn, "log")) mpfr_log(t, x, MPFR_RNDN);
    else if (!strcmp(fn, "tanh")) mpfr_tanh(t, x, MPFR_RNDN);
    else if (!strcmp(fn, "erf")) mpfr_erf(t, x, MPFR_RNDN);
    else if (!strcmp(fn, "sqrt")) mpfr_sqrt(t, x, MPFR_RNDN);
    else if (!strcmp(fn, "rsqrt")) mpfr_rec_sqrt(t, x, MPFR_RNDN);
    else if (!strcmp(fn, "sigmoid") || !strcmp(fn, "silu")) {
        mpfr_neg(u, x, MPFR_RNDN);
        mpfr_exp(u, u, MPFR_RNDN);
        mpfr_add_ui(u, u, 1, MPFR_RNDN);
        if (!strcmp(fn, "sigmoid")) mpfr_ui_div(t, 1, u, MPFR_RNDN);
        else mpfr_div(t, x, u, MPFR_RNDN);
    } else if (!strcmp(fn, "gelu")) {
        mpfr_sqrt_ui(u, 2, MPFR_RNDN);
        mpfr_div(u, x, u, MPFR_RNDN);
        mpfr_neg(u, u, MPFR_RNDN);
        mpfr_erfc(u, u, MPFR_RNDN);
        mpfr_mul(t, x, u, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
    } else if (!strcmp(fn, "gelu_tanh")) {
        mpfr_t c;
        mpfr_init2(c, 256);
        mpfr_set_str(c, "0.044715", 10, MPFR_RNDN);
        mpfr_mul(u, x, x, MPFR_RNDN);
        mpfr_mul(u, u, x, MPFR_RNDN);
        mpfr_mul(u, u, c, MPFR_RNDN);
        mpfr_add(u, u, x, MPFR_RNDN); // x + 0.044715 x^3
        mpfr_const_pi(c, MPFR_RNDN);
        mpfr_ui_div(c, 8, c, MPFR_RNDN);
        mpfr_sqrt(c, c, MPFR_RNDN); // 2 sqrt(2/pi)
        mpfr_mul(u, u, c, MPFR_RNDN);
        mpfr_neg(u, u, MPFR_RNDN);
        mpfr_exp(u, u, MPFR_RNDN);
        mpfr_add_ui(u, u, 1, MPFR_RNDN);
        mpfr_div(t, x, u, MPFR_RNDN);
        mpfr_clear(c);
    } else abort();
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_set_emin(-148);
    mpfr_set_emax(128);
    int inex = mpfr_set(y, t, MPFR_RNDN);
    inex = mpfr_check_range(y, inex, MPFR_RNDN);
    mpfr_subnormalize(y, inex, MPFR_RNDN);
    float r = mpfr_get_flt(y, MPFR_RNDN);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    mpfr_clears(x, t, u, y, (mpfr_ptr)0);
    return r;
}

// The correctly rounded float of fn(x); *ld receives the long double value.
static int fast_reference; // --all: double reference
static int paths_only;      // --paths: compare portable vs AVX2 instead of the reference
static atomic_ullong path_differences;
// Boundary window of the double reference, in float ulps: 2^-18, or 2^-14 for gelu and gelu_tanh
// whose erfc / exp arguments carry a relative error up to ~2^-45 (about 2^-21 ulp).
static double fast_window = 0x1p-18;

// The same boundary test in double arithmetic (no x87), for the double reference.
static float reference_fast(float x, long double *ld, uint64_t *mpfr_calls) {
    double r = ref_d(x);
    *ld = r;
    if (isnan(r)) return NAN;
    float f = (float)r;
    if (isinf(r)) return f;
    double a = fabs(r);
    if (isinf(f)) {
        if (fabs(a - ((double)FLT_MAX + 0x1p103)) < 0x1p104 * fast_window) { (*mpfr_calls)++; return ref_mpfr(x); }
        return f;
    }
    float af = fabsf(f);
    double nu = af == FLT_MAX ? 0x1p128 : (double)nextafterf(af, INFINITY);
    double nd = af == 0 ? -0x1p-149 : (double)nextafterf(af, 0);
    double ulp = nu - af; // >= the spacing below af
    // a - midpoint is exact or nearly so (Sterbenz).
    if (fabs(a - (af + nu) / 2) < ulp * fast_window || fabs(a - (af + nd) / 2) < ulp * fast_window) {
        (*mpfr_calls)++;
        return ref_mpfr(x);
    }
    return f;
}

static float reference(float x, long double *ld, uint64_t *mpfr_calls) {
    if (fast_reference) return reference_fast(x, ld, mpfr_calls);
    long double r = ref_ld(x);
    *ld = r;
    if (isnan(r)) return NAN;
    float f = (float)r;
    if (isinf(r)) return f;
    long double up, dn;
    if (isinf(f)) { // beyond the overflow boundary: check against FLT_MAX + ulp/2
        up = dn = (long double)FLT_MAX + 0x1p103L;
        long double d = fabsl(r - up);
        if (d < 0x1p104L * 0x1p-12L) { (*mpfr_calls)++; return ref_mpfr(x); }
        return f;
    }
    long double nu = f == FLT_MAX ? 0x1p128L : (long double)nextafterf(f, INFINITY);
    long double nd = f == -FLT_MAX ? -0x1p128L : (long double)nextafterf(f, -INFINITY);
    up = ((long double)f + nu) / 2;
    dn = ((long double)f + nd) / 2;
    long double ulp = nu - (long double)f;
    if (fabsl(r - up) < ulp * 0x1p-12L || fabsl(r - dn) < ulp * 0x1p-12L) {
        (*mpfr_calls)++;
        return ref_mpfr(x);
    }
    return f;
}

static int64_t ordered(uint32_t b) { return (b & 0x80000000u) ? -(int64_t)(b & 0x7fffffffu) : (int64_t)b; }

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void *worker(void *arg) {
    (void)arg;
    float *xs = malloc(BLOCK * sizeof(float)), *ys = malloc(BLOCK * sizeof(float));
    double *yd = malloc(BLOCK * sizeof(double));
    uint64_t span = input_list ? input_count : sample_mode ? sample_count : hi_bits - lo_bits + 1;
    stats local = {0};
    for (;;) {
        uint64_t b = atomic_fetch_add(&next_block, 1);
        uint64_t start = b * BLOCK;
        if (start >= span) break;
        size_t n = (size_t)((span - start) < BLOCK ? span - start : BLOCK);
        uint64_t rng = seed * 0x100000001b3ull + b;
        for (size_t i = 0; i < n; i++)
            xs[i] = from_bits(input_list  ? input_list[start + i]
                              : sample_mode ? (uint32_t)splitmix(&rng)
                                            : (uint32_t)(lo_bits + start + i));
        if (paths_only) {
            gensyn_math_apply_isa(fn, GENSYN_ISA_PORTABLE, xs, ys, n);
            gensyn_math_apply_isa(fn, GENSYN_ISA_AVX2, xs, (float *)yd, n);
            unsigned long long d = 0;
            for (size_t i = 0; i < n; i++) d += to_bits(ys[i]) != to_bits(((float *)yd)[i]);
            atomic_fetch_add(&path_differences, d);
            local.total += n;
            continue;
        }
        if (gensyn_math_apply_isa(fn, isa, xs, ys, n) != 0) abort();
        if (!fast_reference) gensyn_math_eval_f64(fn, xs, yd, n);
        for (size_t i = 0; i < n; i++) {
            long double ld;
            float ref = reference(xs[i], &ld, &local.mpfr_calls);
            uint32_t ob = to_bits(ys[i]), rb = to_bits(ref);
            local.total++;
            int nudged = fabsf(xs[i]) < 0x1p-30f && (!strcmp(fn, "silu") || !strncmp(fn, "gelu", 4));
            if (!fast_reference && !nudged && fabsl(ld) >= FLT_MIN && fabsl(ld) <= FLT_MAX && isfinite(yd[i])) {
                // Relative error of the double value; above 2^-42 only where a clamp saturates
                // the result (tanh(20) evaluated as tanh(10)), which rounds the same; x sigmoid(x)-like
                // functions are nudged off midpoints below 2^-30 (math.c).
                double rel = (double)fabsl(((long double)yd[i] - ld) / ld);
                if (rel < 0x1p-42 && rel > local.max_rel) { local.max_rel = rel; local.max_rel_x = to_bits(xs[i]); }
            }
            if (isnan(ref) || isnan(ys[i])) {
                if (!(isnan(ref) && isnan(ys[i]))) { local.nan_mismatch++; local.wrong++; }
                continue;
            }
            if (ob == rb) continue;
            local.wrong++;
            uint64_t d = (uint64_t)llabs(ordered(ob) - ordered(rb));
            if (d == 0) local.zero_sign++;
            if (d > local.max_ulp) { local.max_ulp = d; local.max_ulp_x = to_bits(xs[i]); }
            if (local.bad_count == local.bad_cap) {
                local.bad_cap = local.bad_cap ? 2 * local.bad_cap : 64;
                local.bad = realloc(local.bad, local.bad_cap * 2 * sizeof(uint32_t));
            }
            local.bad[2 * local.bad_count] = to_bits(xs[i]);
            local.bad[2 * local.bad_count + 1] = rb;
            local.bad_count++;
        }
        if (b % 1024 == 0) {
            fprintf(stderr, "\r%s: %.1f%%", fn, 100.0 * (double)start / (double)span);
            fflush(stderr);
        }
    }
    pthread_mutex_lock(&stats_lock);
    global.total += local.total;
    global.wrong += local.wrong;
    global.mpfr_calls += local.mpfr_calls;
    global.nan_mismatch += local.nan_mismatch;
    global.zero_sign += local.zero_sign;
    if (local.max_ulp > global.max_ulp) { global.max_ulp = local.max_ulp; global.max_ulp_x = local.max_ulp_x; }
    if (local.max_rel > global.max_rel) { global.max_rel = local.max_rel; global.max_rel_x = local.max_rel_x; }
    for (size_t i = 0; i < local.bad_count; i++) {
        if (global.bad_count == global.bad_cap) {
            global.bad_cap = global.bad_cap ? 2 * global.bad_cap : 64;
            global.bad = realloc(global.bad, global.bad_cap * 2 * sizeof(uint32_t));
        }
        global.bad[2 * global.bad_count] = local.bad[2 * i];
        global.bad[2 * global.bad_count + 1] = local.bad[2 * i + 1];
        global.bad_count++;
    }
    pthread_mutex_unlock(&stats_lock);
    free(local.bad);
    free(xs);
    free(ys);
    free(yd);
    return NULL;
}

static int cmp_pair(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void usage(void) {
    fprintf(stderr, "usage: mathcheck FN [--all | --range LO HI | --sample N] [--threads T] "
                    "[--isa portable|avx2] [--exceptions FILE] [--seed S] [--inputs FILE] [--fast] [--paths]\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    if (!mpfr_buildopt_tls_p()) {
        fprintf(stderr, "mathcheck: needs a thread-safe MPFR (per-thread exponent range)\n");
        return 2;
    }
    fn = argv[1];
    fid = -1;
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (!strcmp(names[i], fn)) fid = i;
    if (fid == 8 || fid == 9) fast_window = 0x1p-14;
    float probe = 1, out;
    if (fid < 0 || gensyn_math_apply(fn, &probe, &out, 1) != 0) {
        fprintf(stderr, "mathcheck: unknown function '%s'\n", fn);
        return 2;
    }
    int threads = 2;
    const char *exc_path = NULL;
    sample_mode = 1;
    sample_count = 1000000;
    if (!gensyn_cpu_has_avx2_fma()) isa = GENSYN_ISA_PORTABLE;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--all")) { sample_mode = 0; lo_bits = 0; hi_bits = 0xffffffffu; fast_reference = 1; }
        else if (!strcmp(argv[i], "--range") && i + 2 < argc) {
            sample_mode = 0;
            lo_bits = strtoull(argv[i + 1], NULL, 16);
            hi_bits = strtoull(argv[i + 2], NULL, 16);
            i += 2;
            if (hi_bits < lo_bits || hi_bits > 0xffffffffu) usage();
        } else if (!strcmp(argv[i], "--sample") && i + 1 < argc) { sample_mode = 1; sample_count = strtoull(argv[++i], NULL, 10); }
        else if (!strcmp(argv[i], "--inputs") && i + 1 < argc) {
            FILE *f = fopen(argv[++i], "r");
            if (!f) { perror(argv[i]); return 2; }
            unsigned v;
            size_t cap = 0;
            while (fscanf(f, "%x%*[^\n]", &v) == 1) {
                if (input_count == cap) { cap = cap ? 2 * cap : 256; input_list = realloc(input_list, cap * sizeof(uint32_t)); }
                input_list[input_count++] = v;
            }
            fclose(f);
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--fast")) fast_reference = 1;
        else if (!strcmp(argv[i], "--paths")) paths_only = 1;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--exceptions") && i + 1 < argc) exc_path = argv[++i];
        else if (!strcmp(argv[i], "--isa") && i + 1 < argc) {
            i++;
            if (!strcmp(argv[i], "portable")) isa = GENSYN_ISA_PORTABLE;
            else if (!strcmp(argv[i], "avx2")) isa = GENSYN_ISA_AVX2;
            else usage();
        } else usage();
    }
    if (threads < 1) threads = 1;
    if (paths_only && !gensyn_cpu_has_avx2_fma()) {
        fprintf(stderr, "mathcheck: --paths needs an AVX2+FMA CPU\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t tid[64];
    if (threads > 64) threads = 64;
    for (int i = 0; i < threads; i++) pthread_create(&tid[i], NULL, worker, NULL);
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    fprintf(stderr, "\r");
    if (paths_only) {
        printf("fn=%s paths=portable,avx2 inputs=%llu differences=%llu seconds=%.1f\n", fn,
               (unsigned long long)global.total, (unsigned long long)atomic_load(&path_differences), secs);
        return atomic_load(&path_differences) ? 1 : 0;
    }
    qsort(global.bad, global.bad_count, 2 * sizeof(uint32_t), cmp_pair);
    if (exc_path) {
        FILE *f = fopen(exc_path, "w");
        if (!f) { perror(exc_path); return 1; }
        for (size_t i = 0; i < global.bad_count; i++) fprintf(f, "%08x %08x\n", global.bad[2 * i], global.bad[2 * i + 1]);
        fclose(f);
    }
    char cover[64];
    if (input_list) snprintf(cover, sizeof cover, "list:%zu", input_count);
    else if (sample_mode) snprintf(cover, sizeof cover, "sample:%llu:seed%llu", (unsigned long long)sample_count, (unsigned long long)seed);
    else snprintf(cover, sizeof cover, "range:%08llx-%08llx", (unsigned long long)lo_bits, (unsigned long long)hi_bits);
    printf("fn=%s isa=%s inputs=%llu cover=%s correctly_rounded=%.7f%% wrong=%llu max_ulp=%llu",
           fn, gensyn_isa_name((gensyn_isa)isa), (unsigned long long)global.total, cover,
           global.total ? 100.0 * (double)(global.total - global.wrong) / (double)global.total : 0.0,
           (unsigned long long)global.wrong, (unsigned long long)global.max_ulp);
    if (global.max_ulp) printf(" max_ulp_at=%08x", global.max_ulp_x);
    printf(" nan_mismatch=%llu zero_sign=%llu f64_max_rel_err=2^%.2f (x=%08x) mpfr_calls=%llu seconds=%.1f\n",
           (unsigned long long)global.nan_mismatch, (unsigned long long)global.zero_sign,
           global.max_rel > 0 ? log2(global.max_rel) : -INFINITY, global.max_rel_x,
           (unsigned long long)global.mpfr_calls, secs);
    for (size_t i = 0; i < global.bad_count && i < 10; i++)
        fprintf(stderr, "  wrong: x=%08x (%.9g) want %08x\n", global.bad[2 * i], (double)from_bits(global.bad[2 * i]), global.bad[2 * i + 1]);
    return global.wrong ? 1 : 0;
}
