/* adagrad_mf_run.c: NEON runs of per-sample MF steps under per-coordinate AdaGrad. */
#include "vec.h"

#define HB_SFX neon
#include "../generic/adagrad_mf_run.inc"
