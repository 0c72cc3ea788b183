/* fma_peak.c: avx2 FMA throughput for 'hogbench probe' (the compute roof of this table). */
// 12 independent accumulators of fused multiply-adds, all in registers; no loads or stores.
#include "vec.h"

#define HB_SFX avx2
#define HB_PEAK_ACC 12
#include "../generic/fma_peak.inc"
