// OpenBLAS through pkg-config `openblas` (not `blas`: on Debian that is an alternatives link
// that may point at the slow reference BLAS).
#include <cblas.h>
// Thread control for benchmarks (OpenBLAS extension).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
