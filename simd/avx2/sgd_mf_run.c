/* sgd_mf_run.c: AVX2 runs of per-sample MF SGD steps, the loop inside the kernel. */
#include "vec.h"

#define HB_SFX avx2
#include "../generic/sgd_mf_run.inc"
