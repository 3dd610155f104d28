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

// MARK: Threads. A small persistent pthread pool; thread count changes speed only.

/// Threads kernels use now. Initially `REPOPS_THREADS` (1...64) if set, else the CPU count.
int gensyn_threads_get(void);
/// Sets the thread count (clamped to 1...64).
void gensyn_threads_set(int n);
/// 1 if `REPOPS_THREADS` was set to something that is not an integer in 1...64.
int gensyn_threads_env_invalid(void);
/// Starts a detached thread at the lowest scheduling priority (nice 19 on Linux, utility QoS on
/// Apple platforms) that calls fn(ctx): work for otherwise idle cores, such as trace hashing that
/// overlaps a step. Returns 0, or −1 if no thread could be created.
int gensyn_background_thread_start(void (*fn)(void *ctx), void *ctx);

// MARK: Trace digests (Docs/RepOps.md, "Traces").

/// Keccak-256 of each `chunk_bytes`-byte piece (the last may be shorter) of the canonical bytes
/// of x[0..<n) (little-endian bit patterns, every NaN as 0x7FC00000): writes 32 bytes per piece,
/// ceil(4n / chunk_bytes) pieces, to `out`. Runs on up to `threads` pool threads (0: the current
/// setting) with multi-lane Keccak `path` (a gensyn_keccak_multi_path; −1: portable when
/// gensyn_isa_active() is portable, else the best). Results never depend on threads or path.
/// Returns 0, or −1 (bad chunk size — not a positive multiple of 4 —, unsupported path, or
/// out of memory).
int gensyn_trace_chunk_digests_f32(const float *x, size_t n, size_t chunk_bytes, uint8_t *out, int threads, int path);

// MARK: GEMM (Docs/RepOps.md, "GEMM").

/// How each output element's FMA chain starts.
typedef enum gensyn_gemm_init {
    GENSYN_GEMM_ZERO = 0,       ///< from +0
    GENSYN_GEMM_BIAS = 1,       ///< from bias[j] (length n)
    GENSYN_GEMM_ACCUMULATE = 2, ///< from the current C[i][j]
} gensyn_gemm_init;

/// C[m×n] (row stride ldc) = init + op(A)·op(B), every element one fma chain over k in order.
/// A is m×k (lda ≥ k) or, with trans_a, stored k×m (lda ≥ m); B is k×n (ldb ≥ n) or, with
/// trans_b, stored n×k (ldb ≥ k). Runs on `threads` threads (0: the current setting) with `isa`.
void gensyn_gemm_f32_ex(int trans_a, int trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                        const float *b, size_t ldb, float *c, size_t ldc, gensyn_gemm_init init,
                        const float *bias, int threads, gensyn_isa isa);
/// `gensyn_gemm_f32_ex` with the active path and thread count.
void gensyn_gemm_f32(int trans_a, int trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                     const float *b, size_t ldb, float *c, size_t ldc, gensyn_gemm_init init, const float *bias);

// MARK: Canonical reductions (16 lanes + fixed tree) and row ops (Docs/RepOps.md).

float gensyn_sum_f32(const float *x, size_t n);
float gensyn_sum_f32_portable(const float *x, size_t n);
float gensyn_sum_f32_avx2(const float *x, size_t n);
/// Sum over lanes of fma(x[i]-c, x[i]-c, lane).
float gensyn_sumsq_f32(const float *x, size_t n, float c);
float gensyn_sumsq_f32_portable(const float *x, size_t n, float c);
float gensyn_sumsq_f32_avx2(const float *x, size_t n, float c);
/// Order-independent max: NaN if any NaN, +0 above -0. n >= 1.
float gensyn_max_f32(const float *x, size_t n);

/// Row ops over `rows` rows of length n (contiguous), rows split across threads.
void gensyn_softmax_rows_f32(const float *x, float *y, size_t rows, size_t n);
void gensyn_log_softmax_rows_f32(const float *x, float *y, size_t rows, size_t n);
/// gamma/beta may be NULL (no affine transform).
void gensyn_layernorm_rows_f32(const float *x, float *y, size_t rows, size_t n, float eps, const float *gamma,
                               const float *beta);
void gensyn_rmsnorm_rows_f32(const float *x, float *y, size_t rows, size_t n, float eps, const float *gamma);
/// Causal softmax on a t×t score matrix in place: row i over columns 0...i, +0 beyond.
void gensyn_causal_softmax_f32(float *s, size_t t);
/// Per-row cross-entropy -logsoftmax(x)[target]; targets must be < n.
void gensyn_cross_entropy_rows_f32(const float *x, const int64_t *targets, float *loss, size_t rows, size_t n);

/// Elementwise unary ops (Docs/RepOps.md table).
typedef enum gensyn_unary {
    GENSYN_UNARY_RELU = 0,
    GENSYN_UNARY_SIGMOID = 1,
    GENSYN_UNARY_TANH = 2,
    GENSYN_UNARY_SILU = 3,
    GENSYN_UNARY_GELU = 4,
    GENSYN_UNARY_GELU_TANH = 5,
    GENSYN_UNARY_EXP = 6,
    GENSYN_UNARY_LOG = 7,
    GENSYN_UNARY_ERF = 8,
} gensyn_unary;
void gensyn_unary_f32(gensyn_unary op, const float *x, float *y, size_t n);

// MARK: Philox-4x32-10 (Docs/RepOps.md, "Random numbers").

/// One Philox-4x32-10 block: out = philox(key, counter).
void gensyn_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);
/// Elements [0, n) of the uniform stream for `seed`, mapped to [lo, hi).
void gensyn_random_uniform_f32(uint64_t seed, float lo, float hi, float *out, size_t n);
/// Elements [0, n) of the normal stream for `seed` (polar method), as fma(z, std, mean).
void gensyn_random_normal_f32(uint64_t seed, float mean, float std, float *out, size_t n);

#ifdef __cplusplus
}
#endif
#endif
