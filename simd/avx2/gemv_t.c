/* gemv_t.c: AVX2 y = A^T x, A row-major m x n (the MLP backward pass to the layer input). */
// 4-vector column blocks over all rows, even/odd rows in separate accumulators: error O(m eps max|a_rj x_r|).
#include "vec.h"

#define HB_SFX avx2
#include "../generic/gemv_t.inc"
