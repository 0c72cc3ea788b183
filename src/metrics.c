/* metrics.c: RMSE/MAE on the test split and NDCG@k computed exactly as sklearn's ndcg_score
 * (tie-averaged DCG, 0 for rows without gain) over the notebook's full user x item matrix. */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "metrics.h"
#include "model.h"

const int hb_ndcg_ks[HB_NDCG_KS] = {10, 20, 30, 100};

/* Sorts x[0..n) by descending score: insertion-sorted runs of 16, then bottom-up merges
 * through tmp. Inline comparisons (no qsort callback); the order of equal scores is irrelevant
 * (ties are averaged). */
static void hb_sort_sg_desc(hb_sg *x, hb_sg *tmp, size_t n) {
    const size_t run = 16;
    for (size_t r = 0; r < n; r += run) {
        const size_t e = r + run < n ? r + run : n;
        for (size_t a = r + 1; a < e; a++) {
            const hb_sg v = x[a];
            size_t b = a;
            while (b > r && x[b - 1].s < v.s) {
                x[b] = x[b - 1];
                b--;
            }
            x[b] = v;
        }
    }
    hb_sg *src = x, *dst = tmp;
    for (size_t width = run; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            const size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) dst[o++] = src[i].s >= src[j].s ? src[i++] : src[j++];
            while (i < mid) dst[o++] = src[i++];
            while (j < hi) dst[o++] = src[j++];
        }
        hb_sg *t = src;
        src = dst;
        dst = t;
    }
    if (src != x) memcpy(x, src, n * sizeof *x);
}

#define HB_BINS 256

static int hb_cmp_f_desc(const void *a, const void *b) {
    const float x = *(const float *)a, y = *(const float *)b;
    return (x < y) - (x > y);
}

hb_status hb_ndcg_ws_init(hb_ndcg_ws *w, size_t n_cols, int kmax) {
    w->kmax = kmax;
    w->tmp = malloc(n_cols * sizeof *w->tmp);
    w->bins = malloc(n_cols);
    w->cand = malloc(n_cols * sizeof *w->cand);
    w->ideal = malloc(n_cols * sizeof *w->ideal);
    w->disc = malloc(((size_t)kmax + 1) * sizeof *w->disc);
    if (!w->tmp || !w->bins || !w->cand || !w->ideal || !w->disc) {
        hb_ndcg_ws_free(w);
        return HB_ERR_NOMEM;
    }
    w->disc[0] = 0;
    for (int r = 1; r <= kmax; r++) w->disc[r] = w->disc[r - 1] + 1.0 / log2((double)r + 1.0);
    return HB_OK;
}

void hb_ndcg_ws_free(hb_ndcg_ws *w) {
    free(w->tmp);
    free(w->bins);
    free(w->cand);
    free(w->ideal);
    free(w->disc);
    memset(w, 0, sizeof *w);
}

void hb_ndcg_row(hb_ndcg_ws *w, size_t n, const float *scores, const float *gains,
                 const float *rel, size_t n_rel, const int *ks, int nk, double *out) {
    /* Ideal DCG: the true gains sorted descending (ties irrelevant). */
    size_t m = 0;
    for (size_t j = 0; j < n_rel; j++)
        if (rel[j] > 0) w->ideal[m++] = rel[j];
    if (m == 0) { /* sklearn: a row whose gains are all 0 scores 0 */
        for (int q = 0; q < nk; q++) out[q] = 0.0;
        return;
    }
    qsort(w->ideal, m, sizeof *w->ideal, hb_cmp_f_desc);
    int kmax = 0;
    for (int q = 0; q < nk; q++) kmax = ks[q] > kmax ? ks[q] : kmax;
    if ((size_t)kmax > n) kmax = (int)n;
    if (kmax > w->kmax) kmax = w->kmax;
    /* 1. candidates: a 256-bin histogram over [min, max] finds the bin holding the kmax-th
     *    largest score; every score in that bin or above is kept (kmax plus part of one bin),
     *    which includes the whole tie group at the kmax-th score. Binning is monotone. */
    float lo = INFINITY, hi = -INFINITY;
    for (size_t j = 0; j < n; j++) {
        lo = scores[j] < lo ? scores[j] : lo;
        hi = scores[j] > hi ? scores[j] : hi;
    }
    size_t nc = 0;
    if (hi > lo) {
        const float scale = (float)HB_BINS / (hi - lo);
        uint8_t *bin = w->bins;
        for (size_t j = 0; j < n; j++) { /* vectorizable: NaN and underflow go to bin 0 */
            float v = (scores[j] - lo) * scale;
            v = v >= 0.0f ? v : 0.0f;
            v = v < (float)(HB_BINS - 1) ? v : (float)(HB_BINS - 1);
            bin[j] = (uint8_t)(int)v;
        }
        uint32_t hist[HB_BINS] = {0};
        for (size_t j = 0; j < n; j++) hist[bin[j]]++;
        int bstar = HB_BINS - 1;
        size_t above = 0;
        while (bstar > 0 && above + hist[bstar] < (size_t)kmax) above += hist[bstar--];
        for (size_t j = 0; j < n; j++)
            if (bin[j] >= bstar) w->cand[nc++] = (hb_sg){scores[j], gains[j]};
    } else {
        for (size_t j = 0; j < n; j++) w->cand[nc++] = (hb_sg){scores[j], gains[j]};
    }
    /* 2. sort the candidates; groups of equal scores are complete inside them */
    hb_sort_sg_desc(w->cand, w->tmp, nc);
    /* 3. tie-averaged DCG: each group's mean gain times the discounts of its positions */
    for (int q = 0; q < nk; q++) {
        const int k = ks[q] < kmax ? ks[q] : kmax;
        double dcg = 0;
        size_t s = 0;
        while (s < nc && s < (size_t)k) {
            size_t e = s + 1;
            double g = w->cand[s].g;
            while (e < nc && w->cand[e].s == w->cand[s].s) g += w->cand[e++].g;
            const size_t end = e < (size_t)k ? e : (size_t)k;
            dcg += g / (double)(e - s) * (w->disc[end] - w->disc[s]);
            s = e;
        }
        double idcg = 0;
        for (size_t r = 0; r < m && r < (size_t)k; r++) idcg += w->ideal[r] * (w->disc[r + 1] - w->disc[r]);
        out[q] = idcg > 0 ? dcg / idcg : 0.0;
    }
}

hb_status hb_ndcg_dense(size_t n_rows, size_t n_cols, const float *gains, const float *scores,
                        const int *ks, int nk, double *out) {
    int kmax = 1;
    for (int q = 0; q < nk; q++) {
        if (ks[q] < 1) return HB_ERR_ARG;
        kmax = ks[q] > kmax ? ks[q] : kmax;
    }
    if (nk < 1 || nk > 64 || n_cols == 0) return HB_ERR_ARG;
    if ((size_t)kmax > n_cols) kmax = (int)n_cols;
    hb_ndcg_ws w;
    if (hb_ndcg_ws_init(&w, n_cols, kmax) != HB_OK) return HB_ERR_NOMEM;
    double acc[64] = {0}, row[64];
    for (size_t r = 0; r < n_rows; r++) {
        hb_ndcg_row(&w, n_cols, scores + r * n_cols, gains + r * n_cols, gains + r * n_cols,
                    n_cols, ks, nk, row);
        for (int q = 0; q < nk; q++) acc[q] += row[q];
    }
    for (int q = 0; q < nk; q++) out[q] = n_rows ? acc[q] / (double)n_rows : 0.0;
    hb_ndcg_ws_free(&w);
    return HB_OK;
}

/* ------------------------------------------------------------------ model evaluation */

/* CSR of ratings by user: off[n_users+1], idx (items), val (ratings). */
typedef struct {
    size_t *off;
    uint32_t *item;
    float *val;
} hb_csr;

static int hb_csr_build(hb_csr *c, const hb_rating *r, size_t n, uint32_t n_users) {
    c->off = calloc((size_t)n_users + 1, sizeof *c->off);
    c->item = malloc((n ? n : 1) * sizeof *c->item);
    c->val = malloc((n ? n : 1) * sizeof *c->val);
    if (!c->off || !c->item || !c->val) return -1;
    for (size_t k = 0; k < n; k++) c->off[r[k].u + 1]++;
    for (uint32_t u = 0; u < n_users; u++) c->off[u + 1] += c->off[u];
    size_t *pos = malloc(((size_t)n_users + 1) * sizeof *pos);
    if (!pos) return -1;
    memcpy(pos, c->off, ((size_t)n_users + 1) * sizeof *pos);
    for (size_t k = 0; k < n; k++) {
        size_t at = pos[r[k].u]++;
        c->item[at] = r[k].i;
        c->val[at] = r[k].r;
    }
    free(pos);
    return 0;
}

static void hb_csr_free(hb_csr *c) {
    free(c->off);
    free(c->item);
    free(c->val);
}

/* Scores of every item for user u (what the notebook's predict() returns). */
static void hb_score_user(const hb_model *m, const hb_kernels *k, uint32_t u, const float *item_h,
                          float *cu, float *bufa, float *bufb, float *out) {
    const uint32_t ni = m->n_items;
    if (!hb_model_is_mlp(m->p.model)) {
        k->gemv(ni, m->dim, m->Q, m->ld, m->P + (size_t)u * m->ld, out);
        if (m->bu) {
            const float c = m->bu[u] + m->mu;
            for (uint32_t i = 0; i < ni; i++) out[i] += m->bi[i] + c;
        }
    } else {
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
                bufa[j] = (relu && !last0 && z < 0) ? 0.0f : z;
            }
            float *x = bufa, *y = bufb;
            for (uint32_t l = 1; l < m->n_layers; l++) {
                const hb_layer *L = &m->L[l];
                const int last = l + 1 == m->n_layers;
                k->gemv(L->out, L->in, L->W, L->in, x, y);
                for (uint32_t j = 0; j < L->out; j++) {
                    const float z = y[j] + L->b[j];
                    y[j] = (relu && !last && z < 0) ? 0.0f : z;
                }
                float *t = x;
                x = y;
                y = t;
            }
            out[i] = x[0];
        }
    }
    if (hb_model_is_binary(m->p.model))
        for (uint32_t i = 0; i < ni; i++) out[i] = 1.0f / (1.0f + expf(-out[i]));
}

hb_status hb_evaluate_with(const hb_model *m, const hb_dataset *ds, const hb_kernels *k,
                           int threads, hb_metrics *out) {
    const double t0 = hb_now();
    memset(out, 0, sizeof *out);
    const int binary = hb_model_is_binary(m->p.model);
    const float rmin = ds->r_min, span = ds->r_max - ds->r_min;
    /* RMSE / MAE: binary models against the 0/1 labels, as the notebook does */
    double se = 0, ae = 0;
    int bad = 0;
#pragma omp parallel num_threads(threads) reduction(+ : se, ae) reduction(| : bad)
    {
        hb_mlp_ws w;
        int ok = !hb_model_is_mlp(m->p.model) || hb_mlp_ws_init(&w, m) == HB_OK;
        bad |= !ok;
#pragma omp for schedule(static)
        for (size_t n = 0; n < ds->n_test; n++) {
            if (!ok) continue;
            const hb_rating r = ds->test[n];
            float z = hb_model_is_mlp(m->p.model) ? hb_mlp_forward(m, k, &w, r.u, r.i)
                                                  : hb_mf_forward(m, k, r.u, r.i);
            const float pred = hb_link(m, z);
            const float y = binary ? ((span > 0 && (r.r - rmin) / span > 0.5f) ? 1.0f : 0.0f) : r.r;
            const double e = (double)pred - y;
            se += e * e;
            ae += fabs(e);
        }
        if (ok && hb_model_is_mlp(m->p.model)) hb_mlp_ws_free(&w);
    }
    if (bad) return HB_ERR_NOMEM;
    out->rmse = ds->n_test ? sqrt(se / (double)ds->n_test) : NAN;
    out->mae = ds->n_test ? ae / (double)ds->n_test : NAN;

    /* NDCG over the full users x items matrix, train cells set to 0 */
    hb_csr tr = {0}, te = {0};
    float *item_h = NULL;
    uint32_t n_eval = ds->n_users, *sample = NULL; /* --eval-users (below) */
    hb_status st = HB_ERR_NOMEM;
    if (hb_csr_build(&tr, ds->train, ds->n_train, ds->n_users) ||
        hb_csr_build(&te, ds->test, ds->n_test, ds->n_users))
        goto done;
    const uint32_t ni = m->n_items;
    if (hb_model_is_mlp(m->p.model)) {
        const hb_layer *L0 = &m->L[0];
        item_h = hb_calloc_aligned((size_t)ni * L0->out, 4);
        if (!item_h) goto done;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (uint32_t i = 0; i < ni; i++)
            k->gemv(L0->out, m->dim, L0->W + m->dim, L0->in, m->Q + (size_t)i * m->ld,
                    item_h + (size_t)i * L0->out);
    }
    /* --eval-users N: NDCG over N users drawn from the run's seed (a partial Fisher-Yates);
     * RMSE/MAE above always use every test row. */
    if (m->p.eval_users && m->p.eval_users < ds->n_users) {
        if (!(sample = malloc((size_t)ds->n_users * sizeof *sample))) goto done;
        for (uint32_t u = 0; u < ds->n_users; u++) sample[u] = u;
        hb_rng rng;
        hb_rng_seed(&rng, m->p.seed ^ 0x6576616c75736572ULL);
        for (uint32_t j = 0; j < m->p.eval_users; j++) {
            const uint32_t r = j + (uint32_t)hb_rng_below(&rng, ds->n_users - j), t = sample[j];
            sample[j] = sample[r];
            sample[r] = t;
        }
        n_eval = m->p.eval_users;
    }
    double acc[HB_NDCG_KS] = {0};
    bad = 0;
#pragma omp parallel num_threads(threads) reduction(| : bad)
    {
        const size_t hid = m->n_layers ? m->p.hidden + 1 : 1;
        float *scores = hb_calloc_aligned(ni, 4), *gains = hb_calloc_aligned(ni, 4);
        float *cu = hb_calloc_aligned(hid, 4), *ba = hb_calloc_aligned(hid, 4),
              *bb = hb_calloc_aligned(hid, 4);
        float *rel = NULL;
        hb_ndcg_ws w = {0};
        const int ok = scores && gains && cu && ba && bb && hb_ndcg_ws_init(&w, ni, 100) == HB_OK;
        bad |= !ok;
        double loc[HB_NDCG_KS] = {0}, row[HB_NDCG_KS];
#pragma omp for schedule(dynamic, 8)
        for (uint32_t j = 0; j < n_eval; j++) {
            const uint32_t u = sample ? sample[j] : j;
            if (!ok) continue;
            hb_score_user(m, k, u, item_h, cu, ba, bb, scores);
            for (size_t n = tr.off[u]; n < tr.off[u + 1]; n++) scores[tr.item[n]] = 0.0f;
            const size_t a = te.off[u], b = te.off[u + 1];
            /* gains: the test rating (binary models: the normalized rating) */
            float *rl = te.val + a;
            if (binary) {
                if (!rel) rel = malloc(ni * sizeof *rel);
                if (!rel) {
                    bad = 1;
                    continue;
                }
                for (size_t n = a; n < b; n++) rel[n - a] = span > 0 ? (te.val[n] - rmin) / span : 0;
                rl = rel;
            }
            for (size_t n = a; n < b; n++) gains[te.item[n]] = rl[n - a];
            hb_ndcg_row(&w, ni, scores, gains, rl, b - a, hb_ndcg_ks, HB_NDCG_KS, row);
            for (size_t n = a; n < b; n++) gains[te.item[n]] = 0.0f;
            for (int q = 0; q < HB_NDCG_KS; q++) loc[q] += row[q];
        }
#pragma omp critical
        for (int q = 0; q < HB_NDCG_KS; q++) acc[q] += loc[q];
        hb_ndcg_ws_free(&w);
        free(rel);
        hb_free_aligned(scores);
        hb_free_aligned(gains);
        hb_free_aligned(cu);
        hb_free_aligned(ba);
        hb_free_aligned(bb);
    }
    if (bad) goto done;
    /* sklearn averages over every row of the matrix (all users; or the sample's) */
    for (int q = 0; q < HB_NDCG_KS; q++) out->ndcg[q] = acc[q] / (double)n_eval;
    out->ndcg_users = sample ? n_eval : 0;
    st = HB_OK;
done:
    free(sample);
    hb_free_aligned(item_h);
    hb_csr_free(&tr);
    hb_csr_free(&te);
    out->eval_seconds = hb_now() - t0;
    return st;
}

hb_status hb_evaluate(const hb_model *m, const hb_dataset *ds, int threads, hb_metrics *out) {
    const hb_kernels *k = hb_kernels_get();
    if (!k) return HB_ERR_UNSUPPORTED;
    return hb_evaluate_with(m, ds, k, threads, out);
}

const char *hb_ndcg_protocol(const hb_metrics *m, char *buf, size_t cap) {
    if (m && m->ndcg_users) snprintf(buf, cap, "seed-full-ranking-sampled:%u", m->ndcg_users);
    else snprintf(buf, cap, "seed-full-ranking");
    return buf;
}
