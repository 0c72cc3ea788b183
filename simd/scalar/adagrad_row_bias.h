/* adagrad_row_bias.h: the scalar oracles' AdaGrad-row step on the two biases of one rating
 * (shared by the f32 and the 16-bit oracles: biases stay f32 in both). */
#ifndef HB_SCALAR_ADAGRAD_ROW_BIAS_H
#define HB_SCALAR_ADAGRAD_ROW_BIAS_H

#include <math.h>

#include "../kernels.h"

/* Error e = r - prediction; no-op without biases. */
static inline void hb_adagrad_row_bias_step(const hb_mf_args *a, size_t u, size_t i, float e) {
    if (!a->bu) return;
    const float gbu = a->reg_bias * a->bu[u] - e, gbi = a->reg_bias * a->bi[i] - e;
    a->bu[u] -= a->lr / sqrtf(a->Gbu[u]) * gbu;
    a->bi[i] -= a->lr / sqrtf(a->Gbi[i]) * gbi;
    a->Gbu[u] += gbu * gbu;
    a->Gbi[i] += gbi * gbi;
}

#endif
