/* gemv_t.c: NEON y = A^T x, A row-major m x n (the MLP backward pass to the layer input). */
// 4-vector column blocks over all rows, even/odd rows in separate accumulators: error O(m eps max|a_rj x_r|).
#include "vec.h"

void hb_gemv_t_f32__neon(size_t m, size_t n, const float *restrict A, size_t lda,
                         const float *restrict x, float *restrict y) {
    size_t j = 0;
    for (; j + 4 * HB_VW <= n; j += 4 * HB_VW) {
        hb_vf e0 = hb_vzero(), e1 = hb_vzero(), e2 = hb_vzero(), e3 = hb_vzero();
        hb_vf o0 = hb_vzero(), o1 = hb_vzero(), o2 = hb_vzero(), o3 = hb_vzero();
        const float *a = A + j;
        size_t r = 0;
        for (; r + 2 <= m; r += 2, a += 2 * lda) {
            const hb_vf xe = hb_vset1(x[r]), xo = hb_vset1(x[r + 1]);
            e0 = hb_vfma(hb_vld(a), xe, e0);
            e1 = hb_vfma(hb_vld(a + HB_VW), xe, e1);
            e2 = hb_vfma(hb_vld(a + 2 * HB_VW), xe, e2);
            e3 = hb_vfma(hb_vld(a + 3 * HB_VW), xe, e3);
            o0 = hb_vfma(hb_vld(a + lda), xo, o0);
            o1 = hb_vfma(hb_vld(a + lda + HB_VW), xo, o1);
            o2 = hb_vfma(hb_vld(a + lda + 2 * HB_VW), xo, o2);
            o3 = hb_vfma(hb_vld(a + lda + 3 * HB_VW), xo, o3);
        }
        if (r < m) { // tail: odd row count
            const hb_vf xe = hb_vset1(x[r]);
            e0 = hb_vfma(hb_vld(a), xe, e0);
            e1 = hb_vfma(hb_vld(a + HB_VW), xe, e1);
            e2 = hb_vfma(hb_vld(a + 2 * HB_VW), xe, e2);
            e3 = hb_vfma(hb_vld(a + 3 * HB_VW), xe, e3);
        }
        hb_vst(y + j, hb_vadd(e0, o0));
        hb_vst(y + j + HB_VW, hb_vadd(e1, o1));
        hb_vst(y + j + 2 * HB_VW, hb_vadd(e2, o2));
        hb_vst(y + j + 3 * HB_VW, hb_vadd(e3, o3));
    }
    for (; j + HB_VW <= n; j += HB_VW) { // tail: single vectors of columns
        hb_vf e0 = hb_vzero(), o0 = hb_vzero();
        const float *a = A + j;
        size_t r = 0;
        for (; r + 2 <= m; r += 2, a += 2 * lda) {
            e0 = hb_vfma(hb_vld(a), hb_vset1(x[r]), e0);
            o0 = hb_vfma(hb_vld(a + lda), hb_vset1(x[r + 1]), o0);
        }
        if (r < m) e0 = hb_vfma(hb_vld(a), hb_vset1(x[r]), e0);
        hb_vst(y + j, hb_vadd(e0, o0));
    }
    for (; j < n; j++) { // tail: the last n % 4 columns, scalar
        float s = 0.0f;
        for (size_t r = 0; r < m; r++) s += A[r * lda + j] * x[r];
        y[j] = s;
    }
}
