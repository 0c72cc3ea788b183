/* mf_batch.c: one mini-batch of an MF model (mf, mf_bias, mf_bias_bin): every prediction and
 * per-row gradient with the batch's rows gathered into slots, then one optimizer pass over the
 * touched rows (nadam_rows for Nadam). */
#include <string.h>

#include "model.h"

void hb_mf_ws_free(hb_mf_ws *w) {
    void *bufs[] = {w->slot_u, w->slot_i, w->rows_u, w->rows_i, w->gP, w->gQ, w->gbu, w->gbi,
                    w->cnt_u, w->cnt_i, w->su, w->si, w->z, w->cg, w->cm, w->cv, w->rg, w->rgb,
                    w->fresh};
    for (size_t k = 0; k < sizeof bufs / sizeof *bufs; k++) hb_free_aligned(bufs[k]);
    free(w->far);
    memset(w, 0, sizeof *w);
}

hb_status hb_mf_ws_init(hb_mf_ws *w, const hb_model *m) {
    memset(w, 0, sizeof *w);
    const size_t B = m->p.batch, ld = m->ld;
    const int ok = (w->slot_u = hb_calloc_aligned(m->n_users, 4)) &&
                   (w->slot_i = hb_calloc_aligned(m->n_items, 4)) &&
                   (w->rows_u = hb_calloc_aligned(B, 4)) && (w->rows_i = hb_calloc_aligned(B, 4)) &&
                   (w->gP = hb_calloc_aligned(B * ld, 4)) && (w->gQ = hb_calloc_aligned(B * ld, 4)) &&
                   (w->gbu = hb_calloc_aligned(B, 4)) && (w->gbi = hb_calloc_aligned(B, 4)) &&
                   (w->cnt_u = hb_calloc_aligned(B, 4)) && (w->cnt_i = hb_calloc_aligned(B, 4)) &&
                   (w->su = hb_calloc_aligned(B, 4)) && (w->si = hb_calloc_aligned(B, 4)) &&
                   (w->z = hb_calloc_aligned(B, 4)) && (w->cg = hb_calloc_aligned(B, 4)) &&
                   (w->cm = hb_calloc_aligned(B, 4)) && (w->cv = hb_calloc_aligned(B, 4)) &&
                   (w->rg = hb_calloc_aligned(B, 4)) && (w->rgb = hb_calloc_aligned(B, 4)) &&
                   (w->fresh = hb_calloc_aligned(B, 1));
    if (!ok) {
        hb_mf_ws_free(w);
        return HB_ERR_NOMEM;
    }
    memset(w->slot_u, 0xff, m->n_users * sizeof *w->slot_u);
    memset(w->slot_i, 0xff, m->n_items * sizeof *w->slot_i);
    return HB_OK;
}

/* Row -> slot (a new one for a row not yet in the batch: *isnew = 1); counts the row's samples.
 * Without branches (masks, not conditionals the compiler would turn back into jumps): whether a
 * row is new is a coin toss the predictor would miss. n is the caller's local: in a register. */
static inline uint32_t hb_mf_slot(int32_t *restrict slot, uint32_t *restrict rows,
                                  uint32_t *restrict cnt, uint32_t *n, uint32_t row,
                                  uint32_t *isnew) {
    const int32_t old = slot[row];
    const uint32_t nw = 0u - ((uint32_t)old >> 31); /* all ones when new (slot -1) */
    const uint32_t s = (*n & nw) | ((uint32_t)old & ~nw);
    slot[row] = (int32_t)s;
    rows[s] = row; /* the same value when not new */
    cnt[s] = (cnt[s] & ~nw) + 1;
    *n -= nw;
    *isnew = nw & 1u;
    return s;
}

/* Step st's cg, cm, cv past the model's table (st > HB_NADAM_TABLE): from this worker's own
 * extension of it (no lock), each step's computed once by hb_nadam_coefs (three pow) and kept,
 * not once per row step; the same values. Out of memory: computed into w->fb. */
static const float *hb_mf_far(const hb_model *m, hb_mf_ws *w, uint64_t st, float lr) {
    const uint64_t i = st - HB_NADAM_TABLE - 1;
    if (i >= w->far_n) {
        uint64_t cap = w->far_n ? w->far_n : 1024;
        while (cap <= i) cap *= 2;
        float *f = realloc(w->far, cap * 3 * sizeof *f);
        if (f) {
            w->far = f;
            for (uint64_t k = w->far_n; k < cap; k++) {
                hb_nadam_coef c;
                hb_nadam_coefs(m, HB_NADAM_TABLE + 1 + k, lr, 0.0f, &c);
                f[3 * k] = c.cg, f[3 * k + 1] = c.cm, f[3 * k + 2] = c.cv;
            }
            w->far_n = cap;
        } else {
            hb_nadam_coef c;
            hb_nadam_coefs(m, st, lr, 0.0f, &c);
            w->fb[0] = c.cg, w->fb[1] = c.cm, w->fb[2] = c.cv;
            return w->fb;
        }
    }
    return w->far + 3 * i;
}

/* The coefficients of each slot's Nadam step: its row's own next step (lazy; counted atomically
 * when shared), or the one global step t (dense). */
static void hb_mf_coefs(const hb_model *m, hb_mf_ws *w, uint32_t n, const uint32_t *rows,
                        uint32_t *steps, uint64_t t, int shared, float lr) {
    if (t) { /* dense: one step for every slot */
        hb_nadam_coef c;
        hb_nadam_coefs(m, t, lr, 0.0f, &c);
        for (uint32_t a = 0; a < n; a++) w->cg[a] = c.cg, w->cm[a] = c.cm, w->cv[a] = c.cv;
        return;
    }
    float *restrict cg = w->cg, *restrict cm = w->cm, *restrict cv = w->cv;
    const float *tab = m->nadam_c;
    for (uint32_t a = 0; a < n; a++) {
        uint32_t *c = steps + rows[a];
        const uint64_t st = shared ? __atomic_add_fetch(c, 1, __ATOMIC_RELAXED) : ++*c;
        /* steps 1..HB_NADAM_TABLE from the model's table (one cache line), later ones past it */
        const float *f = st - 1 < HB_NADAM_TABLE ? tab + HB_NADAM_C * (st - 1)
                                                 : hb_mf_far(m, w, st, lr);
        cg[a] = f[0], cm[a] = f[1], cv[a] = f[2];
    }
}

/* Nadam on one side's touched rows (slots 0..n), then their slots released. */
static void hb_mf_nadam_side(const hb_model *m, const hb_kernels *k, hb_mf_ws *w, int item,
                             float lr, uint64_t t, int shared, float rb, float rbb) {
    const uint32_t n = item ? w->ni : w->nu;
    const uint32_t *rows = item ? w->rows_i : w->rows_u, *cnt = item ? w->cnt_i : w->cnt_u;
    hb_mf_coefs(m, w, n, rows, item ? m->ti : m->tu, t, shared, lr);
    for (uint32_t a = 0; a < n; a++) {
        w->rg[a] = rb * (float)cnt[a];
        w->rgb[a] = rbb * (float)cnt[a];
    }
    const int bias = m->bu != NULL;
    const hb_nadam_rows_args args = {
        .dim = m->dim, .ld = m->ld, .lr = lr, .b1 = m->p.beta1, .b2 = m->p.beta2, .eps = m->p.eps,
        .rows = rows, .g = item ? w->gQ : w->gP, .cg = w->cg, .cm = w->cm, .cv = w->cv,
        .reg = w->rg, .W = item ? m->Q : m->P, .M = item ? m->Qm : m->Pm,
        .V = item ? m->Qv : m->Pv, .b = bias ? (item ? m->bi : m->bu) : NULL,
        .bm = bias ? (item ? m->bim : m->bum) : NULL, .bv = bias ? (item ? m->biv : m->buv) : NULL,
        .gb = item ? w->gbi : w->gbu, .reg_b = w->rgb};
    k->nadam_rows(n, &args);
    if (t) { /* dense: these rows are current at step t */
        uint32_t *last = item ? m->li : m->lu;
        for (uint32_t a = 0; a < n; a++) last[rows[a]] = (uint32_t)t;
    }
}

uint64_t hb_dense_lazy_step(hb_model *m, const hb_kernels *k, hb_mf_ws *w, const hb_mf_ws *rows,
                            float lr, float rb, float rbb) {
    hb_mf_ws v = *w; /* the caller's rows, gradients and counts; this scratch's coefficients */
    v.nu = rows->nu, v.ni = rows->ni, v.rows_u = rows->rows_u, v.rows_i = rows->rows_i;
    v.gP = rows->gP, v.gQ = rows->gQ, v.gbu = rows->gbu, v.gbi = rows->gbi;
    v.cnt_u = rows->cnt_u, v.cnt_i = rows->cnt_i;
    const uint64_t t = ++m->dense_t;
    hb_mf_nadam_side(m, k, &v, 0, lr, t, 0, rb, rbb);
    hb_mf_nadam_side(m, k, &v, 1, lr, t, 0, rb, rbb);
    return t;
}

void hb_mf_batch(hb_model *m, const hb_kernels *k, hb_mf_ws *w, const hb_rating *r, size_t bn,
                 float lr, float label_min, float label_span, int shared, int dense_lazy,
                 double *loss) {
    const hb_train_params *p = &m->p;
    const int binary = hb_model_is_binary(p->model), bias = m->bu != NULL;
    const size_t ld = m->ld, dim = m->dim;
    const float scale = 1.0f / (float)bn; /* the batch's mean gradient, as Keras */
    /* 1. the batch's distinct rows, in first-seen order */
    {
        int32_t *restrict slot_u = w->slot_u, *restrict slot_i = w->slot_i;
        uint32_t *restrict rows_u = w->rows_u, *restrict rows_i = w->rows_i;
        uint32_t *restrict cnt_u = w->cnt_u, *restrict cnt_i = w->cnt_i;
        uint32_t *restrict su = w->su, *restrict si = w->si;
        uint8_t *restrict fresh = w->fresh;
        uint32_t nu = 0, ni = 0;
        for (size_t j = 0; j < bn; j++) {
            uint32_t fu, fi;
            su[j] = hb_mf_slot(slot_u, rows_u, cnt_u, &nu, r[j].u, &fu);
            si[j] = hb_mf_slot(slot_i, rows_i, cnt_i, &ni, r[j].i, &fi);
            fresh[j] = (uint8_t)(fu | fi << 1);
        }
        w->nu = nu, w->ni = ni;
    }
    if (dense_lazy) { /* the rows the batch reads, caught up to the last step */
        for (uint32_t a = 0; a < w->nu; a++) hb_optim_dense_catch_up(m, k, lr, 0, w->rows_u[a]);
        for (uint32_t a = 0; a < w->ni; a++) hb_optim_dense_catch_up(m, k, lr, 1, w->rows_i[a]);
    }
    /* 2. every prediction from the rows as they stand, then every gradient: the same values,
     * accumulated in the same order, as forward and backward sample by sample (mf_grad: dot's
     * and axpy's arithmetic, a slot's first sample starting it from 0; the squared loss in the
     * kernel, the binary one here between dot_rows and mf_grad) */
    const hb_krating *kr = (const hb_krating *)r;
    hb_mf_grad_args ga = {.dim = dim, .ld = ld, .P = m->P, .Q = m->Q, .bu = m->bu, .bi = m->bi,
                          .mu = m->mu, .scale = scale, .sq = !binary, .r = kr, .su = w->su,
                          .si = w->si, .fresh = w->fresh, .dz = w->z, .gP = w->gP, .gQ = w->gQ,
                          .gbu = bias ? w->gbu : NULL, .gbi = bias ? w->gbi : NULL};
    if (binary) {
        k->dot_rows(bn, dim, ld, m->P, m->Q, kr, w->z);
        double l = *loss; /* a local sum: no store and reload per sample */
        for (size_t j = 0; j < bn; j++) {
            float z = w->z[j];
            if (bias) z += m->bu[r[j].u] + m->bi[r[j].i] + m->mu;
            const float y = hb_binary_label(r[j].r, label_min, label_span);
            w->z[j] = hb_loss_grad(1, z, y, &l) * scale;
        }
        *loss = l;
    }
    *loss = k->mf_grad(bn, &ga, *loss);
    /* 3. one step per touched row, L2 per sample (see hb_worker_run) */
    const float rb = p->reg / (float)bn, rbb = p->reg_bias / (float)bn;
    if (dense_lazy && hb_optim_dense_warm(m, lr)) {
        /* the first steps: one sweep over every row beats iterating each row's gap */
        for (uint32_t a = 0; a < w->nu; a++) {
            const size_t u = w->rows_u[a];
            const float c = rb * (float)w->cnt_u[a];
            for (size_t d = 0; d < dim; d++) m->gPd[u * ld + d] = w->gP[a * ld + d] + c * m->P[u * ld + d];
            if (bias) m->gbud[u] = w->gbu[a] + rbb * (float)w->cnt_u[a] * m->bu[u];
        }
        for (uint32_t a = 0; a < w->ni; a++) {
            const size_t i = w->rows_i[a];
            const float c = rb * (float)w->cnt_i[a];
            for (size_t d = 0; d < dim; d++) m->gQd[i * ld + d] = w->gQ[a * ld + d] + c * m->Q[i * ld + d];
            if (bias) m->gbid[i] = w->gbi[a] + rbb * (float)w->cnt_i[a] * m->bi[i];
        }
        hb_optim_dense_emb_step(m, k, lr, w->rows_u, w->nu, w->rows_i, w->ni, p->threads);
    } else if (p->optimizer == HB_OPT_NADAM) {
        const uint64_t t = dense_lazy ? ++m->dense_t : 0;
        hb_mf_nadam_side(m, k, w, 0, lr, t, shared, rb, rbb);
        hb_mf_nadam_side(m, k, w, 1, lr, t, shared, rb, rbb);
    } else { /* SGD (the other optimizers take batch 1) */
        for (uint32_t a = 0; a < w->nu; a++) {
            const size_t u = w->rows_u[a];
            hb_optim_row_step(m, k, lr, rb * (float)w->cnt_u[a], rbb * (float)w->cnt_u[a],
                              m->P + u * ld, NULL, NULL, NULL, w->gP + a * ld,
                              bias ? m->bu + u : NULL, NULL, NULL, w->gbu[a]);
        }
        for (uint32_t a = 0; a < w->ni; a++) {
            const size_t i = w->rows_i[a];
            hb_optim_row_step(m, k, lr, rb * (float)w->cnt_i[a], rbb * (float)w->cnt_i[a],
                              m->Q + i * ld, NULL, NULL, NULL, w->gQ + a * ld,
                              bias ? m->bi + i : NULL, NULL, NULL, w->gbi[a]);
        }
    }
    for (uint32_t a = 0; a < w->nu; a++) w->slot_u[w->rows_u[a]] = -1;
    for (uint32_t a = 0; a < w->ni; a++) w->slot_i[w->rows_i[a]] = -1;
}
