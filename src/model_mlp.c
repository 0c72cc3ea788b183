/* model_mlp.c: the MLP family (mlp, mlp_bin): workspace, forward, backward and scoring. */
#include <math.h>
#include <string.h>

#include "model.h"

/* The hidden layers' activation (ReLU, or none for identity); the output layer is linear. */
static inline float hb_mlp_act(int relu, int last, float z) {
    return (relu && !last && z < 0) ? 0.0f : z;
}

hb_status hb_mlp_ws_init(hb_mlp_ws *w, const hb_model *m) {
    memset(w, 0, sizeof *w);
    int ok = (w->x0 = hb_calloc_aligned(2 * m->dim, 4)) && (w->dx = hb_calloc_aligned(2 * m->dim, 4));
    for (uint32_t l = 0; ok && l < m->n_layers; l++) {
        const hb_layer *L = &m->L[l];
        ok = (w->z[l] = hb_calloc_aligned(L->out, 4)) && (w->a[l] = hb_calloc_aligned(L->out, 4)) &&
             (w->d[l] = hb_calloc_aligned(L->out > L->in ? L->out : L->in, 4)) &&
             (w->dW[l] = hb_calloc_aligned((size_t)L->in * L->out, 4)) &&
             (w->db[l] = hb_calloc_aligned(L->out, 4));
    }
    if (!ok) hb_mlp_ws_free(w);
    return ok ? HB_OK : HB_ERR_NOMEM;
}

void hb_mlp_ws_free(hb_mlp_ws *w) {
    hb_free_aligned(w->x0);
    hb_free_aligned(w->dx);
    for (int l = 0; l < HB_MLP_MAX_LAYERS; l++) {
        hb_free_aligned(w->z[l]);
        hb_free_aligned(w->a[l]);
        hb_free_aligned(w->d[l]);
        hb_free_aligned(w->dW[l]);
        hb_free_aligned(w->db[l]);
        if (w->A[l] != w->Z[l]) hb_free_aligned(w->A[l]);
        hb_free_aligned(w->Z[l]);
    }
    hb_free_aligned(w->X0);
    hb_free_aligned(w->D[0]);
    hb_free_aligned(w->D[1]);
    hb_free_aligned(w->y);
    hb_free_aligned(w->ones);
    hb_free_aligned(w->su);
    hb_free_aligned(w->si);
    memset(w, 0, sizeof *w);
}

float hb_mlp_forward(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w, uint32_t u,
                     uint32_t i) {
    const uint32_t d = m->dim;
    memcpy(w->x0, m->P + (size_t)u * m->ld, d * sizeof(float));
    memcpy(w->x0 + d, m->Q + (size_t)i * m->ld, d * sizeof(float));
    const float *x = w->x0;
    const int relu = m->p.activation == HB_ACT_RELU;
    for (uint32_t l = 0; l < m->n_layers; l++) {
        const hb_layer *L = &m->L[l];
        k->gemv(L->out, L->in, L->W, L->in, x, w->z[l]);
        const int last = l + 1 == m->n_layers;
        for (uint32_t j = 0; j < L->out; j++) {
            const float z = w->z[l][j] + L->b[j];
            w->z[l][j] = z;
            w->a[l][j] = hb_mlp_act(relu, last, z);
        }
        x = w->a[l];
    }
    return w->z[m->n_layers - 1][0];
}

void hb_mlp_backward(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w, float dz,
                     float *gp, float *gq) {
    const int relu = m->p.activation == HB_ACT_RELU;
    const uint32_t nl = m->n_layers;
    w->d[nl - 1][0] = dz;
    for (uint32_t l = nl; l-- > 0;) {
        const hb_layer *L = &m->L[l];
        float *delta = w->d[l];
        const float *in = l ? w->a[l - 1] : w->x0;
        k->ger(L->out, L->in, 1.0f, delta, in, w->dW[l], L->in);
        k->axpy(L->out, 1.0f, delta, w->db[l]);
        float *dprev = l ? w->d[l - 1] : w->dx;
        k->gemv_t(L->out, L->in, L->W, L->in, delta, dprev);
        if (l && relu)
            for (uint32_t j = 0; j < L->in; j++)
                if (w->z[l - 1][j] < 0) dprev[j] = 0.0f;
    }
    k->axpy(m->dim, 1.0f, w->dx, gp);
    k->axpy(m->dim, 1.0f, w->dx + m->dim, gq);
}

void hb_mlp_item_half(const hb_model *m, const hb_kernels *k, uint32_t i, float *out) {
    const hb_layer *L0 = &m->L[0];
    k->gemv(L0->out, m->dim, L0->W + m->dim, L0->in, m->Q + (size_t)i * m->ld, out);
}

void hb_mlp_score_user(const hb_model *m, const hb_kernels *k, uint32_t u, const float *item_h,
                       float *cu, float *bufa, float *bufb, float *out) {
    const uint32_t ni = m->n_items;
    /* layer 0 splits: W0 [p; q] = W0[:, :d] p + W0[:, d:] q; the item half is precomputed */
    const hb_layer *L0 = &m->L[0];
    const int relu = m->p.activation == HB_ACT_RELU;
    k->gemv(L0->out, m->dim, L0->W, L0->in, m->P + (size_t)u * m->ld, cu);
    for (uint32_t j = 0; j < L0->out; j++) cu[j] += L0->b[j];
    for (uint32_t i = 0; i < ni; i++) {
        const float *hi = item_h + (size_t)i * L0->out;
        const int last0 = m->n_layers == 1;
        for (uint32_t j = 0; j < L0->out; j++) {
            const float z = cu[j] + hi[j];
            bufa[j] = hb_mlp_act(relu, last0, z);
        }
        float *x = bufa, *y = bufb;
        for (uint32_t l = 1; l < m->n_layers; l++) {
            const hb_layer *L = &m->L[l];
            const int last = l + 1 == m->n_layers;
            k->gemv(L->out, L->in, L->W, L->in, x, y);
            for (uint32_t j = 0; j < L->out; j++) {
                const float z = y[j] + L->b[j];
                y[j] = hb_mlp_act(relu, last, z);
            }
            float *t = x;
            x = y;
            y = t;
        }
        out[i] = x[0];
    }
    if (hb_model_is_binary(m->p.model))
        for (uint32_t i = 0; i < ni; i++) out[i] = hb_sigmoid(out[i]);
}
