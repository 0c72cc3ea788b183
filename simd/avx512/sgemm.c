/* sgemm.c: AVX-512 C = alpha op(A) op(B) + beta C, row-major (the MLP's mini-batch products). */
// micro-tile 12 x 32: 24 zmm accumulators; each element one FMA chain over p (per KC block): error within gamma_k sum|a||b|.
#include "vec.h"

#define HB_SFX avx512
#define HB_SG_MR 12
#define HB_SG_NV 2
#define HB_SG_MC 144
#define HB_SG_KC 256
#define HB_SG_NC 256
#define HB_SG_PACK_B 0
#include "../generic/sgemm.inc"
