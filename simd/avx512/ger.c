/* ger.c: AVX-512 rank-1 update A += alpha * x y^T, A row-major m x n (the MLP weight gradient). */
// one row at a time, 4 vectors per step; alpha*x_r rounded once as in the scalar kernel, then one FMA per element.
#include "vec.h"

#define HB_SFX avx512
#include "../generic/ger.inc"
