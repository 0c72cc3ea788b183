/* sgemm.c: NEON C = alpha op(A) op(B) + beta C, row-major (the MLP's mini-batch products). */
// micro-tile 8 x 12: 24 q accumulators; each element one FMA chain over p (per KC block): error within gamma_k sum|a||b|.
#include "vec.h"

#define HB_SFX neon
#define HB_SG_MR 8
#define HB_SG_NV 3
#define HB_SG_MC 144
#define HB_SG_KC 256
#define HB_SG_NC 240
#define HB_SG_PACK_B 1 /* no masked loads: always read zero-padded panels */
#include "../generic/sgemm.inc"
