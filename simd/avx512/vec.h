/* vec.h: the AVX-512 vocabulary the kernels in this folder are written against (ggml's GGML_F32_VEC). */
#ifndef HB_VEC_AVX512_H
#define HB_VEC_AVX512_H

#include <immintrin.h>
#include <stddef.h>

#include "../kernels.h"

HB_DECLARE_KERNELS(avx512)

#define HB_VW 16 /* floats per vector */

typedef __m512 hb_vf;
typedef __mmask16 hb_vm; /* tail mask: the first rem lanes */

#define hb_vzero() _mm512_setzero_ps()
#define hb_vset1(a) _mm512_set1_ps(a)
#define hb_vld(p) _mm512_loadu_ps(p)
#define hb_vst(p, v) _mm512_storeu_ps(p, v)
#define hb_vadd(a, b) _mm512_add_ps(a, b)
#define hb_vsub(a, b) _mm512_sub_ps(a, b)
#define hb_vmul(a, b) _mm512_mul_ps(a, b)
#define hb_vdiv(a, b) _mm512_div_ps(a, b)
#define hb_vsqrt(a) _mm512_sqrt_ps(a)
#define hb_vfma(a, b, c) _mm512_fmadd_ps(a, b, c)   /* a*b + c, one rounding */
#define hb_vfnma(a, b, c) _mm512_fnmadd_ps(a, b, c) /* c - a*b, one rounding */
#define hb_vfms(a, b, c) _mm512_fmsub_ps(a, b, c)   /* a*b - c, one rounding */

// tail: masked loads read nothing (and cannot fault) past the mask; masked stores write nothing
static inline hb_vm hb_vmask(size_t live) { return (hb_vm)((1u << live) - 1u); } /* live <= 16 */
#define hb_vld_m(p, k) _mm512_maskz_loadu_ps(k, p)
#define hb_vst_m(p, k, v) _mm512_mask_storeu_ps(p, k, v)

/* Mask for vector v of a block whose remaining length is rem: its live lanes, 0..HB_VW. */
static inline hb_vm hb_vmask_at(size_t rem, size_t v) {
    const size_t lo = v * HB_VW;
    return hb_vmask(rem <= lo ? 0 : rem - lo >= HB_VW ? HB_VW : rem - lo);
}

static inline float hb_vhsum(hb_vf v) {
    const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* The horizontal sum in every lane (butterfly: every lane adds the same pairs, so all lanes are
 * bitwise equal): no trip through a scalar register and back when the sum feeds vector math. */
static inline hb_vf hb_vsum_all(hb_vf v) {
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0x4e));
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0xb1));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, 0x4e));
    return _mm512_add_ps(v, _mm512_permute_ps(v, 0xb1));
}
static inline float hb_vfirst(hb_vf v) { return _mm512_cvtss_f32(v); }

/* Eight horizontal sums at once, stored to y[0..7]: a transpose-and-add tree (3 shuffle levels)
 * instead of eight separate reductions. */
static inline void hb_vhsum8_st(float *y, hb_vf a0, hb_vf a1, hb_vf a2, hb_vf a3, hb_vf a4,
                                hb_vf a5, hb_vf a6, hb_vf a7) {
    /* 512 -> 256: low half of each result holds row 2i, high half row 2i+1 */
    const __m512 s01 = _mm512_add_ps(_mm512_shuffle_f32x4(a0, a1, 0x44), _mm512_shuffle_f32x4(a0, a1, 0xee));
    const __m512 s23 = _mm512_add_ps(_mm512_shuffle_f32x4(a2, a3, 0x44), _mm512_shuffle_f32x4(a2, a3, 0xee));
    const __m512 s45 = _mm512_add_ps(_mm512_shuffle_f32x4(a4, a5, 0x44), _mm512_shuffle_f32x4(a4, a5, 0xee));
    const __m512 s67 = _mm512_add_ps(_mm512_shuffle_f32x4(a6, a7, 0x44), _mm512_shuffle_f32x4(a6, a7, 0xee));
    /* 256 -> 128: 128-bit lane q holds row q (t03) and row 4+q (t47) */
    const __m512 t03 = _mm512_add_ps(_mm512_shuffle_f32x4(s01, s23, 0x88), _mm512_shuffle_f32x4(s01, s23, 0xdd));
    const __m512 t47 = _mm512_add_ps(_mm512_shuffle_f32x4(s45, s67, 0x88), _mm512_shuffle_f32x4(s45, s67, 0xdd));
    /* 128 -> 32 within each lane: lane q ends as [row q, row 4+q, ., .] */
    __m512 u = _mm512_add_ps(_mm512_unpacklo_ps(t03, t47), _mm512_unpackhi_ps(t03, t47));
    u = _mm512_add_ps(u, _mm512_permute_ps(u, 0x4e));
    const __m512i idx = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
    _mm256_storeu_ps(y, _mm512_castps512_ps256(_mm512_permutexvar_ps(idx, u)));
}

#endif
