/* dist.c: one model trained across MPI ranks (built with HB_WITH_MPI): users split over the
 * ranks, item blocks circulating around a ring (DSGD with NOMAD's overlap), the MLPs' dense
 * weights averaged by allreduce, evaluation by rank with the sums reduced. */
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "hogbench/hogbench_mpi.h"
#include "dist.h"
#include "metrics.h"
#include "part.h"
#include "shuffle.h"

/* Item blocks per rank: one is trained while the next is in flight. */
#define HB_DIST_SLOTS 2

/* Where each array of a set of rows (a rank's users, or one item block) sits in one buffer:
 * factors, bias, the factors' Nadam moments, the bias's, the step counts; each 64-byte aligned,
 * SIZE_MAX when the model has none. Factors and bias come first: that prefix (params) is what
 * evaluation and saving need. */
typedef struct {
    size_t f, b, fm, fv, bm, bv, t, params, bytes;
} hb_rows_layout;

static size_t hb_al(size_t x) { return (x + 63) & ~(size_t)63; }

static hb_rows_layout hb_layout(const hb_model *m, size_t n) {
    const int bias = m->bu != NULL, nadam = m->Pm != NULL;
    const size_t fb = hb_al(n * m->ld * sizeof(float)), bb = hb_al(n * sizeof(float));
    hb_rows_layout L = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, 0, 0};
    size_t at = 0;
    L.f = at, at += fb;
    if (bias) L.b = at, at += bb;
    L.params = at;
    if (nadam) {
        L.fm = at, at += fb;
        L.fv = at, at += fb;
        if (bias) L.bm = at, at += bb, L.bv = at, at += bb;
        L.t = at, at += bb;
    }
    L.bytes = at ? at : 64;
    return L;
}

#define HB_AT(buf, off) ((off) == SIZE_MAX ? NULL : (void *)((buf) + (off)))

/* The model's arrays on one side (users or items), to copy rows between it and a buffer. */
typedef struct {
    float *f, *b, *fm, *fv, *bm, *bv;
    uint32_t *t;
} hb_side;

static hb_side hb_side_of(const hb_model *m, int items) {
    return items ? (hb_side){m->Q, m->bi, m->Qm, m->Qv, m->bim, m->biv, m->ti}
                 : (hb_side){m->P, m->bu, m->Pm, m->Pv, m->bum, m->buv, m->tu};
}

/* Rows idx[0..n) of a side into buf (all of L) or out of it (the params prefix only). */
static void hb_rows_copy(const hb_side *s, const hb_model *m, const uint32_t *idx, size_t n,
                         char *buf, const hb_rows_layout *L, int into_buf) {
    const size_t ld = m->ld, rb = ld * sizeof(float);
    for (size_t j = 0; j < n; j++) {
        const size_t g = idx[j];
        float *fr[3] = {s->f, into_buf ? s->fm : NULL, into_buf ? s->fv : NULL};
        const size_t fo[3] = {L->f, L->fm, L->fv};
        for (int a = 0; a < 3; a++)
            if (fr[a] && fo[a] != SIZE_MAX) {
                float *x = (float *)(buf + fo[a]) + j * ld;
                if (into_buf) memcpy(x, fr[a] + g * ld, rb);
                else memcpy(fr[a] + g * ld, x, rb);
            }
        float *br[3] = {s->b, into_buf ? s->bm : NULL, into_buf ? s->bv : NULL};
        const size_t bo[3] = {L->b, L->bm, L->bv};
        for (int a = 0; a < 3; a++)
            if (br[a] && bo[a] != SIZE_MAX) {
                float *x = (float *)(buf + bo[a]) + j;
                if (into_buf) *x = br[a][g];
                else br[a][g] = *x;
            }
        if (into_buf && s->t && L->t != SIZE_MAX) ((uint32_t *)(buf + L->t))[j] = s->t[g];
    }
}

static void hb_view_users(hb_model *v, char *buf, const hb_rows_layout *L) {
    v->P = HB_AT(buf, L->f);
    v->bu = HB_AT(buf, L->b);
    v->Pm = HB_AT(buf, L->fm);
    v->Pv = HB_AT(buf, L->fv);
    v->bum = HB_AT(buf, L->bm);
    v->buv = HB_AT(buf, L->bv);
    v->tu = HB_AT(buf, L->t);
}

static void hb_view_items(hb_model *v, char *buf, const hb_rows_layout *L) {
    v->Q = HB_AT(buf, L->f);
    v->bi = HB_AT(buf, L->b);
    v->Qm = HB_AT(buf, L->fm);
    v->Qv = HB_AT(buf, L->fv);
    v->bim = HB_AT(buf, L->bm);
    v->biv = HB_AT(buf, L->bv);
    v->ti = HB_AT(buf, L->t);
}

/* Part b of `parts` over n positions starts at ceil(b n / parts) (as hb_grid_build cuts). */
static uint32_t hb_first(uint64_t b, uint32_t n, uint32_t parts) {
    return (uint32_t)((b * n + parts - 1) / parts);
}

static void hb_perm(uint32_t *x, uint32_t n, uint64_t seed) {
    hb_rng r;
    hb_rng_seed(&r, seed);
    for (uint32_t k = 0; k < n; k++) x[k] = k;
    hb_shuffle_u32(x, n, &r);
}

#define HB_DIST_USER_SALT 0x6469737475736572ULL /* "distuser" */

void hb_dist_user_ranks(uint32_t n_users, uint64_t seed, int N, uint32_t *owner) {
    uint32_t *pos = malloc(((size_t)n_users + 1) * sizeof *pos);
    if (!pos) { /* the caller agreed on memory before; this is a small fraction of it */
        for (uint32_t u = 0; u < n_users; u++) owner[u] = 0;
        return;
    }
    hb_perm(pos, n_users, seed ^ HB_DIST_USER_SALT);
    for (int r = 0; r < N; r++)
        for (uint32_t k = hb_first((uint64_t)r, n_users, (uint32_t)N);
             k < hb_first((uint64_t)r + 1, n_users, (uint32_t)N); k++)
            owner[pos[k]] = (uint32_t)r;
    free(pos);
}

/* The block rank `rank` trains at step kk of an epoch: its own SLOTS blocks first, then what
 * the next rank trained SLOTS steps before. */
static int hb_step_block(int rank, int kk, int N) {
    const int S = HB_DIST_SLOTS;
    return (S * (rank + kk / S) + kk % S) % (S * N);
}

typedef struct {
    MPI_Comm comm;
    int N, r;
    double comm_s, bytes;
    MPI_Request *reqs; /* progress: every transfer in flight */
    int nreq;
} hb_net;

/* Waits for n requests: tests them, yielding the core, then sleeping 20 us between tests (a
 * spinning wait would take the core from this rank's workers or another rank's). */
static void hb_wait(hb_net *net, MPI_Request *r, int n) {
    const double t0 = hb_now();
    int done = 0;
    for (int k = 0;; k++) {
        MPI_Testall(n, r, &done, MPI_STATUSES_IGNORE);
        if (done) break;
        if (k < 64) sched_yield();
        else nanosleep(&(struct timespec){0, 20000}, NULL);
    }
    net->comm_s += hb_now() - t0;
}

/* Called between strata inside a block: lets MPI move the blocks in flight. */
static void hb_progress(void *vnet) {
    hb_net *net = vnet;
    int done;
    MPI_Testall(net->nreq, net->reqs, &done, MPI_STATUSES_IGNORE);
}

static int hb_agree(hb_net *net, int ok) {
    int all = ok;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, net->comm);
    return all;
}

/* The MLP's dense weights (and Nadam moments) averaged over the ranks; the dense step count
 * becomes the largest. */
static void hb_dense_average(hb_net *net, hb_model *m, uint64_t *dense_t, float *buf, size_t nf) {
    size_t at = 0;
    for (uint32_t l = 0; l < m->n_layers; l++) {
        const hb_layer *L = &m->L[l];
        const size_t nw = (size_t)L->in * L->out;
        const float *src[6] = {L->W, L->b, L->Wm, L->Wv, L->bm, L->bv};
        const size_t len[6] = {nw, L->out, nw, nw, L->out, L->out};
        for (int a = 0; a < 6; a++)
            if (src[a]) memcpy(buf + at, src[a], len[a] * sizeof(float)), at += len[a];
    }
    MPI_Request rq[2];
    uint64_t t = *dense_t;
    const double t0 = hb_now();
    MPI_Iallreduce(MPI_IN_PLACE, buf, (int)nf, MPI_FLOAT, MPI_SUM, net->comm, &rq[0]);
    MPI_Iallreduce(MPI_IN_PLACE, &t, 1, MPI_UINT64_T, MPI_MAX, net->comm, &rq[1]);
    net->comm_s += hb_now() - t0;
    hb_wait(net, rq, 2);
    net->bytes += (double)nf * sizeof(float) + sizeof t;
    const float inv = 1.0f / (float)net->N;
    at = 0;
    for (uint32_t l = 0; l < m->n_layers; l++) {
        hb_layer *L = &m->L[l];
        const size_t nw = (size_t)L->in * L->out;
        float *dst[6] = {L->W, L->b, L->Wm, L->Wv, L->bm, L->bv};
        const size_t len[6] = {nw, L->out, nw, nw, L->out, L->out};
        for (int a = 0; a < 6; a++)
            if (dst[a]) {
                for (size_t j = 0; j < len[a]; j++) dst[a][j] = buf[at + j] * inv;
                at += len[a];
            }
    }
    *dense_t = t;
}

/* Everything one rank holds for a run. */
typedef struct {
    uint32_t n_users, n_items, NB, nu, max_nb;
    uint32_t *upos, *ipos;       /* position -> user / item (the seeded permutations) */
    uint32_t *uinv, *iinv;       /* user / item -> position */
    uint32_t *nbk;               /* items per block */
    hb_rows_layout *Lb, Lu;      /* per block, and the rank's users */
    hb_dataset *blocks;          /* the rank's ratings per item block (local indices) */
    hb_dataset eds;              /* the rank's users' train and test ratings for evaluation */
    char *ubuf, *slot[2 * HB_DIST_SLOTS];
    int slot_blk[2 * HB_DIST_SLOTS];
    float *rw_u, *rw_pos;        /* --reg-rows weights: the rank's users; items by position */
    float *dense_buf;
    size_t dense_n;
    char *gbuf;                  /* gathers */
} hb_dist;

static void hb_dist_free(hb_dist *d) {
    free(d->upos);
    free(d->ipos);
    free(d->uinv);
    free(d->iinv);
    free(d->nbk);
    free(d->Lb);
    if (d->blocks)
        for (uint32_t b = 0; b < d->NB; b++) free(d->blocks[b].train);
    free(d->blocks);
    free(d->eds.train);
    free(d->eds.test);
    hb_free_aligned(d->ubuf);
    for (int s = 0; s < 2 * HB_DIST_SLOTS; s++) hb_free_aligned(d->slot[s]);
    free(d->rw_u);
    free(d->rw_pos);
    free(d->dense_buf);
    free(d->gbuf);
}

/* Every item row's factors and bias to every rank (m->Q, m->bi): each rank gives the params
 * of the blocks at home in its slots 0..SLOTS-1. */
static int hb_gather_items(hb_net *net, hb_dist *d, hb_model *m) {
    const int S = HB_DIST_SLOTS, N = net->N;
    int *cnt = malloc((size_t)N * sizeof *cnt), *dsp = malloc((size_t)N * sizeof *dsp);
    size_t total = 0;
    int ok = cnt && dsp;
    for (int r = 0; r < N && ok; r++) {
        size_t c = 0;
        for (int j = 0; j < S; j++) c += d->Lb[S * r + j].params;
        ok = c < (size_t)1 << 31 && total < (size_t)1 << 31;
        cnt[r] = (int)c;
        dsp[r] = (int)total;
        total += c;
    }
    char *mine = NULL;
    if (ok) ok = (d->gbuf = realloc(d->gbuf, total ? total : 1)) != NULL;
    if (ok) ok = (mine = malloc(cnt[net->r] ? (size_t)cnt[net->r] : 1)) != NULL;
    if (!hb_agree(net, ok)) {
        free(cnt);
        free(dsp);
        free(mine);
        return 0;
    }
    size_t at = 0;
    for (int j = 0; j < S; j++) {
        memcpy(mine + at, d->slot[j], d->Lb[d->slot_blk[j]].params);
        at += d->Lb[d->slot_blk[j]].params;
    }
    MPI_Allgatherv(mine, cnt[net->r], MPI_BYTE, d->gbuf, cnt, dsp, MPI_BYTE, net->comm);
    const hb_side s = hb_side_of(m, 1);
    for (int r = 0; r < N; r++)
        for (int j = 0, off = dsp[r]; j < S; j++) {
            const int b = S * r + j;
            hb_rows_copy(&s, m, d->ipos + hb_first((uint64_t)b, d->n_items, d->NB), d->nbk[b],
                         d->gbuf + off, &d->Lb[b], 0);
            off += (int)d->Lb[b].params;
        }
    free(cnt);
    free(dsp);
    free(mine);
    return 1;
}

/* Every user row's factors and bias to rank 0 (m->P, m->bu). */
static int hb_gather_users(hb_net *net, hb_dist *d, hb_model *m) {
    const int N = net->N;
    int *cnt = malloc((size_t)N * sizeof *cnt), *dsp = malloc((size_t)N * sizeof *dsp);
    hb_rows_layout *L = malloc((size_t)N * sizeof *L);
    size_t total = 0;
    int ok = cnt && dsp && L;
    for (int r = 0; r < N && ok; r++) {
        L[r] = hb_layout(m, hb_first((uint64_t)r + 1, d->n_users, (uint32_t)N) -
                                hb_first((uint64_t)r, d->n_users, (uint32_t)N));
        ok = L[r].params < (size_t)1 << 31 && total < (size_t)1 << 31;
        cnt[r] = (int)L[r].params;
        dsp[r] = (int)total;
        total += L[r].params;
    }
    if (ok && net->r == 0) ok = (d->gbuf = realloc(d->gbuf, total ? total : 1)) != NULL;
    if (!hb_agree(net, ok)) {
        free(cnt);
        free(dsp);
        free(L);
        return 0;
    }
    MPI_Gatherv(d->ubuf, cnt[net->r], MPI_BYTE, d->gbuf, cnt, dsp, MPI_BYTE, 0, net->comm);
    if (net->r == 0) {
        const hb_side s = hb_side_of(m, 0);
        for (int r = 0; r < N; r++)
            hb_rows_copy(&s, m, d->upos + hb_first((uint64_t)r, d->n_users, (uint32_t)N),
                         hb_first((uint64_t)r + 1, d->n_users, (uint32_t)N) -
                             hb_first((uint64_t)r, d->n_users, (uint32_t)N),
                         d->gbuf + dsp[r], &L[r], 0);
    }
    free(cnt);
    free(dsp);
    free(L);
    return 1;
}

/* Test metrics over every rank's users: each scores its own against every item (gathered
 * first) and the sums are reduced. */
static hb_status hb_dist_evaluate(hb_net *net, hb_dist *d, hb_model *m, const hb_kernels *k,
                                  hb_metrics *out) {
    const double t0 = hb_now();
    memset(out, 0, sizeof *out);
    if (!hb_gather_items(net, d, m)) return HB_ERR_NOMEM;
    hb_model *ev = malloc(sizeof *ev);
    uint32_t *sample = NULL, *mine = NULL, n_mine = d->nu;
    const uint32_t want = m->p.eval_users && m->p.eval_users < d->n_users ? m->p.eval_users : 0;
    int ok = ev != NULL;
    if (ok && want) { /* the one-process sample, each rank taking the users it holds */
        ok = (sample = malloc((size_t)d->n_users * sizeof *sample)) &&
             (mine = malloc((size_t)want * sizeof *mine));
        if (ok) {
            hb_eval_sample(m->p.seed, d->n_users, want, sample);
            const uint32_t first = hb_first((uint64_t)net->r, d->n_users, (uint32_t)net->N);
            n_mine = 0;
            for (uint32_t j = 0; j < want; j++) {
                const uint32_t pos = d->uinv[sample[j]];
                if (pos >= first && pos < first + d->nu) mine[n_mine++] = pos - first;
            }
        }
    }
    hb_eval_sums s = {0};
    hb_status st = HB_OK;
    if (ok) {
        *ev = *m; /* every item row (gathered), this rank's user rows */
        hb_view_users(ev, d->ubuf, &d->Lu);
        ev->n_users = d->nu;
        st = hb_evaluate_part(ev, &d->eds, k, m->p.threads, want ? mine : NULL, n_mine, &s);
    }
    free(ev);
    free(sample);
    free(mine);
    if (!hb_agree(net, ok && st == HB_OK)) return HB_ERR_NOMEM;
    double v[8] = {s.se, s.ae, s.ndcg[0], s.ndcg[1], s.ndcg[2], s.ndcg[3], (double)s.n_test,
                   (double)s.n_eval};
    MPI_Allreduce(MPI_IN_PLACE, v, 8, MPI_DOUBLE, MPI_SUM, net->comm);
    out->rmse = v[6] > 0 ? sqrt(v[0] / v[6]) : NAN;
    out->mae = v[6] > 0 ? v[1] / v[6] : NAN;
    for (int q = 0; q < HB_NDCG_KS; q++) out->ndcg[q] = v[7] > 0 ? v[2 + q] / v[7] : 0.0;
    out->ndcg_users = want;
    out->eval_seconds = hb_now() - t0;
    return HB_OK;
}

/* Divergence as hb_train decides it (src/hogwild.c): a loss that is not finite, over 100 times
 * that of predicting 0, or over 1000 times the first epoch's. */
#define HB_DIVERGED_RMSE 10.0

/* The rank's users, blocks, ratings and buffers. 1, or 0 (out of memory). */
static int hb_dist_setup(hb_dist *d, hb_net *net, const hb_model *m, const hb_dataset *ds) {
    const int N = net->N, r = net->r, S = HB_DIST_SLOTS;
    const hb_train_params *p = &m->p;
    d->n_users = m->n_users;
    d->n_items = m->n_items;
    d->NB = (uint32_t)(S * N);
    const uint32_t nu_all = d->n_users, ni = d->n_items, NB = d->NB;
    if (!(d->upos = malloc(nu_all * sizeof *d->upos)) || !(d->uinv = malloc(nu_all * sizeof *d->uinv)) ||
        !(d->ipos = malloc(ni * sizeof *d->ipos)) || !(d->iinv = malloc(ni * sizeof *d->iinv)) ||
        !(d->nbk = malloc(NB * sizeof *d->nbk)) || !(d->Lb = malloc(NB * sizeof *d->Lb)) ||
        !(d->blocks = calloc(NB, sizeof *d->blocks)))
        return 0;
    hb_perm(d->upos, nu_all, p->seed ^ HB_DIST_USER_SALT);
    hb_perm(d->ipos, ni, p->seed ^ 0x646973746974656dULL);    /* "distitem" */
    for (uint32_t k = 0; k < nu_all; k++) d->uinv[d->upos[k]] = k;
    for (uint32_t k = 0; k < ni; k++) d->iinv[d->ipos[k]] = k;
    const uint32_t ufirst = hb_first((uint64_t)r, nu_all, (uint32_t)N);
    d->nu = hb_first((uint64_t)r + 1, nu_all, (uint32_t)N) - ufirst;
    for (uint32_t b = 0; b < NB; b++) {
        d->nbk[b] = hb_first((uint64_t)b + 1, ni, NB) - hb_first(b, ni, NB);
        d->Lb[b] = hb_layout(m, d->nbk[b]);
        d->max_nb = d->nbk[b] > d->max_nb ? d->nbk[b] : d->max_nb;
    }
    /* the rank's ratings: per item block for training, and all of them for evaluation */
    size_t *cnt = calloc(NB, sizeof *cnt), n_te = 0;
    if (!cnt) return 0;
    for (size_t j = 0; j < ds->n_train; j++) {
        const uint32_t pu = d->uinv[ds->train[j].u];
        if (pu - ufirst < d->nu) cnt[(uint64_t)d->iinv[ds->train[j].i] * NB / ni]++;
    }
    for (size_t j = 0; j < ds->n_test; j++) n_te += d->uinv[ds->test[j].u] - ufirst < d->nu;
    size_t n_tr = 0;
    int ok = 1;
    for (uint32_t b = 0; b < NB && ok; b++) {
        hb_dataset *x = &d->blocks[b];
        x->n_users = d->nu;
        x->n_items = d->nbk[b];
        x->r_min = ds->r_min;
        x->r_max = ds->r_max;
        ok = (x->train = malloc((cnt[b] ? cnt[b] : 1) * sizeof *x->train)) != NULL;
        n_tr += cnt[b];
    }
    free(cnt);
    d->eds.n_users = d->nu;
    d->eds.n_items = ni;
    d->eds.r_min = ds->r_min;
    d->eds.r_max = ds->r_max;
    if (!ok || !(d->eds.train = malloc((n_tr ? n_tr : 1) * sizeof *d->eds.train)) ||
        !(d->eds.test = malloc((n_te ? n_te : 1) * sizeof *d->eds.test)))
        return 0;
    for (size_t j = 0; j < ds->n_train; j++) { /* in the file's order, as hb_train reads it */
        const hb_rating x = ds->train[j];
        const uint32_t lu = d->uinv[x.u] - ufirst;
        if (lu >= d->nu) continue;
        const uint32_t pi = d->iinv[x.i], b = (uint32_t)((uint64_t)pi * NB / ni);
        hb_dataset *blk = &d->blocks[b];
        blk->train[blk->n_train++] = (hb_rating){lu, pi - hb_first(b, ni, NB), x.r};
        d->eds.train[d->eds.n_train++] = (hb_rating){lu, x.i, x.r};
    }
    for (size_t j = 0; j < ds->n_test; j++) {
        const hb_rating x = ds->test[j];
        const uint32_t lu = d->uinv[x.u] - ufirst;
        if (lu < d->nu) d->eds.test[d->eds.n_test++] = (hb_rating){lu, x.i, x.r};
    }
    /* the buffers: the rank's users, and 2 x SLOTS block slots */
    d->Lu = hb_layout(m, d->nu);
    const hb_rows_layout Lmax = hb_layout(m, d->max_nb);
    if (!(d->ubuf = hb_calloc_aligned(d->Lu.bytes, 1))) return 0;
    for (int s = 0; s < 2 * S; s++)
        if (!(d->slot[s] = hb_calloc_aligned(Lmax.bytes, 1))) return 0;
    const hb_side su = hb_side_of(m, 0), si = hb_side_of(m, 1);
    hb_rows_copy(&su, m, d->upos + ufirst, d->nu, d->ubuf, &d->Lu, 1);
    for (int j = 0; j < S; j++) {
        const int b = S * r + j;
        d->slot_blk[j] = b;
        hb_rows_copy(&si, m, d->ipos + hb_first((uint64_t)b, ni, NB), d->nbk[b], d->slot[j],
                     &d->Lb[b], 1);
    }
    for (int s = S; s < 2 * S; s++) d->slot_blk[s] = -1;
    /* --reg-rows: L2 per row scaled by mean count / row count (hb_train's), with the item
     * counts summed over the ranks */
    if (p->reg_rows) {
        double *ic = calloc(ni, sizeof *ic);
        if (!ic || !(d->rw_u = calloc(d->nu ? d->nu : 1, sizeof *d->rw_u)) ||
            !(d->rw_pos = calloc(ni, sizeof *d->rw_pos))) {
            free(ic);
            return 0;
        }
        for (size_t j = 0; j < d->eds.n_train; j++) {
            d->rw_u[d->eds.train[j].u] += 1.0f;
            ic[d->iinv[d->eds.train[j].i]] += 1.0;
        }
        MPI_Allreduce(MPI_IN_PLACE, ic, (int)ni, MPI_DOUBLE, MPI_SUM, net->comm);
        /* the whole dataset's train count: every rank's users' (ds may be a shard) */
        uint64_t n_all = d->eds.n_train;
        MPI_Allreduce(MPI_IN_PLACE, &n_all, 1, MPI_UINT64_T, MPI_SUM, net->comm);
        const float cu = (float)n_all / (float)nu_all, ci = (float)n_all / (float)ni;
        for (uint32_t u = 0; u < d->nu; u++) d->rw_u[u] = d->rw_u[u] > 0 ? cu / d->rw_u[u] : 0;
        for (uint32_t k = 0; k < ni; k++) d->rw_pos[k] = ic[k] > 0 ? ci / (float)ic[k] : 0;
        free(ic);
    }
    if (hb_model_is_mlp(p->model)) {
        for (uint32_t l = 0; l < m->n_layers; l++) {
            const hb_layer *L = &m->L[l];
            const size_t nw = (size_t)L->in * L->out;
            d->dense_n += (nw + L->out) * (L->Wm ? 3 : 1);
        }
        if (!(d->dense_buf = malloc(d->dense_n * sizeof *d->dense_buf))) return 0;
    }
    return 1;
}

/* One rank's training loop. Long (about 180 lines) for a reason: within each epoch the posted
 * receives and sends of the ring, the training of the block in hand, the agreement on errors
 * and the communication timing interleave step by step, and every piece reads the same
 * request arrays and slot indices; cut apart, each part would take a dozen of them as
 * arguments. Setup (hb_dist_setup), the layout (hb_layout) and evaluation are separate. */
static hb_status hb_train_mpi_run(hb_model *m, const hb_dataset *ds, MPI_Comm comm,
                                  hb_epoch_cb cb, void *ctx, hb_train_result *res,
                                  hb_error *err) {
    memset(res, 0, sizeof *res);
    hb_net net = {.comm = comm};
    MPI_Comm_size(comm, &net.N);
    MPI_Comm_rank(comm, &net.r);
    const int N = net.N, r = net.r, S = HB_DIST_SLOTS, NS = 2 * S;
    const hb_train_params *p = &m->p;
    const hb_kernels *k = hb_kernels_for(p->isa);
    if (!k) return hb_fail(err, HB_ERR_UNSUPPORTED, "ISA %s: this CPU or build cannot run it",
                           hb_isa_name(p->isa));
    if (ds->n_users != m->n_users || ds->n_items != m->n_items)
        return hb_fail(err, HB_ERR_ARG, "model and dataset shapes differ");
    {   /* ds may be a shard (hb_dataset_load_mpi): the count over every rank */
        uint64_t n = ds->n_train;
        MPI_Allreduce(MPI_IN_PLACE, &n, 1, MPI_UINT64_T, MPI_SUM, comm);
        if (n == 0) return hb_fail(err, HB_ERR_ARG, "no training ratings");
    }
    if (p->model == HB_MODEL_SVDPP)
        return hb_fail(err, HB_ERR_UNSUPPORTED, "svdpp trains on one process (its user-by-user "
                       "epoch has no MPI version): run it without mpirun");
    if ((uint32_t)N > ds->n_users || (uint64_t)S * N > ds->n_items)
        return hb_fail(err, HB_ERR_ARG, "%d ranks for %u users and %u items: each rank needs a "
                       "user and %d item blocks of at least one item", N, ds->n_users,
                       ds->n_items, S);
    {   /* a block is one message: its bytes must fit MPI's int count */
        const uint32_t max_nb = (uint32_t)((ds->n_items + (uint64_t)S * N - 1) / ((uint64_t)S * N));
        const hb_rows_layout L = hb_layout(m, max_nb);
        if (L.bytes > (size_t)INT_MAX)
            return hb_fail(err, HB_ERR_ARG, "item blocks of %zu bytes exceed an MPI message's 2 "
                           "GiB: use more ranks", L.bytes);
    }
    hb_dist d = {0};
    hb_part *part = NULL;
    int ok = hb_dist_setup(&d, &net, m, ds);
    hb_model *view = NULL;
    if (ok) ok = (view = malloc(sizeof *view)) != NULL;
    if (ok) { /* the workers' shape: the rank's users, the largest block */
        *view = *m;
        view->n_users = d.nu;
        view->n_items = d.max_nb;
        view->rw_u = d.rw_u;
        hb_view_users(view, d.ubuf, &d.Lu);
        hb_error e2;
        ok = hb_part_create(view, d.blocks, (int)d.NB, p->seed ^ ((uint64_t)(r + 1) << 40), &part,
                            &e2) == HB_OK;
    }
    hb_status st = HB_OK;
    if (!hb_agree(&net, ok)) st = hb_fail(err, HB_ERR_NOMEM, "out of memory for a rank's share of "
                                          "the model (%u users, %u item blocks)", d.nu, d.NB);
    /* the loss of predicting 0 and the training ratings, over every rank */
    double ref[3] = {0, (double)d.eds.n_train, (double)ds->n_train};
    for (size_t j = 0; j < d.eds.n_train; j++) ref[0] += (double)d.eds.train[j].r * d.eds.train[j].r;
    if (st == HB_OK) MPI_Allreduce(MPI_IN_PLACE, ref, 3, MPI_DOUBLE, MPI_SUM, comm);
    /* ds on every rank: the whole dataset, or each rank's shard for this seed and N */
    if (st == HB_OK && ref[2] != ref[1] && ref[2] != ref[1] * N)
        st = hb_fail(err, HB_ERR_ARG, "the ranks' datasets are neither the whole dataset nor the "
                     "shards hb_dataset_load_mpi made for seed %llu and %d ranks (%.0f of their "
                     "%.0f train ratings are the ranks' users')", (unsigned long long)p->seed, N,
                     ref[1], ref[2]);
    const double n_train = ref[1];
    const double loss_ref = hb_model_is_binary(p->model) ? log(2.0) : ref[0] / (n_train > 0 ? n_train : 1);
    const float span = ds->r_max > ds->r_min ? ds->r_max - ds->r_min : 1.0f;
    MPI_Request rreq[2 * HB_DIST_SLOTS], sreq[2 * HB_DIST_SLOTS], all[4 * HB_DIST_SLOTS];
    for (int s = 0; s < NS; s++) rreq[s] = sreq[s] = MPI_REQUEST_NULL;
    double train_s = 0, last_loss = NAN, first_loss = NAN;
    int evaluated_last = 0;
    const int up = (r + 1) % N, down = (r + N - 1) % N;
    for (uint32_t ep = 0; ep < p->epochs && st == HB_OK; ep++) {
        const float lr = p->lr / (1.0f + p->lr_decay * (float)ep);
        const double t0 = hb_now();
        double loss = 0;
        for (int kk = 0; kk < (int)d.NB; kk++) {
            const int cur = kk % NS;
            if (N > 1) {
                /* the block for step kk + S: what the next rank trains now */
                const int nxt = (kk + S) % NS, nb = hb_step_block(up, kk, N);
                hb_wait(&net, &sreq[nxt], 1); /* that slot's last send */
                double t1 = hb_now();
                MPI_Irecv(d.slot[nxt], (int)d.Lb[nb].bytes, MPI_BYTE, up, kk, comm, &rreq[nxt]);
                net.comm_s += hb_now() - t1;
                d.slot_blk[nxt] = nb;
                hb_wait(&net, &rreq[cur], 1); /* this step's block */
            }
            const int blk = d.slot_blk[cur];
            view->n_items = d.nbk[blk];
            hb_view_items(view, d.slot[cur], &d.Lb[blk]);
            view->rw_i = d.rw_pos ? d.rw_pos + hb_first((uint64_t)blk, d.n_items, d.NB) : NULL;
            memcpy(all, rreq, sizeof rreq);
            memcpy(all + NS, sreq, sizeof sreq);
            net.reqs = all;
            net.nreq = 2 * NS;
            double l = 0;
            hb_part_run(part, view, blk, lr, ds->r_min, span, N > 1 ? hb_progress : NULL, &net, &l);
            /* requests the progress calls completed are MPI_REQUEST_NULL in all[] only */
            for (int s = 0; s < NS; s++) {
                if (all[s] == MPI_REQUEST_NULL) rreq[s] = MPI_REQUEST_NULL;
                if (all[NS + s] == MPI_REQUEST_NULL) sreq[s] = MPI_REQUEST_NULL;
            }
            loss += l;
            if (N > 1 && d.dense_buf) /* the view counts the dense steps (hb_dense_step) */
                hb_dense_average(&net, view, &view->dense_t, d.dense_buf, d.dense_n);
            if (N > 1) {
                const double t1 = hb_now();
                MPI_Isend(d.slot[cur], (int)d.Lb[blk].bytes, MPI_BYTE, down, kk, comm, &sreq[cur]);
                net.comm_s += hb_now() - t1;
                net.bytes += (double)d.Lb[blk].bytes;
            }
        }
        if (N > 1) { /* every block home again (slots S..2S-1 after an odd number of ranks) */
            hb_wait(&net, rreq, NS);
            hb_wait(&net, sreq, NS);
            if (d.NB % NS)
                for (int j = 0; j < S; j++) {
                    char *t = d.slot[j];
                    d.slot[j] = d.slot[j + S];
                    d.slot[j + S] = t;
                    d.slot_blk[j] = d.slot_blk[j + S];
                    d.slot_blk[j + S] = -1;
                }
        }
        const double t1 = hb_now();
        MPI_Allreduce(MPI_IN_PLACE, &loss, 1, MPI_DOUBLE, MPI_SUM, comm);
        net.comm_s += hb_now() - t1;
        net.bytes += sizeof loss;
        const double dt = hb_now() - t0;
        train_s += dt;
        loss /= n_train;
        last_loss = loss;
        hb_epoch_stats es = {.epoch = ep + 1, .loss = loss, .elapsed = train_s,
                             .updates_per_second = n_train / dt};
        if (ep == 0) first_loss = loss;
        if (!isfinite(loss) || loss > HB_DIVERGED_RMSE * HB_DIVERGED_RMSE * loss_ref ||
            (first_loss > 0 && loss > 1e3 * first_loss)) {
            st = !isfinite(loss)
                     ? hb_fail(err, HB_ERR_DIVERGED, "training diverged at epoch %u (loss %g)",
                               ep + 1, loss)
                 : loss > 1e3 * first_loss
                     ? hb_fail(err, HB_ERR_DIVERGED, "training diverged at epoch %u (loss %g, "
                               "over 1000x epoch 1's %g)", ep + 1, loss, first_loss)
                     : hb_fail(err, HB_ERR_DIVERGED, "training diverged at epoch %u (loss %g, "
                               "over 100x that of predicting 0, %.3g)", ep + 1, loss, loss_ref);
        } else if (p->eval_every && (ep + 1) % p->eval_every == 0) {
            if (hb_dist_evaluate(&net, &d, m, k, &es.metrics) != HB_OK)
                st = hb_fail(err, HB_ERR_NOMEM, "out of memory during evaluation");
            es.evaluated = 1;
            res->metrics = es.metrics;
        }
        evaluated_last = es.evaluated;
        res->epochs_done = ep + 1;
        if (cb) cb(&es, ctx);
    }
    if (view) m->dense_t = view->dense_t;
    res->train_seconds = train_s;
    res->final_loss = last_loss;
    res->updates_per_second = train_s > 0 ? n_train * res->epochs_done / train_s : 0;
    res->blocks = d.NB;
    if (st == HB_OK && !evaluated_last && hb_dist_evaluate(&net, &d, m, k, &res->metrics) != HB_OK)
        st = hb_fail(err, HB_ERR_NOMEM, "out of memory during evaluation");
    if (st == HB_OK && !isfinite(res->metrics.rmse))
        st = hb_fail(err, HB_ERR_DIVERGED, "predictions are not finite (test RMSE %g)",
                     res->metrics.rmse);
    if (st == HB_OK && !hb_model_is_binary(p->model) &&
        res->metrics.rmse > HB_DIVERGED_RMSE * sqrt(loss_ref))
        st = hb_fail(err, HB_ERR_DIVERGED, "test RMSE %g is over %g times that of predicting 0 "
                     "(%.3g)", res->metrics.rmse, HB_DIVERGED_RMSE, sqrt(loss_ref));
    if (st == HB_OK && !hb_gather_users(&net, &d, m))
        st = hb_fail(err, HB_ERR_NOMEM, "out of memory gathering the user rows");
    /* what the run cost in communication, and where it ran */
    double c[2] = {net.comm_s, net.bytes};
    MPI_Allreduce(MPI_IN_PLACE, c, 2, MPI_DOUBLE, MPI_SUM, comm);
    res->comm_seconds = c[0] / N;
    res->comm_bytes_per_epoch = res->epochs_done ? c[1] / res->epochs_done : 0;
    res->ranks = N;
    char host[MPI_MAX_PROCESSOR_NAME + 1] = "", *hosts = malloc((size_t)N * sizeof host);
    int len = 0;
    MPI_Get_processor_name(host, &len);
    if (!hosts) MPI_Abort(comm, 1);
    {
        MPI_Allgather(host, sizeof host, MPI_CHAR, hosts, sizeof host, MPI_CHAR, comm);
        res->hosts = 0;
        for (int a = 0; a < N; a++) {
            int seen = 0;
            for (int b = 0; b < a && !seen; b++)
                seen = strcmp(hosts + (size_t)a * sizeof host, hosts + (size_t)b * sizeof host) == 0;
            res->hosts += !seen;
        }
        free(hosts);
    }
    free(view);
    hb_part_free(&part);
    hb_dist_free(&d);
    return st;
}

hb_status hb_train_mpi(hb_model *m, const hb_dataset *ds, MPI_Comm comm, hb_epoch_cb cb,
                       void *ctx, hb_train_result *res, hb_error *err) {
    if (m->p.storage != HB_STORAGE_F32) /* the ranks exchange and average f32 rows */
        return hb_fail(err, HB_ERR_UNSUPPORTED, "--storage %s: distributed training (MPI) "
                       "exchanges f32 tables; use --storage f32", hb_storage_name(m->p.storage));
    const hb_fpmode fp = hb_fp_save(); /* the master thread flushes subnormals in the regions */
    const hb_status st = hb_train_mpi_run(m, ds, comm, cb, ctx, res, err);
    hb_fp_restore(fp);
    return st;
}
