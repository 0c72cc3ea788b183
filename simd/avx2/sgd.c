/* sgd.c: AVX2 plain SGD step with L2: w -= lr*(g + reg*w). */
// 2 vectors per step; two FMAs per element (g + reg*w, then w - lr*that): 2 roundings vs scalar's 4.
#include "vec.h"

#define HB_SGD(wv, gv) hb_vfnma(vlr, hb_vfma(vreg, wv, gv), wv)
#define HB_SGD_AT(off) HB_SGD(hb_vld(w + (off)), hb_vld(g + (off)))

void hb_sgd_f32__avx2(size_t n, float lr, float reg, const float *restrict g, float *restrict w) {
    const hb_vf vlr = hb_vset1(lr), vreg = hb_vset1(reg);
    if (n < HB_VW) { // tail: the whole row is shorter than a vector
        const hb_vm k = hb_vmask(n);
        hb_vst_m(w, k, HB_SGD(hb_vld_m(w, k), hb_vld_m(g, k)));
        return;
    }
    // tail: the last, overlapping vector is computed first from the original w and stored last
    const size_t nv = n & ~(size_t)(HB_VW - 1), t = n - HB_VW;
    const hb_vf wt = nv < n ? HB_SGD_AT(t) : hb_vzero();
    size_t i = 0;
    for (; i + 2 * HB_VW <= n; i += 2 * HB_VW) {
        hb_vst(w + i, HB_SGD_AT(i));
        hb_vst(w + i + HB_VW, HB_SGD_AT(i + HB_VW));
    }
    if (i + HB_VW <= n) hb_vst(w + i, HB_SGD_AT(i));
    if (nv < n) hb_vst(w + t, wt);
}
