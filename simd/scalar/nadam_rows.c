/* nadam_rows.c: scalar reference Nadam over a list of table rows, each with its own step. */
#include <math.h>
#include "../kernels.h"

static void hb_nr_elem(const hb_nadam_rows_args *a, float cg, float cm, float cv, float reg,
                       float g, float *w, float *m, float *v) {
    const float gi = g + reg * *w;
    const float mi = a->b1 * *m + (1.0f - a->b1) * gi;
    const float vi = a->b2 * *v + (1.0f - a->b2) * gi * gi;
    *m = mi;
    *v = vi;
    *w -= a->lr * (cg * gi + cm * mi) / (sqrtf(vi * cv) + a->eps);
}

void hb_nadam_rows_f32__scalar(size_t n, const hb_nadam_rows_args *a) {
    for (size_t s = 0; s < n; s++) {
        const size_t r = (size_t)a->rows[s] * a->ld;
        const float *g = a->g + s * a->ld;
        for (size_t i = 0; i < a->dim; i++)
            hb_nr_elem(a, a->cg[s], a->cm[s], a->cv[s], a->reg[s], g[i], a->W + r + i,
                       a->M + r + i, a->V + r + i);
        if (a->b) {
            const uint32_t j = a->rows[s];
            hb_nr_elem(a, a->cg[s], a->cm[s], a->cv[s], a->reg_b[s], a->gb[s], a->b + j,
                       a->bm + j, a->bv + j);
        }
    }
}
