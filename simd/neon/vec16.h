/* vec16.h: the NEON vocabulary for rows stored in 16 bits: widen 4 bf16 (a shift) or binary16
 * (FCVTL) to one hb_vf, narrow back to nearest even (bf16: integer arithmetic; binary16: FCVTN
 * in the FPCR's mode, round-to-nearest by default), and the random lanes of stochastic
 * rounding. */
#ifndef HB_HALF_NEON_H
#define HB_HALF_NEON_H

#include "vec.h"
#include "../half.h"

typedef uint32x4_t hb_vi; /* 4 lanes of random bits */

static inline hb_vi hb_vi_seed(uint64_t seed) {
    uint32_t s[4];
    for (unsigned l = 0; l < 4; l++) s[l] = hb_sr_lane_seed(seed, l);
    return vld1q_u32(s);
}
static inline hb_vi hb_vi_next(hb_vi x) { /* xorshift32 in every lane */
    x = veorq_u32(x, vshlq_n_u32(x, 13));
    x = veorq_u32(x, vshrq_n_u32(x, 17));
    return veorq_u32(x, vshlq_n_u32(x, 5));
}
/* Write k's random bits from the step's state x: a multiply hash of x ^ k*golden, its high half
 * (independent per write, so the writes of a step form no dependency chain) */
static inline hb_vi hb_vi_mix(hb_vi x, uint32_t k) {
    const uint32x4_t h = veorq_u32(x, vdupq_n_u32(k * 0x9E3779B9u));
    return vshrq_n_u32(vmulq_u32(h, vdupq_n_u32(0x85EBCA6Bu)), 16);
}
/* hb_sr_fold in every lane */
static inline hb_vf hb_vsr(hb_vf v, hb_vi r, uint32_t mask) {
    const uint32x4_t m = vdupq_n_u32(mask);
    const uint32x4_t b = vaddq_u32(vreinterpretq_u32_f32(v), vandq_u32(r, m));
    return vreinterpretq_f32_u32(vbicq_u32(b, m));
}

static inline hb_vf hb_hld_bf16(const uint16_t *p) {
    return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16));
}
static inline void hb_hst_bf16(uint16_t *p, hb_vf v) {
    uint32x4_t b = vreinterpretq_u32_f32(v);
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(b, 16), vdupq_n_u32(1));
    b = vaddq_u32(b, vaddq_u32(lsb, vdupq_n_u32(0x7fff)));
    vst1_u16(p, vshrn_n_u32(b, 16));
}
static inline hb_vf hb_hld_f16(const uint16_t *p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}
static inline void hb_hst_f16(uint16_t *p, hb_vf v) {
    vst1_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(v)));
}

#endif
