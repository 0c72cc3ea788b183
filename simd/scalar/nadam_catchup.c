/* nadam_catchup.c: scalar reference of dense Nadam's closed-form catch-up of one row. */
#include <math.h>
#include "../kernels.h"

void hb_nadam_catchup_f32__scalar(size_t n, const hb_nadam_catchup_coef *c, float *restrict w,
                                  float *restrict m, float *restrict v) {
    for (size_t i = 0; i < n; i++) {
        const float b = c->y1 * sqrtf(v[i]), q = 1.0f / (b + c->eps), r = b * q;
        float s = c->d[HB_CATCHUP_TERMS - 1];
        for (int t = HB_CATCHUP_TERMS - 2; t >= 0; t--) s = c->d[t] + r * s;
        w[i] -= m[i] * q * s;
        m[i] *= c->pm;
        v[i] *= c->pv;
    }
}
