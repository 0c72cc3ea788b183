/* mf_run_h.h: the scalar reference of the 16-bit kernels (sgd_mf_run and adagrad_row_mf_run on
 * bf16 or binary16 tables): each element is widened, stepped by the f32 kernel's scalar formula
 * and narrowed (nearest even, or stochastic from one xorshift32 stream, advanced per element
 * written), one rating after another. */
#ifndef HB_SCALAR_MF_RUN_H_H
#define HB_SCALAR_MF_RUN_H_H

#include <math.h>

#include "../half.h"
#include "../kernels.h"

static inline float hb_h_get(const uint16_t *t, size_t d, int f16) {
    return f16 ? hb_f16_to_f32(t[d]) : hb_bf16_to_f32(t[d]);
}
static inline void hb_h_put(uint16_t *t, size_t d, float v, int f16, int sr, uint32_t *rs) {
    if (sr) {
        *rs = hb_xs32(*rs);
        v = hb_sr_fold(v, *rs, f16 ? HB_SR_MASK_f16 : HB_SR_MASK_bf16);
    }
    t[d] = f16 ? hb_f32_to_f16(v) : hb_f32_to_bf16(v);
}

/* row = 0: sgd_mf_run's step; row = 1: adagrad_row_mf_run's. */
static inline double hb_h_run_scalar(const hb_mf_args *a, const hb_krating *r, size_t n, int f16,
                                     int row) {
    double loss = 0.0;
    const size_t dim = a->dim, bytes = dim * sizeof(uint16_t);
    uint32_t rs = hb_sr_lane_seed(a->seed, 0);
    for (size_t j = 0; j < n; j++) {
        if (j + 8 < n) {
            const char *pp = (const char *)(a->P16 + (size_t)r[j + 8].u * a->ld);
            const char *qq = (const char *)(a->Q16 + (size_t)r[j + 8].i * a->ld);
            for (size_t off = 0; off < bytes && off < 256; off += 64) {
                __builtin_prefetch(pp + off, 1, 3);
                __builtin_prefetch(qq + off, 1, 3);
            }
        }
        const hb_krating x = r[j];
        uint16_t *p = a->P16 + (size_t)x.u * a->ld, *q = a->Q16 + (size_t)x.i * a->ld;
        const float bias = hb_mf_bias(a, x);
        const float rg = hb_mf_reg(a, x);
        float dot = 0.0f;
        for (size_t d = 0; d < dim; d++) dot += hb_h_get(p, d, f16) * hb_h_get(q, d, f16);
        const float e = x.r - (dot + bias);
        if (!row) {
            for (size_t d = 0; d < dim; d++) {
                const float pd = hb_h_get(p, d, f16), qd = hb_h_get(q, d, f16);
                hb_h_put(p, d, pd + a->lr * (e * qd - rg * pd), f16, a->sr, &rs);
                hb_h_put(q, d, qd + a->lr * (e * pd - rg * qd), f16, a->sr, &rs);
            }
            hb_mf_sgd_bias_step(a, x, e);
        } else {
            const float lp = a->lr / sqrtf(a->Gu[x.u]), lq = a->lr / sqrtf(a->Gi[x.i]);
            float sp = 0.0f, sq = 0.0f;
            for (size_t d = 0; d < dim; d++) {
                const float pd = hb_h_get(p, d, f16), qd = hb_h_get(q, d, f16);
                const float g1 = rg * pd - e * qd, g2 = rg * qd - e * pd;
                hb_h_put(p, d, pd - lp * g1, f16, a->sr, &rs);
                hb_h_put(q, d, qd - lq * g2, f16, a->sr, &rs);
                sp += g1 * g1;
                sq += g2 * g2;
            }
            const float rk = dim ? 1.0f / (float)dim : 0.0f; /* dim 0: nothing to average */
            a->Gu[x.u] += sp * rk;
            a->Gi[x.i] += sq * rk;
            hb_mf_adagrad_row_bias_step(a, x, e);
        }
        loss += (double)e * e;
    }
    return loss;
}

#endif
