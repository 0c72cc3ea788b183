/* adagrad_row_mf_run.c: NEON runs of per-sample MF steps under LIBMF's row-wise adaptive SGD. */
#include "vec.h"

#define HB_SFX neon
#include "../generic/adagrad_row_mf_run.inc"
