/* gemv_t.c: AVX2 y = A^T x, A row-major m x n (the MLP backward pass to the layer input). */
// 4-vector column blocks over all rows, even/odd rows in separate accumulators: error O(m eps max|a_rj x_r|).
#include "vec.h"

void hb_gemv_t_f32__avx2(size_t m, size_t n, const float *restrict A, size_t lda,
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
    if (j < n) { // tail: up to 4 vectors of columns, each with its own mask (possibly empty)
        const size_t rem = n - j;
        const hb_vm k0 = hb_vmask_at(rem, 0), k1 = hb_vmask_at(rem, 1);
        const hb_vm k2 = hb_vmask_at(rem, 2), k3 = hb_vmask_at(rem, 3);
        hb_vf e0 = hb_vzero(), e1 = hb_vzero(), e2 = hb_vzero(), e3 = hb_vzero();
        hb_vf o0 = hb_vzero(), o1 = hb_vzero(), o2 = hb_vzero(), o3 = hb_vzero();
        const float *a = A + j;
        size_t r = 0;
        for (; r + 2 <= m; r += 2, a += 2 * lda) {
            const hb_vf xe = hb_vset1(x[r]), xo = hb_vset1(x[r + 1]);
            e0 = hb_vfma(hb_vld_m(a, k0), xe, e0);
            e1 = hb_vfma(hb_vld_m(a + HB_VW, k1), xe, e1);
            e2 = hb_vfma(hb_vld_m(a + 2 * HB_VW, k2), xe, e2);
            e3 = hb_vfma(hb_vld_m(a + 3 * HB_VW, k3), xe, e3);
            o0 = hb_vfma(hb_vld_m(a + lda, k0), xo, o0);
            o1 = hb_vfma(hb_vld_m(a + lda + HB_VW, k1), xo, o1);
            o2 = hb_vfma(hb_vld_m(a + lda + 2 * HB_VW, k2), xo, o2);
            o3 = hb_vfma(hb_vld_m(a + lda + 3 * HB_VW, k3), xo, o3);
        }
        if (r < m) {
            const hb_vf xe = hb_vset1(x[r]);
            e0 = hb_vfma(hb_vld_m(a, k0), xe, e0);
            e1 = hb_vfma(hb_vld_m(a + HB_VW, k1), xe, e1);
            e2 = hb_vfma(hb_vld_m(a + 2 * HB_VW, k2), xe, e2);
            e3 = hb_vfma(hb_vld_m(a + 3 * HB_VW, k3), xe, e3);
        }
        hb_vst_m(y + j, k0, hb_vadd(e0, o0));
        hb_vst_m(y + j + HB_VW, k1, hb_vadd(e1, o1));
        hb_vst_m(y + j + 2 * HB_VW, k2, hb_vadd(e2, o2));
        hb_vst_m(y + j + 3 * HB_VW, k3, hb_vadd(e3, o3));
    }
}
