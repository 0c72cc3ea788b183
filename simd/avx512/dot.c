/* dot.c: AVX-512 dot product x.y. */
// 4 accumulators x 16 lanes, summed pairwise at the end: another order than scalar's, error O(n eps max|x_i y_i|).
#include "vec.h"

#define HB_SFX avx512
#include "../generic/dot.inc"
