/* sgd_mf_run_f16.c: NEON runs of per-sample MF SGD steps on tables stored in IEEE binary16, computed in f32. */
#include "vec16.h"

#define HB_SFX neon
#define HB_H f16
#include "../generic/sgd_mf_run_h.inc"
