/* adagrad_row_mf_run.c: AVX2 runs of per-sample MF steps under LIBMF's row-wise adaptive SGD. */
#include "vec.h"

#define HB_SFX avx2
#include "../generic/adagrad_row_mf_run.inc"
