/* model_mf.c: the MF family (mf, mf_bias, mf_bias_bin): forward, gradients and scoring. */
#include <math.h>

#include "model.h"

float hb_mf_forward(const hb_model *m, const hb_kernels *k, uint32_t u, uint32_t i) {
    float z = k->dot(m->dim, m->P + (size_t)u * m->ld, m->Q + (size_t)i * m->ld);
    if (m->bu) z += m->bu[u] + m->bi[i] + m->mu;
    return z;
}

void hb_mf_backward(const hb_model *m, const hb_kernels *k, uint32_t u, uint32_t i,
                    float dz, float *gp, float *gq, float *gbu, float *gbi) {
    k->axpy(m->dim, dz, m->Q + (size_t)i * m->ld, gp);
    k->axpy(m->dim, dz, m->P + (size_t)u * m->ld, gq);
    if (gbu) *gbu += dz;
    if (gbi) *gbi += dz;
}

void hb_mf_score_block(const hb_model *m, const hb_kernels *k, const uint32_t *us, size_t nb,
                       float *out, size_t ldo) {
    const size_t ni = m->n_items, ld = m->ld;
    size_t rb = (16384 / (ld * sizeof(float))) & ~(size_t)7;
    rb = rb < 8 ? 8 : rb;
    for (size_t r0 = 0; r0 < ni; r0 += rb) {
        const size_t nr = ni - r0 < rb ? ni - r0 : rb;
        for (size_t b = 0; b < nb; b++) {
            const uint32_t u = us[b];
            float *o = out + b * ldo + r0;
            k->gemv(nr, m->dim, m->Q + r0 * ld, ld, m->P + (size_t)u * ld, o);
            if (m->bu) {
                const float c = m->bu[u] + m->mu;
                for (size_t i = 0; i < nr; i++) o[i] += m->bi[r0 + i] + c;
            }
            if (hb_model_is_binary(m->p.model))
                for (size_t i = 0; i < nr; i++) o[i] = hb_sigmoid(o[i]);
        }
    }
}
