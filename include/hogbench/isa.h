/* isa.h: the kernel tables' instruction sets, a parameter of training, evaluation and scoring. */
#ifndef HOGBENCH_ISA_H
#define HOGBENCH_ISA_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which kernel table a call runs on. HB_ISA_AUTO: the best this binary and CPU support,
 * resolved when the call starts (the library reads no environment variable). */
typedef enum hb_isa {
    HB_ISA_SCALAR = 0,
    HB_ISA_AVX2 = 1,   /* AVX2 + FMA */
    HB_ISA_AVX512 = 2, /* AVX-512 F/DQ/BW/VL */
    HB_ISA_NEON = 3,   /* AArch64 Advanced SIMD */
    HB_ISA_COUNT,
    HB_ISA_AUTO = HB_ISA_COUNT
} hb_isa;

/* Name of an ISA ("scalar", "avx2", "avx512", "neon", "auto"), or "?" */
const char *hb_isa_name(hb_isa isa);
/* Parse "auto", "scalar", "avx2", "avx512", "neon" ("auto" yields HB_ISA_AUTO). HB_OK, or
 * HB_ERR_ARG for another name. */
hb_status hb_isa_parse(const char *s, hb_isa *out);
/* 1 if this binary has kernels for isa AND the CPU/OS can run them (HB_ISA_AUTO: 1). */
int hb_isa_supported(hb_isa isa);
/* Best ISA this binary and CPU support. */
hb_isa hb_isa_best(void);

#ifdef __cplusplus
}
#endif
#endif
