// Row ops and elementwise ops (Docs/RepOps.md, "Row ops", "Elementwise ops"). Rows are split
// across threads; each row is computed by the sequence in the docs whichever thread runs it.
#pragma STDC FP_CONTRACT OFF // a*b+c stays two roundings on every target (no silent fma)
#include "repops_internal.h"
#include "repops_math_seam.h"
#include <stdlib.h>

typedef struct row_job {
    int kind;
    const float *x;
    float *y;
    size_t rows, n;
    float eps;
    const float *gamma, *beta;
    const int64_t *targets;
    float *loss; // cross-entropy: one value per row
} row_job;

enum { ROW_SOFTMAX, ROW_LOG_SOFTMAX, ROW_LAYERNORM, ROW_RMSNORM, ROW_CROSS_ENTROPY };

static void softmax_row(const float *x, float *y, size_t n) {
    float m = gensyn_max_f32(x, n);
    for (size_t i = 0; i < n; i++) y[i] = repops_expf(x[i] - m);
    float s = gensyn_sum_f32(y, n);
    for (size_t i = 0; i < n; i++) y[i] = y[i] / s;
}

// Returns m and l = log(sum(exp(x - m))); `scratch` has n floats.
static void log_softmax_parts(const float *x, size_t n, float *scratch, float *m, float *l) {
    *m = gensyn_max_f32(x, n);
    for (size_t i = 0; i < n; i++) scratch[i] = repops_expf(x[i] - *m);
    *l = repops_logf(gensyn_sum_f32(scratch, n));
}

static void row_task(void *arg, int task, int ntasks) {
    const row_job *j = arg;
    size_t lo, hi;
    repops_split(j->rows, 1, ntasks, task, &lo, &hi);
    float fn = (float)j->n;
    for (size_t r = lo; r < hi; r++) {
        const float *x = j->x + r * j->n;
        switch (j->kind) {
        case ROW_SOFTMAX: softmax_row(x, j->y + r * j->n, j->n); break;
        case ROW_LOG_SOFTMAX: {
            float *y = j->y + r * j->n, m, l;
            log_softmax_parts(x, j->n, y, &m, &l);
            for (size_t i = 0; i < j->n; i++) y[i] = (x[i] - m) - l;
            break;
        }
        case ROW_CROSS_ENTROPY: {
            // j->y is scratch for the exponentials (one row per row keeps tasks independent).
            float m, l;
            log_softmax_parts(x, j->n, j->y + r * j->n, &m, &l);
            j->loss[r] = -((x[j->targets[r]] - m) - l);
            break;
        }
        case ROW_LAYERNORM: {
            float *y = j->y + r * j->n;
            float mean = gensyn_sum_f32(x, j->n) / fn;
            float var = gensyn_sumsq_f32(x, j->n, mean) / fn;
            float rs = 1.0f / __builtin_sqrtf(var + j->eps);
            for (size_t i = 0; i < j->n; i++) {
                float d = x[i] - mean;
                y[i] = j->gamma ? __builtin_fmaf(d * rs, j->gamma[i], j->beta ? j->beta[i] : 0.0f) : d * rs;
            }
            break;
        }
        case ROW_RMSNORM: {
            float *y = j->y + r * j->n;
            float ms = gensyn_sumsq_f32(x, j->n, 0.0f) / fn;
            float rs = 1.0f / __builtin_sqrtf(ms + j->eps);
            for (size_t i = 0; i < j->n; i++) y[i] = j->gamma ? (x[i] * rs) * j->gamma[i] : x[i] * rs;
            break;
        }
        }
    }
}

static void run_rows(row_job *j) {
    int threads = gensyn_threads_get();
    if ((double)j->rows * (double)j->n < 32768.0) threads = 1;
    if ((size_t)threads > j->rows) threads = (int)j->rows;
    repops_parallel(threads, row_task, j);
}

void gensyn_softmax_rows_f32(const float *x, float *y, size_t rows, size_t n) {
    if (rows == 0 || n == 0) return;
    row_job j = {ROW_SOFTMAX, x, y, rows, n, 0, NULL, NULL, NULL, NULL};
    run_rows(&j);
}

void gensyn_log_softmax_rows_f32(const float *x, float *y, size_t rows, size_t n) {
    if (rows == 0 || n == 0) return;
    row_job j = {ROW_LOG_SOFTMAX, x, y, rows, n, 0, NULL, NULL, NULL, NULL};
    run_rows(&j);
}

void gensyn_layernorm_rows_f32(const float *x, float *y, size_t rows, size_t n, float eps, const float *gamma,
                               const float *beta) {
    if (rows == 0 || n == 0) return;
    row_job j = {ROW_LAYERNORM, x, y, rows, n, eps, gamma, gamma ? beta : NULL, NULL, NULL};
    run_rows(&j);
}

void gensyn_rmsnorm_rows_f32(const float *x, float *y, size_t rows, size_t n, float eps, const float *gamma) {
    if (rows == 0 || n == 0) return;
    row_job j = {ROW_RMSNORM, x, y, rows, n, eps, gamma, NULL, NULL, NULL};
    run_rows(&j);
}

void gensyn_cross_entropy_rows_f32(const float *x, const int64_t *targets, float *loss, size_t rows, size_t n) {
    if (rows == 0 || n == 0) return;
    float *scratch = malloc(rows * n * sizeof(float));
    if (scratch == NULL) abort(); // out of memory: no result is better than a wrong one
    row_job j = {ROW_CROSS_ENTROPY, x, scratch, rows, n, 0, NULL, NULL, targets, loss};
    run_rows(&j);
    free(scratch);
}

void gensyn_causal_softmax_f32(float *s, size_t t) {
    for (size_t i = 0; i < t; i++) {
        float *row = s + i * t;
        softmax_row(row, row, i + 1);
        for (size_t q = i + 1; q < t; q++) row[q] = 0.0f;
    }
}

// MARK: Elementwise.

static inline float unary1(gensyn_unary op, float x) {
    switch (op) {
    case GENSYN_UNARY_RELU: return x > 0.0f ? x : (x != x ? x : 0.0f);
    case GENSYN_UNARY_SIGMOID: return repops_sigmoidf(x);
    case GENSYN_UNARY_TANH: return repops_tanhf(x);
    case GENSYN_UNARY_SILU: return x * repops_sigmoidf(x);
    case GENSYN_UNARY_GELU: return (0.5f * x) * (1.0f + repops_erff(x * 0x1.6a09e6p-1f));
    case GENSYN_UNARY_GELU_TANH: {
        float x2 = x * x, p = __builtin_fmaf(0.044715f * x2, x, x);
        return (0.5f * x) * (1.0f + repops_tanhf(0x1.988454p-1f * p));
    }
    case GENSYN_UNARY_EXP: return repops_expf(x);
    case GENSYN_UNARY_LOG: return repops_logf(x);
    case GENSYN_UNARY_ERF: return repops_erff(x);
    }
    return x;
}

typedef struct unary_job {
    gensyn_unary op;
    const float *x;
    float *y;
    size_t n;
} unary_job;

static void unary_task(void *arg, int task, int ntasks) {
    const unary_job *j = arg;
    size_t lo, hi;
    repops_split(j->n, 1024, ntasks, task, &lo, &hi);
    for (size_t i = lo; i < hi; i++) j->y[i] = unary1(j->op, j->x[i]);
}

void gensyn_unary_f32(gensyn_unary op, const float *x, float *y, size_t n) {
    unary_job j = {op, x, y, n};
    int threads = n < 65536 ? 1 : gensyn_threads_get();
    repops_parallel(threads, unary_task, &j);
}
