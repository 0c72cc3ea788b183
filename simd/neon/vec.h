/* vec.h: the AArch64 Advanced SIMD vocabulary the kernels in this folder are written against (ggml's GGML_F32_VEC). */
#ifndef HB_VEC_NEON_H
#define HB_VEC_NEON_H

#include <arm_neon.h>
#include <stddef.h>
#include <string.h>

#include "../kernels.h"

HB_DECLARE_KERNELS(neon)

#define HB_VW 4 /* floats per vector */

typedef float32x4_t hb_vf;
typedef size_t hb_vm; /* tail "mask": NEON has none, so it is the count of live lanes */

#define hb_vzero() vdupq_n_f32(0.0f)
#define hb_vset1(a) vdupq_n_f32(a)
#define hb_vld(p) vld1q_f32(p)
#define hb_vst(p, v) vst1q_f32(p, v)
#define hb_vadd(a, b) vaddq_f32(a, b)
#define hb_vsub(a, b) vsubq_f32(a, b)
#define hb_vmul(a, b) vmulq_f32(a, b)
#define hb_vdiv(a, b) vdivq_f32(a, b)
#define hb_vsqrt(a) vsqrtq_f32(a)
#define hb_vfma(a, b, c) vfmaq_f32(c, a, b)             /* a*b + c, one rounding */
#define hb_vfnma(a, b, c) vfmsq_f32(c, a, b)            /* c - a*b, one rounding */
#define hb_vfms(a, b, c) vnegq_f32(vfmsq_f32(c, a, b)) /* a*b - c, one rounding (RNE is symmetric) */

// tail: no masked memory ops, so the live lanes go through a zeroed stack vector
static inline hb_vm hb_vmask(size_t live) { return live; } /* live <= 4 */
static inline hb_vf hb_vld_m(const float *p, hb_vm k) {
    float b[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    memcpy(b, p, k * sizeof(float));
    return vld1q_f32(b);
}
static inline void hb_vst_m(float *p, hb_vm k, hb_vf v) {
    float b[4];
    vst1q_f32(b, v);
    memcpy(p, b, k * sizeof(float));
}

/* Mask for vector v of a block whose remaining length is rem: its live lanes, 0..HB_VW. */
static inline hb_vm hb_vmask_at(size_t rem, size_t v) {
    const size_t lo = v * HB_VW;
    return hb_vmask(rem <= lo ? 0 : rem - lo >= HB_VW ? HB_VW : rem - lo);
}

static inline float hb_vhsum(hb_vf v) { return vaddvq_f32(v); }

/* The horizontal sum in every lane (what the x86 headers do with a butterfly). */
static inline hb_vf hb_vsum_all(hb_vf v) { return vdupq_n_f32(vaddvq_f32(v)); }
static inline float hb_vfirst(hb_vf v) { return vgetq_lane_f32(v, 0); }

/* Eight horizontal sums at once, stored to y[0..7]: pairwise adds transpose as they reduce. */
static inline void hb_vhsum8_st(float *y, hb_vf a0, hb_vf a1, hb_vf a2, hb_vf a3, hb_vf a4,
                                hb_vf a5, hb_vf a6, hb_vf a7) {
    vst1q_f32(y, vpaddq_f32(vpaddq_f32(a0, a1), vpaddq_f32(a2, a3)));
    vst1q_f32(y + 4, vpaddq_f32(vpaddq_f32(a4, a5), vpaddq_f32(a6, a7)));
}

#endif
