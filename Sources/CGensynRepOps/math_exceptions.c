// Inputs whose double evaluation lies too close to a rounding boundary and rounds the wrong way,
// with their correctly rounded results (input bits, output bits), sorted by input. Found by the
// exhaustive checker (Tools/mathcheck): `mathcheck <fn> --all --exceptions <fn>.exc`, then
// `gen_exceptions.py DIR` rewrites this file. Regenerate after any change to math.c or math_tables.c.
#include <stddef.h>
#include <stdint.h>

typedef struct gensyn_math_exception {
    uint32_t x, y;
} gensyn_math_exception;
typedef struct gensyn_math_exception_table {
    const gensyn_math_exception *entries;
    size_t count;
} gensyn_math_exception_table;

#define TABLE(NAME, ...)                                                                   \
    static const gensyn_math_exception NAME##_entries[] = {{0xffffffffu, 0}, __VA_ARGS__}; \
    const gensyn_math_exception_table gensyn_math_exc_##NAME = {                           \
        NAME##_entries + 1, sizeof NAME##_entries / sizeof NAME##_entries[0] - 1};

TABLE(exp)
TABLE(log,
    {0x4c5d65a5u, 0x418f034bu},
    {0x65d890d3u, 0x4254d1f9u},
    {0x6f31a8ecu, 0x42845a89u})
TABLE(tanh)
TABLE(erf)
TABLE(sigmoid)
TABLE(rsqrt)
TABLE(gelu)
TABLE(gelu_tanh)
TABLE(silu)
