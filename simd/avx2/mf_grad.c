/* mf_grad.c: AVX2 forward and per-slot MF gradients of a mini-batch. */
// the dot kernel's order (dot_body.h); one FMA per element, as axpy; a fresh slot is written unread.
#include "vec.h"

#define HB_SFX avx2
#include "../generic/mf_grad.inc"
