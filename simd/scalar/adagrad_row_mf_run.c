/* adagrad_row_mf_run.c: scalar reference of a run of per-sample MF steps under LIBMF's row-wise
 * adaptive SGD (one G per row, from 1: the row steps by lr / sqrt(G), then G += mean(g^2)), the
 * documented loop one rating after another; prefetches like the ISA versions. */
#include <math.h>

#include "../kernels.h"

double hb_adagrad_row_mf_run_f32__scalar(const hb_mf_args *a, const hb_krating *r, size_t n) {
    double loss = 0.0;
    const size_t dim = a->dim, bytes = dim * sizeof(float);
    for (size_t j = 0; j < n; j++) {
        if (j + 8 < n) {
            const char *pp = (const char *)(a->P + (size_t)r[j + 8].u * a->ld);
            const char *qq = (const char *)(a->Q + (size_t)r[j + 8].i * a->ld);
            for (size_t off = 0; off < bytes && off < 512; off += 64) {
                __builtin_prefetch(pp + off, 1, 3);
                __builtin_prefetch(qq + off, 1, 3);
            }
        }
        const hb_krating x = r[j];
        float *p = a->P + (size_t)x.u * a->ld, *q = a->Q + (size_t)x.i * a->ld;
        const float bias = hb_mf_bias(a, x);
        const float rg = hb_mf_reg(a, x);
        float dot = 0.0f;
        for (size_t d = 0; d < dim; d++) dot += p[d] * q[d];
        const float e = x.r - (dot + bias);
        const float lp = a->lr / sqrtf(a->Gu[x.u]), lq = a->lr / sqrtf(a->Gi[x.i]);
        float sp = 0.0f, sq = 0.0f;
        for (size_t d = 0; d < dim; d++) {
            const float pd = p[d], qd = q[d];
            const float g1 = rg * pd - e * qd, g2 = rg * qd - e * pd;
            p[d] = pd - lp * g1;
            q[d] = qd - lq * g2;
            sp += g1 * g1;
            sq += g2 * g2;
        }
        const float rk = dim ? 1.0f / (float)dim : 0.0f; /* dim 0: nothing to average */
        a->Gu[x.u] += sp * rk;
        a->Gi[x.i] += sq * rk;
        hb_mf_adagrad_row_bias_step(a, x, e);
        loss += (double)e * e;
    }
    return loss;
}
