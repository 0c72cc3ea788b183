/* sgd_mf_run.c: AVX-512 runs of per-sample MF SGD steps, the loop inside the kernel. */
#include "vec.h"

#define HB_SFX avx512
#include "../generic/sgd_mf_run.inc"
