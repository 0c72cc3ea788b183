/* sgd_mf_run.c: scalar reference of a run of per-sample MF SGD steps: the documented loop over
 * the scalar sgd_mf kernel, one rating after another. Like the ISA versions it prefetches the
 * rows of the rating 8 ahead (a fair baseline: the memory wait is not what SIMD speeds up). */
#include "../kernels.h"

double hb_sgd_mf_run_f32__scalar(const hb_mf_args *a, const hb_krating *r, size_t n) {
    double loss = 0.0;
    const size_t bytes = a->dim * sizeof(float);
    for (size_t j = 0; j < n; j++) {
        if (j + 8 < n) {
            const char *p = (const char *)(a->P + (size_t)r[j + 8].u * a->ld);
            const char *q = (const char *)(a->Q + (size_t)r[j + 8].i * a->ld);
            for (size_t off = 0; off < bytes && off < 512; off += 64) {
                __builtin_prefetch(p + off, 1, 3);
                __builtin_prefetch(q + off, 1, 3);
            }
        }
        const hb_krating x = r[j];
        const float bias = hb_mf_bias(a, x);
        const float rg = hb_mf_reg(a, x);
        const float e = hb_sgd_mf_f32__scalar(a->dim, x.r, bias, a->lr, rg, a->P + (size_t)x.u * a->ld,
                                              a->Q + (size_t)x.i * a->ld);
        hb_mf_sgd_bias_step(a, x, e);
        loss += (double)e * e;
    }
    return loss;
}
