/* mf_step.h: the two halves of one fused MF SGD step, written once against the vec.h vocabulary
 * and shared by sgd_mf.inc (one rating) and sgd_mf_run.inc (a run of ratings), so that both
 * compute bit-identical results. Include after the ISA's vec.h. */
#ifndef HB_MF_STEP_H
#define HB_MF_STEP_H

/* e = r - (p.q + bias), in every lane: 2 accumulators, the masked tail into the second. */
static inline hb_vf hb_mf_err(size_t n, const float *p, const float *q, float r, float bias) {
    hb_vf s0 = hb_vzero(), s1 = hb_vzero();
    size_t i = 0;
    for (; i + 2 * HB_VW <= n; i += 2 * HB_VW) {
        s0 = hb_vfma(hb_vld(p + i), hb_vld(q + i), s0);
        s1 = hb_vfma(hb_vld(p + i + HB_VW), hb_vld(q + i + HB_VW), s1);
    }
    if (i + HB_VW <= n) s0 = hb_vfma(hb_vld(p + i), hb_vld(q + i), s0);
    const size_t nv = n & ~(size_t)(HB_VW - 1);
    if (nv < n) { // tail
        const hb_vm k = hb_vmask(n - nv);
        s1 = hb_vfma(hb_vld_m(p + nv, k), hb_vld_m(q + nv, k), s1);
    }
    /* e stays a vector (every lane equal): the sum feeds the updates without a scalar round trip */
    return hb_vsub(hb_vset1(r), hb_vadd(hb_vsum_all(hb_vadd(s0, s1)), hb_vset1(bias)));
}

#define HB_MF_UPD(a, b) hb_vfma(le, b, hb_vmul(decay, a)) /* a*(1 - lr*reg) + lr*e*b */

/* p += lr*(e*q - reg*p); q += lr*(e*p_old - reg*q), from the old p and q. */
static inline void hb_mf_update(size_t n, float *p, float *q, hb_vf ev, float lr, float reg) {
    const hb_vf le = hb_vmul(hb_vset1(lr), ev), decay = hb_vset1(1.0f - lr * reg);
    const size_t nv = n & ~(size_t)(HB_VW - 1);
    if (n < HB_VW) { // tail: the whole row is shorter than a vector
        const hb_vm k = hb_vmask(n);
        const hb_vf pv = hb_vld_m(p, k), qv = hb_vld_m(q, k);
        hb_vst_m(p, k, HB_MF_UPD(pv, qv));
        hb_vst_m(q, k, HB_MF_UPD(qv, pv));
        return;
    }
    // tail: the last, overlapping vector is updated first from the old p, q and stored last
    const size_t t = n - HB_VW;
    hb_vf pt = hb_vzero(), qt = hb_vzero();
    if (nv < n) {
        const hb_vf pv = hb_vld(p + t), qv = hb_vld(q + t);
        pt = HB_MF_UPD(pv, qv);
        qt = HB_MF_UPD(qv, pv);
    }
    for (size_t i = 0; i < nv; i += HB_VW) {
        const hb_vf pv = hb_vld(p + i), qv = hb_vld(q + i);
        hb_vst(p + i, HB_MF_UPD(pv, qv));
        hb_vst(q + i, HB_MF_UPD(qv, pv));
    }
    if (nv < n) {
        hb_vst(p + t, pt);
        hb_vst(q + t, qt);
    }
}

#endif
