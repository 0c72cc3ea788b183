/* sgd_mf.c: NEON fused MF SGD step: e = r - (p.q + bias), then p and q updated from the old p. */
// dot in 2 accumulators x 4 lanes (error O(n eps max|p_i q_i|)); updates p*(1-lr*reg) + (lr*e)*q: mul + FMA.
#include "vec.h"

#define HB_UPD(a, b) hb_vfma(le, b, hb_vmul(decay, a)) /* a*(1 - lr*reg) + lr*e*b */

float hb_sgd_mf_f32__neon(size_t n, float r, float bias, float lr, float reg,
                            float *restrict p, float *restrict q) {
    hb_vf s0 = hb_vzero(), s1 = hb_vzero();
    size_t i = 0;
    for (; i + 2 * HB_VW <= n; i += 2 * HB_VW) {
        s0 = hb_vfma(hb_vld(p + i), hb_vld(q + i), s0);
        s1 = hb_vfma(hb_vld(p + i + HB_VW), hb_vld(q + i + HB_VW), s1);
    }
    if (i + HB_VW <= n) s0 = hb_vfma(hb_vld(p + i), hb_vld(q + i), s0);
    const size_t nv = n & ~(size_t)(HB_VW - 1);
    const hb_vm k = hb_vmask(n - nv);
    if (nv < n) s1 = hb_vfma(hb_vld_m(p + nv, k), hb_vld_m(q + nv, k), s1); // tail
    /* e stays a vector (every lane equal): the sum feeds the updates without a scalar round trip */
    const hb_vf ev = hb_vsub(hb_vset1(r), hb_vadd(hb_vsum_all(hb_vadd(s0, s1)), hb_vset1(bias)));
    const hb_vf le = hb_vmul(hb_vset1(lr), ev), decay = hb_vset1(1.0f - lr * reg);

    if (n < HB_VW) { // tail: the whole row is shorter than a vector
        const hb_vf pv = hb_vld_m(p, k), qv = hb_vld_m(q, k);
        hb_vst_m(p, k, HB_UPD(pv, qv));
        hb_vst_m(q, k, HB_UPD(qv, pv));
        return hb_vfirst(ev);
    }
    // tail: the last, overlapping vector is updated first from the old p, q and stored last
    const size_t t = n - HB_VW;
    hb_vf pt = hb_vzero(), qt = hb_vzero();
    if (nv < n) {
        const hb_vf pv = hb_vld(p + t), qv = hb_vld(q + t);
        pt = HB_UPD(pv, qv);
        qt = HB_UPD(qv, pv);
    }
    for (i = 0; i < nv; i += HB_VW) {
        const hb_vf pv = hb_vld(p + i), qv = hb_vld(q + i);
        hb_vst(p + i, HB_UPD(pv, qv));
        hb_vst(q + i, HB_UPD(qv, pv));
    }
    if (nv < n) {
        hb_vst(p + t, pt);
        hb_vst(q + t, qt);
    }
    return hb_vfirst(ev);
}
