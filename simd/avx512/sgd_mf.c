/* sgd_mf.c: AVX-512 fused MF SGD step: e = r - (p.q + bias), then p and q updated from the old p. */
// dot in 2 accumulators x 16 lanes (error O(n eps max|p_i q_i|)); updates p*(1-lr*reg) + (lr*e)*q: mul + FMA.
#include "vec.h"

#define HB_SFX avx512
#include "../generic/sgd_mf.inc"
