/* model.c: model kinds' names, the model's layout and init. Presets and checks: params.c; each
 * family's forward, backward and scoring: model_mf.c, model_mlp.c; hashing, export and loading:
 * model_io.c; batch scoring and accessors: model_score.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "half.h"
#include "model.h"

static const char *const hb_kModelNames[HB_MODEL_COUNT] = {"mf", "mf_bias", "mlp",
                                                           "mf_bias_bin", "mlp_bin", "svdpp"};

const char *hb_model_name(hb_model_kind k) {
    return (unsigned)k < HB_MODEL_COUNT ? hb_kModelNames[k] : "?";
}

hb_status hb_model_parse(const char *s, hb_model_kind *out) {
    for (int k = 0; k < HB_MODEL_COUNT; k++)
        if (strcmp(s, hb_kModelNames[k]) == 0) {
            *out = (hb_model_kind)k;
            return HB_OK;
        }
    return HB_ERR_ARG;
}

const char *hb_schedule_name(hb_schedule s) {
    static const char *const names[] = {"blocked", "hogwild", "blocked-shuffle", "blocked-sorted"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int hb_model_is_binary(hb_model_kind k) { return k == HB_MODEL_MF_BIAS_BIN || k == HB_MODEL_MLP_BIN; }
int hb_model_is_mlp(hb_model_kind k) { return k == HB_MODEL_MLP || k == HB_MODEL_MLP_BIN; }
static int hb_has_bias(hb_model_kind k) {
    return k == HB_MODEL_MF_BIAS || k == HB_MODEL_MF_BIAS_BIN || k == HB_MODEL_SVDPP;
}

/* ------------------------------------------------------------------ layout and init */

void hb_model_free(hb_model **mp) {
    if (!mp || !*mp) return;
    hb_model *m = *mp;
    hb_optim_free(m);
    hb_svdpp_free(m);
    float *bufs[] = {m->P, m->Q, m->bu, m->bi};
    for (size_t k = 0; k < sizeof bufs / sizeof *bufs; k++) hb_free_aligned(bufs[k]);
    hb_free_aligned(m->P16);
    hb_free_aligned(m->Q16);
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

static void hb_h_narrow(hb_model *m);

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
    if (ok && p->storage != HB_STORAGE_F32)
        ok = (m->P16 = hb_calloc_aligned(nu * ld, sizeof(uint16_t))) &&
             (m->Q16 = hb_calloc_aligned(ni * ld, sizeof(uint16_t)));
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
    if (p->init_offset && ds->n_train && !mlp) {
        const float c = (float)sqrt(fabs(mean));
        if (p->init_offset == 1) {
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
    if (p->init_offset == 1 && mlp && !hb_model_is_binary(p->model) && ds->n_train) {
        /* the MLP's output starts at the train mean: its first steps learn the interactions,
         * not the offset of 3.5 stars */
        m->L[m->n_layers - 1].b[0] = (float)mean;
    }
    if (p->global_mean && hb_has_bias(p->model) && !hb_model_is_binary(p->model))
        m->mu = (float)mean;
    if (hb_model_is_binary(p->model) && ds->n_train) { /* the train's positive rate, as a logit */
        const float span = ds->r_max - ds->r_min;
        double pos = 0;
        for (size_t k = 0; k < ds->n_train; k++)
            pos += hb_binary_label(ds->train[k].r, ds->r_min, span);
        pos = (pos + 0.5) / ((double)ds->n_train + 1.0);
        m->cold_z = (float)log(pos / (1 - pos));
    } else {
        m->cold_z = (float)mean;
    }
    hb_h_narrow(m); /* 16-bit storage: the start rounded to it, and P, Q its exact values */
    hb_model_h_widen(m);
    *out = m;
    return HB_OK;
}

/* ------------------------------------------------------------------ 16-bit storage */

hb_sgd_mf_run_fn hb_mf_run_kernel(const hb_kernels *k, const hb_train_params *p) {
    const int row = p->optimizer == HB_OPT_ADAGRAD_ROW;
    switch (p->storage) {
    case HB_STORAGE_BF16: return row ? k->adagrad_row_mf_run_bf16 : k->sgd_mf_run_bf16;
    case HB_STORAGE_F16: return row ? k->adagrad_row_mf_run_f16 : k->sgd_mf_run_f16;
    default: break;
    }
    return p->optimizer == HB_OPT_ADAGRAD ? k->adagrad_mf_run : row ? k->adagrad_row_mf_run : k->sgd_mf_run;
}

uint64_t hb_model_h_seed(hb_model *m) {
    uint64_t z = m->p.seed ^ (0x9E3779B97F4A7C15ull * (__atomic_fetch_add(&m->h_calls, 1, __ATOMIC_RELAXED) + 1));
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* P16, Q16 <- P, Q to nearest even (the start; rows' padding stays 0). */
static void hb_h_narrow(hb_model *m) {
    if (!m->P16) return;
    const int f16 = m->p.storage == HB_STORAGE_F16;
    const size_t n[2] = {(size_t)m->n_users * m->ld, (size_t)m->n_items * m->ld};
    const float *src[2] = {m->P, m->Q};
    uint16_t *dst[2] = {m->P16, m->Q16};
    for (int t = 0; t < 2; t++)
        for (size_t e = 0; e < n[t]; e++)
            dst[t][e] = f16 ? hb_f32_to_f16(src[t][e]) : hb_f32_to_bf16(src[t][e]);
}

void hb_model_h_widen(const hb_model *m) {
    if (!m->P16) return;
    const int f16 = m->p.storage == HB_STORAGE_F16;
    const size_t n[2] = {(size_t)m->n_users * m->ld, (size_t)m->n_items * m->ld};
    const uint16_t *src[2] = {m->P16, m->Q16};
    float *dst[2] = {m->P, m->Q};
    for (int t = 0; t < 2; t++) {
        const long long nt = (long long)n[t];
#pragma omp parallel for schedule(static) num_threads(m->p.threads > 0 ? m->p.threads : 1) if (nt > (1 << 20))
        for (long long e = 0; e < nt; e++)
            dst[t][e] = f16 ? hb_f16_to_f32(src[t][e]) : hb_bf16_to_f32(src[t][e]);
    }
}
