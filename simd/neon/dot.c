/* dot.c: NEON dot product x.y. */
// 4 accumulators x 4 lanes, summed pairwise at the end: another order than scalar's, error O(n eps max|x_i y_i|).
#include "vec.h"

#define HB_SFX neon
#include "../generic/dot.inc"
