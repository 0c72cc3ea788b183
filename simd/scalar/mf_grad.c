/* mf_grad.c: scalar reference of a mini-batch's MF forward and per-slot gradients (dot's and
 * axpy's arithmetic). */
#include "../kernels.h"

static void hb_mg_row(size_t dim, float a, const float *restrict x, float *restrict y, int fresh) {
    for (size_t i = 0; i < dim; i++) y[i] = (fresh ? 0.0f : y[i]) + a * x[i];
}

double hb_mf_grad_f32__scalar(size_t n, const hb_mf_grad_args *a, double loss) {
    for (size_t j = 0; j < n; j++) {
        const size_t u = a->r[j].u, i = a->r[j].i;
        const float *p = a->P + u * a->ld, *q = a->Q + i * a->ld;
        float dz = a->dz[j];
        if (a->sq) {
            float z = hb_dot_f32__scalar(a->dim, p, q);
            if (a->bu) z += a->bu[u] + a->bi[i] + a->mu;
            const float e = z - a->r[j].r;
            loss += (double)e * e;
            dz = a->dz[j] = e * a->scale;
        }
        const uint32_t su = a->su[j], si = a->si[j], f = a->fresh[j];
        hb_mg_row(a->dim, dz, q, a->gP + (size_t)su * a->ld, f & 1);
        hb_mg_row(a->dim, dz, p, a->gQ + (size_t)si * a->ld, f & 2);
        if (a->gbu) {
            a->gbu[su] = (f & 1 ? 0.0f : a->gbu[su]) + dz;
            a->gbi[si] = (f & 2 ? 0.0f : a->gbi[si]) + dz;
        }
    }
    return loss;
}
