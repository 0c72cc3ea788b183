/* vec.h: the AVX2+FMA vocabulary the kernels in this folder are written against (ggml's GGML_F32_VEC). */
#ifndef HB_VEC_AVX2_H
#define HB_VEC_AVX2_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "../kernels.h"

HB_DECLARE_KERNELS(avx2)

#define HB_VW 8 /* floats per vector */

typedef __m256 hb_vf;
typedef __m256i hb_vm; /* tail mask: the first rem lanes all-ones */

#define hb_vzero() _mm256_setzero_ps()
#define hb_vset1(a) _mm256_set1_ps(a)
#define hb_vld(p) _mm256_loadu_ps(p)
#define hb_vst(p, v) _mm256_storeu_ps(p, v)
#define hb_vadd(a, b) _mm256_add_ps(a, b)
#define hb_vsub(a, b) _mm256_sub_ps(a, b)
#define hb_vmul(a, b) _mm256_mul_ps(a, b)
#define hb_vdiv(a, b) _mm256_div_ps(a, b)
#define hb_vsqrt(a) _mm256_sqrt_ps(a)
#define hb_vfma(a, b, c) _mm256_fmadd_ps(a, b, c)   /* a*b + c, one rounding */
#define hb_vfnma(a, b, c) _mm256_fnmadd_ps(a, b, c) /* c - a*b, one rounding */
#define hb_vfms(a, b, c) _mm256_fmsub_ps(a, b, c)   /* a*b - c, one rounding */

// tail: vmaskmov reads nothing (and cannot fault) past the mask; masked stores write nothing
static const int32_t hb_kMaskWindow[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
static inline hb_vm hb_vmask(size_t live) { /* live <= 8 */
    return _mm256_loadu_si256((const __m256i *)(hb_kMaskWindow + 8 - live));
}
#define hb_vld_m(p, k) _mm256_maskload_ps(p, k)
#define hb_vst_m(p, k, v) _mm256_maskstore_ps(p, k, v)

/* Mask for vector v of a block whose remaining length is rem: its live lanes, 0..HB_VW. */
static inline hb_vm hb_vmask_at(size_t rem, size_t v) {
    const size_t lo = v * HB_VW;
    return hb_vmask(rem <= lo ? 0 : rem - lo >= HB_VW ? HB_VW : rem - lo);
}

static inline float hb_vhsum(hb_vf v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* The horizontal sum in every lane (butterfly: every lane adds the same pairs, so all lanes are
 * bitwise equal): no trip through a scalar register and back when the sum feeds vector math. */
static inline hb_vf hb_vsum_all(hb_vf v) {
    v = _mm256_add_ps(v, _mm256_permute2f128_ps(v, v, 0x01));
    v = _mm256_add_ps(v, _mm256_permute_ps(v, 0x4e));
    return _mm256_add_ps(v, _mm256_permute_ps(v, 0xb1));
}
static inline float hb_vfirst(hb_vf v) { return _mm256_cvtss_f32(v); }

/* Eight horizontal sums at once, stored to y[0..7]: two hadd levels and one cross-lane add
 * instead of eight separate reductions. */
static inline void hb_vhsum8_st(float *y, hb_vf a0, hb_vf a1, hb_vf a2, hb_vf a3, hb_vf a4,
                                hb_vf a5, hb_vf a6, hb_vf a7) {
    const __m256 t0 = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
    const __m256 t1 = _mm256_hadd_ps(_mm256_hadd_ps(a4, a5), _mm256_hadd_ps(a6, a7));
    _mm256_storeu_ps(y, _mm256_add_ps(_mm256_permute2f128_ps(t0, t1, 0x20),
                                      _mm256_permute2f128_ps(t0, t1, 0x31)));
}

#endif
