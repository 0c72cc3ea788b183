/* fma_peak.c: avx512 FMA throughput for 'hogbench probe' (the compute roof of this table). */
// 24 independent accumulators of fused multiply-adds, all in registers; no loads or stores.
#include "vec.h"

#define HB_SFX avx512
#define HB_PEAK_ACC 24
#include "../generic/fma_peak.inc"
