// GMP's public API is mostly macros (mpz_add is #define'd to __gmpz_add, mpz_sgn is a macro),
// which Swift cannot call; these static inline functions give each one a real symbol.
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

static inline void gensyn_mpz_init(mpz_ptr x) { mpz_init(x); }
static inline void gensyn_mpz_clear(mpz_ptr x) { mpz_clear(x); }
static inline int gensyn_mpz_set_str(mpz_ptr x, const char *s, int base) { return mpz_set_str(x, s, base); }
static inline void gensyn_mpz_set_ui(mpz_ptr x, unsigned long v) { mpz_set_ui(x, v); }
static inline void gensyn_mpz_set_si(mpz_ptr x, long v) { mpz_set_si(x, v); }
static inline void gensyn_mpz_add(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_add(r, a, b); }
static inline void gensyn_mpz_sub(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_sub(r, a, b); }
static inline void gensyn_mpz_mul(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_mul(r, a, b); }
static inline void gensyn_mpz_mul_2exp(mpz_ptr r, mpz_srcptr a, unsigned long n) { mpz_mul_2exp(r, a, n); }
static inline void gensyn_mpz_tdiv_qr(mpz_ptr q, mpz_ptr r, mpz_srcptr n, mpz_srcptr d) { mpz_tdiv_qr(q, r, n, d); }
static inline void gensyn_mpz_fdiv_q(mpz_ptr q, mpz_srcptr n, mpz_srcptr d) { mpz_fdiv_q(q, n, d); }
static inline void gensyn_mpz_cdiv_q(mpz_ptr q, mpz_srcptr n, mpz_srcptr d) { mpz_cdiv_q(q, n, d); }
static inline void gensyn_mpz_pow_ui(mpz_ptr r, mpz_srcptr b, unsigned long e) { mpz_pow_ui(r, b, e); }
static inline void gensyn_mpz_sqrt(mpz_ptr r, mpz_srcptr a) { mpz_sqrt(r, a); }
static inline int gensyn_mpz_cmp(mpz_srcptr a, mpz_srcptr b) { return mpz_cmp(a, b); }
static inline int gensyn_mpz_sgn(mpz_srcptr a) { return mpz_sgn(a); }
static inline size_t gensyn_mpz_sizeinbase(mpz_srcptr a, int base) { return mpz_sizeinbase(a, base); }
/// Decimal (or other base) text of `x`; free the result with `free`.
static inline char *gensyn_mpz_get_str(mpz_srcptr x, int base) { return mpz_get_str(NULL, base, x); }
static inline const char *gensyn_gmp_version(void) { return gmp_version; }
