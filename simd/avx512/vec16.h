/* vec16.h: the AVX-512 vocabulary for rows stored in 16 bits: widen 16 bf16 (a shift) or
 * binary16 (VCVTPH2PS, AVX512F) to one hb_vf, narrow back to nearest even (bf16: VCVTNEPS2BF16
 * in files built with -mavx512bf16, else integer arithmetic), and the random lanes of
 * stochastic rounding. */
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
/* Write k's random bits from the step's state x: a multiply hash of x ^ k*golden, its high half
 * (independent per write, so the writes of a step form no dependency chain) */
static inline hb_vi hb_vi_mix(hb_vi x, uint32_t k) {
    const __m512i h = _mm512_xor_si512(x, _mm512_set1_epi32((int)(k * 0x9E3779B9u)));
    return _mm512_srli_epi32(_mm512_mullo_epi32(h, _mm512_set1_epi32((int)0x85EBCA6Bu)), 16);
}
/* hb_sr_fold in every lane */
static inline hb_vf hb_vsr(hb_vf v, hb_vi r, uint32_t mask) {
    const __m512i m = _mm512_set1_epi32((int)mask);
    const __m512i b = _mm512_add_epi32(_mm512_castps_si512(v), _mm512_and_si512(r, m));
    return _mm512_castsi512_ps(_mm512_andnot_si512(m, b));
}

static inline hb_vf hb_hld_bf16(const uint16_t *p) {
    const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}
#ifdef __AVX512BF16__
/* VCVTNEPS2BF16: to nearest even (it flushes denormals to zero; embeddings never get there) */
static inline void hb_hst_bf16(uint16_t *p, hb_vf v) {
    const __m256bh h = _mm512_cvtneps_pbh(v);
    memcpy(p, &h, sizeof h);
}
#else
/* to nearest even by integer arithmetic (hb_f32_to_bf16 in every lane); VPMOVDW narrows */
static inline void hb_hst_bf16(uint16_t *p, hb_vf v) {
    __m512i b = _mm512_castps_si512(v);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
    b = _mm512_srli_epi32(_mm512_add_epi32(b, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff))), 16);
    _mm256_storeu_si256((__m256i *)p, _mm512_cvtepi32_epi16(b));
}
#endif
static inline hb_vf hb_hld_f16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}
static inline void hb_hst_f16(uint16_t *p, hb_vf v) {
    _mm256_storeu_si256((__m256i *)p, _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

#endif
