/* vec16.h: the NEON vocabulary for rows stored in 16 bits: widen a pair of vectors of bf16
 * (8 elements: a shift and a bit clear) or one of binary16 (FCVTL) to f32, narrow back to
 * nearest even (bf16: integer arithmetic; binary16: FCVTN in the FPCR's mode, round-to-nearest
 * by default) or stochastically, and the random lanes of stochastic rounding. */
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
/* The step's two 16-bit random values per lane (its state's low and high halves, each cut to
 * mask), and a write's: one of them xor a per-write constant (half_row.h) */
static inline hb_vi hb_vi_lo(hb_vi x, uint32_t mask) { return vandq_u32(x, vdupq_n_u32(mask)); }
static inline hb_vi hb_vi_hi(hb_vi x, uint32_t mask) {
    const uint32x4_t h = vshrq_n_u32(x, 16);
    return mask == 0xffffu ? h : vandq_u32(h, vdupq_n_u32(mask));
}
static inline hb_vi hb_vi_xor1(hb_vi x, uint32_t c) { return veorq_u32(x, vdupq_n_u32(c)); }
/* hb_sr_fold in every lane, r already below mask: add, clear the dropped bits */
static inline hb_vf hb_vsr(hb_vf v, hb_vi r, uint32_t mask) {
    const uint32x4_t b = vaddq_u32(vreinterpretq_u32_f32(v), r);
    return vreinterpretq_f32_u32(vbicq_u32(b, vdupq_n_u32(mask)));
}

/* bf16 rows move in pairs of vectors: 8 elements, one 16-byte load whose 32-bit lanes hold
 * elements 2l (low half) and 2l+1 (high half); the even ones widen by a shift, the odd ones by
 * clearing the low half, and the pair narrows back into the same lanes (element order in
 * registers is free: the kernels are element-wise and sum all products). */
static inline void hb_hld2_bf16(const uint16_t *p, hb_vf *e, hb_vf *o) {
    const uint32x4_t w = vreinterpretq_u32_u16(vld1q_u16(p));
    *e = vreinterpretq_f32_u32(vshlq_n_u32(w, 16));
    *o = vreinterpretq_f32_u32(vbicq_u32(w, vdupq_n_u32(0xffffu)));
}
/* the high halves of e (shifted right and inserted, SRI) and o: truncation */
static inline void hb_hst2_bf16_hi(uint16_t *p, uint32x4_t e, uint32x4_t o) {
    vst1q_u16(p, vreinterpretq_u16_u32(vsriq_n_u32(o, e, 16)));
}
/* stochastic: the fold's add (re, ro below 2^16), then the truncation is the fold's clear */
static inline void hb_hst2sr_bf16(uint16_t *p, hb_vf e, hb_vf o, hb_vi re, hb_vi ro) {
    hb_hst2_bf16_hi(p, vaddq_u32(vreinterpretq_u32_f32(e), re), vaddq_u32(vreinterpretq_u32_f32(o), ro));
}
/* to nearest even by integer arithmetic (hb_f32_to_bf16 in every lane), then the truncation */
static inline uint32x4_t hb_rne_bf16(hb_vf v) {
    const uint32x4_t b = vreinterpretq_u32_f32(v);
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(b, 16), vdupq_n_u32(1));
    return vaddq_u32(b, vaddq_u32(lsb, vdupq_n_u32(0x7fff)));
}
static inline void hb_hst2_bf16(uint16_t *p, hb_vf e, hb_vf o) {
    hb_hst2_bf16_hi(p, hb_rne_bf16(e), hb_rne_bf16(o));
}
static inline hb_vf hb_hld_f16(const uint16_t *p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}
static inline void hb_hst_f16(uint16_t *p, hb_vf v) {
    vst1_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(v)));
}

#endif
