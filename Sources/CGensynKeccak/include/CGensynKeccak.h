#ifndef CGENSYN_KECCAK_H
#define CGENSYN_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Keccak-256 sponge state (rate 136 bytes, capacity 512 bits, original 0x01 padding).
typedef struct gensyn_keccak256_ctx {
    uint64_t state[25];
    uint8_t buffer[136];
    size_t buffered;
} gensyn_keccak256_ctx;

void gensyn_keccak_f1600(uint64_t state[25]);
/// A specific implementation, for tests: 0 = portable, 1 = BMI1/BMI2 (x86-64). Returns 0, or −1
/// if this CPU or build has no such path (the state is then untouched).
int gensyn_keccak_f1600_path(uint64_t state[25], int path);
void gensyn_keccak256_init(gensyn_keccak256_ctx *ctx);
void gensyn_keccak256_update(gensyn_keccak256_ctx *ctx, const uint8_t *data, size_t length);
/// Writes 32 bytes. Does not modify `ctx`, so a running hash can be finalized and continued.
void gensyn_keccak256_final(const gensyn_keccak256_ctx *ctx, uint8_t out[32]);
void gensyn_keccak256(const uint8_t *data, size_t length, uint8_t out[32]);
/// One-shot Keccak-256 through a specific implementation, for tests (paths as above). Returns 0, or −1
/// if this CPU or build has no such path (`out` is then untouched).
int gensyn_keccak256_path(const uint8_t *data, size_t length, uint8_t out[32], int path);

#ifdef __cplusplus
}
#endif
#endif
