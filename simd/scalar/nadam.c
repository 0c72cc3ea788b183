/* nadam.c: scalar reference fused Nadam step on one row (w, m, v in one pass). */
#include <math.h>
#include "../kernels.h"

void hb_nadam_f32__scalar(size_t n, const hb_nadam_coef *c, const float *restrict g,
                          float *restrict w, float *restrict m, float *restrict v) {
    const float b1 = c->b1, b2 = c->b2, a1 = 1.0f - c->b1, a2 = 1.0f - c->b2;
    for (size_t i = 0; i < n; i++) {
        const float gi = g[i] + c->reg * w[i];
        const float mi = b1 * m[i] + a1 * gi;
        const float vi = b2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= c->lr * (c->cg * gi + c->cm * mi) / (sqrtf(vi * c->cv) + c->eps);
    }
}
