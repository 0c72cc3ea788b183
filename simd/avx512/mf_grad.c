/* mf_grad.c: AVX-512 forward and per-slot MF gradients of a mini-batch. */
// the dot kernel's order (dot_body.h); one FMA per element, as axpy; a fresh slot is written unread.
#include "vec.h"

#define HB_SFX avx512
#define HB_MG_GROUP /* hb_vhsum8_st is bitwise eight hb_vhsum here (not AVX2's hadd tree) */
#include "../generic/mf_grad.inc"
