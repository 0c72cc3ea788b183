/* vec16.h: the AVX-512 vocabulary for rows stored in 16 bits: widen a pair of vectors of bf16
 * (32 elements: a shift and an and) or one of binary16 (VCVTPH2PS, AVX512F) to f32, narrow back
 * to nearest even (bf16: VCVTNE2PS2BF16 in files built with -mavx512bf16, else integer
 * arithmetic) or stochastically, and the random lanes of stochastic rounding. */
#ifndef HB_HALF_AVX512_H
#define HB_HALF_AVX512_H

#include "vec.h"
#include "../half.h"

typedef __m512i hb_vi; /* 16 lanes of random bits */

static inline hb_vi hb_vi_seed(uint64_t seed) {
    uint32_t s[16];
    for (unsigned l = 0; l < 16; l++) s[l] = hb_sr_lane_seed(seed, l);
    return _mm512_loadu_si512(s);
}
static inline hb_vi hb_vi_next(hb_vi x) { /* xorshift32 in every lane */
    x = _mm512_xor_si512(x, _mm512_slli_epi32(x, 13));
    x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 17));
    return _mm512_xor_si512(x, _mm512_slli_epi32(x, 5));
}
/* The step's two 16-bit random values per lane (its state's low and high halves, each cut to
 * mask), and a write's: one of them xor a per-write constant (half_row.h) */
static inline hb_vi hb_vi_lo(hb_vi x, uint32_t mask) {
    return _mm512_and_si512(x, _mm512_set1_epi32((int)mask));
}
static inline hb_vi hb_vi_hi(hb_vi x, uint32_t mask) {
    const __m512i h = _mm512_srli_epi32(x, 16);
    return mask == 0xffffu ? h : _mm512_and_si512(h, _mm512_set1_epi32((int)mask));
}
static inline hb_vi hb_vi_xor1(hb_vi x, uint32_t c) {
    return _mm512_xor_si512(x, _mm512_set1_epi32((int)c));
}
/* hb_sr_fold in every lane, r already below mask: add, clear the dropped bits */
static inline hb_vf hb_vsr(hb_vf v, hb_vi r, uint32_t mask) {
    const __m512i b = _mm512_add_epi32(_mm512_castps_si512(v), r);
    return _mm512_castsi512_ps(_mm512_andnot_si512(_mm512_set1_epi32((int)mask), b));
}

/* bf16 rows move in pairs of vectors: 32 elements, one 64-byte load whose 32-bit lanes hold
 * elements 2l (low half) and 2l+1 (high half); the even ones widen by a shift, the odd ones by
 * clearing the low half, and the pair narrows back into the same lanes. The kernels' arithmetic
 * is element-wise and sums all products, so the order of the elements in registers is free. */
static inline void hb_hld2_bf16(const uint16_t *p, hb_vf *e, hb_vf *o) {
    const __m512i w = _mm512_loadu_si512(p);
    *e = _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
    *o = _mm512_castsi512_ps(_mm512_and_si512(w, _mm512_set1_epi32((int)0xffff0000u)));
}
/* the high halves of e (to the low halves of the lanes) and o: truncation */
static inline void hb_hst2_bf16_hi(uint16_t *p, __m512i e, __m512i o) {
    _mm512_storeu_si512(p, _mm512_mask_blend_epi16(0x55555555u, o, _mm512_srli_epi32(e, 16)));
}
/* stochastic: the fold's add (re, ro below 2^16), then the truncation is the fold's clear */
static inline void hb_hst2sr_bf16(uint16_t *p, hb_vf e, hb_vf o, hb_vi re, hb_vi ro) {
    hb_hst2_bf16_hi(p, _mm512_add_epi32(_mm512_castps_si512(e), re),
                    _mm512_add_epi32(_mm512_castps_si512(o), ro));
}
#ifdef __AVX512BF16__
/* to nearest even: VCVTNE2PS2BF16 (it flushes denormals to zero; embeddings never get there)
 * packs e's 16 then o's 16; VPERMW interleaves them back */
static inline void hb_hst2_bf16(uint16_t *p, hb_vf e, hb_vf o) {
    const __m512i h = (__m512i)_mm512_cvtne2ps_pbh(o, e);
    const __m512i idx = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                         23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    _mm512_storeu_si512(p, _mm512_permutexvar_epi16(idx, h));
}
#else
/* to nearest even by integer arithmetic (hb_f32_to_bf16 in every lane), then the truncation */
static inline __m512i hb_rne_bf16(hb_vf v) {
    const __m512i b = _mm512_castps_si512(v);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
    return _mm512_add_epi32(b, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff)));
}
static inline void hb_hst2_bf16(uint16_t *p, hb_vf e, hb_vf o) {
    hb_hst2_bf16_hi(p, hb_rne_bf16(e), hb_rne_bf16(o));
}
#endif
static inline hb_vf hb_hld_f16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}
static inline void hb_hst_f16(uint16_t *p, hb_vf v) {
    _mm256_storeu_si256((__m256i *)p, _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

#endif
