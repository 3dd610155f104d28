// Internal helpers shared by the RepOps C kernels (not part of the module's public header).
#ifndef REPOPS_INTERNAL_H
#define REPOPS_INTERNAL_H
#include "CGensynRepOps.h"

/// Runs fn(arg, t, ntasks) for t in 0..<ntasks, on up to ntasks pool threads (the caller runs
/// task 0). Falls back to running every task on the calling thread when the pool is busy (a
/// concurrent or nested call): results never depend on which thread runs a task.
void repops_parallel(int ntasks, void (*fn)(void *arg, int task, int ntasks), void *arg);

/// Splits [0, n) into `parts` contiguous ranges aligned to `unit`; range `p` is [*lo, *hi).
static inline void repops_split(size_t n, size_t unit, int parts, int p, size_t *lo, size_t *hi) {
    size_t units = (n + unit - 1) / unit;
    size_t a = units * (size_t)p / (size_t)parts, b = units * (size_t)(p + 1) / (size_t)parts;
    *lo = a * unit < n ? a * unit : n;
    *hi = b * unit < n ? b * unit : n;
}
#endif
