/* nadam_catchup.c: avx512 closed-form catch-up of one dense-Nadam row over steps without a gradient. */
// one vector per step; a Horner polynomial of HB_CATCHUP_TERMS terms; IEEE sqrt and one division (1/A).
#include "vec.h"

#define HB_SFX avx512
#define HB_NR_CATCHUP_ONLY
#include "../generic/nadam_rows.inc"
