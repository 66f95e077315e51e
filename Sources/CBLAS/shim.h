// OpenBLAS's CBLAS interface; the include path comes from pkg-config `openblas`.
#include <stddef.h>
#include <cblas.h>

// LAPACK's symmetric eigensolver from the same library (OpenBLAS bundles LAPACK; no lapacke.h
// is needed). Fortran calling convention: every argument by pointer, column-major storage, and the
// hidden lengths of the two one-character arguments last (harmless where the callee ignores them).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_length, size_t uplo_length);
