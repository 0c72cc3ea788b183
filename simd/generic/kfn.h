/* kfn.h: names a kernel written once in simd/generic/ after the ISA that includes it:
 * with HB_SFX defined as avx2, HB_KFN(dot) is hb_dot_f32__avx2. */
#ifndef HB_KFN_H
#define HB_KFN_H
#define HB_KCAT_(op, sfx) hb_##op##_f32__##sfx
#define HB_KCAT(op, sfx) HB_KCAT_(op, sfx)
#define HB_KFN(op) HB_KCAT(op, HB_SFX)
#endif
