/* vec16.h: the AVX2 vocabulary for rows stored in 16 bits: widen a pair of vectors of bf16
 * (16 elements: a shift and an and) or one of binary16 (F16C: files that include it for f16 are
 * built with -mf16c) to f32, narrow back to nearest even or stochastically, and the random
 * lanes of stochastic rounding. */
#ifndef HB_HALF_AVX2_H
#define HB_HALF_AVX2_H

#include "vec.h"
#include "../half.h"

typedef __m256i hb_vi; /* 8 lanes of random bits */

static inline hb_vi hb_vi_seed(uint64_t seed) {
    uint32_t s[8];
    for (unsigned l = 0; l < 8; l++) s[l] = hb_sr_lane_seed(seed, l);
    return _mm256_loadu_si256((const __m256i *)s);
}
static inline hb_vi hb_vi_next(hb_vi x) { /* xorshift32 in every lane */
    x = _mm256_xor_si256(x, _mm256_slli_epi32(x, 13));
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 17));
    return _mm256_xor_si256(x, _mm256_slli_epi32(x, 5));
}
/* The step's two 16-bit random values per lane (its state's low and high halves, each cut to
 * mask), and a write's: one of them xor a per-write constant (half_row.h) */
static inline hb_vi hb_vi_lo(hb_vi x, uint32_t mask) {
    return _mm256_and_si256(x, _mm256_set1_epi32((int)mask));
}
static inline hb_vi hb_vi_hi(hb_vi x, uint32_t mask) {
    const __m256i h = _mm256_srli_epi32(x, 16);
    return mask == 0xffffu ? h : _mm256_and_si256(h, _mm256_set1_epi32((int)mask));
}
static inline hb_vi hb_vi_xor1(hb_vi x, uint32_t c) {
    return _mm256_xor_si256(x, _mm256_set1_epi32((int)c));
}
/* hb_sr_fold in every lane, r already below mask: add, clear the dropped bits */
static inline hb_vf hb_vsr(hb_vf v, hb_vi r, uint32_t mask) {
    const __m256i b = _mm256_add_epi32(_mm256_castps_si256(v), r);
    return _mm256_castsi256_ps(_mm256_andnot_si256(_mm256_set1_epi32((int)mask), b));
}

/* bf16 rows move in pairs of vectors: 16 elements, one 32-byte load whose 32-bit lanes hold
 * elements 2l (low half) and 2l+1 (high half); the even ones widen by a shift, the odd ones by
 * clearing the low half, and the pair narrows back into the same lanes (element order in
 * registers is free: the kernels are element-wise and sum all products). */
static inline void hb_hld2_bf16(const uint16_t *p, hb_vf *e, hb_vf *o) {
    const __m256i w = _mm256_loadu_si256((const __m256i *)p);
    *e = _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
    *o = _mm256_castsi256_ps(_mm256_and_si256(w, _mm256_set1_epi32((int)0xffff0000u)));
}
/* the high halves of e (to the low halves of the lanes) and o: truncation */
static inline void hb_hst2_bf16_hi(uint16_t *p, __m256i e, __m256i o) {
    _mm256_storeu_si256((__m256i *)p, _mm256_blend_epi16(o, _mm256_srli_epi32(e, 16), 0x55));
}
/* stochastic: the fold's add (re, ro below 2^16), then the truncation is the fold's clear */
static inline void hb_hst2sr_bf16(uint16_t *p, hb_vf e, hb_vf o, hb_vi re, hb_vi ro) {
    hb_hst2_bf16_hi(p, _mm256_add_epi32(_mm256_castps_si256(e), re),
                    _mm256_add_epi32(_mm256_castps_si256(o), ro));
}
/* to nearest even by integer arithmetic (hb_f32_to_bf16 in every lane), then the truncation */
static inline __m256i hb_rne_bf16(hb_vf v) {
    const __m256i b = _mm256_castps_si256(v);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1));
    return _mm256_add_epi32(b, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff)));
}
static inline void hb_hst2_bf16(uint16_t *p, hb_vf e, hb_vf o) {
    hb_hst2_bf16_hi(p, hb_rne_bf16(e), hb_rne_bf16(o));
}
#ifdef __F16C__
static inline hb_vf hb_hld_f16(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}
static inline void hb_hst_f16(uint16_t *p, hb_vf v) {
    _mm_storeu_si128((__m128i *)p, _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
#endif

#endif
