/* rows_run.c: avx2 random-row reads and updates for 'hogbench probe' (the memory roof). */
// one row per access, rows prefetched HB_ROWS_AHEAD accesses ahead; reads keep two accumulators.
#include "vec.h"

#define HB_SFX avx2
#include "../generic/rows_run.inc"
