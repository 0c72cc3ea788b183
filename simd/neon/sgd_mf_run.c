/* sgd_mf_run.c: NEON runs of per-sample MF SGD steps, the loop inside the kernel. */
#include "vec.h"

#define HB_SFX neon
#include "../generic/sgd_mf_run.inc"
