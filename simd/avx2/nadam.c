/* nadam.c: AVX2 fused Nadam step on one row (w, m, v read and written in one pass). */
// one vector per step (IEEE sqrt and div set the pace; no rsqrt/rcp estimates); FMAs fuse the moment updates.
#include "vec.h"

#define HB_SFX avx2
#include "../generic/nadam.inc"
