/* nadam_rows.c: avx2 Nadam over a list of table rows, each with its own step's coefficients. */
// one vector per step; 1/sqrt and 1/x from refined estimates (see the .inc); biases HB_VW rows per vector.
#include "vec.h"

#define HB_SFX avx2
#define HB_NR_ROWS_ONLY
#include "../generic/nadam_rows.inc"
