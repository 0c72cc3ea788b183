/* gemv.c: AVX-512 y = A x, A row-major m x n (the MLP forward and the embedding-score sweep). */
// 8 rows per step, one 16-lane accumulator each, one shared 8-row reduction: error O(n eps max|a_i x_i|) per row.
#include "vec.h"

#define HB_ROW_FMA(s, a, off, xv) s = hb_vfma(hb_vld((a) + (off)), xv, s)
#define HB_ROW_FMA_M(s, a, off, xv, k) s = hb_vfma(hb_vld_m((a) + (off), k), xv, s)

void hb_gemv_f32__avx512(size_t m, size_t n, const float *restrict A, size_t lda,
                         const float *restrict x, float *restrict y) {
    const size_t nv = n & ~(size_t)(HB_VW - 1);
    const hb_vm k = hb_vmask(n - nv);
    size_t r = 0;
    for (; r + 8 <= m; r += 8) {
        const float *a0 = A + r * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        const float *a4 = a3 + lda, *a5 = a4 + lda, *a6 = a5 + lda, *a7 = a6 + lda;
        hb_vf s0 = hb_vzero(), s1 = hb_vzero(), s2 = hb_vzero(), s3 = hb_vzero();
        hb_vf s4 = hb_vzero(), s5 = hb_vzero(), s6 = hb_vzero(), s7 = hb_vzero();
        for (size_t i = 0; i < nv; i += HB_VW) {
            const hb_vf xv = hb_vld(x + i);
            HB_ROW_FMA(s0, a0, i, xv); HB_ROW_FMA(s1, a1, i, xv);
            HB_ROW_FMA(s2, a2, i, xv); HB_ROW_FMA(s3, a3, i, xv);
            HB_ROW_FMA(s4, a4, i, xv); HB_ROW_FMA(s5, a5, i, xv);
            HB_ROW_FMA(s6, a6, i, xv); HB_ROW_FMA(s7, a7, i, xv);
        }
        if (nv < n) { // tail: masked lanes load as 0
            const hb_vf xv = hb_vld_m(x + nv, k);
            HB_ROW_FMA_M(s0, a0, nv, xv, k); HB_ROW_FMA_M(s1, a1, nv, xv, k);
            HB_ROW_FMA_M(s2, a2, nv, xv, k); HB_ROW_FMA_M(s3, a3, nv, xv, k);
            HB_ROW_FMA_M(s4, a4, nv, xv, k); HB_ROW_FMA_M(s5, a5, nv, xv, k);
            HB_ROW_FMA_M(s6, a6, nv, xv, k); HB_ROW_FMA_M(s7, a7, nv, xv, k);
        }
        hb_vhsum8_st(y + r, s0, s1, s2, s3, s4, s5, s6, s7);
    }
    for (; r < m; r++) { // tail: the last m % 8 rows, one at a time with 2 accumulators
        const float *a = A + r * lda;
        hb_vf s0 = hb_vzero(), s1 = hb_vzero();
        size_t i = 0;
        for (; i + 2 * HB_VW <= nv; i += 2 * HB_VW) {
            HB_ROW_FMA(s0, a, i, hb_vld(x + i));
            HB_ROW_FMA(s1, a, i + HB_VW, hb_vld(x + i + HB_VW));
        }
        if (i < nv) HB_ROW_FMA(s0, a, i, hb_vld(x + i));
        if (nv < n) HB_ROW_FMA_M(s1, a, nv, hb_vld_m(x + nv, k), k);
        y[r] = hb_vhsum(hb_vadd(s0, s1));
    }
}
