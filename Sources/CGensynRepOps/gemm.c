// Canonical GEMM (Docs/RepOps.md, "GEMM"): every C[i][j] is one fma chain over k = 0...K-1 in
// order, from +0, bias[j] or the current C[i][j]. Packing, cache blocking (including KC blocks of
// K, whose partial sums are stored in C and continued in order), the 6x16 register tile and the
// thread split change speed only: no path ever reorders or splits a chain.
#pragma STDC FP_CONTRACT OFF // a*b+c stays two roundings on every target (no silent fma)
#include "repops_internal.h"
#include "repops_fma.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define MR 6
#define NR 16
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 120
#endif
#ifndef NC
#define NC 1024
#endif

/// Micro-kernel: `rows` (1...MR) rows x NR columns of C (row stride ldc) continue their chains
/// over kc packed steps. Chains start from `init` (one row of NR values broadcast to every row)
/// or, if NULL, from C. Packed A panels always have MR values per k step.
typedef void (*ukernel_fn)(int rows, size_t kc, const float *a, const float *b, float *c, size_t ldc, const float *init);

static void ukernel_portable(int rows, size_t kc, const float *a, const float *b, float *c, size_t ldc, const float *init) {
    float acc[MR][NR];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < NR; j++) acc[r][j] = init ? init[j] : c[(size_t)r * ldc + (size_t)j];
    for (size_t k = 0; k < kc; k++, a += MR, b += NR)
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < NR; j++) acc[r][j] = repops_fmaf(a[r], b[j], acc[r][j]);
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < NR; j++) c[(size_t)r * ldc + (size_t)j] = acc[r][j];
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void ukernel_avx2_full(size_t kc, const float *a, const float *b, float *c, size_t ldc, const float *init) {
    __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    if (init) {
        c00 = c10 = c20 = c30 = c40 = c50 = _mm256_loadu_ps(init);
        c01 = c11 = c21 = c31 = c41 = c51 = _mm256_loadu_ps(init + 8);
    } else {
        c00 = _mm256_loadu_ps(c + 0 * ldc), c01 = _mm256_loadu_ps(c + 0 * ldc + 8);
        c10 = _mm256_loadu_ps(c + 1 * ldc), c11 = _mm256_loadu_ps(c + 1 * ldc + 8);
        c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
        c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
        c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
        c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
    }
#define STEP(o)                                                                                    \
    do {                                                                                           \
        __m256 b0 = _mm256_load_ps(b + (o) * NR), b1 = _mm256_load_ps(b + (o) * NR + 8), av;     \
        av = _mm256_broadcast_ss(a + (o) * MR + 0), c00 = _mm256_fmadd_ps(av, b0, c00), c01 = _mm256_fmadd_ps(av, b1, c01); \
        av = _mm256_broadcast_ss(a + (o) * MR + 1), c10 = _mm256_fmadd_ps(av, b0, c10), c11 = _mm256_fmadd_ps(av, b1, c11); \
        av = _mm256_broadcast_ss(a + (o) * MR + 2), c20 = _mm256_fmadd_ps(av, b0, c20), c21 = _mm256_fmadd_ps(av, b1, c21); \
        av = _mm256_broadcast_ss(a + (o) * MR + 3), c30 = _mm256_fmadd_ps(av, b0, c30), c31 = _mm256_fmadd_ps(av, b1, c31); \
        av = _mm256_broadcast_ss(a + (o) * MR + 4), c40 = _mm256_fmadd_ps(av, b0, c40), c41 = _mm256_fmadd_ps(av, b1, c41); \
        av = _mm256_broadcast_ss(a + (o) * MR + 5), c50 = _mm256_fmadd_ps(av, b0, c50), c51 = _mm256_fmadd_ps(av, b1, c51); \
    } while (0)
    size_t k = 0;
    for (; k + 4 <= kc; k += 4, a += 4 * MR, b += 4 * NR) {
        _mm_prefetch((const char *)(b + 8 * NR), _MM_HINT_T0);
        STEP(0);
        STEP(1);
        _mm_prefetch((const char *)(b + 10 * NR), _MM_HINT_T0);
        STEP(2);
        STEP(3);
    }
    for (; k < kc; k++, a += MR, b += NR) STEP(0);
#undef STEP
    _mm256_storeu_ps(c + 0 * ldc, c00), _mm256_storeu_ps(c + 0 * ldc + 8, c01);
    _mm256_storeu_ps(c + 1 * ldc, c10), _mm256_storeu_ps(c + 1 * ldc + 8, c11);
    _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);
    _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);
    _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);
    _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}

// Fewer than MR rows (the bottom edge of C): the same chains for `R` rows only, so a 4-row edge
// costs 4 rows of work. `R` is a constant in each instance, so the accumulators stay in registers.
__attribute__((target("avx2,fma"), always_inline))
static inline void ukernel_avx2_rows(const int R, size_t kc, const float *a, const float *b, float *c, size_t ldc, const float *init) {
    __m256 acc[MR][2];
    for (int r = 0; r < R; r++) {
        acc[r][0] = _mm256_loadu_ps(init ? init : c + (size_t)r * ldc);
        acc[r][1] = _mm256_loadu_ps(init ? init + 8 : c + (size_t)r * ldc + 8);
    }
    for (size_t k = 0; k < kc; k++, a += MR, b += NR) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        for (int r = 0; r < R; r++) {
            __m256 av = _mm256_broadcast_ss(a + r);
            acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < R; r++) {
        _mm256_storeu_ps(c + (size_t)r * ldc, acc[r][0]);
        _mm256_storeu_ps(c + (size_t)r * ldc + 8, acc[r][1]);
    }
}

__attribute__((target("avx2,fma")))
static void ukernel_avx2(int rows, size_t kc, const float *a, const float *b, float *c, size_t ldc, const float *init) {
    switch (rows) {
    case 1: ukernel_avx2_rows(1, kc, a, b, c, ldc, init); break;
    case 2: ukernel_avx2_rows(2, kc, a, b, c, ldc, init); break;
    case 3: ukernel_avx2_rows(3, kc, a, b, c, ldc, init); break;
    case 4: ukernel_avx2_rows(4, kc, a, b, c, ldc, init); break;
    case 5: ukernel_avx2_rows(5, kc, a, b, c, ldc, init); break;
    default: ukernel_avx2_full(kc, a, b, c, ldc, init); break;
    }
}
#endif

// Per-thread packing buffers (grow-only, freed when the thread exits).
typedef struct pack_buffers {
    float *a, *b;
    size_t acap, bcap;
} pack_buffers;

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *p) {
    pack_buffers *pb = p;
    free(pb->a);
    free(pb->b);
    free(pb);
}
static void make_key(void) { pthread_key_create(&buffers_key, free_buffers); }

static float *grow(float **buf, size_t *cap, size_t need) {
    if (*cap >= need) return *buf;
    free(*buf);
    size_t bytes = (need * sizeof(float) + 63) / 64 * 64;
    *buf = aligned_alloc(64, bytes);
    *cap = *buf ? need : 0;
    return *buf;
}

static pack_buffers *thread_buffers(void) {
    pthread_once(&buffers_once, make_key);
    pack_buffers *pb = pthread_getspecific(buffers_key);
    if (pb == NULL) {
        pb = calloc(1, sizeof *pb);
        if (pb == NULL) return NULL;
        pthread_setspecific(buffers_key, pb);
    }
    return pb;
}

typedef struct gemm_job {
    int trans_a, trans_b;
    size_t m, n, k, lda, ldb, ldc;
    const float *a, *b;
    float *c;
    gensyn_gemm_init init;
    const float *bias;
    ukernel_fn kernel;
    int split_m; // split rows (else columns) across tasks
} gemm_job;

// Packs rows [i0, i0+mc) x k-range [p0, p0+kc) of op(A) into MR-row panels, k-major.
static void pack_a(const gemm_job *j, size_t i0, size_t mc, size_t p0, size_t kc, float *dst) {
    for (size_t ir = 0; ir < mc; ir += MR) {
        size_t rows = mc - ir < MR ? mc - ir : MR;
        for (size_t kk = 0; kk < kc; kk++, dst += MR) {
            size_t r = 0;
            if (j->trans_a) {
                const float *src = j->a + (p0 + kk) * j->lda + i0 + ir;
                for (; r < rows; r++) dst[r] = src[r];
            } else {
                const float *src = j->a + (i0 + ir) * j->lda + p0 + kk;
                for (; r < rows; r++) dst[r] = src[r * j->lda];
            }
            for (; r < MR; r++) dst[r] = 0.0f;
        }
    }
}

// Packs k-range [p0, p0+kc) x columns [j0, j0+nc) of op(B) into NR-column panels, k-major.
static void pack_b(const gemm_job *j, size_t p0, size_t kc, size_t j0, size_t nc, float *dst) {
    for (size_t jr = 0; jr < nc; jr += NR) {
        size_t cols = nc - jr < NR ? nc - jr : NR;
        for (size_t kk = 0; kk < kc; kk++, dst += NR) {
            size_t q = 0;
            if (j->trans_b) {
                const float *src = j->b + (j0 + jr) * j->ldb + p0 + kk;
                for (; q < cols; q++) dst[q] = src[q * j->ldb];
            } else {
                const float *src = j->b + (p0 + kk) * j->ldb + j0 + jr;
                __builtin_prefetch(src + 2 * NR, 0, 2); // two panels ahead, into L2: B streams from memory
                if (cols == NR) {
                    memcpy(dst, src, NR * sizeof(float));
                    q = NR;
                } else
                    for (; q < cols; q++) dst[q] = src[q];
            }
            for (; q < NR; q++) dst[q] = 0.0f;
        }
    }
}

static const float zero_row[NR] = {0};

// Computes C[m0:m1, n0:n1] completely (all of K).
static void gemm_block(const gemm_job *j, size_t m0, size_t m1, size_t n0, size_t n1) {
    if (m0 >= m1 || n0 >= n1) return;
    pack_buffers *pb = thread_buffers();
    size_t ncmax = (n1 - n0 < NC ? n1 - n0 : NC), kcmax = j->k < KC ? j->k : KC;
    size_t ncpad = (ncmax + NR - 1) / NR * NR;
    float *ap = pb ? grow(&pb->a, &pb->acap, (size_t)MC * kcmax) : NULL;
    float *bp = pb ? grow(&pb->b, &pb->bcap, ncpad * kcmax) : NULL;
    if (ap == NULL || bp == NULL) abort(); // out of memory: no result is better than a wrong one
    float tile[MR * NR], init_pad[NR];
    for (size_t jc = n0; jc < n1; jc += NC) {
        size_t nc = n1 - jc < NC ? n1 - jc : NC;
        for (size_t pc = 0; pc < j->k; pc += KC) {
            size_t kc = j->k - pc < KC ? j->k - pc : KC;
            int first = pc == 0 && j->init != GENSYN_GEMM_ACCUMULATE;
            for (size_t ic = m0; ic < m1; ic += MC) {
                size_t mc = m1 - ic < MC ? m1 - ic : MC;
                pack_a(j, ic, mc, pc, kc, ap);
                for (size_t jr = 0; jr < nc; jr += NR) {
                    size_t cols = nc - jr < NR ? nc - jr : NR;
                    // The first row block packs each B panel just before using it (the loads of
                    // B then overlap computation); later row blocks reuse the packed panels.
                    if (ic == m0) pack_b(j, pc, kc, jc + jr, cols, bp + jr * kc);
                    const float *init = NULL;
                    if (first) {
                        if (j->init == GENSYN_GEMM_BIAS) {
                            if (cols == NR)
                                init = j->bias + jc + jr;
                            else {
                                memset(init_pad, 0, sizeof init_pad);
                                memcpy(init_pad, j->bias + jc + jr, cols * sizeof(float));
                                init = init_pad;
                            }
                        } else
                            init = zero_row;
                    }
                    for (size_t ir = 0; ir < mc; ir += MR) {
                        size_t rows = mc - ir < MR ? mc - ir : MR;
                        float *c = j->c + (ic + ir) * j->ldc + jc + jr;
                        const float *a = ap + ir * kc, *b = bp + jr * kc;
                        if (ir + MR < mc) { // the next tile's C rows arrive while this tile computes
                            const float *cn = c + MR * j->ldc;
                            for (int r = 0; r < MR; r++) {
                                __builtin_prefetch(cn + (size_t)r * j->ldc, 1, 3);
                                __builtin_prefetch(cn + (size_t)r * j->ldc + NR - 1, 1, 3);
                            }
                        }
                        if (cols == NR) {
                            j->kernel((int)rows, kc, a, b, c, j->ldc, init);
                        } else {
                            // Right edge: run on a full-width tile buffer, copy the valid part back.
                            if (!init)
                                for (size_t r = 0; r < rows; r++) memcpy(tile + r * NR, c + r * j->ldc, cols * sizeof(float));
                            j->kernel((int)rows, kc, a, b, tile, NR, init);
                            for (size_t r = 0; r < rows; r++) memcpy(c + r * j->ldc, tile + r * NR, cols * sizeof(float));
                        }
                    }
                }
            }
        }
    }
}

static void gemm_task(void *arg, int task, int ntasks) {
    const gemm_job *j = arg;
    size_t lo, hi;
    if (j->split_m) {
        repops_split(j->m, MR, ntasks, task, &lo, &hi);
        gemm_block(j, lo, hi, 0, j->n);
    } else {
        repops_split(j->n, NR, ntasks, task, &lo, &hi);
        gemm_block(j, 0, j->m, lo, hi);
    }
}

void gensyn_gemm_f32_ex(int trans_a, int trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                        const float *b, size_t ldb, float *c, size_t ldc, gensyn_gemm_init init,
                        const float *bias, int threads, gensyn_isa isa) {
    if (m == 0 || n == 0) return;
    if (init == GENSYN_GEMM_BIAS && bias == NULL) init = GENSYN_GEMM_ZERO;
    if (k == 0) { // empty chains: C = init
        if (init == GENSYN_GEMM_ACCUMULATE) return;
        for (size_t i = 0; i < m; i++)
            for (size_t q = 0; q < n; q++) c[i * ldc + q] = init == GENSYN_GEMM_BIAS ? bias[q] : 0.0f;
        return;
    }
    gemm_job j = {trans_a, trans_b, m, n, k, lda, ldb, ldc, a, b, c, init, bias, ukernel_portable, 0};
#if defined(__x86_64__)
    if (isa == GENSYN_ISA_AVX2 && gensyn_cpu_has_avx2_fma()) j.kernel = ukernel_avx2;
#else
    (void)isa;
#endif
    if (threads <= 0) threads = gensyn_threads_get();
    size_t mt = (m + MR - 1) / MR, nt = (n + NR - 1) / NR;
    j.split_m = mt >= nt;
    size_t units = j.split_m ? mt : nt;
    double flops = 2.0 * (double)m * (double)n * (double)k;
    if (flops < 2.0e6) threads = 1; // too small to be worth waking threads
    if ((size_t)threads > units) threads = (int)units;
    repops_parallel(threads, gemm_task, &j);
}

void gensyn_gemm_f32(int trans_a, int trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                     const float *b, size_t ldb, float *c, size_t ldc, gensyn_gemm_init init, const float *bias) {
    gensyn_gemm_f32_ex(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, init, bias, 0, gensyn_isa_active());
}
