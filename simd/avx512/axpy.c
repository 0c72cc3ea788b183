/* axpy.c: AVX-512 y += a*x. */
// 4 vectors per step; one FMA per element: each y_i = a*x_i + y_i rounded once (scalar: twice).
#include "vec.h"

#define HB_SFX avx512
#include "../generic/axpy.inc"
