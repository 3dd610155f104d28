#ifndef CGENSYN_KECCAK_MULTI_H
#define CGENSYN_KECCAK_MULTI_H

// Multi-lane Keccak-256: several equal-length messages hashed at once, one Keccak-f[1600] state
// per SIMD lane (4 in AVX2 ymm registers, 8 in AVX-512 zmm registers). Every path computes plain
// Keccak-256 (Ethereum's keccak256) of each message, so all paths give identical bytes; the path
// changes speed only.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Implementation paths of the multi-lane hash.
typedef enum gensyn_keccak_multi_path {
    GENSYN_KECCAK_MULTI_BEST = -1,     ///< the fastest path this CPU runs (AVX-512, else AVX2, else portable)
    GENSYN_KECCAK_MULTI_PORTABLE = 0,  ///< one message at a time with the single-stream sponge
    GENSYN_KECCAK_MULTI_AVX2 = 1,      ///< 4 lanes in ymm registers (x86-64 with AVX2)
    GENSYN_KECCAK_MULTI_AVX512 = 2,    ///< 8 lanes in zmm registers (x86-64 with AVX-512F)
} gensyn_keccak_multi_path;

/// 1 if this CPU (and OS) can run `path`, else 0. BEST and PORTABLE always return 1.
int gensyn_keccak_multi_has_path(int path);
/// The path GENSYN_KECCAK_MULTI_BEST resolves to on this CPU.
int gensyn_keccak_multi_best_path(void);

/// Keccak-256 of `count` messages of `length` bytes each; message i starts at `data + i * stride`
/// (stride ≥ length is not required: messages may overlap). Writes 32 bytes per message to
/// `out + 32 * i`. Returns 0, or −1 (nothing written) if this CPU has no such `path`.
int gensyn_keccak256_strided(const uint8_t *data, size_t stride, size_t length, size_t count,
                             uint8_t *out, int path);

#ifdef __cplusplus
}
#endif
#endif
