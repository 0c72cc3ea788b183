/* dot_rows.c: AVX-512 dot products of a mini-batch's (user, item) row pairs. */
// per pair the dot kernel's 4 accumulators x 16 lanes (dot_body.h): bitwise this ISA's dot.
#include "vec.h"

#define HB_SFX avx512
#include "../generic/dot_rows.inc"
