/* model.c: parameters (defaults, the seed preset, checks), model layout, init, forward and
 * backward for the MF family and the MLP (hashing, export and loading: src/model_io.c; scoring:
 * src/model_score.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "model.h"

static const char *const hb_kModelNames[HB_MODEL_COUNT] = {"mf", "mf_bias", "mlp",
                                                           "mf_bias_bin", "mlp_bin"};

const char *hb_model_name(hb_model_kind k) {
    return (unsigned)k < HB_MODEL_COUNT ? hb_kModelNames[k] : "?";
}

int hb_model_parse(const char *s, hb_model_kind *out) {
    for (int k = 0; k < HB_MODEL_COUNT; k++)
        if (strcmp(s, hb_kModelNames[k]) == 0) {
            *out = (hb_model_kind)k;
            return 0;
        }
    return -1;
}

const char *hb_schedule_name(hb_schedule s) {
    static const char *const names[] = {"blocked", "hogwild", "blocked-shuffle", "blocked-sorted"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int hb_model_is_binary(hb_model_kind k) { return k == HB_MODEL_MF_BIAS_BIN || k == HB_MODEL_MLP_BIN; }
int hb_model_is_mlp(hb_model_kind k) { return k == HB_MODEL_MLP || k == HB_MODEL_MLP_BIN; }
static int hb_has_bias(hb_model_kind k) { return k == HB_MODEL_MF_BIAS || k == HB_MODEL_MF_BIAS_BIN; }

hb_train_params hb_params_seed(hb_model_kind k) {
    return (hb_train_params){
        .model = k, .dim = 50, .epochs = 10, .threads = 2, .optimizer = HB_OPT_NADAM,
        .lr = 1e-3f, .lr_decay = 0, .reg = 0, .reg_bias = 0,
        .batch = k == HB_MODEL_MF_BIAS_BIN ? 512 : 128, .seed = 42, .global_mean = 0,
        .activation = HB_ACT_LINEAR, .hidden = 50, .n_hidden = 3, .init = HB_INIT_KERAS,
        .init_std = 0.05f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f, .eval_every = 0,
        .nadam = HB_NADAM_DENSE, .isa = HB_ISA_AUTO};
}

/* Tuned on validation data only, never on u1.test: bench/tune/mimic_split.py carves three
 * folds shaped like u1 under the notebook's protocol out of u1.base, and bench/tune/tune.py
 * searched grids on them with 2 threads (README: "How the defaults were chosen"). */
hb_train_params hb_params_default(hb_model_kind k) {
    hb_train_params p = hb_params_seed(k);
    p.nadam = HB_NADAM_LAZY; /* the fast one; the tuned Nadam defaults were chosen with it */
    switch (k) {
    case HB_MODEL_MF: /* per-sample SGD; item factor 0 and user factor 1 start as biases */
        p.optimizer = HB_OPT_SGD;
        p.dim = 128;
        p.epochs = 120;
        p.lr = 0.01f;
        p.lr_decay = 0.05f;
        p.reg = 0.1f;
        p.batch = 1;
        p.init = HB_INIT_NORMAL;
        p.init_std = 0.1f;
        p.init_mean = 2;
        break;
    case HB_MODEL_MF_BIAS: /* no global mean and L2 per row: rare items shrink and rank low */
        p.optimizer = HB_OPT_SGD;
        p.dim = 128;
        p.epochs = 65;
        p.lr = 0.01f;
        p.reg = 0.15f;
        p.reg_bias = 0.05f;
        p.reg_rows = 1;
        p.batch = 1;
        p.init = HB_INIT_NORMAL;
        p.init_std = 0.1f;
        break;
    case HB_MODEL_MF_BIAS_BIN: /* tuned for NDCG@10 */
        p.optimizer = HB_OPT_NADAM;
        p.dim = 32;
        p.epochs = 4;
        p.lr = 0.002f;
        p.batch = 64;
        break;
    case HB_MODEL_MLP: /* output starts at the train mean; light L2; lr decays per epoch */
        p.dim = 32;
        p.epochs = 11;
        p.lr = 0.002f;
        p.lr_decay = 0.2f;
        p.reg = 0.003f;
        p.batch = 256;
        p.init_mean = 1;
        p.activation = HB_ACT_RELU;
        break;
    case HB_MODEL_MLP_BIN:
        p.dim = 32;
        p.epochs = 3;
        p.batch = 64;
        p.activation = HB_ACT_RELU;
        break;
    default:
        break;
    }
    return p;
}

/* Chosen on validation only: bench/tune/standard.sh carves 10% of each of u1.base..u5.base
 * (ML-100K, no seed filter) and averages the validation RMSE over the five (README). */
hb_train_params hb_params_standard(hb_model_kind k) {
    hb_train_params p = hb_params_default(k);
    switch (k) {
    case HB_MODEL_MF_BIAS: /* per-coordinate AdaGrad; mean validation RMSE 0.9094 */
        p.optimizer = HB_OPT_ADAGRAD;
        p.global_mean = 1;
        p.reg_rows = 0;
        p.dim = 128;
        p.epochs = 100;
        p.lr = 0.03f;
        p.lr_decay = 0;
        p.reg = 0.12f;
        p.reg_bias = 0.02f;
        p.init = HB_INIT_UNIFORM;
        p.init_std = 0.13f;
        break;
    default:
        break;
    }
    return p;
}

hb_status hb_params_check(const hb_train_params *p, hb_error *err) {
    if ((unsigned)p->model >= HB_MODEL_COUNT) return hb_fail(err, HB_ERR_ARG, "unknown model");
    if (p->dim < 1 || p->dim > 4096)
        return hb_fail(err, HB_ERR_ARG, "--dim %u: expected 1..4096", p->dim);
    if (p->epochs < 1 || p->epochs > 100000)
        return hb_fail(err, HB_ERR_ARG, "--epochs %u: expected 1..100000", p->epochs);
    if (p->threads < 1 || p->threads > 1024)
        return hb_fail(err, HB_ERR_ARG, "--threads %d: expected 1..1024", p->threads);
    if (!(p->lr > 0) || !isfinite(p->lr))
        return hb_fail(err, HB_ERR_ARG, "--lr %g: expected a positive number", p->lr);
    if (!(p->reg >= 0) || !isfinite(p->reg) || !(p->reg_bias >= 0) || !isfinite(p->reg_bias))
        return hb_fail(err, HB_ERR_ARG, "--reg: expected a non-negative number");
    if (!(p->lr_decay >= 0) || !isfinite(p->lr_decay))
        return hb_fail(err, HB_ERR_ARG, "--lr-decay %g: expected a non-negative number",
                       p->lr_decay);
    if (p->batch < 1 || p->batch > 1u << 20)
        return hb_fail(err, HB_ERR_ARG, "--batch %u: expected 1..1048576", p->batch);
    if (p->hidden < 1 || p->hidden > 4096 || p->n_hidden < 1 ||
        p->n_hidden > HB_MLP_MAX_LAYERS - 1)
        return hb_fail(err, HB_ERR_ARG, "--hidden/--layers: expected 1..4096 units and 1..%d "
                       "hidden layers", HB_MLP_MAX_LAYERS - 1);
    if (!(p->beta1 >= 0 && p->beta1 < 1) || !(p->beta2 >= 0 && p->beta2 < 1) || !(p->eps > 0))
        return hb_fail(err, HB_ERR_ARG, "Nadam: expected 0 <= beta1, beta2 < 1 and eps > 0");
    if ((unsigned)p->optimizer >= HB_OPT_COUNT) return hb_fail(err, HB_ERR_ARG, "unknown optimizer");
    if ((p->optimizer == HB_OPT_ADAGRAD || p->optimizer == HB_OPT_ADAGRAD_ROW) &&
        (p->batch != 1 || !(p->model == HB_MODEL_MF || p->model == HB_MODEL_MF_BIAS)))
        return hb_fail(err, HB_ERR_ARG, "--optimizer %s: implemented in the fused per-sample "
                       "kernels: mf and mf_bias with --batch 1 (got %s, batch %u)",
                       hb_optimizer_name(p->optimizer), hb_model_name(p->model), p->batch);
    if ((unsigned)p->nadam > HB_NADAM_DENSE) return hb_fail(err, HB_ERR_ARG, "unknown --nadam mode");
    if ((unsigned)p->target >= HB_TARGET_COUNT || !(p->target_value >= 0) ||
        !isfinite(p->target_value))
        return hb_fail(err, HB_ERR_ARG, "--target: unknown metric or value");
    if ((p->target == HB_TARGET_LOGLOSS || p->target == HB_TARGET_AUC) &&
        !hb_model_is_binary(p->model))
        return hb_fail(err, HB_ERR_ARG, "--target %s: only the binary models (mf_bias_bin, "
                       "mlp_bin) have one; expected rmse, mae or ndcg_at_10 for %s",
                       hb_target_name(p->target), hb_model_name(p->model));
    if ((unsigned)p->init > HB_INIT_UNIFORM) return hb_fail(err, HB_ERR_ARG, "unknown --init");
    if (p->init != HB_INIT_KERAS && !(p->init_std > 0))
        return hb_fail(err, HB_ERR_ARG, "--init-std %g: expected a positive number", p->init_std);
    return HB_OK;
}

/* ------------------------------------------------------------------ layout and init */

void hb_model_free(hb_model **mp) {
    if (!mp || !*mp) return;
    hb_model *m = *mp;
    hb_optim_free(m);
    float *bufs[] = {m->P, m->Q, m->bu, m->bi};
    for (size_t k = 0; k < sizeof bufs / sizeof *bufs; k++) hb_free_aligned(bufs[k]);
    for (uint32_t l = 0; l < m->n_layers; l++) {
        hb_free_aligned(m->L[l].W);
        hb_free_aligned(m->L[l].b);
    }
    free(m);
    *mp = NULL;
}

static void hb_fill_uniform(float *x, size_t rows, size_t cols, size_t ld, float lim, hb_rng *r) {
    for (size_t a = 0; a < rows; a++)
        for (size_t b = 0; b < cols; b++)
            x[a * ld + b] = (float)((2.0 * hb_rng_double(r) - 1.0) * lim);
}

static void hb_fill_normal(float *x, size_t rows, size_t cols, size_t ld, float std, hb_rng *r) {
    for (size_t a = 0; a < rows; a++)
        for (size_t b = 0; b < cols; b++) x[a * ld + b] = (float)(std * hb_rng_normal(r));
}

hb_status hb_model_create(const hb_train_params *p, const hb_dataset *ds, hb_model **out,
                          hb_error *err) {
    *out = NULL;
    hb_status st = hb_params_check(p, err);
    if (st != HB_OK) return st;
    hb_model *m = calloc(1, sizeof *m);
    if (!m) return hb_fail(err, HB_ERR_NOMEM, "out of memory");
    m->p = *p;
    m->n_users = ds->n_users;
    m->n_items = ds->n_items;
    m->dim = p->dim;
    m->ld = (uint32_t)hb_round_up(p->dim, HB_PAD);
    const size_t nu = ds->n_users, ni = ds->n_items, ld = m->ld;
    int ok = (m->P = hb_calloc_aligned(nu * ld, sizeof(float))) &&
             (m->Q = hb_calloc_aligned(ni * ld, sizeof(float)));
    if (ok && hb_has_bias(p->model))
        ok = (m->bu = hb_calloc_aligned(nu, 4)) && (m->bi = hb_calloc_aligned(ni, 4));
    if (ok && hb_model_is_mlp(p->model)) {
        m->n_layers = p->n_hidden + 1;
        for (uint32_t l = 0; ok && l < m->n_layers; l++) {
            hb_layer *L = &m->L[l];
            L->in = l == 0 ? 2 * p->dim : p->hidden;
            L->out = l + 1 == m->n_layers ? 1 : p->hidden;
            ok = (L->W = hb_calloc_aligned((size_t)L->in * L->out, 4)) &&
                 (L->b = hb_calloc_aligned(L->out, 4));
        }
    }
    if (ok) ok = hb_optim_alloc(m) == HB_OK; /* the optimizer's own state (src/optim.c) */
    if (!ok) {
        hb_model_free(&m);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory for a %s model of %zu users x %zu items",
                       hb_model_name(p->model), nu, ni);
    }
    /* init: one seeded stream, in a fixed order */
    hb_rng r;
    hb_rng_seed(&r, p->seed ^ 0x686f6762656e6368ULL);
    if (p->init == HB_INIT_KERAS) {
        hb_fill_uniform(m->P, nu, p->dim, ld, 0.05f, &r);
        hb_fill_uniform(m->Q, ni, p->dim, ld, 0.05f, &r);
        if (m->bu) hb_fill_uniform(m->bu, nu, 1, 1, 0.05f, &r); /* Keras Embedding(n, 1) */
        if (m->bi) hb_fill_uniform(m->bi, ni, 1, 1, 0.05f, &r);
    } else if (p->init == HB_INIT_UNIFORM) { /* LIBMF's: uniform(0, init_std) */
        for (size_t a = 0; a < nu; a++)
            for (size_t b = 0; b < p->dim; b++) m->P[a * ld + b] = (float)(hb_rng_double(&r) * p->init_std);
        for (size_t a = 0; a < ni; a++)
            for (size_t b = 0; b < p->dim; b++) m->Q[a * ld + b] = (float)(hb_rng_double(&r) * p->init_std);
    } else {
        hb_fill_normal(m->P, nu, p->dim, ld, p->init_std, &r);
        hb_fill_normal(m->Q, ni, p->dim, ld, p->init_std, &r);
    }
    const int mlp = hb_model_is_mlp(p->model);
    double sum = 0; /* the train mean, for the offsets below */
    for (size_t k = 0; k < ds->n_train; k++) sum += ds->train[k].r;
    const double mean = ds->n_train ? sum / (double)ds->n_train : 0.0;
    if (p->init_mean && ds->n_train && !mlp) {
        const float c = (float)sqrt(fabs(mean));
        if (p->init_mean == 1) {
            for (size_t u = 0; u < nu; u++) m->P[u * ld] += c;
            for (size_t i = 0; i < ni; i++) m->Q[i * ld] += c;
        } else if (p->dim >= 2) { /* factor 0 of items and 1 of users start as learnable biases */
            for (size_t u = 0; u < nu; u++) m->P[u * ld] = 1.0f, m->P[u * ld + 1] = 0.0f;
            for (size_t i = 0; i < ni; i++) m->Q[i * ld] = 0.0f, m->Q[i * ld + 1] = 1.0f;
        }
    }
    for (uint32_t l = 0; l < m->n_layers; l++) { /* glorot uniform, zero biases */
        hb_layer *L = &m->L[l];
        hb_fill_uniform(L->W, L->out, L->in, L->in, sqrtf(6.0f / (float)(L->in + L->out)), &r);
    }
    if (p->init_mean == 1 && mlp && !hb_model_is_binary(p->model) && ds->n_train) {
        /* the MLP's output starts at the train mean: its first steps learn the interactions,
         * not the offset of 3.5 stars */
        m->L[m->n_layers - 1].b[0] = (float)mean;
    }
    if (p->global_mean && hb_has_bias(p->model) && !hb_model_is_binary(p->model))
        m->mu = (float)mean;
    if (hb_model_is_binary(p->model) && ds->n_train) { /* the train's positive rate, as a logit */
        const float span = ds->r_max > ds->r_min ? ds->r_max - ds->r_min : 1.0f;
        double pos = 0;
        for (size_t k = 0; k < ds->n_train; k++) pos += (ds->train[k].r - ds->r_min) / span > 0.5f;
        pos = (pos + 0.5) / ((double)ds->n_train + 1.0);
        m->cold_z = (float)log(pos / (1 - pos));
    } else {
        m->cold_z = (float)mean;
    }
    *out = m;
    return HB_OK;
}

/* ------------------------------------------------------------- forward / backward */

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
    }
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
            w->a[l][j] = (relu && !last && z < 0) ? 0.0f : z;
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
