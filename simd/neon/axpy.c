/* axpy.c: NEON y += a*x. */
// 4 vectors per step; one FMA per element: each y_i = a*x_i + y_i rounded once (scalar: twice).
#include "vec.h"

#define HB_SFX neon
#include "../generic/axpy.inc"
