// Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11) and the RepOps random streams
// (Docs/RepOps.md, "Random numbers"). Element i depends only on (seed, i).
#pragma STDC FP_CONTRACT OFF // a*b+c stays two roundings on every target (no silent fma)
#include "CGensynRepOps.h"
#include "repops_math_seam.h"

void gensyn_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0, hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

void gensyn_random_uniform_f32(uint64_t seed, float lo, float hi, float *out, size_t n) {
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)}, w[4];
    float width = hi - lo;
    for (size_t i = 0; i < n; i += 4) {
        uint64_t block = i / 4;
        uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), 0, 0};
        gensyn_philox4x32_10(ctr, key, w);
        for (size_t q = 0; q < 4 && i + q < n; q++) {
            float u = (float)(w[q] >> 8) * 0x1p-24f;
            out[i + q] = __builtin_fmaf(u, width, lo);
        }
    }
}

void gensyn_random_normal_f32(uint64_t seed, float mean, float std, float *out, size_t n) {
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)}, w[4];
    for (size_t i = 0; i < n; i++) {
        float z = 0.0f;
        for (uint32_t attempt = 0;; attempt++) {
            uint32_t ctr[4] = {(uint32_t)i, (uint32_t)((uint64_t)i >> 32), attempt, 1};
            gensyn_philox4x32_10(ctr, key, w);
            int done = 0;
            for (int pair = 0; pair < 2 && !done; pair++) {
                float u = (float)(w[2 * pair] >> 8) * 0x1p-23f - 1.0f;
                float v = (float)(w[2 * pair + 1] >> 8) * 0x1p-23f - 1.0f;
                float q = __builtin_fmaf(u, u, v * v);
                if (q >= 1.0f || q == 0.0f) continue;
                z = u * __builtin_sqrtf((-2.0f * repops_logf(q)) / q);
                done = 1;
            }
            if (done) break;
        }
        out[i] = __builtin_fmaf(z, std, mean);
    }
}
