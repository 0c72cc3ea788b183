/* fma_peak.c: neon FMA throughput for 'hogbench probe' (the compute roof of this table). */
// 12 independent accumulators of fused multiply-adds, all in registers; no loads or stores.
#include "vec.h"

#define HB_SFX neon
#define HB_PEAK_ACC 12
#include "../generic/fma_peak.inc"
