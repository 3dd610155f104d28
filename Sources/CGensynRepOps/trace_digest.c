// Chunk digests of the trace digest (Docs/RepOps.md, "Traces"): Keccak-256 of each fixed-size
// piece of a float32 tensor's canonical bytes, several pieces at once with the multi-lane
// Keccak of CGensynKeccak, spread over the pool. Each piece's digest depends only on its bytes,
// so neither the path nor the thread count changes the output.
#include "repops_internal.h"
#include "CGensynKeccakMulti.h"
#include "CGensynKeccak.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// Pieces are hashed straight from memory on little-endian hosts; elsewhere every group goes
// through the canonical (byte-swapping) copy.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

// Chunks hashed together (one AVX-512 group; two AVX2 groups).
#define GROUP 8
#define MIN_PARALLEL_GROUPS 8

static int has_nan_portable(const uint32_t *w, size_t n) {
    uint32_t any = 0;
    for (size_t i = 0; i < n; i++) any |= (uint32_t)((w[i] & 0x7FFFFFFFu) > 0x7F800000u);
    return any != 0;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static int has_nan_avx2(const uint32_t *w, size_t n) {
    uint32_t any = 0;
    for (size_t i = 0; i < n; i++) any |= (uint32_t)((w[i] & 0x7FFFFFFFu) > 0x7F800000u);
    return any != 0;
}
#endif

static int has_nan(const uint32_t *w, size_t n, int path) {
    if (HOST_BIG_ENDIAN) return 1;
#if defined(__x86_64__)
    if (path != GENSYN_KECCAK_MULTI_PORTABLE) return has_nan_avx2(w, n);
#endif
    (void)path;
    return has_nan_portable(w, n);
}

// Copies n words as canonical bytes: every NaN replaced by the canonical quiet NaN, little-endian.
static void canonical_copy(uint32_t *dst, const uint32_t *src, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (src[i] & 0x7FFFFFFFu) > 0x7F800000u ? 0x7FC00000u : src[i];
        dst[i] = HOST_BIG_ENDIAN ? __builtin_bswap32(v) : v;
    }
}

typedef struct {
    const uint32_t *words;
    size_t n, chunk_words, chunks;
    uint8_t *out;
    int path;
    atomic_int failed;
    atomic_size_t next_group;
} job;

// Hashes chunks [lo, hi): whole groups straight from memory, or from a canonicalised copy when
// a NaN is present.
static void hash_range(job *j, size_t lo, size_t hi) {
    uint32_t *scratch = NULL;
    for (size_t c = lo; c < hi; c += GROUP) {
        size_t g = hi - c < GROUP ? hi - c : GROUP;
        size_t first = c * j->chunk_words;
        size_t words = (c + g) * j->chunk_words;
        if (words > j->n) words = j->n;
        words -= first;
        // Every chunk of the group but possibly the very last one of the tensor is full.
        size_t full = (c + g) * j->chunk_words <= j->n ? g : g - 1;
        const uint32_t *src = j->words + first;
        if (has_nan(src, words, j->path)) {
            if (scratch == NULL && (scratch = malloc(4 * GROUP * j->chunk_words)) == NULL) { atomic_store(&j->failed, 1); return; }
            canonical_copy(scratch, src, words);
            src = scratch;
        }
        size_t cb = 4 * j->chunk_words;
        if (full > 0) gensyn_keccak256_strided((const uint8_t *)src, cb, cb, full, j->out + 32 * c, j->path);
        if (full < g) gensyn_keccak256((const uint8_t *)(src + full * j->chunk_words), 4 * (words - full * j->chunk_words), j->out + 32 * (c + full));
    }
    free(scratch);
}

// Tasks take groups from a shared counter, so a pool thread that starts late (a busy machine)
// leaves its share to the others instead of holding up the call.
static void task(void *arg, int t, int ntasks) {
    (void)t;
    (void)ntasks;
    job *j = arg;
    for (;;) {
        size_t g = atomic_fetch_add(&j->next_group, 1);
        if (g * GROUP >= j->chunks) return;
        size_t lo = g * GROUP, hi = lo + GROUP < j->chunks ? lo + GROUP : j->chunks;
        hash_range(j, lo, hi);
    }
}

int gensyn_trace_chunk_digests_f32(const float *x, size_t n, size_t chunk_bytes, uint8_t *out, int threads, int path) {
    if (chunk_bytes == 0 || chunk_bytes % 4 != 0) return -1;
    if (path < 0) path = gensyn_isa_active() == GENSYN_ISA_PORTABLE ? GENSYN_KECCAK_MULTI_PORTABLE : GENSYN_KECCAK_MULTI_BEST;
    if (path == GENSYN_KECCAK_MULTI_BEST) path = gensyn_keccak_multi_best_path();
    if (!gensyn_keccak_multi_has_path(path)) return -1;
    job j = {(const uint32_t *)(const void *)x, n, chunk_bytes / 4, 0, out, path, 0, 0};
    j.chunks = (n + j.chunk_words - 1) / j.chunk_words;
    if (j.chunks == 0) return 0;
    if (threads <= 0) threads = gensyn_threads_get();
    // Waking pool threads costs more than it saves below ~MIN_PARALLEL_GROUPS groups.
    size_t groups = (j.chunks + GROUP - 1) / GROUP;
    int ntasks = groups < MIN_PARALLEL_GROUPS ? 1 : ((size_t)threads < groups ? threads : (int)groups);
    repops_parallel(ntasks, task, &j);
    return atomic_load(&j.failed) ? -1 : 0;
}
