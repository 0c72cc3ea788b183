/* adagrad_mf_run.c: AVX2 runs of per-sample MF steps under per-coordinate AdaGrad. */
#include "vec.h"

#define HB_SFX avx2
#include "../generic/adagrad_mf_run.inc"
