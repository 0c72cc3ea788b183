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

static int hb_cmp_f_desc(const void *a, const void *b) {
    const float x = *(const float *)a, y = *(const float *)b;
    return (x < y) - (x > y);
}

hb_status hb_ndcg_ws_init(hb_ndcg_ws *w, size_t n_cols, int kmax) {
    memset(w, 0, sizeof *w);
    const size_t n = n_cols ? n_cols : 1;
    w->kmax = kmax;
    w->it = malloc(n * sizeof *w->it);
    w->cand = malloc(n * sizeof *w->cand);
    w->gmax = malloc(((size_t)kmax + 1) * sizeof *w->gmax);
    w->tmp = malloc(n * sizeof *w->tmp);
    w->ideal = malloc(n * sizeof *w->ideal);
    w->grp = malloc(((size_t)kmax + 1) * sizeof *w->grp);
    w->disc = malloc(((size_t)kmax + 1) * sizeof *w->disc);
    if (!w->it || !w->cand || !w->gmax || !w->tmp || !w->ideal || !w->grp || !w->disc) {
        hb_ndcg_ws_free(w);
        return HB_ERR_NOMEM;
    }
    w->disc[0] = 0;
    for (int r = 1; r <= kmax; r++) w->disc[r] = w->disc[r - 1] + 1.0 / log2((double)r + 1.0);
    return HB_OK;
}

void hb_ndcg_ws_free(hb_ndcg_ws *w) {
    free(w->it);
    free(w->cand);
    free(w->gmax);
    free(w->tmp);
    free(w->ideal);
    free(w->grp);
    free(w->disc);
    memset(w, 0, sizeof *w);
}

/* t = the least of kmax group maxima, the groups being x[g], x[g + kmax], x[g + 2 kmax], ...:
 * kmax distinct scores are >= t, so any score below t ranks below kmax. The maxima are an
 * element-wise max over slices of kmax (vectorizes); NaNs never count. */
static float hb_group_floor(const float *x, size_t n, size_t kmax, float *m) {
    if (n < 2 * kmax) return -INFINITY;
    for (size_t g = 0; g < kmax; g++) m[g] = -INFINITY;
    size_t j0 = 0;
    for (; j0 + kmax <= n; j0 += kmax)
        for (size_t g = 0; g < kmax; g++) m[g] = x[j0 + g] > m[g] ? x[j0 + g] : m[g];
    for (size_t g = 0; j0 + g < n; g++) m[g] = x[j0 + g] > m[g] ? x[j0 + g] : m[g];
    float t0 = INFINITY, t1 = INFINITY, t2 = INFINITY, t3 = INFINITY;
    size_t g = 0;
    for (; g + 4 <= kmax; g += 4) {
        t0 = m[g] < t0 ? m[g] : t0;
        t1 = m[g + 1] < t1 ? m[g + 1] : t1;
        t2 = m[g + 2] < t2 ? m[g + 2] : t2;
        t3 = m[g + 3] < t3 ? m[g + 3] : t3;
    }
    for (; g < kmax; g++) t0 = m[g] < t0 ? m[g] : t0;
    t0 = t1 < t0 ? t1 : t0;
    t2 = t3 < t2 ? t3 : t2;
    return t2 < t0 ? t2 : t0;
}

static size_t hb_keep_above(const float *x, size_t n, float t, float *c) {
    size_t nc = 0;
    for (size_t j = 0; j < n; j++) {
        const float v = x[j];
        c[nc] = v;
        nc += v >= t;
    }
    return nc;
}

/* The shared core. w->it[0..n_it) holds the row's items of nonzero gain as (score, gain) and
 * w->ideal[0..m) its positive gains. An item's tie group spans ranks [s, e) with s = #scores
 * above it and e = s + #scores equal to it (over all n, gain or not); items of zero gain add
 * exactly 0 to sklearn's tie-averaged DCG, so only the groups holding a gain item are visited,
 * in descending score order (the order in which a full sort would add them), and only while
 * s < kmax. Each visit counts over the candidates: the scores that can rank above kmax. */
static void hb_ndcg_core(hb_ndcg_ws *w, size_t n, const float *scores, size_t n_it, size_t m,
                         const int *ks, int nk, double *out) {
    if (m == 0) { /* sklearn: a row whose gains are all 0 scores 0 */
        for (int q = 0; q < nk; q++) out[q] = 0.0;
        return;
    }
    /* Ideal DCG: the true gains sorted descending (ties irrelevant) */
    float *id = w->ideal;
    if (m <= 32) {
        for (size_t a = 1; a < m; a++) {
            const float v = id[a];
            size_t b = a;
            for (; b > 0 && id[b - 1] < v; b--) id[b] = id[b - 1];
            id[b] = v;
        }
    } else {
        qsort(id, m, sizeof *id, hb_cmp_f_desc);
    }
    int kmax = 0;
    for (int q = 0; q < nk; q++) kmax = ks[q] > kmax ? ks[q] : kmax;
    if ((size_t)kmax > n) kmax = (int)n;
    if (kmax > w->kmax) kmax = w->kmax;
    /* the gain items by descending score */
    hb_sg *it = w->it;
    if (n_it <= 32) {
        for (size_t a = 1; a < n_it; a++) {
            const hb_sg v = it[a];
            size_t b = a;
            for (; b > 0 && it[b - 1].s < v.s; b--) it[b] = it[b - 1];
            it[b] = v;
        }
    } else {
        hb_sort_sg_desc(it, w->tmp, n_it);
    }
    /* the candidates: every score >= t, t a floor under the kmax-th largest score, so that a
     * score >= t has all the scores above it or equal to it among them */
    float *cand = w->cand, t = n_it ? hb_group_floor(scores, n, (size_t)kmax, w->gmax) : INFINITY;
    const size_t nc = n_it ? hb_keep_above(scores, n, t, cand) : 0;
    /* the gain items' tie groups that start above rank kmax */
    size_t ng = 0;
    for (size_t a = 0; a < n_it;) {
        const float v = it[a].s;
        double g = it[a].g;
        size_t b = a + 1;
        while (b < n_it && it[b].s == v) g += it[b++].g;
        a = b;
        if (v < t) break; /* kmax scores are >= t > v */
        uint32_t gt = 0, ge = 0; /* vectorizes (SSE2) */
        for (size_t j = 0; j < nc; j++) {
            gt += cand[j] > v;
            ge += cand[j] >= v;
        }
        const size_t s = gt, e = ge;
        if (s >= (size_t)kmax) break;
        w->grp[ng++] = (hb_ndcg_grp){s, e, g};
    }
    /* tie-averaged DCG: each group's mean gain times the discounts of its positions */
    for (int q = 0; q < nk; q++) {
        const size_t k = (size_t)(ks[q] < kmax ? ks[q] : kmax);
        double dcg = 0;
        for (size_t c = 0; c < ng && w->grp[c].s < k; c++) {
            const hb_ndcg_grp *G = &w->grp[c];
            const size_t end = G->e < k ? G->e : k;
            dcg += G->g / (double)(G->e - G->s) * (w->disc[end] - w->disc[G->s]);
        }
        double idcg = 0;
        for (size_t r = 0; r < m && r < k; r++) idcg += id[r] * (w->disc[r + 1] - w->disc[r]);
        out[q] = idcg > 0 ? dcg / idcg : 0.0;
    }
}

void hb_ndcg_row(hb_ndcg_ws *w, size_t n, const float *scores, const float *gains,
                 const float *rel, size_t n_rel, const int *ks, int nk, double *out) {
    size_t m = 0, n_it = 0;
    for (size_t j = 0; j < n_rel; j++)
        if (rel[j] > 0) w->ideal[m++] = rel[j];
    if (m)
        for (size_t j = 0; j < n; j++) /* NaN scores rank nowhere (they fail every comparison) */
            if (gains[j] != 0 && scores[j] == scores[j]) w->it[n_it++] = (hb_sg){scores[j], gains[j]};
    hb_ndcg_core(w, n, scores, n_it, m, ks, nk, out);
}

void hb_ndcg_row_sparse(hb_ndcg_ws *w, size_t n, const float *scores, const uint32_t *items,
                        const float *gains, size_t n_rel, const int *ks, int nk, double *out) {
    size_t m = 0, n_it = 0;
    for (size_t j = 0; j < n_rel; j++) {
        const float g = gains[j], s = scores[items[j]];
        if (g > 0) w->ideal[m++] = g;
        if (g != 0 && s == s) w->it[n_it++] = (hb_sg){s, g};
    }
    hb_ndcg_core(w, n, scores, n_it, m, ks, nk, out);
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

/* Ratings grouped by user: user u's are r[off[u] .. off[u+1]). The splits come sorted by user
 * (then the ratings are used in place, and only off is computed: one pass); otherwise a stable
 * counting sort copies them to own. */
typedef struct {
    size_t *off;
    const hb_rating *r;
    hb_rating *own;
} hb_csr;

static int hb_csr_build(hb_csr *c, const hb_rating *r, size_t n, uint32_t n_users) {
    c->own = NULL;
    c->r = r;
    if (!(c->off = malloc(((size_t)n_users + 1) * sizeof *c->off))) return -1;
    size_t k = 0;
    uint32_t u = 0;
    c->off[0] = 0;
    for (; k < n; k++) {
        const uint32_t v = r[k].u;
        if (v < u) break;
        while (u < v) c->off[++u] = k;
    }
    if (k == n) {
        while (u < n_users) c->off[++u] = n;
        return 0;
    }
    memset(c->off, 0, ((size_t)n_users + 1) * sizeof *c->off);
    size_t *pos = malloc(((size_t)n_users + 1) * sizeof *pos);
    if (!pos || !(c->own = malloc((n ? n : 1) * sizeof *c->own))) {
        free(pos);
        return -1;
    }
    for (k = 0; k < n; k++) c->off[r[k].u + 1]++;
    for (u = 0; u < n_users; u++) c->off[u + 1] += c->off[u];
    memcpy(pos, c->off, ((size_t)n_users + 1) * sizeof *pos);
    for (k = 0; k < n; k++) c->own[pos[r[k].u]++] = r[k];
    free(pos);
    c->r = c->own;
    return 0;
}

static void hb_csr_free(hb_csr *c) {
    free(c->off);
    free(c->own);
}

void hb_eval_sample(uint64_t seed, uint32_t n_users, uint32_t n, uint32_t *out) {
    for (uint32_t u = 0; u < n_users; u++) out[u] = u;
    hb_rng rng;
    hb_rng_seed(&rng, seed ^ 0x6576616c75736572ULL);
    for (uint32_t j = 0; j < n && j < n_users; j++) {
        const uint32_t r = j + (uint32_t)hb_rng_below(&rng, n_users - j), t = out[j];
        out[j] = out[r];
        out[r] = t;
    }
}

/* --cold-rows score: the output for a test row whose user or item the train split lacks. */
static float hb_cold_z(const hb_model *m, hb_rating r, double mbu, double mbi) {
    const int ku = r.u != HB_COLD, ki = r.i != HB_COLD;
    if (!m->bu || (!ku && !ki)) return m->cold_z;
    return m->mu + (float)(ku ? m->bu[r.u] : mbu) + (float)(ki ? m->bi[r.i] : mbi);
}

/* Adds the cold rows' squared and absolute errors (when the run scores them) to *se, *ae;
 * returns how many. */
static size_t hb_score_cold(const hb_model *m, const hb_dataset *ds, double *se, double *ae) {
    if (!m->p.cold_rows || !ds->test_cold || !ds->n_test_cold) return 0;
    const int binary = hb_model_is_binary(m->p.model);
    const float rmin = ds->r_min, span = ds->r_max - ds->r_min;
    double mbu = 0, mbi = 0;
    if (m->bu) {
        for (uint32_t u = 0; u < m->n_users; u++) mbu += m->bu[u];
        for (uint32_t i = 0; i < m->n_items; i++) mbi += m->bi[i];
        mbu /= m->n_users ? m->n_users : 1;
        mbi /= m->n_items ? m->n_items : 1;
    }
    for (size_t n = 0; n < ds->n_test_cold; n++) {
        const hb_rating r = ds->test_cold[n];
        const float pred = hb_link(m, hb_cold_z(m, r, mbu, mbi));
        const float y = binary ? hb_binary_label(r.r, rmin, span) : r.r;
        const double e = (double)pred - y;
        *se += e * e;
        *ae += fabs(e);
    }
    return ds->n_test_cold;
}

hb_status hb_evaluate_with(const hb_model *m, const hb_dataset *ds, const hb_kernels *k,
                           int threads, hb_metrics *out) {
    const double t0 = hb_now();
    hb_model_h_widen(m); /* 16-bit storage: the f32 tables catch up (part of eval time) */
    memset(out, 0, sizeof *out);
    out->logloss = out->auc = NAN;
    /* --eval-users N: NDCG over N users drawn from the run's seed (a partial Fisher-Yates);
     * RMSE/MAE always use every test row. */
    uint32_t *sample = NULL, n_eval = ds->n_users;
    if (m->p.eval_users && m->p.eval_users < ds->n_users) {
        if (!(sample = malloc((size_t)ds->n_users * sizeof *sample))) return HB_ERR_NOMEM;
        hb_eval_sample(m->p.seed, ds->n_users, m->p.eval_users, sample);
        n_eval = m->p.eval_users;
    }
    hb_eval_sums s;
    const hb_status st = hb_evaluate_part(m, ds, k, threads, sample, n_eval, &s);
    free(sample);
    if (st == HB_OK) {
        const size_t nt = s.n_test + hb_score_cold(m, ds, &s.se, &s.ae); /* --cold-rows score */
        out->rmse = nt ? sqrt(s.se / (double)nt) : NAN;
        out->mae = nt ? s.ae / (double)nt : NAN;
        /* sklearn averages over every row of the matrix (all users; or the sample's) */
        for (int q = 0; q < HB_NDCG_KS; q++) out->ndcg[q] = s.ndcg[q] / (double)n_eval;
        out->ndcg_users = sample ? n_eval : 0;
    }
    out->eval_seconds = hb_now() - t0;
    return st;
}

hb_status hb_evaluate_part(const hb_model *m, const hb_dataset *ds, const hb_kernels *k,
                           int threads, const uint32_t *sample, uint32_t n_eval,
                           hb_eval_sums *sums) {
    memset(sums, 0, sizeof *sums);
    const int binary = hb_model_is_binary(m->p.model);
    const float rmin = ds->r_min, span = ds->r_max - ds->r_min;
    /* NDCG over the full users x items matrix, train cells set to 0 */
    hb_csr tr = {0}, te = {0};
    float *item_h = NULL;
    double *rows = NULL;
    hb_status st = HB_ERR_NOMEM;
    if (hb_csr_build(&tr, ds->train, ds->n_train, ds->n_users) ||
        hb_csr_build(&te, ds->test, ds->n_test, ds->n_users))
        goto done;
    const uint32_t ni = m->n_items;
    const int mlp = hb_model_is_mlp(m->p.model);
    if (mlp && !(item_h = hb_calloc_aligned((size_t)ni * m->L[0].out, 4))) goto done;
    /* the most test ratings of one user (the binary models' gain buffer) */
    size_t max_te = 1;
    for (uint32_t u = 0; u < ds->n_users; u++)
        max_te = te.off[u + 1] - te.off[u] > max_te ? te.off[u + 1] - te.off[u] : max_te;
    /* per-row NDCGs, summed in row order below: the same sum for any thread count */
    if (!(rows = malloc((size_t)(n_eval ? n_eval : 1) * HB_NDCG_KS * sizeof *rows))) goto done;
    enum { UB = 8 }; /* users scored together */
    const size_t lds = hb_round_up(ni ? ni : 1, HB_PAD);
    double se = 0, ae = 0;
    int bad = 0;
    /* One parallel region for everything: with OMP_WAIT_POLICY=passive every fork and every
     * barrier costs a futex wake-up (tens of microseconds each on a 2-vCPU VM). That region,
     * its per-thread scratch and its phases (errors, item halves, NDCG rows) are why this
     * function stays whole. */
#pragma omp parallel num_threads(threads) reduction(| : bad)
    {
        hb_fp_flush_subnormals();
        /* RMSE / MAE: binary models against the 0/1 labels, as the notebook does */
        hb_mlp_ws mw;
        const int mok = !mlp || hb_mlp_ws_init(&mw, m) == HB_OK;
        bad |= !mok;
#pragma omp for schedule(static) reduction(+ : se, ae) nowait
        for (size_t n = 0; n < ds->n_test; n++) {
            if (!mok) continue;
            const hb_rating r = ds->test[n];
            float z = mlp ? hb_mlp_forward(m, k, &mw, r.u, r.i) : hb_mf_forward(m, k, r.u, r.i);
            const float pred = hb_link(m, z);
            const float y = binary ? hb_binary_label(r.r, rmin, span) : r.r;
            const double e = (double)pred - y;
            se += e * e;
            ae += fabs(e);
        }
        if (mok && mlp) hb_mlp_ws_free(&mw);
        if (mlp) { /* layer 0's item half of every item, before any user is scored */
            const uint32_t h0 = m->L[0].out;
#pragma omp for schedule(static)
            for (uint32_t i = 0; i < ni; i++) hb_mlp_item_half(m, k, i, item_h + (size_t)i * h0);
        }
        const size_t hid = m->n_layers ? m->p.hidden + 1 : 1;
        float *sc = hb_calloc_aligned(UB * lds, 4), *gains = hb_calloc_aligned(ni, 4);
        float *cu = hb_calloc_aligned(hid, 4), *ba = hb_calloc_aligned(hid, 4),
              *bb = hb_calloc_aligned(hid, 4);
        float *rel = malloc(max_te * sizeof *rel);
        uint32_t *its = malloc(max_te * sizeof *its);
        uint32_t *stamp = calloc(ni ? ni : 1, sizeof *stamp); /* duplicate test items */
        hb_ndcg_ws w = {0};
        const int ok = sc && gains && cu && ba && bb && stamp && rel && its &&
                       hb_ndcg_ws_init(&w, ni, 100) == HB_OK;
        bad |= !ok;
#pragma omp for schedule(dynamic, 1)
        for (uint32_t j0 = 0; j0 < n_eval; j0 += UB) {
            if (!ok) continue;
            const size_t nb = n_eval - j0 < UB ? n_eval - j0 : UB;
            uint32_t us[UB];
            for (size_t b = 0; b < nb; b++) us[b] = sample ? sample[j0 + b] : j0 + (uint32_t)b;
            if (!mlp) hb_mf_score_block(m, k, us, nb, sc, lds);
            for (size_t b = 0; b < nb; b++) {
                const uint32_t j = j0 + (uint32_t)b, u = us[b];
                float *scores = sc + b * lds;
                double *row = rows + (size_t)j * HB_NDCG_KS;
                if (mlp) hb_mlp_score_user(m, k, u, item_h, cu, ba, bb, scores);
                for (size_t n = tr.off[u]; n < tr.off[u + 1]; n++) scores[tr.r[n].i] = 0.0f;
                const size_t a = te.off[u], e = te.off[u + 1], nt = e - a;
                /* gains: the test rating (binary models: the normalized rating) */
                int dup = 0;
                for (size_t n = 0; n < nt; n++) {
                    const hb_rating t = te.r[a + n];
                    its[n] = t.i;
                    rel[n] = !binary ? t.r : span > 0 ? (t.r - rmin) / span : 0;
                    dup |= stamp[t.i] == j + 1;
                    stamp[t.i] = j + 1;
                }
                if (!dup) {
                    hb_ndcg_row_sparse(&w, ni, scores, its, rel, nt, hb_ndcg_ks, HB_NDCG_KS, row);
                } else { /* an item rated twice: the dense row keeps its last gain */
                    for (size_t n = 0; n < nt; n++) gains[its[n]] = rel[n];
                    hb_ndcg_row(&w, ni, scores, gains, rel, nt, hb_ndcg_ks, HB_NDCG_KS, row);
                    for (size_t n = 0; n < nt; n++) gains[its[n]] = 0.0f;
                }
            }
        }
        hb_ndcg_ws_free(&w);
        free(stamp);
        free(rel);
        free(its);
        hb_free_aligned(sc);
        hb_free_aligned(gains);
        hb_free_aligned(cu);
        hb_free_aligned(ba);
        hb_free_aligned(bb);
    }
    if (bad) goto done;
    sums->se = se;
    sums->ae = ae;
    sums->n_test = ds->n_test;
    for (uint32_t j = 0; j < n_eval; j++)
        for (int q = 0; q < HB_NDCG_KS; q++) sums->ndcg[q] += rows[(size_t)j * HB_NDCG_KS + q];
    sums->n_eval = n_eval;
    st = HB_OK;
done:
    free(rows);
    hb_free_aligned(item_h);
    hb_csr_free(&tr);
    hb_csr_free(&te);
    return st;
}

hb_status hb_evaluate(const hb_model *m, const hb_dataset *ds, int threads, hb_metrics *out,
                      hb_error *err) {
    const hb_kernels *k = hb_kernels_for(m->p.isa);
    if (!k)
        return hb_fail(err, HB_ERR_UNSUPPORTED, "ISA %s: this CPU or build cannot run it",
                       hb_isa_name(m->p.isa));
    const hb_fpmode fp = hb_fp_save();
    const hb_status st = hb_evaluate_with(m, ds, k, threads, out);
    hb_fp_restore(fp);
    return st ? hb_fail(err, st, "evaluation failed: %s", hb_status_str(st)) : HB_OK;
}

/* ------------------------------------------------------------- pointwise metrics, targets */

static int hb_cmp_pl(const void *a, const void *b) {
    const float x = ((const float *)a)[0], y = ((const float *)b)[0];
    return (x > y) - (x < y);
}

/* ROC AUC of scores against 0/1 labels (pairs of float: score, label), the Mann-Whitney
 * statistic with tied scores counted half; sorts pl in place. NaN when one class is absent. */
static double hb_auc(float *pl, size_t n) {
    qsort(pl, n, 2 * sizeof(float), hb_cmp_pl);
    double pos = 0, rank_sum = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        double p = 0;
        while (b < n && pl[2 * b] == pl[2 * a]) p += pl[2 * b++ + 1];
        rank_sum += p * (0.5 * (double)(a + 1 + b)); /* ranks a+1..b, averaged */
        pos += p;
        a = b;
    }
    const double neg = (double)n - pos;
    if (pos == 0 || neg == 0) return NAN;
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

hb_status hb_evaluate_pointwise_with(const hb_model *m, const hb_dataset *ds,
                                     const hb_kernels *k, int threads, hb_metrics *out) {
    const double t0 = hb_now();
    hb_model_h_widen(m); /* 16-bit storage: the f32 tables catch up (part of eval time) */
    memset(out, 0, sizeof *out);
    for (int q = 0; q < HB_NDCG_KS; q++) out->ndcg[q] = NAN;
    out->logloss = out->auc = NAN;
    out->pointwise = 1;
    const int binary = hb_model_is_binary(m->p.model), mlp = hb_model_is_mlp(m->p.model);
    const float rmin = ds->r_min, span = ds->r_max - ds->r_min;
    float *pl = binary ? malloc((ds->n_test ? ds->n_test : 1) * 2 * sizeof *pl) : NULL;
    if (binary && !pl) return HB_ERR_NOMEM;
    double se = 0, ae = 0, ll = 0;
    int bad = 0;
#pragma omp parallel num_threads(threads) reduction(| : bad)
    {
        hb_fp_flush_subnormals();
        hb_mlp_ws mw;
        const int mok = !mlp || hb_mlp_ws_init(&mw, m) == HB_OK;
        bad |= !mok;
#pragma omp for schedule(static) reduction(+ : se, ae, ll)
        for (size_t n = 0; n < ds->n_test; n++) {
            if (!mok) continue;
            const hb_rating r = ds->test[n];
            const float z = mlp ? hb_mlp_forward(m, k, &mw, r.u, r.i) : hb_mf_forward(m, k, r.u, r.i);
            const float pred = hb_link(m, z);
            const float y = binary ? hb_binary_label(r.r, rmin, span) : r.r;
            const double e = (double)pred - y;
            se += e * e;
            ae += fabs(e);
            if (binary) { /* BCE from the logit, stable: softplus(z) - y z */
                ll += (z > 0 ? (double)z : 0.0) + log1p(exp(-fabs((double)z))) - (double)y * z;
                pl[2 * n] = pred;
                pl[2 * n + 1] = y;
            }
        }
        if (mok && mlp) hb_mlp_ws_free(&mw);
    }
    if (bad) {
        free(pl);
        return HB_ERR_NOMEM;
    }
    const double nt = (double)(ds->n_test + hb_score_cold(m, ds, &se, &ae));
    out->rmse = nt > 0 ? sqrt(se / nt) : NAN;
    out->mae = nt > 0 ? ae / nt : NAN;
    if (binary && ds->n_test) { /* the warm rows' */
        out->logloss = ll / (double)ds->n_test;
        out->auc = hb_auc(pl, ds->n_test);
    }
    free(pl);
    out->eval_seconds = hb_now() - t0;
    return HB_OK;
}

hb_status hb_evaluate_pointwise(const hb_model *m, const hb_dataset *ds, int threads,
                                hb_metrics *out, hb_error *err) {
    const hb_kernels *k = hb_kernels_for(m->p.isa);
    if (!k)
        return hb_fail(err, HB_ERR_UNSUPPORTED, "ISA %s: this CPU or build cannot run it",
                       hb_isa_name(m->p.isa));
    const hb_fpmode fp = hb_fp_save();
    const hb_status st = hb_evaluate_pointwise_with(m, ds, k, threads, out);
    hb_fp_restore(fp);
    return st ? hb_fail(err, st, "evaluation failed: %s", hb_status_str(st)) : HB_OK;
}

static const char *const hb_kTargetNames[HB_TARGET_COUNT] = {"", "rmse", "mae", "ndcg_at_10",
                                                              "logloss", "auc"};

const char *hb_target_name(hb_target_metric t) {
    return (unsigned)t < HB_TARGET_COUNT ? hb_kTargetNames[t] : "?";
}

int hb_target_higher(hb_target_metric t) { return t == HB_TARGET_NDCG10 || t == HB_TARGET_AUC; }

hb_status hb_target_parse(const char *spec, hb_target_metric *t, double *value) {
    const char *eq = spec ? strchr(spec, '=') : NULL;
    if (!eq || eq == spec || !eq[1]) return HB_ERR_ARG;
    const size_t len = (size_t)(eq - spec);
    hb_target_metric found = HB_TARGET_NONE;
    for (int k = 1; k < HB_TARGET_COUNT; k++)
        if (strlen(hb_kTargetNames[k]) == len && strncmp(spec, hb_kTargetNames[k], len) == 0)
            found = (hb_target_metric)k;
    if (len == 7 && strncmp(spec, "ndcg@10", 7) == 0) found = HB_TARGET_NDCG10;
    if (found == HB_TARGET_NONE) return HB_ERR_ARG;
    char *e;
    const double v = strtod(eq + 1, &e);
    if (*e || !isfinite(v) || v < 0) return HB_ERR_ARG;
    *t = found;
    *value = v;
    return HB_OK;
}

/* The target's metric in m. */
double hb_target_of(hb_target_metric t, const hb_metrics *m) {
    switch (t) {
    case HB_TARGET_RMSE: return m->rmse;
    case HB_TARGET_MAE: return m->mae;
    case HB_TARGET_NDCG10: return m->ndcg[0];
    case HB_TARGET_LOGLOSS: return m->logloss;
    case HB_TARGET_AUC: return m->auc;
    default: return NAN;
    }
}

const char *hb_ndcg_protocol(const hb_metrics *m, char *buf, size_t cap) {
    if (m && m->ndcg_users) snprintf(buf, cap, "seed-full-ranking-sampled:%u", m->ndcg_users);
    else snprintf(buf, cap, "seed-full-ranking");
    return buf;
}
