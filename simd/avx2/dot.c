/* dot.c: AVX2 dot product x.y. */
// 4 accumulators x 8 lanes, summed pairwise at the end: another order than scalar's, error O(n eps max|x_i y_i|).
#include "vec.h"

#define HB_SFX avx2
#include "../generic/dot.inc"
