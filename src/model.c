/* model.c: model kinds' names, the model's layout and init, prediction, hashing, and .npy
 * export. Presets and checks: params.c; each family's forward, backward, scoring: model_mf.c,
 * model_mlp.c. */
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
    *out = m;
    return HB_OK;
}

float hb_model_predict(const hb_model *m, uint32_t u, uint32_t i) {
    const hb_kernels *k = hb_kernels_for(HB_ISA_SCALAR);
    if (hb_model_is_mlp(m->p.model)) {
        hb_mlp_ws w;
        if (hb_mlp_ws_init(&w, m) != HB_OK) return NAN;
        float z = hb_mlp_forward(m, k, &w, u, i);
        hb_mlp_ws_free(&w);
        return hb_link(m, z);
    }
    return hb_link(m, hb_mf_forward(m, k, u, i));
}

/* ------------------------------------------------------------------ hash and export */

static void hb_hash_rows(XXH3_state_t *st, const float *x, size_t rows, size_t cols, size_t ld) {
    for (size_t r = 0; r < rows; r++) XXH3_64bits_update(st, x + r * ld, cols * sizeof(float));
}

uint64_t hb_model_hash(const hb_model *m) {
    XXH3_state_t *st = XXH3_createState();
    if (!st) return 0;
    XXH3_64bits_reset(st);
    hb_hash_rows(st, m->P, m->n_users, m->dim, m->ld);
    hb_hash_rows(st, m->Q, m->n_items, m->dim, m->ld);
    if (m->bu) {
        hb_hash_rows(st, m->bu, 1, m->n_users, 0);
        hb_hash_rows(st, m->bi, 1, m->n_items, 0);
    }
    for (uint32_t l = 0; l < m->n_layers; l++) {
        hb_hash_rows(st, m->L[l].W, 1, (size_t)m->L[l].in * m->L[l].out, 0);
        hb_hash_rows(st, m->L[l].b, 1, m->L[l].out, 0);
    }
    uint64_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
}

/* Writes a NumPy v1.0 .npy file: 2-D (rows x cols, or 1-D when cols == 0) of '<f4' or '<i8'. */
static hb_status hb_npy_write(const char *dir, const char *name, const char *descr,
                              const void *data, size_t rows, size_t cols, size_t ld,
                              size_t elem, hb_error *err) {
    char path[4096], hdr[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return hb_fail(err, HB_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    int n = cols ? snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, "
                                              "'shape': (%zu, %zu), }", descr, rows, cols)
                 : snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, "
                                             "'shape': (%zu,), }", descr, rows);
    size_t total = hb_round_up(10 + (size_t)n + 1, 64), hl = total - 10;
    while ((size_t)n < hl - 1) hdr[n++] = ' ';
    hdr[n++] = '\n';
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hl & 0xff),
                             (unsigned char)(hl >> 8)};
    int bad = fwrite(pre, 1, 10, f) != 10 || fwrite(hdr, 1, hl, f) != hl;
    const size_t c = cols ? cols : rows, r = cols ? rows : 1;
    for (size_t a = 0; !bad && a < r; a++)
        bad = fwrite((const char *)data + a * ld * elem, elem, c, f) != c;
    if (!bad && (fflush(f) != 0 || fsync(fileno(f)) != 0)) bad = 1;
    if (fclose(f) != 0) bad = 1;
    return bad ? hb_fail(err, HB_ERR_IO, "%s: write failed", path) : HB_OK;
}

/* Only what hb_model_save writes: model.json and .npy files. */
static int hb_model_file(const char *name) {
    const size_t n = strlen(name);
    return strcmp(name, "model.json") == 0 || (n > 4 && strcmp(name + n - 4, ".npy") == 0);
}

hb_status hb_model_dir_check(const char *dir, hb_error *err) {
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        if (errno == ENOENT) return HB_OK;
        return hb_fail(err, HB_ERR_IO, "%s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode))
        return hb_fail(err, HB_ERR_IO, "%s: exists and is not a folder", dir);
    DIR *d = opendir(dir);
    if (!d) return hb_fail(err, HB_ERR_IO, "%s: cannot read: %s", dir, strerror(errno));
    hb_status st = HB_OK;
    struct dirent *e;
    while (st == HB_OK && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!hb_model_file(e->d_name) || lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            st = hb_fail(err, HB_ERR_IO, "%s: holds %s, which is not part of a saved model; "
                         "hogbench replaces only a folder it wrote (name a new folder)", dir,
                         e->d_name);
    }
    closedir(d);
    return st;
}

/* Removes a folder of model files (what hb_model_dir_check accepts). */
static void hb_model_dir_remove(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!hb_model_file(e->d_name)) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static hb_status hb_model_write(const hb_model *m, const hb_dataset *ds, const char *dir,
                                hb_error *err);

hb_status hb_model_save(const hb_model *m, const hb_dataset *ds, const char *dir,
                        hb_error *err) {
    hb_status st = hb_model_dir_check(dir, err);
    if (st != HB_OK) return st;
    char tmp[4096];
    const size_t dn = strlen(dir);
    if (dn + 16 >= sizeof tmp) return hb_fail(err, HB_ERR_IO, "%s: path too long", dir);
    size_t n = dn;
    while (n > 1 && dir[n - 1] == '/') n--; /* "out/" names the folder "out" */
    snprintf(tmp, sizeof tmp, "%.*s.tmp-XXXXXX", (int)n, dir);
    if (!mkdtemp(tmp))
        return hb_fail(err, HB_ERR_IO, "%s: cannot create a folder beside it: %s", dir,
                       strerror(errno));
    chmod(tmp, 0755);
    if ((st = hb_model_write(m, ds, tmp, err)) != HB_OK) {
        hb_model_dir_remove(tmp);
        return st;
    }
    struct stat sb;
    if (lstat(dir, &sb) != 0) { /* new: one rename */
        if (rename(tmp, dir) != 0) {
            st = hb_fail(err, HB_ERR_IO, "%s: cannot rename %s to it: %s", dir, tmp,
                         strerror(errno));
            hb_model_dir_remove(tmp);
        }
        return st;
    }
    /* an old model: swap the two folders in one step, then remove the old one */
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) != 0) {
        st = hb_fail(err, HB_ERR_IO, "%s: cannot swap in the new model from %s: %s", dir, tmp,
                     strerror(errno));
        hb_model_dir_remove(tmp);
        return st;
    }
    hb_model_dir_remove(tmp);
    return HB_OK;
}

/* Every file of the model into dir (which exists). */
static hb_status hb_model_write(const hb_model *m, const hb_dataset *ds, const char *dir,
                                hb_error *err) {
    hb_status st = hb_npy_write(dir, "user_factors.npy", "<f4", m->P, m->n_users, m->dim, m->ld, 4, err);
    if (!st) st = hb_npy_write(dir, "item_factors.npy", "<f4", m->Q, m->n_items, m->dim, m->ld, 4, err);
    if (!st && m->bu) st = hb_npy_write(dir, "user_bias.npy", "<f4", m->bu, m->n_users, 0, 0, 4, err);
    if (!st && m->bi) st = hb_npy_write(dir, "item_bias.npy", "<f4", m->bi, m->n_items, 0, 0, 4, err);
    if (!st) st = hb_npy_write(dir, "users.npy", "<i8", ds->user_ids, ds->n_users, 0, 0, 8, err);
    if (!st) st = hb_npy_write(dir, "items.npy", "<i8", ds->item_ids, ds->n_items, 0, 0, 8, err);
    for (uint32_t l = 0; !st && l < m->n_layers; l++) {
        char nw[32], nb[32];
        snprintf(nw, sizeof nw, "dense%u_W.npy", l);
        snprintf(nb, sizeof nb, "dense%u_b.npy", l);
        st = hb_npy_write(dir, nw, "<f4", m->L[l].W, m->L[l].out, m->L[l].in, m->L[l].in, 4, err);
        if (!st) st = hb_npy_write(dir, nb, "<f4", m->L[l].b, m->L[l].out, 0, 0, 4, err);
    }
    if (st) return st;
    char path[4200];
    snprintf(path, sizeof path, "%s/model.json", dir);
    FILE *f = fopen(path, "w");
    if (!f) return hb_fail(err, HB_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    const hb_train_params *p = &m->p;
    fprintf(f, "{\n  \"format\": \"hogbench-model-1\",\n  \"hogbench_version\": \"%s\",\n"
               "  \"model\": \"%s\",\n  \"dim\": %u,\n  \"n_users\": %u,\n  \"n_items\": %u,\n",
            HB_VERSION, hb_model_name(p->model), m->dim, m->n_users, m->n_items);
    fprintf(f, "  \"global_mean\": %.9g,\n  \"binary\": %s,\n  \"rating_min\": %g,\n"
               "  \"rating_max\": %g,\n  \"dataset\": \"%s\",\n  \"split\": \"%s\",\n"
               "  \"dataset_xxh3\": \"%016llx\",\n",
            m->mu, hb_model_is_binary(p->model) ? "true" : "false", ds->r_min, ds->r_max,
            ds->name, ds->split, (unsigned long long)ds->xxh3);
    fprintf(f, "  \"prediction\": \"%s\",\n",
            hb_model_is_mlp(p->model)
                ? "x = concat(user_factors[u], item_factors[i]); h = act(dense_l_W @ h + "
                  "dense_l_b) for hidden layers; z = last layer (no activation)"
                : m->bu ? "z = user_factors[u] . item_factors[i] + user_bias[u] + item_bias[i] + "
                          "global_mean"
                        : "z = user_factors[u] . item_factors[i]");
    fprintf(f, "  \"link\": \"%s\",\n  \"activation\": \"%s\",\n  \"dense_layers\": %u,\n"
               "  \"model_xxh3\": \"%016llx\",\n  \"users\": \"users.npy (original ids by row)\",\n"
               "  \"items\": \"items.npy (original ids by row)\"\n}\n",
            hb_model_is_binary(p->model) ? "sigmoid" : "identity",
            p->activation == HB_ACT_RELU ? "relu" : "linear", m->n_layers,
            (unsigned long long)hb_model_hash(m));
    if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: write failed", path);
    return HB_OK;
}
