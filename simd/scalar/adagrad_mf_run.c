/* adagrad_mf_run.c: scalar reference of a run of per-sample MF steps under per-coordinate
 * AdaGrad (PyTorch's: G += g^2, then w -= lr g / (sqrt(G) + eps)), the documented loop one
 * rating after another; prefetches like the ISA versions (a fair baseline). */
#include <math.h>

#include "../kernels.h"

double hb_adagrad_mf_run_f32__scalar(const hb_mf_args *a, const hb_krating *r, size_t n) {
    double loss = 0.0;
    const size_t dim = a->dim, bytes = dim * sizeof(float);
    for (size_t j = 0; j < n; j++) {
        if (j + 8 < n) {
            const size_t ou = (size_t)r[j + 8].u * a->ld, oi = (size_t)r[j + 8].i * a->ld;
            for (size_t off = 0; off < bytes && off < 512; off += 64) {
                __builtin_prefetch((const char *)(a->P + ou) + off, 1, 3);
                __builtin_prefetch((const char *)(a->Q + oi) + off, 1, 3);
                __builtin_prefetch((const char *)(a->Gu + ou) + off, 1, 3);
                __builtin_prefetch((const char *)(a->Gi + oi) + off, 1, 3);
            }
        }
        const hb_krating x = r[j];
        float *p = a->P + (size_t)x.u * a->ld, *q = a->Q + (size_t)x.i * a->ld;
        float *gp = a->Gu + (size_t)x.u * a->ld, *gq = a->Gi + (size_t)x.i * a->ld;
        const float bias = hb_mf_bias(a, x);
        const float rg = hb_mf_reg(a, x);
        float dot = 0.0f;
        for (size_t d = 0; d < dim; d++) dot += p[d] * q[d];
        const float e = x.r - (dot + bias);
        for (size_t d = 0; d < dim; d++) {
            const float pd = p[d], qd = q[d];
            const float g1 = rg * pd - e * qd, g2 = rg * qd - e * pd;
            gp[d] += g1 * g1;
            gq[d] += g2 * g2;
            p[d] = pd - a->lr * (g1 / (sqrtf(gp[d]) + a->eps));
            q[d] = qd - a->lr * (g2 / (sqrtf(gq[d]) + a->eps));
        }
        hb_mf_adagrad_bias_step(a, x, e);
        loss += (double)e * e;
    }
    return loss;
}
