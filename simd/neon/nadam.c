/* nadam.c: NEON fused Nadam step on one row (w, m, v read and written in one pass). */
// one vector per step (IEEE sqrt and div set the pace; no rsqrt/rcp estimates); FMAs fuse the moment updates.
#include "vec.h"

static inline void hb_nadam_vec(hb_vf gv, hb_vf wv, hb_vf mv, hb_vf vv, const hb_nadam_coef *c,
                                hb_vf *wo, hb_vf *mo, hb_vf *vo) {
    const hb_vf gi = hb_vfma(hb_vset1(c->reg), wv, gv);
    const hb_vf mi = hb_vfma(hb_vset1(c->b1), mv, hb_vmul(hb_vset1(1.0f - c->b1), gi));
    const hb_vf vi = hb_vfma(hb_vmul(hb_vset1(1.0f - c->b2), gi), gi, hb_vmul(hb_vset1(c->b2), vv));
    const hb_vf num = hb_vmul(hb_vset1(c->lr), hb_vfma(hb_vset1(c->cg), gi, hb_vmul(hb_vset1(c->cm), mi)));
    const hb_vf den = hb_vadd(hb_vsqrt(hb_vmul(vi, hb_vset1(c->cv))), hb_vset1(c->eps));
    *wo = hb_vsub(wv, hb_vdiv(num, den));
    *mo = mi;
    *vo = vi;
}

void hb_nadam_f32__neon(size_t n, const hb_nadam_coef *c, const float *restrict g,
                          float *restrict w, float *restrict m, float *restrict v) {
    hb_vf wo, mo, vo;
    if (n < HB_VW) { // tail: the whole row is shorter than a vector
        const hb_vm k = hb_vmask(n);
        hb_nadam_vec(hb_vld_m(g, k), hb_vld_m(w, k), hb_vld_m(m, k), hb_vld_m(v, k), c, &wo, &mo, &vo);
        hb_vst_m(w, k, wo);
        hb_vst_m(m, k, mo);
        hb_vst_m(v, k, vo);
        return;
    }
    // tail: the last, overlapping vector is computed first from the original row and stored last
    const size_t nv = n & ~(size_t)(HB_VW - 1), t = n - HB_VW;
    hb_vf wt = hb_vzero(), mt = hb_vzero(), vt = hb_vzero();
    if (nv < n) hb_nadam_vec(hb_vld(g + t), hb_vld(w + t), hb_vld(m + t), hb_vld(v + t), c, &wt, &mt, &vt);
    for (size_t i = 0; i < nv; i += HB_VW) {
        hb_nadam_vec(hb_vld(g + i), hb_vld(w + i), hb_vld(m + i), hb_vld(v + i), c, &wo, &mo, &vo);
        hb_vst(w + i, wo);
        hb_vst(m + i, mo);
        hb_vst(v + i, vo);
    }
    if (nv < n) {
        hb_vst(w + t, wt);
        hb_vst(m + t, mt);
        hb_vst(v + t, vt);
    }
}
