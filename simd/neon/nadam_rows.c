/* nadam_rows.c: neon Nadam over a list of table rows, each with its own step's coefficients. */
// one vector per step, IEEE sqrt and div as nadam (bitwise its result per row); biases HB_VW rows per vector.
#include "vec.h"

#define HB_SFX neon
#define HB_NR_ROWS_ONLY
#include "../generic/nadam_rows.inc"
