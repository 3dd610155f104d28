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
TABLE(sigmoid,
    {0x34c00000u, 0x3f000001u},
    {0x35600000u, 0x3f000003u},
    {0x35b00000u, 0x3f000005u},
    {0x35f00000u, 0x3f000007u},
    {0x36180000u, 0x3f000009u},
    {0x36380000u, 0x3f00000bu},
    {0x36580000u, 0x3f00000du},
    {0x36780000u, 0x3f00000fu},
    {0x368c0000u, 0x3f000011u},
    {0x369c0000u, 0x3f000013u},
    {0x36ac0000u, 0x3f000015u},
    {0x36bc0000u, 0x3f000017u},
    {0x36cc0000u, 0x3f000019u},
    {0x36dc0000u, 0x3f00001bu},
    {0x36ec0000u, 0x3f00001du},
    {0x36fc0000u, 0x3f00001fu},
    {0x37060000u, 0x3f000021u},
    {0x370e0000u, 0x3f000023u},
    {0x37160000u, 0x3f000025u},
    {0x371e0000u, 0x3f000027u},
    {0x372e0000u, 0x3f00002bu},
    {0x37360000u, 0x3f00002du},
    {0x373e0000u, 0x3f00002fu},
    {0x37460000u, 0x3f000031u},
    {0x374e0000u, 0x3f000033u},
    {0x37560000u, 0x3f000035u},
    {0x375e0000u, 0x3f000037u},
    {0x37660000u, 0x3f000039u},
    {0xb4400000u, 0x3effffffu},
    {0xb4e00000u, 0x3efffffdu},
    {0xb5300000u, 0x3efffffbu},
    {0xb5700000u, 0x3efffff9u},
    {0xb5980000u, 0x3efffff7u},
    {0xb5b80000u, 0x3efffff5u},
    {0xb5d80000u, 0x3efffff3u},
    {0xb5f80000u, 0x3efffff1u},
    {0xb60c0000u, 0x3effffefu},
    {0xb61c0000u, 0x3effffedu},
    {0xb62c0000u, 0x3effffebu},
    {0xb63c0000u, 0x3effffe9u},
    {0xb64c0000u, 0x3effffe7u},
    {0xb65c0000u, 0x3effffe5u},
    {0xb66c0000u, 0x3effffe3u},
    {0xb67c0000u, 0x3effffe1u},
    {0xb6860000u, 0x3effffdfu},
    {0xb68e0000u, 0x3effffddu},
    {0xb6960000u, 0x3effffdbu},
    {0xb69e0000u, 0x3effffd9u},
    {0xb6a60000u, 0x3effffd7u},
    {0xb6ae0000u, 0x3effffd5u},
    {0xb6b60000u, 0x3effffd3u},
    {0xb6be0000u, 0x3effffd1u},
    {0xb6c60000u, 0x3effffcfu},
    {0xb6ce0000u, 0x3effffcdu},
    {0xb6d60000u, 0x3effffcbu},
    {0xb6de0000u, 0x3effffc9u},
    {0xb6e60000u, 0x3effffc7u},
    {0xb6ee0000u, 0x3effffc5u},
    {0xb6f60000u, 0x3effffc3u},
    {0xb6fe0000u, 0x3effffc1u},
    {0xb7570000u, 0x3effff95u},
    {0xb77b0000u, 0x3effff83u},
    {0xb77f0000u, 0x3effff81u},
    {0xb7818000u, 0x3effff7fu},
    {0xb7838000u, 0x3effff7du},
    {0xba928601u, 0x3effdb5fu})
TABLE(rsqrt)
TABLE(gelu,
    {0x37b0a46fu, 0x3730a531u})
TABLE(gelu_tanh,
    {0xb7b0a46fu, 0xb730a3adu})
TABLE(silu)
