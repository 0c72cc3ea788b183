/* vec16.h: the AVX2 vocabulary for rows stored in 16 bits: widen 8 bf16 (a shift) or binary16
 * (F16C: files that include it for f16 are built with -mf16c) to one hb_vf, narrow back to
 * nearest even, and the random lanes of stochastic rounding. */
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
/* Write k's random bits from the step's state x: a multiply hash of x ^ k*golden, its high half
 * (independent per write, so the writes of a step form no dependency chain) */
static inline hb_vi hb_vi_mix(hb_vi x, uint32_t k) {
    const __m256i h = _mm256_xor_si256(x, _mm256_set1_epi32((int)(k * 0x9E3779B9u)));
    return _mm256_srli_epi32(_mm256_mullo_epi32(h, _mm256_set1_epi32((int)0x85EBCA6Bu)), 16);
}
/* hb_sr_fold in every lane */
static inline hb_vf hb_vsr(hb_vf v, hb_vi r, uint32_t mask) {
    const __m256i m = _mm256_set1_epi32((int)mask);
    const __m256i b = _mm256_add_epi32(_mm256_castps_si256(v), _mm256_and_si256(r, m));
    return _mm256_castsi256_ps(_mm256_andnot_si256(m, b));
}

static inline hb_vf hb_hld_bf16(const uint16_t *p) {
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
/* to nearest even by integer arithmetic (hb_f32_to_bf16 in every lane), then pack 8 x 16 bits */
static inline void hb_hst_bf16(uint16_t *p, hb_vf v) {
    __m256i b = _mm256_castps_si256(v);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1));
    b = _mm256_srli_epi32(_mm256_add_epi32(b, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff))), 16);
    /* packus packs within 128-bit lanes: quadwords 0 and 2 hold lanes 0-3 and 4-7 */
    const __m256i k = _mm256_permute4x64_epi64(_mm256_packus_epi32(b, b), 0x08);
    _mm_storeu_si128((__m128i *)p, _mm256_castsi256_si128(k));
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
