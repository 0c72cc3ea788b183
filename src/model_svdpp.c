/* model_svdpp.c: SVD++ (Koren 2008, "Factorization meets the neighborhood"): mf_bias plus an
 * implicit-feedback term, r(u, i) = mu + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j),
 * N(u) the items u rated in train. Trained by per-sample SGD user by user, as
 * bench/tune/svdpp_probe.c (where it was measured first), y with an L2 of --reg times
 * sqrt(|N(u)|) per visit (below); after every epoch the implicit term is
 * folded into m->P, so evaluation, scoring and --save-model see a plain mf_bias-shaped model. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "shuffle.h"

struct hb_svdpp {
    float *p, *y;       /* raw user vectors (n_users x ld) and implicit item factors (n_items x ld) */
    hb_rating *byu;     /* the train ratings grouped by user (each user's shuffled per epoch) */
    uint32_t *off;      /* user u's ratings: byu[off[u] .. off[u + 1]) */
    uint32_t *items;    /* N(u): items[off[u] .. off[u + 1]) (the train order) */
    uint32_t *order;    /* the users' visiting order */
};

void hb_svdpp_free(hb_model *m) {
    struct hb_svdpp *s = m->svd;
    if (!s) return;
    hb_free_aligned(s->p);
    hb_free_aligned(s->y);
    free(s->byu);
    free(s->off);
    free(s->items);
    free(s->order);
    free(s);
    m->svd = NULL;
}

static hb_status hb_svdpp_init(hb_model *m, const hb_dataset *ds, hb_error *err) {
    struct hb_svdpp *s = m->svd = calloc(1, sizeof *s);
    const size_t nu = m->n_users, ld = m->ld, n = ds->n_train;
    if (!s || n > UINT32_MAX || !(s->p = hb_calloc_aligned(nu * ld, sizeof(float))) ||
        !(s->y = hb_calloc_aligned((size_t)m->n_items * ld, sizeof(float))) ||
        !(s->byu = malloc(n * sizeof *s->byu)) || !(s->off = calloc(nu + 1, sizeof *s->off)) ||
        !(s->items = malloc(n * sizeof *s->items)) || !(s->order = malloc(nu * sizeof *s->order))) {
        hb_svdpp_free(m);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory for svdpp's training state");
    }
    memcpy(s->p, m->P, nu * ld * sizeof(float)); /* the init of p; y starts at 0 */
    for (size_t k = 0; k < n; k++) s->off[ds->train[k].u + 1]++;
    for (size_t u = 0; u < nu; u++) s->off[u + 1] += s->off[u];
    uint32_t *fill = calloc(nu, sizeof *fill);
    if (!fill) {
        hb_svdpp_free(m);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory for svdpp's training state");
    }
    for (size_t k = 0; k < n; k++) {
        const hb_rating r = ds->train[k];
        const uint32_t at = s->off[r.u] + fill[r.u]++;
        s->byu[at] = r;
        s->items[at] = r.i;
    }
    free(fill);
    for (uint32_t u = 0; u < nu; u++) s->order[u] = u;
    return HB_OK;
}

void hb_svdpp_fold(hb_model *m, const float *p, const float *y, const uint32_t *off,
                   const uint32_t *items, int T) {
    const size_t ld = m->ld;
    const uint32_t dim = m->dim;
#pragma omp parallel for num_threads(T) schedule(static)
    for (size_t u = 0; u < m->n_users; u++) {
        float *pe = m->P + u * ld;
        const float *pu = p + u * ld;
        memcpy(pe, pu, ld * sizeof(float));
        const uint32_t a = off[u], b = off[u + 1];
        if (a == b) continue;
        const float su = 1.0f / sqrtf((float)(b - a));
        for (uint32_t k = a; k < b; k++) {
            const float *yj = y + (size_t)items[k] * ld;
            for (uint32_t f = 0; f < dim; f++) pe[f] += su * yj[f];
        }
    }
}

hb_status hb_svdpp_epoch(hb_model *m, const hb_dataset *ds, const hb_kernels *k, int T,
                         hb_rng *rng, float lr, double *loss, hb_error *err) {
    if (!m->svd) {
        const hb_status st = hb_svdpp_init(m, ds, err);
        if (st != HB_OK) return st;
    }
    struct hb_svdpp *s = m->svd;
    const uint32_t nu = m->n_users, dim = m->dim;
    const size_t ld = m->ld;
    const float reg = m->p.reg, rb = m->p.reg_bias, mu = m->mu;
    hb_shuffle_u32(s->order, nu, rng);
    const uint64_t eseed = hb_rng_next(rng);
    int nomem = 0;
    double sse = 0;
#pragma omp parallel num_threads(T) reduction(+ : sse) reduction(| : nomem)
    {
        hb_fp_flush_subnormals();
        /* z: the implicit sum (updated along the visit as y's steps would move it), g: y's
         * summed gradient, t: p_u + z */
        float *z = hb_calloc_aligned(3 * ld, sizeof(float));
        if (!z) nomem = 1;
#pragma omp for schedule(static)
        for (uint32_t a = 0; a < nu; a++) {
            if (!z) continue;
            float *g = z + ld, *t = z + 2 * ld;
            const uint32_t u = s->order[a], n = s->off[u + 1] - s->off[u];
            if (n == 0) continue;
            hb_rating *x = s->byu + s->off[u];
            hb_rng ur;
            hb_rng_seed(&ur, eseed ^ ((uint64_t)u * 0x9e3779b97f4a7c15ULL));
            hb_shuffle_flat(x, n, &ur);
            const float su = 1.0f / sqrtf((float)n);
            memset(z, 0, 2 * ld * sizeof(float));
            for (uint32_t c = 0; c < n; c++) k->axpy(dim, su, s->y + (size_t)x[c].i * ld, z);
            float *p = s->p + (size_t)u * ld, *bu = m->bu + u;
            for (uint32_t c = 0; c < n; c++) {
                const uint32_t i = x[c].i;
                float *q = m->Q + (size_t)i * ld, *bi = m->bi + i;
                for (uint32_t f = 0; f < dim; f++) t[f] = p[f] + z[f];
                const float e = x[c].r - (mu + *bu + *bi + k->dot(dim, q, t));
                sse += (double)e * e;
                *bu += lr * (e - rb * *bu);
                *bi += lr * (e - rb * *bi);
                const float le = lr * e;
                for (uint32_t f = 0; f < dim; f++) {
                    const float qf = q[f];
                    q[f] += lr * (e * t[f] - reg * qf);
                    p[f] += lr * (e * qf - reg * p[f]);
                    g[f] += e * qf;
                    z[f] += le * qf;
                }
            }
            /* y_j += lr (su g - sqrt(n) reg y_j), j in N(u): y's step sums n per-sample
             * gradients scaled by su = n^-1/2, about sqrt(n) of them, so its L2 weighs sqrt(n)
             * reg to keep p's balance of data and L2 (validation, bench/tune/svdpp_probe.c with reg_y < 0: 0.8993, as a separately tuned
             * constant 1.0; --reg itself, 0.08: 0.9024, overfits) */
            const float ry = reg * sqrtf((float)n);
            for (uint32_t c = 0; c < n; c++) {
                float *yj = s->y + (size_t)x[c].i * ld;
                for (uint32_t f = 0; f < dim; f++) yj[f] += lr * (su * g[f] - ry * yj[f]);
            }
        }
        hb_free_aligned(z);
    }
    if (nomem) return hb_fail(err, HB_ERR_NOMEM, "out of memory for svdpp's per-thread buffers");
    *loss += sse;
    hb_svdpp_fold(m, s->p, s->y, s->off, s->items, T);
    return HB_OK;
}
