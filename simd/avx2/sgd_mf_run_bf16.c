/* sgd_mf_run_bf16.c: AVX2 runs of per-sample MF SGD steps on tables stored in bf16, computed in f32. */
#include "vec16.h"

#define HB_SFX avx2
#define HB_H bf16
#include "../generic/sgd_mf_run_h.inc"
