/* sgd_mf_run_bf16n.c: AVX-512 runs of per-sample MF SGD steps on bf16 tables, narrowed to
 * nearest by VCVTNE2PS2BF16 (AVX512_BF16; built with -mavx512bf16, chosen by dispatch.c only
 * on CPUs that have it). */
#ifdef __AVX512BF16__
#include "vec16.h"

#define HB_SFX avx512bf16
#define HB_H bf16
#include "../generic/sgd_mf_run_h.inc"
#endif
