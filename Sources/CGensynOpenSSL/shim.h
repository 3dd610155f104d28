// OpenSSL's libcrypto, for benchmark baselines only (SHA3-256 runs the same Keccak-f permutation).
#include <openssl/evp.h>
