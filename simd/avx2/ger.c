/* ger.c: AVX2 rank-1 update A += alpha * x y^T, A row-major m x n (the MLP weight gradient). */
// one row at a time, 4 vectors per step; alpha*x_r rounded once as in the scalar kernel, then one FMA per element.
#include "vec.h"

#define HB_GER(off) hb_vfma(ax, hb_vld(y + (off)), hb_vld(a + (off)))

void hb_ger_f32__avx2(size_t m, size_t n, float alpha, const float *restrict x,
                        const float *restrict y, float *restrict A, size_t lda) {
    const size_t nv = n & ~(size_t)(HB_VW - 1), t = n - HB_VW;
    const hb_vm k = hb_vmask(n < HB_VW ? n : 0);
    for (size_t r = 0; r < m; r++) {
        float *a = A + r * lda;
        const hb_vf ax = hb_vset1(alpha * x[r]);
        if (n < HB_VW) { // tail: the whole row is shorter than a vector
            hb_vst_m(a, k, hb_vfma(ax, hb_vld_m(y, k), hb_vld_m(a, k)));
            continue;
        }
        // tail: the last, overlapping vector is computed first from the original row and stored
        // last (plain stores: a masked store would stall the next row's overlapping loads)
        const hb_vf at = nv < n ? HB_GER(t) : hb_vzero();
        size_t j = 0;
        for (; j + 4 * HB_VW <= n; j += 4 * HB_VW) {
            hb_vst(a + j, HB_GER(j));
            hb_vst(a + j + HB_VW, HB_GER(j + HB_VW));
            hb_vst(a + j + 2 * HB_VW, HB_GER(j + 2 * HB_VW));
            hb_vst(a + j + 3 * HB_VW, HB_GER(j + 3 * HB_VW));
        }
        for (; j + HB_VW <= n; j += HB_VW) hb_vst(a + j, HB_GER(j));
        if (nv < n) hb_vst(a + t, at);
    }
}
