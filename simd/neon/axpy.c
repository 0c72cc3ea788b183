/* axpy.c: NEON y += a*x. */
// 4 vectors per step; one FMA per element: each y_i = a*x_i + y_i rounded once (scalar: twice).
#include "vec.h"

#define HB_AXPY(off) hb_vfma(va, hb_vld(x + (off)), hb_vld(y + (off)))

void hb_axpy_f32__neon(size_t n, float a, const float *restrict x, float *restrict y) {
    const hb_vf va = hb_vset1(a);
    if (n < HB_VW) { // tail: the whole row is shorter than a vector
        const hb_vm k = hb_vmask(n);
        hb_vst_m(y, k, hb_vfma(va, hb_vld_m(x, k), hb_vld_m(y, k)));
        return;
    }
    // tail: the last, overlapping vector is computed first from the original y and stored last
    const size_t nv = n & ~(size_t)(HB_VW - 1), t = n - HB_VW;
    const hb_vf yt = nv < n ? HB_AXPY(t) : hb_vzero();
    size_t i = 0;
    for (; i + 4 * HB_VW <= n; i += 4 * HB_VW) {
        hb_vst(y + i, HB_AXPY(i));
        hb_vst(y + i + HB_VW, HB_AXPY(i + HB_VW));
        hb_vst(y + i + 2 * HB_VW, HB_AXPY(i + 2 * HB_VW));
        hb_vst(y + i + 3 * HB_VW, HB_AXPY(i + 3 * HB_VW));
    }
    for (; i + HB_VW <= n; i += HB_VW) hb_vst(y + i, HB_AXPY(i));
    if (nv < n) hb_vst(y + t, yt);
}
