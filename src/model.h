/* model.h: the model's parameter layout and per-sample forward/backward (internal). */
#ifndef HB_MODEL_H
#define HB_MODEL_H

#include <math.h>

#include "internal.h"

#define HB_NADAM_TABLE 4096 /* steps with precomputed Nadam coefficients */
#define HB_NADAM_C 4        /* floats per step in nadam_c: cg, cm, cv and a pad */

typedef struct hb_layer {
    uint32_t in, out;
    float *W, *b;           /* out x in row-major (lda = in), out */
    float *Wm, *Wv, *bm, *bv; /* Nadam moments */
} hb_layer;

struct hb_model {
    hb_train_params p;
    uint32_t n_users, n_items, dim;
    uint32_t ld;            /* row stride of P and Q: dim padded to HB_PAD floats */
    float *P, *Q;           /* n_users x ld, n_items x ld */
    float *bu, *bi;         /* user and item biases (mf_bias*, else NULL) */
    float mu;               /* global mean (mf_bias with global_mean, else 0) */
    float cold_z;           /* the output for a pair with nothing known (--cold-rows score): the
                               train mean, or the logit of the train's positive rate (binary) */
    /* lazy per-row Nadam state: moments and step counts advance only when a row is touched */
    float *Pm, *Pv, *Qm, *Qv, *bum, *buv, *bim, *biv;
    uint32_t *tu, *ti;
    float *rw_u, *rw_i;     /* --reg-rows: per-row L2 weights mean_count/count (training only) */
    /* optimizer state beyond the Nadam moments (src/optim.c; allocated only when used) */
    float *gPd, *gQd, *gbud, *gbid; /* dense Nadam: each step's gradient scattered into tables */
    float *Gu, *Gi, *Gbu, *Gbi;     /* AdaGrad: squared-gradient sums (row-wise: one per row) */
    /* MLP */
    uint32_t n_layers;
    hb_layer L[HB_MLP_MAX_LAYERS];
    uint64_t dense_t;       /* dense Nadam steps taken (shared by workers, atomic) */
    /* dense Nadam caught up lazily (src/optim.c): the step each embedding row is current at
     * (the later of this and dense_swept, the last full sweep's); zrow: ld zeros */
    uint32_t *lu, *li;
    uint64_t dense_swept;
    uint32_t catch_j;       /* catch-up horizon: b1^catch_j <= 1e-12 (later steps move nothing) */
    float *zrow;
    double *cu_cm, *cu_sq;  /* steps 1..cu_n: cm_t and sqrt(cv_t), from the float coefficients */
    double *cu_p1, *cu_p2;  /* b1^k, b2^k for k = 0..catch_j (catch_j <= HB_NADAM_TABLE) */
    uint64_t cu_n;
    uint64_t warm_end;      /* dense Nadam: steps from this one on catch rows up (0: not known) */
    struct hb_cu_memo *cu_memo; /* catch-up coefficients by gap, for the current step (k <= catch_j) */
    struct hb_cu_memo *cu_far;  /* ... by last step s mod HB_CU_FAR, for gaps past catch_j */
    /* Nadam's coefficients for steps 1..HB_NADAM_TABLE (src/optim.c; Nadam only, else NULL):
     * step t's cg, cm, cv at nadam_c[HB_NADAM_C * (t - 1)] (one 16-byte entry: one cache line
     * per row step, not three) */
    float *nadam_c;
    /* --storage bf16|f16: the tables training reads and writes (same shape and ld as P and Q,
     * which hb_model_h_widen refreshes for every reader); NULL for f32 */
    uint16_t *P16, *Q16;
    uint64_t h_calls;       /* fused kernel calls so far: each one's rounding seed (atomic) */

    /* svdpp's training state (src/model_svdpp.c; NULL until its first epoch, and for the other
     * models): the raw user vectors, y and N(u). P holds the folded p_u + |N(u)|^-1/2 sum y_j,
     * the mf_bias-shaped model that evaluation, scoring and export read. */
    struct hb_svdpp *svd;
    int epoch_overlap; /* hb_model_set_epoch_overlap: the epoch callback reads only its stats */
};

/* Per-thread scratch for the MLP's forward and backward pass. */
typedef struct hb_mlp_ws {
    float *x0;                              /* concat(p_u, q_i) */
    float *z[HB_MLP_MAX_LAYERS];            /* pre-activations */
    float *a[HB_MLP_MAX_LAYERS];            /* activations (a[l] feeds layer l+1) */
    float *d[HB_MLP_MAX_LAYERS];            /* dL/dz per layer */
    float *dx;                              /* dL/dx0 */
    float *dW[HB_MLP_MAX_LAYERS], *db[HB_MLP_MAX_LAYERS]; /* accumulated dense gradients */
    /* the batched pass (src/mlp_batch.c): allocated by hb_mlp_batch_init, else NULL */
    size_t B;                               /* rows the buffers below hold */
    size_t wide;                            /* the widest layer's in or out (D's rows) */
    float *X0;                              /* B x 2 dim: the batch's [p_u, q_i] rows */
    float *Z[HB_MLP_MAX_LAYERS];            /* B x out: pre-activations */
    float *A[HB_MLP_MAX_LAYERS];            /* B x out: activations (Z itself when linear) */
    float *D[2];                            /* B x widest layer: dL/dz, ping-pong */
    float *y;                               /* B labels, filled by the caller */
    float *ones;                            /* B ones (column sums as a product) */
    int32_t *su, *si;                       /* B gradient slots, filled by the caller */
} hb_mlp_ws;

hb_status hb_mlp_ws_init(hb_mlp_ws *w, const hb_model *m);
void hb_mlp_ws_free(hb_mlp_ws *w);

/* The logistic function: the binary models' link. */
static inline float hb_sigmoid(float z) { return 1.0f / (1.0f + expf(-z)); }

/* The binary models' label of rating r: 1 when r lies in the upper half of the rating range
 * [r_min, r_min + span], else 0 (0 for an empty range). */
static inline float hb_binary_label(float r, float r_min, float span) {
    return (span > 0 && (r - r_min) / span > 0.5f) ? 1.0f : 0.0f;
}

/* ---- src/model_mf.c and src/model_mlp.c: each family's forward, backward and scoring ---- */

/* Forward for one pair: the output before the link (rating, or logit for binary models). */
float hb_mf_forward(const hb_model *m, const hb_kernels *k, uint32_t u, uint32_t i);
float hb_mlp_forward(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w, uint32_t u,
                     uint32_t i);

/* dL/dz and the loss for output z against label y (MSE for rating models, BCE for binary).
 * The rating models' loss is (z-y)^2 and their gradient is taken of (z-y)^2 / 2. */
static inline float hb_loss_grad(int binary, float z, float y, double *loss) {
    if (binary) {
        /* BCE of sigmoid(z), stable: softplus(z) - y*z */
        const float az = z < 0 ? -z : z;
        *loss += (double)((z > 0 ? z : 0) + log1pf(expf(-az)) - y * z);
        return hb_sigmoid(z) - y;
    }
    const float e = z - y;
    *loss += (double)e * e;
    return e;
}

/* Accumulates scale * dL/dparam for one sample into gp, gq (dim), gbu, gbi (may be NULL)
 * and, for the MLP, into w->dW/db. dz is dL/dz for the sample. */
void hb_mf_backward(const hb_model *m, const hb_kernels *k, uint32_t u, uint32_t i,
                    float dz, float *gp, float *gq, float *gbu, float *gbi);
void hb_mlp_backward(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w, float dz,
                     float *gp, float *gq);

/* ---- src/mlp_batch.c: the MLP's mini-batch forward and backward as matrix products ---- */

/* Allocates w's batch buffers for up to B rows (w from hb_mlp_ws_init; hb_mlp_ws_free frees
 * them). HB_ERR_NOMEM on failure. */
hb_status hb_mlp_batch_init(hb_mlp_ws *w, const hb_model *m, size_t B);
/* The pass over ratings r[0..bn), bn <= w->B, with labels y[0..bn): forward (one GEMM per
 * layer), dL/dz of each sample times scale, backward; adds the dense gradients into w->dW,
 * w->db and sample j's embedding gradients into gP + su[j] * ldg (user half) and
 * gQ + si[j] * ldg (item half), and each sample's loss to *loss, in sample order. What bn
 * calls of hb_mlp_forward and hb_mlp_backward give, up to the summation order of the products.
 * y, su, si may be w->y, w->su, w->si. */
void hb_mlp_batch(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w, const hb_rating *r,
                  size_t bn, const float *y, const int32_t *su, const int32_t *si, float scale,
                  float *gP, float *gQ, size_t ldg, double *loss);

/* MF scores of users us[0..nb) into out[b * ldo ..]: the item rows in blocks of about 16 KiB
 * (L1), each used by every user of the block before the next, so the item matrix streams from
 * L2 once per nb users, not once per user. Blocks start at multiples of 8 rows, where the
 * gemv kernels start their row groups: every score is bitwise what a whole-matrix gemv gives. */
void hb_mf_score_block(const hb_model *m, const hb_kernels *k, const uint32_t *us, size_t nb,
                       float *out, size_t ldo);
/* The MLP's scores: layer 0 splits, W0 [p; q] = W0[:, :d] p + W0[:, d:] q, and the item half
 * (hb_mlp_item_half: item i's L[0].out values) is computed once for every item; then the scores
 * of every item for user u (what the notebook's predict() returns) into out[0..n_items), with
 * cu, bufa, bufb scratch of L[0].out (and hidden) floats. Binary models: after the link. */
void hb_mlp_item_half(const hb_model *m, const hb_kernels *k, uint32_t i, float *out);
void hb_mlp_score_user(const hb_model *m, const hb_kernels *k, uint32_t u, const float *item_h,
                       float *cu, float *bufa, float *bufb, float *out);

/* ---- src/optim.c: optimizer state and steps ---- */

/* Nadam coefficients for step t (1-based) at learning rate lr. */
void hb_nadam_coefs(const hb_model *m, uint64_t t, float lr, float reg, hb_nadam_coef *c);
/* Allocates (zeroed or at their start values) the state m's optimizer needs and nothing else;
 * fills the Nadam tables. HB_ERR_NOMEM on failure (hb_optim_free then releases what was made). */
hb_status hb_optim_alloc(hb_model *m);
void hb_optim_free(hb_model *m);
/* One lazy step on an embedding row w (dim) with gradient g and its L2 weight reg, and on its
 * bias b (may be NULL) with gradient gb and bias L2 reg_bias: SGD, or Nadam with the row's own
 * step count *t (moments mm, vv; bias moments bm, bv). */
void hb_optim_row_step(const hb_model *m, const hb_kernels *k, float lr, float reg,
                       float reg_bias, float *w, float *mm, float *vv, uint32_t *t,
                       const float *g, float *b, float *bm, float *bv, float gb);
/* The dense MLP weights' step from the gradients in ws (cleared after). t: the step (1-based)
 * for Nadam, 0 to take the next one from m->dense_t. */
void hb_optim_dense_step(hb_model *m, const hb_kernels *k, float lr, uint64_t t, hb_mlp_ws *ws);
/* Dense Nadam on the embedding tables: the next global step; every row's moments decay and
 * every row moves, with the mini-batch's gradient (and its L2) already scattered into m->gPd,
 * m->gQd (m->gbud, m->gbid) at the rows listed in rows_u[0..nu), rows_i[0..ni), which are
 * cleared after. threads > 1 splits the tables among OpenMP threads when they are large.
 * Returns the step number it took. */
uint64_t hb_optim_dense_emb_step(hb_model *m, const hb_kernels *k, float lr,
                                 const uint32_t *rows_u, uint32_t nu, const uint32_t *rows_i,
                                 uint32_t ni, int threads);

/* Dense Nadam, caught up lazily (Keras' semantics without sweeping every table every step): a
 * row untouched since step s is brought to step m->dense_t when it is next read or stepped.
 * Over the k = dense_t - s steps without a gradient its moments decay (m b1^k, v b2^k) and it
 * moves by m_s * sum_j lr cm_{s+j} b1^j / (y_j sqrt(v_s) + eps), y_j = sqrt(cv_{s+j}) b2^(j/2):
 * a series in the shrinkage delta_j = 1 - y_j/y_1 (nadam_catchup evaluates it), taken when its
 * truncation bound is below 1e-7 of the sum, else the k steps are iterated (the first few hundred
 * steps, while cv changes fast). Steps past catch_j (b1^j <= 1e-12) only decay the moments. */
void hb_optim_dense_catch_up(const hb_model *m, const hb_kernels *k, float lr, int item,
                             uint32_t row);
/* The catch-up's per-step tables extended to step t (dense Nadam; HB_ERR_NOMEM on failure). */
hb_status hb_optim_dense_reserve(hb_model *m, uint64_t t);
/* Whether dense Nadam's next step should sweep every row (hb_optim_dense_emb_step) rather
 * than catch rows up: while the series fails for a gap of catch_j steps from the last step
 * (the first few hundred steps, when cv_t moves fast), iterating each row's gap costs more
 * than a sweep. Every row is current when it stops. */
int hb_optim_dense_warm(hb_model *m, float lr);
/* Every row caught up (before evaluation, saving, or a change of lr). */
void hb_optim_dense_sync(hb_model *m, const hb_kernels *k, float lr);
/* The series' coefficients for a row current at step s, caught up over k steps at lr: 1, or 0
 * when the truncation bound fails (the caller iterates). Exposed for tests. */
int hb_optim_catchup_coef(const hb_model *m, uint64_t s, uint64_t k, float lr,
                          hb_nadam_catchup_coef *c);

/* Per-worker scratch of the MF mini-batch path (src/mf_batch.c): the batch's distinct rows in
 * slots, their gradients, and per-sample and per-slot buffers, all B long. */
typedef struct hb_mf_ws {
    int32_t *slot_u, *slot_i;       /* row -> slot in the current mini-batch, -1 when untouched */
    uint32_t *rows_u, *rows_i;      /* slot -> row */
    uint32_t nu, ni;
    float *gP, *gQ, *gbu, *gbi;     /* per-slot gradients (B x ld, B) */
    uint32_t *cnt_u, *cnt_i;        /* per-slot sample counts (the L2 of a row is per sample) */
    uint32_t *su, *si;              /* per-sample slots */
    uint8_t *fresh;                 /* per sample: bit 0 (1) its user (item) slot is new */
    float *z;                       /* per-sample output, then dL/dz */
    float *cg, *cm, *cv, *rg, *rgb; /* per-slot step coefficients and L2 weights */
    float *far;                     /* steps past HB_NADAM_TABLE: cg, cm, cv of step */
    uint64_t far_n;                 /* HB_NADAM_TABLE + 1 .. HB_NADAM_TABLE + far_n, computed */
    float fb[3];                    /* a step's cg, cm, cv when far cannot grow */
} hb_mf_ws;

hb_status hb_mf_ws_init(hb_mf_ws *w, const hb_model *m);
void hb_mf_ws_free(hb_mf_ws *w);
/* One mini-batch r[0..bn) of an MF model: every prediction and per-row gradient with the rows
 * gathered into slots, then one optimizer pass over the touched rows (SGD, lazy Nadam through
 * nadam_rows, or dense Nadam caught up lazily when dense_lazy; plain dense Nadam is not taken
 * here). shared: rows may be stepped concurrently by other workers (the per-row step counts are
 * then atomic). Adds the batch's losses to *loss, sample by sample. */
void hb_mf_batch(hb_model *m, const hb_kernels *k, hb_mf_ws *w, const hb_rating *r, size_t bn,
                 float lr, float label_min, float label_span, int shared, int dense_lazy,
                 double *loss);

/* Dense Nadam caught up lazily, for a caller with its own slots (the MLP's mini-batch): the next
 * global step on the touched rows rows->rows_u[0..nu), rows_i[0..ni) with their gradients
 * rows->gP/gQ/gbu/gbi and sample counts cnt_u/cnt_i (L2 rb, rbb per sample), the rows already
 * caught up to the previous step; w: scratch for the per-slot coefficients (hb_mf_ws_init).
 * Returns the step it took. */
uint64_t hb_dense_lazy_step(hb_model *m, const hb_kernels *k, hb_mf_ws *w, const hb_mf_ws *rows,
                            float lr, float rb, float rbb);

/* ---- 16-bit storage (src/model.c) ---- */

/* The fused per-sample kernel for m's parameters (hb_mf_sgd_path in src/hogwild.c): SGD,
 * AdaGrad or AdaGrad-row, on f32, bf16 or binary16 tables. */
hb_sgd_mf_run_fn hb_mf_run_kernel(const hb_kernels *k, const hb_train_params *p);
/* A fresh seed for one kernel call's stochastic rounding: m's seed and a call counter. */
uint64_t hb_model_h_seed(hb_model *m);
/* With 16-bit storage: P and Q <- the 16-bit tables, widened (exact), so that evaluation,
 * scoring, saving and the views see the trained values; nothing for f32. m is const because
 * its readers are: P and Q are a cache of P16 and Q16 here, refreshed in place. Not to be run
 * while workers train. */
void hb_model_h_widen(const hb_model *m);

/* ---- src/model_svdpp.c: SVD++ ---- */

/* One epoch of SVD++ by per-sample SGD, user by user: the users in a shuffled order (rng), each
 * user's ratings shuffled (seeded by the epoch and the user: the same for any T), the implicit
 * sum z = |N(u)|^-1/2 sum y_j computed once per visit, SGD on p_u, q_i, b_u, b_i with p_u + z,
 * y's gradient summed over the visit and applied to every j in N(u) at its end. T > 1 threads
 * split the users (Hogwild: src/hogwild.c). Adds the squared errors to *loss; then folds y into
 * m->P (hb_svdpp_fold). The first call builds the state from ds (m->P is the init of p). */
hb_status hb_svdpp_epoch(hb_model *m, const hb_dataset *ds, const hb_kernels *k, int T,
                         hb_rng *rng, float lr, double *loss, hb_error *err);
/* m->P[u] = p[u] + |N(u)|^-1/2 sum_{j in N(u)} y[j] for every user (p, y: n x m->ld rows;
 * N(u) = items[off[u] .. off[u + 1])). */
void hb_svdpp_fold(hb_model *m, const float *p, const float *y, const uint32_t *off,
                   const uint32_t *items, int T);
void hb_svdpp_free(hb_model *m);

/* The scoring link: sigmoid for binary models, identity otherwise. */
static inline float hb_link(const hb_model *m, float z) {
    return hb_model_is_binary(m->p.model) ? hb_sigmoid(z) : z;
}

#endif
