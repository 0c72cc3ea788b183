/* hogwild.c: the training loop. OpenMP workers take disjoint slices of a freshly shuffled
 * epoch and update the shared parameters without locks (Hogwild, Recht et al. 2011). */
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "metrics.h"
#include "model.h"
#include "part.h"
#include "shuffle.h"

_Static_assert(sizeof(hb_rating) == sizeof(hb_krating) &&
                   offsetof(hb_rating, i) == offsetof(hb_krating, i) &&
                   offsetof(hb_rating, r) == offsetof(hb_krating, r),
               "the kernels read hb_rating as hb_krating");

typedef struct hb_worker {
    hb_mlp_ws mlp;
    hb_model *view;           /* several workers, MLP: the model with the dense weights pointing */
    float *snap;              /* at this worker's snapshot of them (taken once per mini-batch) */
    int32_t *slot_u, *slot_i; /* row -> slot in the current mini-batch, -1 when untouched */
    uint32_t *rows_u, *rows_i;
    uint32_t nu, ni;
    float *gP, *gQ;           /* per-slot gradient rows, B x ld */
    float *gbu, *gbi;
    uint32_t *cnt_u, *cnt_i;  /* per-slot sample counts (the L2 of a row is per sample) */
    hb_mf_ws mf;              /* MF models' mini-batch path (src/mf_batch.c) */
    int dense_lazy;           /* dense Nadam caught up lazily (hb_train's one sequence of steps) */
    double loss;
    double eloss[2];          /* kept workers (hb_pool): the loss of the epochs in flight, by parity */
} hb_worker;

static void hb_worker_free(hb_worker *w) {
    hb_mlp_ws_free(&w->mlp);
    hb_mf_ws_free(&w->mf);
    free(w->view);
    hb_free_aligned(w->snap);
    hb_free_aligned(w->slot_u);
    hb_free_aligned(w->slot_i);
    hb_free_aligned(w->rows_u);
    hb_free_aligned(w->rows_i);
    hb_free_aligned(w->gP);
    hb_free_aligned(w->gQ);
    hb_free_aligned(w->gbu);
    hb_free_aligned(w->gbi);
    hb_free_aligned(w->cnt_u);
    hb_free_aligned(w->cnt_i);
}

static hb_status hb_worker_init(hb_worker *w, const hb_model *m) {
    memset(w, 0, sizeof *w);
    const size_t B = m->p.batch;
    int ok = (w->slot_u = hb_calloc_aligned(m->n_users, 4)) &&
             (w->slot_i = hb_calloc_aligned(m->n_items, 4)) &&
             (w->rows_u = hb_calloc_aligned(B, 4)) && (w->rows_i = hb_calloc_aligned(B, 4)) &&
             (w->gP = hb_calloc_aligned(B * m->ld, 4)) && (w->gQ = hb_calloc_aligned(B * m->ld, 4)) &&
             (w->gbu = hb_calloc_aligned(B, 4)) && (w->gbi = hb_calloc_aligned(B, 4)) &&
             (w->cnt_u = hb_calloc_aligned(B, 4)) && (w->cnt_i = hb_calloc_aligned(B, 4));
    if (ok && hb_model_is_mlp(m->p.model))
        ok = hb_mlp_ws_init(&w->mlp, m) == HB_OK && (B == 1 || hb_mlp_batch_init(&w->mlp, m, B) == HB_OK);
    /* MF models' mini-batches; the MLP's dense Nadam steps take their coefficient scratch */
    if (ok && (!hb_model_is_mlp(m->p.model) || (B > 1 && m->p.optimizer == HB_OPT_NADAM &&
                                                m->p.nadam == HB_NADAM_DENSE)))
        ok = hb_mf_ws_init(&w->mf, m) == HB_OK;
    if (ok && hb_model_is_mlp(m->p.model) && m->p.threads > 1 &&
        !(m->p.optimizer == HB_OPT_NADAM && m->p.nadam == HB_NADAM_DENSE)) {
        size_t nf = 0;
        for (uint32_t l = 0; l < m->n_layers; l++) nf += (size_t)m->L[l].in * m->L[l].out + m->L[l].out;
        ok = (w->view = malloc(sizeof *w->view)) && (w->snap = hb_calloc_aligned(nf, 4));
        if (ok) {
            *w->view = *m; /* embeddings, shapes and options shared; P and Q never move */
            float *f = w->snap;
            for (uint32_t l = 0; l < m->n_layers; l++) {
                w->view->L[l].W = f;
                f += (size_t)m->L[l].in * m->L[l].out;
                w->view->L[l].b = f;
                f += m->L[l].out;
            }
        }
    }
    if (!ok) {
        hb_worker_free(w);
        return HB_ERR_NOMEM;
    }
    memset(w->slot_u, 0xff, m->n_users * sizeof *w->slot_u);
    memset(w->slot_i, 0xff, m->n_items * sizeof *w->slot_i);
    return HB_OK;
}

static inline int32_t hb_slot(int32_t *slot, uint32_t *rows, uint32_t *n, uint32_t row,
                              float *g, size_t ld, float *gb, uint32_t *cnt) {
    int32_t s = slot[row];
    if (s < 0) {
        s = (int32_t)(*n)++;
        slot[row] = s;
        rows[s] = row;
        memset(g + (size_t)s * ld, 0, ld * sizeof(float));
        gb[s] = 0.0f;
        cnt[s] = 0;
    }
    cnt[s]++;
    return s;
}

/* Per-sample SGD or AdaGrad on an MF model: the path that runs in one fused kernel call
 * (sgd_mf_run, adagrad_mf_run, adagrad_row_mf_run). */
static int hb_mf_sgd_path(const hb_train_params *p) {
    return !hb_model_is_mlp(p->model) && !hb_model_is_binary(p->model) &&
           (p->optimizer == HB_OPT_SGD || p->optimizer == HB_OPT_ADAGRAD ||
            p->optimizer == HB_OPT_ADAGRAD_ROW) &&
           p->batch == 1;
}

/* THE Hogwild region. Under the HOGWILD schedule every worker reads and writes the shared
 * embedding rows (P, Q, biases, their Nadam moments) without locks: two workers touching the
 * same row may interleave their loads and stores, and one update can be partly lost or
 * computed from a half-updated row. This is intentional: with sparse updates such collisions
 * are rare and SGD tolerates them (Recht et al. 2011). Only the per-row step counters are
 * atomic (src/mf_batch.c: plain increments when no row is shared). Under the BLOCKED schedule
 * concurrent workers hold blocks that share no user and no item, so no row is shared. The dense MLP weights are shared by every worker under both
 * schedules, and they are NOT raced: under the mutex `dense` a worker copies them into its
 * own snapshot at the start of a mini-batch (forward and backward read the snapshot) and
 * applies its step to the shared weights. (Racing them would let two Nadam steps interleave
 * on the same moments.) A step may thus be computed on weights one
 * step old, as in any asynchronous SGD, but never on a half-written one.
 * svdpp's epoch (src/model_svdpp.c, hb_svdpp_epoch) is the one other Hogwild region: with
 * T > 1 threads splitting the users, p_u and b_u are a thread's own, but q_i, b_i and the y
 * rows of N(u) (each visit adds its summed step to all of them) are shared and raced as here.
 * Everything outside these two is race-free. With one thread it is sequential and
 * bit-for-bit reproducible. */
static void hb_worker_run(hb_model *m, const hb_kernels *k, hb_worker *w, const hb_rating *r,
                          size_t n, float lr, float label_min, float label_span,
                          pthread_mutex_t *dense) {
    const hb_train_params *p = &m->p;
    const int binary = hb_model_is_binary(p->model), mlp = hb_model_is_mlp(p->model);
    const size_t ld = m->ld;
    double loss = 0;
    if (hb_mf_sgd_path(p)) {
        /* fast path: one kernel call runs the whole slice (classic per-sample Hogwild SGD) */
        const hb_mf_args a = {.dim = m->dim, .ld = ld, .lr = lr, .reg = p->reg,
                              .reg_bias = p->reg_bias, .mu = m->mu, .P = m->P, .Q = m->Q,
                              .bu = m->bu, .bi = m->bi, .rw_u = m->rw_u, .rw_i = m->rw_i,
                              .Gu = m->Gu, .Gi = m->Gi, .Gbu = m->Gbu, .Gbi = m->Gbi,
                              .eps = p->eps, .P16 = m->P16, .Q16 = m->Q16, /* --storage */
                              .sr = p->rounding == HB_ROUND_STOCHASTIC,
                              .seed = m->P16 && p->rounding ? hb_model_h_seed(m) : 0};
        w->loss += hb_mf_run_kernel(k, p)(&a, (const hb_krating *)r, n);
        return;
    }
    const size_t B = p->batch;
    const int bias = m->bu != NULL;
    const int dense_nadam = p->optimizer == HB_OPT_NADAM && p->nadam == HB_NADAM_DENSE;
    if (!mlp && (!dense_nadam || w->dense_lazy)) {
        /* MF: one call per mini-batch (src/mf_batch.c); with several threads under the HOGWILD
         * schedule other workers may step the same rows: the step counts stay atomic */
        const int shared = p->threads > 1 && p->schedule == HB_SCHED_HOGWILD;
        for (size_t s = 0; s < n; s += B)
            hb_mf_batch(m, k, &w->mf, r + s, n - s < B ? n - s : B, lr, label_min, label_span,
                        shared, w->dense_lazy, &loss);
        w->loss += loss;
        return;
    }
    for (size_t s = 0; s < n; s += B) {
        const size_t bn = n - s < B ? n - s : B;
        const float scale = 1.0f / (float)bn; /* the batch's mean gradient, as Keras */
        w->nu = w->ni = 0;
        const hb_model *mv = m; /* the dense weights this mini-batch reads */
        if (dense) {
            pthread_mutex_lock(dense);
            for (uint32_t l = 0; l < m->n_layers; l++) {
                memcpy(w->view->L[l].W, m->L[l].W, (size_t)m->L[l].in * m->L[l].out * sizeof(float));
                memcpy(w->view->L[l].b, m->L[l].b, m->L[l].out * sizeof(float));
            }
            pthread_mutex_unlock(dense);
            mv = w->view;
        }
        /* the MLP at --batch > 1: the whole mini-batch as matrix products (src/mlp_batch.c) */
        const int batched = mlp && B > 1;
        if (batched) {
            for (size_t j = 0; j < bn; j++) {
                const hb_rating x = r[s + j];
                w->mlp.su[j] = hb_slot(w->slot_u, w->rows_u, &w->nu, x.u, w->gP, ld, w->gbu, w->cnt_u);
                w->mlp.si[j] = hb_slot(w->slot_i, w->rows_i, &w->ni, x.i, w->gQ, ld, w->gbi, w->cnt_i);
                w->mlp.y[j] = binary ? hb_binary_label(x.r, label_min, label_span) : x.r;
            }
            if (w->dense_lazy) { /* the rows the batch reads, caught up to the last step */
                for (uint32_t a = 0; a < w->nu; a++) hb_optim_dense_catch_up(m, k, lr, 0, w->rows_u[a]);
                for (uint32_t a = 0; a < w->ni; a++) hb_optim_dense_catch_up(m, k, lr, 1, w->rows_i[a]);
            }
            hb_mlp_batch(mv, k, &w->mlp, r + s, bn, w->mlp.y, w->mlp.su, w->mlp.si, scale, w->gP,
                         w->gQ, ld, &loss);
        }
        for (size_t j = batched ? s + bn : s; j < s + bn; j++) { /* per sample */
            const hb_rating x = r[j];
            const int32_t su = hb_slot(w->slot_u, w->rows_u, &w->nu, x.u, w->gP, ld, w->gbu, w->cnt_u);
            const int32_t si = hb_slot(w->slot_i, w->rows_i, &w->ni, x.i, w->gQ, ld, w->gbi, w->cnt_i);
            const float y = binary ? hb_binary_label(x.r, label_min, label_span) : x.r;
            float *gp = w->gP + (size_t)su * ld, *gq = w->gQ + (size_t)si * ld;
            if (mlp) {
                const float z = hb_mlp_forward(mv, k, &w->mlp, x.u, x.i);
                const float dz = hb_loss_grad(binary, z, y, &loss) * scale;
                hb_mlp_backward(mv, k, &w->mlp, dz, gp, gq);
            } else {
                const float z = hb_mf_forward(m, k, x.u, x.i);
                const float dz = hb_loss_grad(binary, z, y, &loss) * scale;
                hb_mf_backward(m, k, x.u, x.i, dz, gp, gq, bias ? &w->gbu[su] : NULL,
                               bias ? &w->gbi[si] : NULL);
            }
        }
        /* L2 per sample, as in per-sample SGD: a row's share of the mean loss is count/bn of
         * reg |w|^2 (its data gradient is a mean over the batch too). A fixed reg per step, as
         * before, outweighed the data gradient by a factor of the batch size and held sparse
         * rows at zero (MF under Nadam, batch 64: test RMSE 3.4, the mean predictor's). */
        const float rb = p->reg / (float)bn, rbb = p->reg_bias / (float)bn;
        if (dense_nadam && w->dense_lazy && !hb_optim_dense_warm(m, lr)) {
            /* dense Nadam caught up lazily (the MLP's mini-batches): the touched rows step */
            const hb_mf_ws rows = {.nu = w->nu, .ni = w->ni, .rows_u = w->rows_u,
                                   .rows_i = w->rows_i, .gP = w->gP, .gQ = w->gQ, .gbu = w->gbu,
                                   .gbi = w->gbi, .cnt_u = w->cnt_u, .cnt_i = w->cnt_i};
            const uint64_t t = hb_dense_lazy_step(m, k, &w->mf, &rows, lr, rb, rbb);
            for (uint32_t a = 0; a < w->nu; a++) w->slot_u[w->rows_u[a]] = -1;
            for (uint32_t a = 0; a < w->ni; a++) w->slot_i[w->rows_i[a]] = -1;
            hb_optim_dense_step(m, k, lr, t, &w->mlp);
            continue;
        }
        if (dense_nadam) {
            /* dense Nadam: scatter the gradient (and its L2) into the tables' gradient, then one
             * step over every row; run by one worker (see hb_train) */
            for (uint32_t a = 0; a < w->nu; a++) {
                const size_t u = w->rows_u[a];
                const float c = rb * (float)w->cnt_u[a];
                for (uint32_t d = 0; d < m->dim; d++)
                    m->gPd[u * ld + d] = w->gP[(size_t)a * ld + d] + c * m->P[u * ld + d];
                if (bias) m->gbud[u] = w->gbu[a] + rbb * (float)w->cnt_u[a] * m->bu[u];
                w->slot_u[u] = -1;
            }
            for (uint32_t a = 0; a < w->ni; a++) {
                const size_t i = w->rows_i[a];
                const float c = rb * (float)w->cnt_i[a];
                for (uint32_t d = 0; d < m->dim; d++)
                    m->gQd[i * ld + d] = w->gQ[(size_t)a * ld + d] + c * m->Q[i * ld + d];
                if (bias) m->gbid[i] = w->gbi[a] + rbb * (float)w->cnt_i[a] * m->bi[i];
                w->slot_i[i] = -1;
            }
            const uint64_t t = hb_optim_dense_emb_step(m, k, lr, w->rows_u, w->nu, w->rows_i,
                                                       w->ni, p->threads);
            if (mlp) hb_optim_dense_step(m, k, lr, t, &w->mlp);
            continue;
        }
        for (uint32_t a = 0; a < w->nu; a++) {
            const size_t u = w->rows_u[a];
            hb_optim_row_step(m, k, lr, rb * (float)w->cnt_u[a], rbb * (float)w->cnt_u[a],
                              m->P + u * ld, m->Pm ? m->Pm + u * ld : NULL,
                              m->Pv ? m->Pv + u * ld : NULL, m->tu ? m->tu + u : NULL,
                              w->gP + (size_t)a * ld, bias ? m->bu + u : NULL,
                              m->bum ? m->bum + u : NULL, m->buv ? m->buv + u : NULL, w->gbu[a]);
            w->slot_u[u] = -1;
        }
        for (uint32_t a = 0; a < w->ni; a++) {
            const size_t i = w->rows_i[a];
            hb_optim_row_step(m, k, lr, rb * (float)w->cnt_i[a], rbb * (float)w->cnt_i[a],
                              m->Q + i * ld, m->Qm ? m->Qm + i * ld : NULL,
                              m->Qv ? m->Qv + i * ld : NULL, m->ti ? m->ti + i : NULL,
                              w->gQ + (size_t)a * ld, bias ? m->bi + i : NULL,
                              m->bim ? m->bim + i : NULL, m->biv ? m->biv + i : NULL, w->gbi[a]);
            w->slot_i[i] = -1;
        }
        if (mlp) {
            if (dense) pthread_mutex_lock(dense);
            hb_optim_dense_step(m, k, lr, 0, &w->mlp);
            if (dense) pthread_mutex_unlock(dense);
        }
    }
    w->loss += loss;
}

/* The BLOCKED schedule's grid: ratings bucketed by (user block, item block), and the state of
 * the epoch's block scheduler (hb_sched_*). */
typedef struct hb_grid {
    uint32_t G;
    int sorted;       /* ratings in each block in sorted streams (not reshuffled per epoch) */
    size_t *off;      /* G*G + 1 offsets into r */
    hb_rating *r;
    /* the strata's order and the item blocks' permutation of the (at most two) epochs in flight,
     * G each, epoch e's at slot e & 1 (one epoch: slot 0); cpinv: cperm's inverse */
    uint32_t *sorder, *cperm;
    uint32_t *cpinv;
    /* blocks done per user block / per item block since the reset: the global stratum
     * S = e * G + s of a block row's next block */
    uint32_t *rdone, *cdone;
    uint32_t *ready;  /* ring of user blocks whose next block may run: head, n */
    uint32_t *rlast, *clast; /* the worker that last ran a block of each user / item block */
    uint32_t nu, ni;  /* users and items: what a block's rows weigh (hb_sched_take) */
    uint32_t head, n, taken; /* taken: blocks handed out since the reset */
    uint32_t pub;     /* epochs published since the reset (their blocks may be handed out) */
    uint64_t eseed[2]; /* by slot: the epoch's seed of the blocks' orders, and its lr */
    float lr[2];
    atomic_uint done; /* blocks done since the reset: idle workers poll it outside the lock */
    atomic_uint done_ep[2]; /* by slot: blocks done of that epoch */
    atomic_uint left; /* workers other than thread 0 that found no block left this epoch */
    pthread_mutex_t lock;
    int locked;       /* lock initialized */
} hb_grid;

static void hb_grid_free(hb_grid *g) {
    free(g->off);
    free(g->r);
    free(g->sorder);
    free(g->cperm);
    free(g->cpinv);
    free(g->rdone);
    free(g->cdone);
    free(g->ready);
    free(g->rlast);
    free(g->clast);
    if (g->locked) pthread_mutex_destroy(&g->lock);
    g->locked = 0;
}

/* Blocks at least this many per side use the sorted order under --schedule blocked. */
#define HB_SORTED_MIN_G 4
/* Streams interleaved in a sorted block. */
#define HB_STREAMS 4

/* The SORTED within-block order (LIBMF's "partial random" order, made to overlap): a block's
 * ratings are sorted by user (in the block's seeded user order; a user's ratings keep their
 * order), cut at user boundaries into HB_STREAMS runs of about equal length, and the runs are
 * interleaved rating by rating. A user's row then stays in L1 across their ratings, while
 * consecutive updates belong to different users and overlap in the core instead of waiting on
 * each other. Counting sort through tmp (the block's size) and cnt (its users + 1). */
static void hb_block_sort(hb_rating *x, size_t n, const uint32_t *local, uint32_t n_local,
                          hb_rating *tmp, size_t *cnt) {
    memset(cnt, 0, ((size_t)n_local + 1) * sizeof *cnt);
    for (size_t k = 0; k < n; k++) cnt[local[x[k].u] + 1]++;
    for (uint32_t l = 0; l < n_local; l++) cnt[l + 1] += cnt[l];
    for (size_t k = 0; k < n; k++) tmp[cnt[local[x[k].u]]++] = x[k];
    size_t cut[HB_STREAMS + 1], at[HB_STREAMS];
    cut[0] = 0;
    for (int t = 1; t < HB_STREAMS; t++) {
        size_t c = n * (size_t)t / HB_STREAMS;
        if (c < cut[t - 1]) c = cut[t - 1];
        while (c > 0 && c < n && tmp[c].u == tmp[c - 1].u) c++;
        cut[t] = c;
    }
    cut[HB_STREAMS] = n;
    for (int t = 0; t < HB_STREAMS; t++) at[t] = cut[t];
    for (size_t o = 0; o < n;)
        for (int t = 0; t < HB_STREAMS; t++)
            if (at[t] < cut[t + 1]) x[o++] = tmp[at[t]++];
}

/* Rows go to blocks in chunks of K consecutive ids, so that one block's rows lie together in
 * memory: with single rows dealt out at random, a core's hardware prefetchers (which run ahead
 * within a 4 KiB page) keep pulling in the neighbouring rows that another core is writing, and
 * the lines cross between the caches (u1, 2 threads, dim 128: each worker ran at a third of one
 * thread's speed, 39.8M updates/s in all against 89.2M with contiguous blocks). K: a chunk
 * covers 4 KiB of a table and 64 bytes of a bias or row-weight array (16 rows), halved down
 * while the side has fewer than 4 chunks per block; 1 when G = 1 (one block: the old mapping). */
static uint32_t hb_grid_chunk(const hb_model *m, uint32_t n, uint32_t G) {
    if (G <= 1) return 1;
    const size_t row = m->ld * sizeof(float);
    uint32_t K = (uint32_t)((4096 + row - 1) / row);
    if (K < 16) K = 16;
    while (K > 1 && (n + K - 1) / K < 4 * G) K /= 2;
    return K;
}

/* x: a seeded permutation of 0..n-1, x[id] = its place. On return x[id] is its place in a
 * permutation of chunks of K ids: chunk c = ids [cK, cK + K) takes the rank of x[cK] among the
 * chunks' first ids, and id its chunk's rank * K + id % K (the last chunk may be short). K = 1
 * leaves x as it was. inv: n entries of scratch. */
static void hb_grid_chunks(uint32_t *x, uint32_t *inv, uint32_t n, uint32_t K) {
    if (K == 1) return;
    for (uint32_t id = 0; id < n; id++) inv[x[id]] = id;
    uint32_t rank = 0;
    for (uint32_t at = 0; at < n; at++) /* the chunks in the order of their first ids' places */
        if (inv[at] % K == 0) x[inv[at]] = rank++;
    for (uint32_t id = n; id-- > 0;) /* downwards: a chunk's first id (its rank) is read last */
        x[id] = x[id - id % K] * K + id % K;
}

/* G = max(2T, rows / 1 MiB) unless given: blocks share no rows within a stratum, and one
 * block's user and item rows (and Nadam moments) fit in a core's L2. Users and items are
 * assigned to blocks through seeded permutations so popular items spread over blocks. */
static hb_status hb_grid_build(hb_grid *g, const hb_model *m, const hb_dataset *ds, hb_rng *rng) {
    memset(g, 0, sizeof *g);
    const hb_train_params *p = &m->p;
    uint32_t G = p->blocks;
    if (!G) {
        const double bytes = ((double)m->n_users + m->n_items) * m->ld * sizeof(float) *
                             (p->optimizer == HB_OPT_NADAM ? 3.0 : 1.0);
        G = (uint32_t)ceil(bytes / (1 << 20));
        if (p->threads > 1 && G < 2 * (uint32_t)p->threads) G = 2 * (uint32_t)p->threads;
        if (G < 1) G = 1;
    }
    const uint32_t lim = m->n_users < m->n_items ? m->n_users : m->n_items;
    if (G > lim) G = lim;
    if (G > 4096) G = 4096;
    g->G = G;
    uint32_t *bu = malloc(m->n_users * sizeof *bu), *bi = malloc(m->n_items * sizeof *bi);
    g->off = calloc((size_t)G * G + 1, sizeof *g->off);
    g->r = malloc(ds->n_train * sizeof *g->r);
    g->sorder = malloc(2 * (size_t)G * sizeof *g->sorder);
    g->cperm = malloc(2 * (size_t)G * sizeof *g->cperm);
    g->cpinv = malloc(2 * (size_t)G * sizeof *g->cpinv);
    g->rdone = malloc(G * sizeof *g->rdone);
    g->cdone = malloc(G * sizeof *g->cdone);
    g->ready = malloc(G * sizeof *g->ready);
    g->rlast = malloc(G * sizeof *g->rlast);
    g->clast = malloc(G * sizeof *g->clast);
    g->locked = pthread_mutex_init(&g->lock, NULL) == 0;
    size_t *pos = malloc(((size_t)G * G + 1) * sizeof *pos);
    uint32_t *bperm = malloc(m->n_users * sizeof *bperm); /* a user's place in the permutation */
    const uint32_t most = m->n_users > m->n_items ? m->n_users : m->n_items;
    uint32_t *scratch = malloc(most * sizeof *scratch);
    if (!bu || !bi || !g->off || !g->r || !g->sorder || !g->cperm || !g->cpinv || !g->rdone ||
        !g->cdone || !g->ready || !g->rlast || !g->clast || !g->locked || !pos || !bperm ||
        !scratch) {
        free(scratch);
        free(bu);
        free(bi);
        free(pos);
        free(bperm);
        hb_grid_free(g);
        return HB_ERR_NOMEM;
    }
    for (uint32_t u = 0; u < m->n_users; u++) bu[u] = u;
    for (uint32_t i = 0; i < m->n_items; i++) bi[i] = i;
    hb_shuffle_u32(bu, m->n_users, rng);
    hb_shuffle_u32(bi, m->n_items, rng);
    const uint32_t Ku = hb_grid_chunk(m, m->n_users, G), Ki = hb_grid_chunk(m, m->n_items, G);
    hb_grid_chunks(bu, scratch, m->n_users, Ku);
    memcpy(bperm, bu, m->n_users * sizeof *bperm);
    const uint32_t ncu = (m->n_users + Ku - 1) / Ku, nci = (m->n_items + Ki - 1) / Ki;
    for (uint32_t u = 0; u < m->n_users; u++) bu[u] = (uint32_t)((uint64_t)(bu[u] / Ku) * G / ncu);
    hb_grid_chunks(bi, scratch, m->n_items, Ki);
    for (uint32_t i = 0; i < m->n_items; i++) bi[i] = (uint32_t)((uint64_t)(bi[i] / Ki) * G / nci);
    for (size_t k = 0; k < ds->n_train; k++)
        g->off[(size_t)bu[ds->train[k].u] * G + bi[ds->train[k].i] + 1]++;
    for (size_t b = 0; b < (size_t)G * G; b++) g->off[b + 1] += g->off[b];
    memcpy(pos, g->off, ((size_t)G * G + 1) * sizeof *pos);
    for (size_t k = 0; k < ds->n_train; k++)
        g->r[pos[(size_t)bu[ds->train[k].u] * G + bi[ds->train[k].i]]++] = ds->train[k];
    for (uint32_t b = 0; b < G; b++) g->sorder[b] = g->cperm[b] = b;
    memset(g->rlast, 0xff, G * sizeof *g->rlast);
    memset(g->clast, 0xff, G * sizeof *g->clast);
    g->nu = m->n_users;
    g->ni = m->n_items;
    free(pos);
    free(bi);
    free(scratch);
    g->sorted = p->schedule == HB_SCHED_BLOCKED_SORTED ||
                (p->schedule == HB_SCHED_BLOCKED && G >= HB_SORTED_MIN_G && hb_mf_sgd_path(p));
    hb_status st = HB_OK;
    if (g->sorted) {
        /* a user's place in its block's seeded user order: its place minus that of the
         * block's first chunk, ceil(b * chunks / G) chunks in */
        for (uint32_t u = 0; u < m->n_users; u++) {
            const uint64_t b = (uint64_t)(bperm[u] / Ku) * G / ncu;
            bu[u] = bperm[u] - (uint32_t)((b * ncu + G - 1) / G) * Ku;
        }
        size_t max_blk = 0;
        for (size_t b = 0; b < (size_t)G * G; b++)
            if (g->off[b + 1] - g->off[b] > max_blk) max_blk = g->off[b + 1] - g->off[b];
        const uint32_t max_users = (ncu / G + 2) * Ku;
        int failed = 0;
#pragma omp parallel num_threads(p->threads) reduction(| : failed)
        {
            hb_rating *tmp = malloc((max_blk ? max_blk : 1) * sizeof *tmp);
            size_t *cnt = malloc(((size_t)max_users + 1) * sizeof *cnt);
            failed = !tmp || !cnt;
#pragma omp for schedule(dynamic, 16)
            for (size_t b = 0; b < (size_t)G * G; b++)
                if (tmp && cnt) {
                    const uint32_t ub = (uint32_t)(b / G);
                    const uint32_t first = (uint32_t)(((uint64_t)ub * ncu + G - 1) / G),
                                   next = (uint32_t)(((uint64_t)(ub + 1) * ncu + G - 1) / G);
                    hb_block_sort(g->r + g->off[b], g->off[b + 1] - g->off[b], bu,
                                  (next - first) * Ku, tmp, cnt);
                }
            free(tmp);
            free(cnt);
        }
        if (failed) st = HB_ERR_NOMEM;
    }
    free(bu);
    free(bperm);
    if (st != HB_OK) hb_grid_free(g);
    return st;
}

/* Divergence is a loss that is not finite, or finite but far beyond anything training can
 * produce: over HB_DIVERGED_RMSE^2 = 100 times the loss of a constant prediction of 0 (the
 * mean of r^2 for the rating models: an RMSE 10x that of predicting 0; ln 2, a coin flip, for
 * the binary ones), or over 1000 times the first epoch's loss. The models start near a
 * prediction of 0 (small random embeddings) and a working run only lowers its loss, so
 * neither bound is reached by any run that learns; an lr of 1000 passes both within an epoch
 * (loss 2e36 before these bounds). */
#define HB_DIVERGED_RMSE 10.0
static double hb_loss_reference(const hb_dataset *ds, int binary) {
    if (binary || ds->n_train == 0) return log(2.0);
    double s = 0;
    for (size_t j = 0; j < ds->n_train; j++) s += (double)ds->train[j].r * ds->train[j].r;
    return s / (double)ds->n_train;
}
static int hb_diverged(double loss, double first, double ref) {
    return !isfinite(loss) || loss > HB_DIVERGED_RMSE * HB_DIVERGED_RMSE * ref ||
           (first > 0 && loss > 1e3 * first);
}

/* One target check after epoch ep (1-based) on metrics mt, at train_s training seconds: its
 * evaluation counts into the time with evaluation (MLPerf counts it); the first check that
 * meets the target fixes the time to target. */
static void hb_target_check(const hb_train_params *p, hb_train_result *res, const hb_metrics *mt,
                            uint32_t ep, double train_s) {
    res->check_seconds += mt->eval_seconds;
    if (res->epochs_to_target) return;
    const double v = hb_target_of(p->target, mt);
    if (!isfinite(v) || (hb_target_higher(p->target) ? v < p->target_value : v > p->target_value))
        return;
    res->epochs_to_target = ep;
    res->seconds_to_target = train_s;
    res->seconds_to_target_with_eval = train_s + res->check_seconds;
}

/* Per-row L2 weights (--reg-rows): mean count / the row's count, into m->rw_u, m->rw_i. */
static hb_status hb_row_weights(hb_model *m, const hb_dataset *ds, hb_error *err) {
    m->rw_u = calloc(m->n_users, sizeof *m->rw_u);
    m->rw_i = calloc(m->n_items, sizeof *m->rw_i);
    if (!m->rw_u || !m->rw_i) return hb_fail(err, HB_ERR_NOMEM, "out of memory for row weights");
    for (size_t n = 0; n < ds->n_train; n++) {
        m->rw_u[ds->train[n].u] += 1.0f;
        m->rw_i[ds->train[n].i] += 1.0f;
    }
    const float cu = (float)ds->n_train / (float)m->n_users, ci = (float)ds->n_train / (float)m->n_items;
    for (uint32_t u = 0; u < m->n_users; u++) m->rw_u[u] = m->rw_u[u] > 0 ? cu / m->rw_u[u] : 0;
    for (uint32_t i = 0; i < m->n_items; i++) m->rw_i[i] = m->rw_i[i] > 0 ? ci / m->rw_i[i] : 0;
    return HB_OK;
}

/* The blocked schedule's epoch is G strata of G blocks (DSGD): in stratum s user block b meets
 * item block hb_grid_col(g, b, s), so every user block and every item block is met once per
 * stratum and once per epoch. The strata fix, for each user block and each item block, the
 * order in which its blocks run; nothing else is fixed. The scheduler (LIBMF's, Zhuang et al.
 * 2013, made deterministic) hands a block to whichever worker asks as
 * soon as the previous block of its user block and that of its item block are done: no
 * barrier between strata, a fast core runs ahead into later strata while a slow one finishes
 * its block. Blocks that share no row commute exactly, so the parameters after the epoch are
 * the same bits as with the strata run one after another, with any number of workers, in any
 * order of hand-out. LIBMF instead hands out any block whose row and column blocks are idle,
 * least-updated first with random ties, which makes runs irreproducible; with the order fixed
 * per row and column block, a simulation of 2 cores at speeds 1 and 0.6 (block sizes
 * lognormal) finishes the epoch as soon as LIBMF's rule does (1.52x one core at G = 4, 1.59x
 * at G = 8; LIBMF's: 1.48x and 1.58x; a barrier per stratum: 1.34x and 1.46x). The epoch
 * ends when all G*G blocks are done, at the region's one barrier.
 * State: blocks done per user block (rdone) and per item block (cdone), and a ring of user
 * blocks whose next block is ready; all under g->lock, which also orders one worker's writes
 * to a block's rows before the next block's reads of them. */
/* The item block user block b meets in global stratum S (epoch S / G, its slot's permutations) */
static inline uint32_t hb_grid_col(const hb_grid *g, uint32_t b, uint32_t S) {
    const uint32_t G = g->G, o = ((S / G) & 1u) * G;
    return g->cperm[o + (b + g->sorder[o + S % G]) % G];
}

/* Nothing published, nothing done (hb_sched_publish then opens epoch 0). */
static void hb_sched_reset(hb_grid *g) {
    const uint32_t G = g->G;
    memset(g->rdone, 0, G * sizeof *g->rdone);
    memset(g->cdone, 0, G * sizeof *g->cdone);
    g->head = 0;
    g->n = 0;
    g->taken = 0;
    g->pub = 0;
    atomic_store_explicit(&g->done, 0, memory_order_relaxed);
    atomic_store_explicit(&g->done_ep[0], 0, memory_order_relaxed);
    atomic_store_explicit(&g->done_ep[1], 0, memory_order_relaxed);
    atomic_store_explicit(&g->left, 0, memory_order_relaxed);
}

#define HB_SCHED_WAIT ((size_t)-1)
#define HB_SCHED_END ((size_t)-2)
/* Ready blocks hb_sched_take weighs for the asking worker: the first ones in the ring. */
#define HB_SCHED_LOOK 32

/* The next ready block for worker t (its index in the grid, row-major), HB_SCHED_WAIT when none
 * is ready yet, HB_SCHED_END when every block of the epoch has been handed out. Among the
 * ready blocks it prefers the one whose rows are most likely in t's cache: the item block and
 * the user block t ran last, weighted by their rows (n_items / G and n_users / G); the rows
 * then need not cross from the other core's cache (u1, 2 threads: 3-8% faster than the first
 * ready block). Which block a worker takes never changes the result. */
static size_t hb_sched_take(hb_grid *g, uint32_t t) {
    const uint32_t G = g->G;
    size_t blk = HB_SCHED_WAIT;
    pthread_mutex_lock(&g->lock);
    if (g->taken == g->pub * G * G) {
        blk = HB_SCHED_END; /* every published block handed out */
    } else if (g->n) {
        uint32_t best = 0;
        uint64_t best_w = 0;
        const uint32_t look = g->n < HB_SCHED_LOOK ? g->n : HB_SCHED_LOOK;
        for (uint32_t k = 0; k < look; k++) {
            const uint32_t at = g->head + k >= G ? g->head + k - G : g->head + k;
            const uint32_t b = g->ready[at], c = hb_grid_col(g, b, g->rdone[b]);
            const uint64_t wt = (g->clast[c] == t ? (uint64_t)g->ni : 0) +
                                (g->rlast[b] == t ? (uint64_t)g->nu : 0);
            if (wt > best_w) {
                best_w = wt;
                best = at;
            }
        }
        if (best_w == 0) best = g->head;
        const uint32_t b = g->ready[best];
        g->ready[best] = g->ready[g->head]; /* the head takes its place */
        g->head = g->head + 1 == G ? 0 : g->head + 1;
        g->n--;
        g->taken++;
        const uint32_t S = g->rdone[b], c = hb_grid_col(g, b, S);
        g->rlast[b] = g->clast[c] = t;
        blk = (size_t)((S / G) & 1u) * G * G + (size_t)b * G + c;
    }
    pthread_mutex_unlock(&g->lock);
    return blk;
}

static void hb_sched_push(hb_grid *g, uint32_t b) {
    const uint32_t at = g->head + g->n;
    g->ready[at >= g->G ? at - g->G : at] = b;
    g->n++;
}

/* Block blk (hb_sched_take's: slot * G * G + user block * G + item block) is done: the next
 * blocks of its user block and of its item block may be ready, in this epoch or in the next
 * one when it is published. */
static void hb_sched_done(hb_grid *g, size_t blk) {
    const uint32_t G = g->G, slot = (uint32_t)(blk / ((size_t)G * G));
    blk %= (size_t)G * G;
    const uint32_t b = (uint32_t)(blk / G), c = (uint32_t)(blk % G);
    pthread_mutex_lock(&g->lock);
    const uint32_t S = g->rdone[b]++; /* the global stratum of the block just done */
    g->cdone[c]++;
    if (S + 1 < g->pub * G) {
        /* user block b's next block waits for its item block's block of stratum S */
        if (g->cdone[hb_grid_col(g, b, S + 1)] == S + 1) hb_sched_push(g, b);
        /* item block c's next block, in stratum S + 1, is user block b2's; it waits for b2's
         * block of stratum S. b2 == b only across an epoch's end (the next epoch's permutations
         * may pair them again in its first stratum): then the check above has pushed b */
        const uint32_t o = (((S + 1) / G) & 1u) * G;
        const uint32_t b2 = (g->cpinv[o + c] + G - g->sorder[o + (S + 1) % G]) % G;
        if (b2 != b && g->rdone[b2] == S + 1) hb_sched_push(g, b2);
    }
    /* release: the block's writes (rows, its worker's loss) before the counts that announce it */
    atomic_fetch_add_explicit(&g->done_ep[slot], 1, memory_order_release);
    atomic_fetch_add_explicit(&g->done, 1, memory_order_release);
    pthread_mutex_unlock(&g->lock);
}

/* Epoch pub's permutations are in its slot (pub & 1, free: the epoch two before is done):
 * publish it; the user blocks whose first block in it is ready join the ring. */
static void hb_sched_publish(hb_grid *g, uint64_t eseed, float lr) {
    const uint32_t G = g->G;
    pthread_mutex_lock(&g->lock);
    const uint32_t slot = g->pub & 1u, S = g->pub * G, o = slot * G;
    for (uint32_t c = 0; c < G; c++) g->cpinv[o + g->cperm[o + c]] = c;
    g->eseed[slot] = eseed;
    g->lr[slot] = lr;
    atomic_store_explicit(&g->done_ep[slot], 0, memory_order_relaxed);
    g->pub++;
    for (uint32_t b = 0; b < G; b++)
        if (g->rdone[b] == S && g->cdone[hb_grid_col(g, b, S)] == S) hb_sched_push(g, b);
    pthread_mutex_unlock(&g->lock);
}

/* Block blk of the grid through worker w; an unsorted block is reshuffled first, seeded by
 * (epoch seed, block): the same order whichever worker runs it. */
static void hb_block_run(hb_model *m, const hb_kernels *k, hb_worker *w, hb_grid *grid,
                         size_t blk, uint64_t eseed, float lr, float r_min, float span,
                         pthread_mutex_t *dense) {
    hb_rating *r = grid->r + grid->off[blk];
    const size_t n = grid->off[blk + 1] - grid->off[blk];
    if (!grid->sorted) {
        hb_rng br;
        hb_rng_seed(&br, eseed ^ (blk * 0x9e3779b97f4a7c15ULL));
        hb_shuffle_flat(r, n, &br);
    }
    hb_worker_run(m, k, w, r, n, lr, r_min, span, dense);
}

/* Worker t's part of a blocked epoch (of nt workers): blocks from the scheduler until none is
 * left; thread 0 returns last. */
static void hb_blocked_loop(hb_model *m, const hb_kernels *k, hb_worker *ws, int t, int nt,
                            hb_grid *grid, uint64_t eseed, float lr, float r_min, float span,
                            pthread_mutex_t *dense, void (*progress)(void *), void *ctx) {
    hb_worker *w = &ws[t];
    for (unsigned spins = 0;;) {
        const unsigned seen = atomic_load_explicit(&grid->done, memory_order_relaxed);
        const size_t blk = hb_sched_take(grid, (uint32_t)t);
        if (blk == HB_SCHED_END) {
            /* thread 0 leaves last: the others then wait at the region's end, not it (a
             * sleeping thread 0 would cost a wake-up, tens of microseconds on a VM); release
             * and acquire: their writes (rows, loss) are thread 0's to read after it */
            if (t != 0) {
                atomic_fetch_add_explicit(&grid->left, 1, memory_order_release);
                break;
            }
            while (atomic_load_explicit(&grid->left, memory_order_acquire) != (unsigned)nt - 1)
                if (++spins % 64 == 0) sched_yield();
            break;
        }
        if (blk == HB_SCHED_WAIT) {
            /* nothing ready until another worker finishes a block (microseconds away):
             * spin on the count, yielding the core now and then */
            while (atomic_load_explicit(&grid->done, memory_order_relaxed) == seen) {
                if (++spins % 64 == 0) {
                    sched_yield();
                    if (progress && t == 0) progress(ctx);
                }
            }
            continue;
        }
        hb_block_run(m, k, w, grid, blk, eseed, lr, r_min, span, dense);
        hb_sched_done(grid, blk);
        if (progress && t == 0) progress(ctx);
    }
}

/* The blocked schedule's workers 1..T-1 kept across epochs (hb_train, MF models, when no
 * evaluation runs between epochs), and the epochs overlapped. When epoch e starts, epoch e + 1
 * is published as well (its permutations drawn in the order one epoch after another draws
 * them, into the grid's other slot): a worker that finds no block of e ready takes a ready
 * block of e + 1 instead of waiting for the slowest worker's last block of e. A block of e + 1
 * is ready once the blocks before it in its user block and in its item block are done, those
 * of e included, so every row meets the same blocks in the same order and the parameters after
 * the last epoch are the same bits as with one epoch after another (with or without overlap,
 * any number of workers). Thread 0 returns from epoch e when its last block is done; epoch
 * e + 1 may then be under way: the epoch's callback must not read the parameters (hb_train
 * overlaps only without a callback or when hb_model_set_epoch_overlap allows it; else it
 * publishes one epoch at a time). The epochs' losses are kept apart by slot (eloss). With
 * nothing published left to take, a worker spins (yielding) for up to HB_POOL_SPIN_S, then
 * sleeps on a condition variable: the next epoch then starts without an OpenMP region's fork
 * (under OMP_WAIT_POLICY=passive it wakes sleeping threads: about 30 us on this VM, every
 * epoch), and an idle machine's cores are not held past a pause. */
#define HB_POOL_SPIN_S 200e-6
typedef struct hb_pool {
    int T;
    pthread_t *th;
    int started;               /* threads created */
    atomic_uint go;            /* publications (workers with nothing to take wait for the next) */
    atomic_int stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int sleepers;              /* under mu */
    /* the training's, set before the first publication */
    hb_model *m;
    const hb_kernels *k;
    hb_worker *ws;
    hb_grid *grid;
    float r_min, span;
    pthread_mutex_t *dense;
    uint32_t epoch;            /* thread 0's: the epochs run so far */
} hb_pool;

typedef struct hb_pool_arg {
    hb_pool *pool;
    int t;
} hb_pool_arg;

/* Block blk (hb_sched_take's, slot included) through worker w, its loss to its epoch's slot. */
static void hb_pool_block(hb_pool *pl, hb_worker *w, size_t blk) {
    hb_grid *g = pl->grid;
    const size_t GG = (size_t)g->G * g->G, slot = blk / GG;
    hb_block_run(pl->m, pl->k, w, g, blk % GG, g->eseed[slot], g->lr[slot], pl->r_min, pl->span,
                 pl->dense);
    w->eloss[slot] += w->loss; /* w->loss is this block's alone: the pool's workers keep it 0 */
    w->loss = 0;
    hb_sched_done(g, blk);
}

static void *hb_pool_main(void *va) {
    const hb_pool_arg *a = va;
    hb_pool *pl = a->pool;
    hb_worker *w = &pl->ws[a->t];
    hb_fp_flush_subnormals();
    for (unsigned spins = 0; !atomic_load_explicit(&pl->stop, memory_order_acquire);) {
        /* acquire: the publication's state (the grid's slot, written before it) */
        const unsigned go = atomic_load_explicit(&pl->go, memory_order_acquire);
        const unsigned seen = atomic_load_explicit(&pl->grid->done, memory_order_acquire);
        const size_t blk = hb_sched_take(pl->grid, (uint32_t)a->t);
        if (blk == HB_SCHED_WAIT) {
            /* nothing ready until another worker finishes a block (microseconds away) */
            while (atomic_load_explicit(&pl->grid->done, memory_order_acquire) == seen &&
                   !atomic_load_explicit(&pl->stop, memory_order_relaxed))
                if (++spins % 64 == 0) sched_yield();
        } else if (blk == HB_SCHED_END) {
            /* every published block taken: wait for the next publication */
            const double t0 = hb_now();
            while (atomic_load_explicit(&pl->go, memory_order_acquire) == go &&
                   !atomic_load_explicit(&pl->stop, memory_order_acquire)) {
                if (++spins % 64 == 0) {
                    sched_yield();
                    if (hb_now() - t0 > HB_POOL_SPIN_S) {
                        pthread_mutex_lock(&pl->mu);
                        pl->sleepers++;
                        while (atomic_load_explicit(&pl->go, memory_order_acquire) == go &&
                               !atomic_load_explicit(&pl->stop, memory_order_acquire))
                            pthread_cond_wait(&pl->cv, &pl->mu);
                        pl->sleepers--;
                        pthread_mutex_unlock(&pl->mu);
                    }
                }
            }
        } else {
            hb_pool_block(pl, w, blk);
        }
    }
    return NULL;
}

static void hb_pool_wake(hb_pool *pl) {
    pthread_mutex_lock(&pl->mu);
    if (pl->sleepers) pthread_cond_broadcast(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
}

/* Stops the workers (each after its block in flight) and frees the pool. */
static void hb_pool_free(hb_pool *pl) {
    if (!pl) return;
    atomic_store_explicit(&pl->stop, 1, memory_order_release);
    hb_pool_wake(pl);
    for (int t = 1; t < pl->started; t++) pthread_join(pl->th[t], NULL);
    pthread_cond_destroy(&pl->cv);
    pthread_mutex_destroy(&pl->mu);
    free(pl->th);
    free(pl);
}

/* T - 1 workers for m's blocked epochs over grid; NULL when T < 2 or they cannot be made (the
 * caller then runs OpenMP regions). */
static hb_pool *hb_pool_new(int T, hb_model *m, const hb_kernels *k, hb_worker *ws, hb_grid *grid,
                            float r_min, float span, pthread_mutex_t *dense) {
    if (T < 2) return NULL;
    hb_pool *pl = calloc(1, sizeof *pl + (size_t)T * sizeof(hb_pool_arg));
    if (!pl) return NULL;
    hb_pool_arg *args = (hb_pool_arg *)(pl + 1);
    *pl = (hb_pool){.T = T, .started = 1, .m = m, .k = k, .ws = ws, .grid = grid, .r_min = r_min,
                    .span = span, .dense = dense};
    hb_sched_reset(grid); /* nothing published yet: the workers wait */
    if (!(pl->th = calloc((size_t)T, sizeof *pl->th)) || pthread_mutex_init(&pl->mu, NULL)) {
        free(pl->th);
        free(pl);
        return NULL;
    }
    if (pthread_cond_init(&pl->cv, NULL)) {
        pthread_mutex_destroy(&pl->mu);
        free(pl->th);
        free(pl);
        return NULL;
    }
    for (int t = 1; t < T; t++) {
        args[t] = (hb_pool_arg){.pool = pl, .t = t};
        if (pthread_create(&pl->th[t], NULL, hb_pool_main, &args[t]) != 0) {
            hb_pool_free(pl);
            return NULL;
        }
        pl->started = t + 1;
    }
    return pl;
}

/* Epoch pub's permutations drawn into its slot (from the previous epoch's, as hb_epoch_blocked
 * draws them one epoch after another), then the epoch published with its lr. */
static void hb_pool_publish(hb_pool *pl, hb_rng *rng, float lr) {
    hb_grid *g = pl->grid;
    const uint32_t G = g->G, o = (g->pub & 1u) * G, prev = G - o;
    if (g->pub) { /* epoch pub - 1's permutations, in the other slot */
        memcpy(g->sorder + o, g->sorder + prev, G * sizeof *g->sorder);
        memcpy(g->cperm + o, g->cperm + prev, G * sizeof *g->cperm);
    }
    hb_shuffle_u32(g->sorder + o, G, rng);
    hb_shuffle_u32(g->cperm + o, G, rng);
    const uint64_t eseed = hb_rng_next(rng);
    hb_sched_publish(g, eseed, lr);
    atomic_fetch_add_explicit(&pl->go, 1, memory_order_release);
    hb_pool_wake(pl);
}

/* Epoch pl->epoch through the pool, thread 0 the caller: published now unless the previous
 * call published it ahead, and the next one ahead when overlap (lr_next: its lr); returns when
 * the epoch's last block is done (blocks of the next may still run), with the epoch's loss. */
static double hb_pool_epoch(hb_pool *pl, hb_rng *rng, float lr, int overlap, float lr_next) {
    hb_grid *g = pl->grid;
    const uint32_t e = pl->epoch++, slot = e & 1u, GG = g->G * g->G;
    if (g->pub == e) hb_pool_publish(pl, rng, lr);
    if (overlap) hb_pool_publish(pl, rng, lr_next);
    hb_fp_flush_subnormals(); /* as thread 0 of every parallel region does */
    for (unsigned spins = 0;;) {
        /* acquire: the blocks' writes (rows, the workers' eloss) before their done counts */
        if (atomic_load_explicit(&g->done_ep[slot], memory_order_acquire) == GG) break;
        const unsigned seen = atomic_load_explicit(&g->done, memory_order_acquire);
        const size_t blk = hb_sched_take(g, 0);
        if (blk != HB_SCHED_WAIT && blk != HB_SCHED_END) {
            hb_pool_block(pl, &pl->ws[0], blk);
            continue;
        }
        while (atomic_load_explicit(&g->done, memory_order_acquire) == seen)
            if (++spins % 64 == 0) sched_yield();
    }
    double loss = 0;
    for (int t = 0; t < pl->T; t++) {
        loss += pl->ws[t].eloss[slot];
        pl->ws[t].eloss[slot] = 0;
    }
    return loss;
}

/* One epoch of the blocked schedule (above). progress (may be NULL) is called by thread 0 after
 * every block it runs and while it waits for one (MPI ranks drive their transfers there). One
 * worker runs the strata in order, without the scheduler; several, in an OpenMP region (hb_train
 * keeps its workers across epochs instead: hb_pool_epoch). */
static void hb_epoch_blocked(hb_model *m, const hb_kernels *k, hb_worker *ws, int T,
                             hb_grid *grid, hb_rng *rng, float lr, float r_min, float span,
                             pthread_mutex_t *dense, void (*progress)(void *), void *ctx) {
    const uint32_t G = grid->G;
    hb_shuffle_u32(grid->sorder, G, rng);
    hb_shuffle_u32(grid->cperm, G, rng);
    const uint64_t eseed = hb_rng_next(rng);
    if (T == 1) {
        hb_fp_flush_subnormals(); /* as thread 0 of every parallel region does */
        for (uint32_t s = 0; s < G; s++) {
            for (uint32_t b = 0; b < G; b++)
                hb_block_run(m, k, &ws[0], grid, (size_t)b * G + hb_grid_col(grid, b, s), eseed,
                             lr, r_min, span, dense);
            if (progress) progress(ctx);
        }
        return;
    }
    hb_sched_reset(grid);
    hb_sched_publish(grid, eseed, lr);
#pragma omp parallel num_threads(T)
    {
        hb_fp_flush_subnormals();
        hb_blocked_loop(m, k, ws, omp_get_thread_num(), omp_get_num_threads(), grid, eseed, lr,
                        r_min, span, dense, progress, ctx);
    }
}

/* One epoch of Hogwild: the shuffled order cut into T contiguous slices, one per worker. */
static void hb_epoch_slices(hb_model *m, const hb_kernels *k, hb_worker *ws, int T,
                            hb_rating *order, size_t n, hb_rng *rng, const hb_shuffle_ws *sh,
                            float lr, float r_min, float span, pthread_mutex_t *dense) {
    hb_shuffle_ratings(order, n, rng, T, sh);
#pragma omp parallel num_threads(T)
    {
        hb_fp_flush_subnormals();
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const size_t a = n * (size_t)t / (size_t)nt, b = n * (size_t)(t + 1) / (size_t)nt;
        hb_worker_run(m, k, &ws[t], order + a, b - a, lr, r_min, span, dense);
    }
}

/* The message for a diverged epoch (hb_diverged said so), naming the bound it passed. */
static hb_status hb_diverged_fail(hb_error *err, uint32_t epoch, double loss, double first,
                                  double ref) {
    if (!isfinite(loss))
        return hb_fail(err, HB_ERR_DIVERGED, "training diverged at epoch %u (loss %g)", epoch, loss);
    if (loss > 1e3 * first)
        return hb_fail(err, HB_ERR_DIVERGED, "training diverged at epoch %u (loss %g, over 1000x "
                       "epoch 1's %g)", epoch, loss, first);
    return hb_fail(err, HB_ERR_DIVERGED, "training diverged at epoch %u (loss %g, over 100x that "
                   "of predicting 0, %.3g)", epoch, loss, ref);
}

static hb_status hb_train_run(hb_model *m, const hb_dataset *ds, const hb_kernels *k,
                              hb_epoch_cb cb, void *ctx, hb_train_result *res, hb_error *err) {
    const hb_train_params *p = &m->p;
    if (ds->n_users != m->n_users || ds->n_items != m->n_items)
        return hb_fail(err, HB_ERR_ARG, "model and dataset shapes differ");
    if (ds->n_train == 0) return hb_fail(err, HB_ERR_ARG, "no training ratings");
    const int T = p->threads;
    /* dense Nadam: one sequence of steps over one shuffled order, as Keras runs it */
    const int seq = p->optimizer == HB_OPT_NADAM && p->nadam == HB_NADAM_DENSE;
    const int blocked = p->schedule != HB_SCHED_HOGWILD && !seq;
    hb_rng rng;
    hb_rng_seed(&rng, p->seed);
    hb_grid grid = {0};
    hb_rating *order = NULL;
    hb_shuffle_ws sh = {0}; /* the order's shuffle buffers (large data) */
    hb_worker *ws = calloc((size_t)T, sizeof *ws);
    hb_status st = HB_OK;
    if (!ws) st = HB_ERR_NOMEM;
    else if (blocked) st = hb_grid_build(&grid, m, ds, &rng);
    else if (!(order = malloc(ds->n_train * sizeof *order)) ||
             hb_shuffle_reserve(&sh, ds->n_train, HB_SHUFFLE_FLAT_MAX) != HB_OK)
        st = HB_ERR_NOMEM;
    else memcpy(order, ds->train, ds->n_train * sizeof *order);
    if (st != HB_OK) st = hb_fail(err, HB_ERR_NOMEM, "out of memory for the training order");
    for (int t = 0; t < T && st == HB_OK; t++)
        if (hb_worker_init(&ws[t], m) != HB_OK)
            st = hb_fail(err, HB_ERR_NOMEM, "out of memory for worker %d's buffers", t);
    if (st == HB_OK && p->reg_rows) st = hb_row_weights(m, ds, err);
    const float span = ds->r_max > ds->r_min ? ds->r_max - ds->r_min : 1.0f;
    /* the dense MLP weights' lock; none with one thread or without dense weights */
    pthread_mutex_t dense_lock, *dense = NULL;
    if (st == HB_OK && T > 1 && hb_model_is_mlp(p->model) && !seq) {
        if (pthread_mutex_init(&dense_lock, NULL) == 0) dense = &dense_lock;
        else st = hb_fail(err, HB_ERR_NOMEM, "cannot create the dense weights' lock");
    }
    const uint32_t G = grid.G;
    const double loss_ref = hb_loss_reference(ds, hb_model_is_binary(p->model));
    double train_s = 0, last_loss = NAN, first_loss = NAN;
    int evaluated_last = 0;
    /* time to target: checked every eval_every epochs (every epoch when 0), on the test split,
     * with only the metrics the target needs (a pointwise pass unless it is NDCG) */
    const int target = p->target != HB_TARGET_NONE;
    const uint32_t every = p->eval_every ? p->eval_every : target ? 1u : 0u;
    int checked_last = 0;
    /* MF models' blocked epochs: workers kept across epochs (hb_pool), unless evaluations (their
     * own OpenMP regions) run between epochs; not for the MLP, whose dense steps may open
     * regions of their own. Their epochs overlap when nothing between two epochs can read the
     * parameters: no callback, or one hb_model_set_epoch_overlap vouches for */
    hb_pool *pool = st == HB_OK && blocked && T > 1 && !every && !hb_model_is_mlp(p->model) &&
                            p->model != HB_MODEL_SVDPP
                        ? hb_pool_new(T, m, k, ws, &grid, ds->r_min, span, dense)
                        : NULL;
    const int overlap = pool && (!cb || m->epoch_overlap);
    double pooled_loss = 0;
    for (uint32_t ep = 0; ep < p->epochs && st == HB_OK; ep++) {
        const float lr = p->lr / (1.0f + p->lr_decay * (float)ep); /* both optimizers */
        const double t0 = hb_now();
        if (p->model == HB_MODEL_SVDPP) { /* its own user-by-user epoch (src/model_svdpp.c) */
            if ((st = hb_svdpp_epoch(m, ds, k, T, &rng, lr, &ws[0].loss, err)) != HB_OK) break;
        } else if (pool) {
            const float lr_next = p->lr / (1.0f + p->lr_decay * (float)(ep + 1));
            pooled_loss = hb_pool_epoch(pool, &rng, lr, overlap && ep + 1 < p->epochs, lr_next);
        } else if (blocked) {
            hb_epoch_blocked(m, k, ws, T, &grid, &rng, lr, ds->r_min, span, dense, NULL, NULL);
        } else if (seq) {
            hb_shuffle_ratings(order, ds->n_train, &rng, T, &sh);
            hb_fp_flush_subnormals(); /* as thread 0 of every parallel region does */
            ws[0].dense_lazy = !hb_model_is_mlp(p->model) || p->batch > 1;
            if (ws[0].dense_lazy &&
                hb_optim_dense_reserve(m, m->dense_t + (ds->n_train + p->batch - 1) / p->batch) != HB_OK) {
                st = hb_fail(err, HB_ERR_NOMEM, "out of memory for dense Nadam's step tables");
                break;
            }
            hb_worker_run(m, k, &ws[0], order, ds->n_train, lr, ds->r_min, span, NULL);
            if (ws[0].dense_lazy) hb_optim_dense_sync(m, k, lr); /* evaluation reads every row */
        } else {
            hb_epoch_slices(m, k, ws, T, order, ds->n_train, &rng, &sh, lr, ds->r_min, span,
                            dense);
        }
        const double dt = hb_now() - t0;
        train_s += dt;
        double loss = pooled_loss; /* the pool's workers may be running the next epoch */
        for (int t = 0; t < T && !pool; t++) {
            loss += ws[t].loss;
            ws[t].loss = 0;
        }
        loss /= (double)ds->n_train;
        last_loss = loss;
        hb_epoch_stats es = {.epoch = ep + 1, .loss = loss, .elapsed = train_s,
                             .updates_per_second = (double)ds->n_train / dt};
        if (ep == 0) first_loss = loss;
        if (hb_diverged(loss, first_loss, loss_ref)) {
            st = hb_diverged_fail(err, ep + 1, loss, first_loss, loss_ref);
        } else if (every && (ep + 1) % every == 0) {
            const int point = target && p->target != HB_TARGET_NDCG10;
            if ((point ? hb_evaluate_pointwise_with(m, ds, k, T, &es.metrics)
                       : hb_evaluate_with(m, ds, k, T, &es.metrics)) != HB_OK)
                st = hb_fail(err, HB_ERR_NOMEM, "out of memory during evaluation");
            es.evaluated = 1;
            if (!point) res->metrics = es.metrics;
            if (target && st == HB_OK) hb_target_check(p, res, &es.metrics, ep + 1, train_s);
        }
        evaluated_last = es.evaluated && !es.metrics.pointwise;
        checked_last = es.evaluated && target;
        res->epochs_done = ep + 1;
        if (cb) cb(&es, ctx);
        if (p->target_stop && res->epochs_to_target) break;
    }
    hb_pool_free(pool); /* before the evaluation's region: no worker spinning beside it */
    res->train_seconds = train_s;
    res->final_loss = last_loss;
    res->updates_per_second = train_s > 0 ? (double)ds->n_train * res->epochs_done / train_s : 0;
    res->blocks = G;
    if (st == HB_OK && !evaluated_last && hb_evaluate_with(m, ds, k, T, &res->metrics) != HB_OK)
        st = hb_fail(err, HB_ERR_NOMEM, "out of memory during evaluation");
    /* an epoch budget the cadence does not divide: the final evaluation is the last check */
    if (st == HB_OK && target && !checked_last)
        hb_target_check(p, res, &res->metrics, res->epochs_done, train_s);
    if (st == HB_OK && !(isfinite(res->metrics.rmse)))
        st = hb_fail(err, HB_ERR_DIVERGED, "predictions are not finite (test RMSE %g)",
                     res->metrics.rmse);
    if (st == HB_OK && !hb_model_is_binary(p->model) &&
        res->metrics.rmse > HB_DIVERGED_RMSE * sqrt(loss_ref))
        st = hb_fail(err, HB_ERR_DIVERGED, "test RMSE %g is over %g times that of predicting 0 "
                     "(%.3g)", res->metrics.rmse, HB_DIVERGED_RMSE, sqrt(loss_ref));
    if (dense) pthread_mutex_destroy(dense);
    for (int t = 0; t < T && ws; t++) hb_worker_free(&ws[t]);
    free(ws);
    free(order);
    hb_shuffle_free(&sh);
    hb_grid_free(&grid);
    free(m->rw_u);
    free(m->rw_i);
    m->rw_u = m->rw_i = NULL;
    return st;
}

hb_status hb_train(hb_model *m, const hb_dataset *ds, hb_epoch_cb cb, void *ctx,
                   hb_train_result *res, hb_error *err) {
    memset(res, 0, sizeof *res);
    res->seconds_to_target = res->seconds_to_target_with_eval = NAN;
    const hb_kernels *k = hb_kernels_for(m->p.isa);
    if (!k) return hb_fail(err, HB_ERR_UNSUPPORTED, "ISA %s: this CPU or build cannot run it",
                           hb_isa_name(m->p.isa));
    const hb_fpmode fp = hb_fp_save(); /* the master thread flushes subnormals in the regions */
    const hb_status st = hb_train_run(m, ds, k, cb, ctx, res, err);
    hb_fp_restore(fp);
    return st;
}

/* ------------------------------------------- one rank's share (src/dist.c, part.h) */

/* Distributed training (the MPI build) runs each rank's ratings item block by item block
 * through the same workers and orders as hb_train: what follows is hb_train's epoch body for
 * one block, with the model a view onto the rank's rows and the block's. */
struct hb_part {
    int T, nb;
    hb_grid *grid;     /* per block (blocked schedules) */
    hb_rating **order; /* per block (hogwild): its ratings, reshuffled every pass */
    hb_shuffle_ws sh;  /* their shuffle's buffers, for the largest block */
    const hb_dataset *blocks;
    hb_rng *rng;       /* per block */
    hb_worker *ws;
    pthread_mutex_t dense_lock;
    int dense, workers;
};

void hb_part_free(hb_part **ptp) {
    if (!ptp || !*ptp) return;
    hb_part *pt = *ptp;
    for (int b = 0; b < pt->nb; b++) {
        if (pt->grid) hb_grid_free(&pt->grid[b]);
        if (pt->order) free(pt->order[b]);
    }
    for (int t = 0; t < pt->workers; t++) hb_worker_free(&pt->ws[t]);
    if (pt->dense) pthread_mutex_destroy(&pt->dense_lock);
    hb_shuffle_free(&pt->sh);
    free(pt->grid);
    free(pt->order);
    free(pt->rng);
    free(pt->ws);
    free(pt);
    *ptp = NULL;
}

hb_status hb_part_create(const hb_model *shape, const hb_dataset *blocks, int nb, uint64_t seed,
                         hb_part **out, hb_error *err) {
    *out = NULL;
    const hb_train_params *p = &shape->p;
    hb_part *pt = calloc(1, sizeof *pt);
    if (!pt) return hb_fail(err, HB_ERR_NOMEM, "out of memory for a rank's training state");
    pt->T = p->threads;
    pt->nb = nb;
    pt->blocks = blocks;
    const int blocked = p->schedule != HB_SCHED_HOGWILD;
    hb_status st = HB_OK;
    if (!(pt->rng = calloc((size_t)nb, sizeof *pt->rng)) ||
        !(pt->ws = calloc((size_t)pt->T, sizeof *pt->ws)) ||
        (blocked && !(pt->grid = calloc((size_t)nb, sizeof *pt->grid))) ||
        (!blocked && !(pt->order = calloc((size_t)nb, sizeof *pt->order))))
        st = HB_ERR_NOMEM;
    for (int b = 0; b < nb && st == HB_OK; b++) {
        hb_rng_seed(&pt->rng[b], seed ^ ((uint64_t)(b + 1) * 0x9e3779b97f4a7c15ULL));
        if (blocks[b].n_train == 0) continue;
        if (blocked) {
            hb_model *v = malloc(sizeof *v); /* the block's shape, for the grid */
            if (!v) {
                st = HB_ERR_NOMEM;
                break;
            }
            *v = *shape;
            v->n_items = blocks[b].n_items;
            st = hb_grid_build(&pt->grid[b], v, &blocks[b], &pt->rng[b]);
            free(v);
        } else if ((pt->order[b] = malloc(blocks[b].n_train * sizeof(hb_rating)))) {
            memcpy(pt->order[b], blocks[b].train, blocks[b].n_train * sizeof(hb_rating));
        } else {
            st = HB_ERR_NOMEM;
        }
    }
    size_t most = 0;
    for (int b = 0; b < nb && !blocked; b++)
        if (blocks[b].n_train > most) most = blocks[b].n_train;
    if (st == HB_OK) st = hb_shuffle_reserve(&pt->sh, most, HB_SHUFFLE_FLAT_MAX);
    for (int t = 0; t < pt->T && st == HB_OK; t++)
        if ((st = hb_worker_init(&pt->ws[t], shape)) == HB_OK) pt->workers++;
    if (st == HB_OK && pt->T > 1 && hb_model_is_mlp(p->model)) {
        if (pthread_mutex_init(&pt->dense_lock, NULL) == 0) pt->dense = 1;
        else st = HB_ERR_NOMEM;
    }
    if (st != HB_OK) {
        hb_part_free(&pt);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory for a rank's training state");
    }
    *out = pt;
    return HB_OK;
}

uint32_t hb_part_blocks(const hb_part *pt, int b) { return pt->grid ? pt->grid[b].G : 0; }

void hb_part_run(hb_part *pt, hb_model *view, int b, float lr, float r_min, float span,
                 void (*progress)(void *), void *ctx, double *loss) {
    *loss = 0;
    const hb_dataset *ds = &pt->blocks[b];
    if (ds->n_train == 0) {
        if (progress) progress(ctx);
        return;
    }
    const hb_kernels *k = hb_kernels_for(view->p.isa);
    const int T = pt->T;
    hb_worker *ws = pt->ws;
    pthread_mutex_t *dense = pt->dense ? &pt->dense_lock : NULL;
    for (int t = 0; t < T; t++) /* the workers' MLP views: this block's rows, their own weights */
        if (ws[t].view) {
            hb_layer L[HB_MLP_MAX_LAYERS];
            memcpy(L, ws[t].view->L, sizeof L);
            *ws[t].view = *view;
            memcpy(ws[t].view->L, L, sizeof L);
        }
    if (pt->grid) {
        hb_epoch_blocked(view, k, ws, T, &pt->grid[b], &pt->rng[b], lr, r_min, span, dense,
                         progress, ctx);
    } else {
        hb_epoch_slices(view, k, ws, T, pt->order[b], ds->n_train, &pt->rng[b], &pt->sh, lr,
                        r_min, span, dense);
        if (progress) progress(ctx);
    }
    for (int t = 0; t < T; t++) {
        *loss += ws[t].loss;
        ws[t].loss = 0;
    }
}
