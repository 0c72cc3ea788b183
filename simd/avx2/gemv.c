/* gemv.c: AVX2 y = A x, A row-major m x n (the MLP forward and the embedding-score sweep). */
// 8 rows per step, one 8-lane accumulator each, one shared 8-row reduction: error O(n eps max|a_i x_i|) per row.
#include "vec.h"

#define HB_SFX avx2
#include "../generic/gemv.inc"
