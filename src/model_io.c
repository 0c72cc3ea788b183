/* model_io.c: a model's parameters hashed, saved (.npy files plus model.json, as one unit)
 * and loaded back. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "model.h"

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

/* ------------------------------------------------------------------------- loading */

/* The value after "key": in model.json's text (one flat object, as hb_model_write writes it):
 * a string (copied without its quotes) or a number/literal (copied as is). 0 if absent. */
static int hb_json_field(const char *js, const char *key, char *val, size_t cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(js, pat);
    if (!p) return 0;
    p += strlen(pat);
    while (*p == ' ') p++;
    size_t n = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"' && n + 1 < cap; p++) val[n++] = *p;
    } else {
        for (; *p && *p != ',' && *p != '\n' && *p != '}' && n + 1 < cap; p++) val[n++] = *p;
    }
    val[n] = '\0';
    return 1;
}

/* Reads a NumPy v1/v2 .npy of '<f4' with the shape (rows, cols) (1-D (rows,) when cols == 0)
 * into dst, rows ld floats apart. */
static hb_status hb_npy_read(const char *dir, const char *name, float *dst, size_t rows,
                             size_t cols, size_t ld, hb_error *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char pre[12];
    hb_status st = HB_OK;
    size_t hl = 0;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0 || pre[6] < 1 || pre[6] > 3)
        st = hb_fail(err, HB_ERR_PARSE, "%s: not a NumPy .npy file", path);
    else if (pre[6] == 1)
        hl = pre[8] | (size_t)pre[9] << 8;
    else if (fread(pre + 10, 1, 2, f) != 2)
        st = hb_fail(err, HB_ERR_PARSE, "%s: truncated header", path);
    else
        hl = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    char hdr[1024];
    if (st == HB_OK && (hl >= sizeof hdr || fread(hdr, 1, hl, f) != hl))
        st = hb_fail(err, HB_ERR_PARSE, "%s: header of %zu bytes is not readable", path, hl);
    if (st == HB_OK) {
        hdr[hl] = '\0';
        char want[64];
        if (cols) snprintf(want, sizeof want, "'shape': (%zu, %zu)", rows, cols);
        else snprintf(want, sizeof want, "'shape': (%zu,)", rows);
        if (!strstr(hdr, "'descr': '<f4'") || !strstr(hdr, "'fortran_order': False"))
            st = hb_fail(err, HB_ERR_PARSE, "%s: expected little-endian float32 in C order",
                         path);
        else if (!strstr(hdr, want))
            st = hb_fail(err, HB_ERR_PARSE, "%s: expected %s as model.json says", path, want);
    }
    const size_t c = cols ? cols : rows, r = cols ? rows : 1;
    for (size_t a = 0; st == HB_OK && a < r; a++)
        if (fread(dst + a * ld, sizeof(float), c, f) != c)
            st = hb_fail(err, HB_ERR_PARSE, "%s: ends before row %zu of %zu", path, a, r);
    fclose(f);
    return st;
}

/* The hidden width of a saved MLP: the rows of dense0_W.npy ('shape': (out, in)). */
static hb_status hb_npy_rows(const char *dir, const char *name, size_t *rows, hb_error *err) {
    char path[4096], hdr[256] = {0};
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    const size_t got = fread(hdr, 1, sizeof hdr - 1, f);
    fclose(f);
    hdr[got] = '\0';
    const char *s = got > 10 ? strstr(hdr + 10, "'shape': (") : NULL;
    unsigned long long v = 0;
    if (!s || sscanf(s, "'shape': (%llu,", &v) != 1 || v == 0)
        return hb_fail(err, HB_ERR_PARSE, "%s: no shape in its header", path);
    *rows = (size_t)v;
    return HB_OK;
}

hb_status hb_model_load(const char *dir, hb_model **out, hb_error *err) {
    *out = NULL;
    char path[4200], js[8192];
    snprintf(path, sizeof path, "%s/model.json", dir);
    FILE *f = fopen(path, "r");
    if (!f) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    const size_t n = fread(js, 1, sizeof js - 1, f);
    fclose(f);
    js[n] = '\0';
    char v[160];
    hb_model_kind kind;
    unsigned long long dim = 0, nu = 0, ni = 0, layers = 0, hash = 0;
    float mu = 0;
    char act[16] = "linear";
    if (!hb_json_field(js, "format", v, sizeof v) || strcmp(v, "hogbench-model-1") != 0)
        return hb_fail(err, HB_ERR_PARSE, "%s: expected \"format\": \"hogbench-model-1\"", path);
    if (!hb_json_field(js, "model", v, sizeof v) || hb_model_parse(v, &kind) != 0)
        return hb_fail(err, HB_ERR_PARSE, "%s: \"model\": expected a model name", path);
    if (!hb_json_field(js, "dim", v, sizeof v) || sscanf(v, "%llu", &dim) != 1 ||
        !hb_json_field(js, "n_users", v, sizeof v) || sscanf(v, "%llu", &nu) != 1 ||
        !hb_json_field(js, "n_items", v, sizeof v) || sscanf(v, "%llu", &ni) != 1 ||
        !hb_json_field(js, "dense_layers", v, sizeof v) || sscanf(v, "%llu", &layers) != 1 ||
        !hb_json_field(js, "global_mean", v, sizeof v) || sscanf(v, "%f", &mu) != 1 ||
        !hb_json_field(js, "model_xxh3", v, sizeof v) || sscanf(v, "%llx", &hash) != 1 ||
        !hb_json_field(js, "activation", act, sizeof act))
        return hb_fail(err, HB_ERR_PARSE, "%s: expected dim, n_users, n_items, dense_layers, "
                       "global_mean, model_xxh3 and activation", path);
    const int mlp = hb_model_is_mlp(kind);
    if (dim == 0 || dim > 65536 || nu == 0 || ni == 0 || nu > UINT32_MAX || ni > UINT32_MAX ||
        (mlp ? layers < 1 || layers > HB_MLP_MAX_LAYERS : layers != 0))
        return hb_fail(err, HB_ERR_PARSE, "%s: shape out of range (dim %llu, %llu users, %llu "
                       "items, %llu dense layers for %s)", path, dim, nu, ni, layers,
                       hb_model_name(kind));
    hb_train_params p = hb_params_default(kind);
    p.dim = (uint32_t)dim;
    p.activation = strcmp(act, "relu") == 0 ? HB_ACT_RELU : HB_ACT_LINEAR;
    p.isa = HB_ISA_AUTO;
    hb_status st = HB_OK;
    if (mlp) {
        size_t hidden = 1;
        p.n_hidden = (uint32_t)layers - 1;
        if (p.n_hidden && (st = hb_npy_rows(dir, "dense0_W.npy", &hidden, err)) != HB_OK)
            return st;
        p.hidden = (uint32_t)hidden;
    }
    hb_model *m = calloc(1, sizeof *m);
    if (!m) return hb_fail(err, HB_ERR_NOMEM, "out of memory");
    m->p = p;
    m->n_users = (uint32_t)nu;
    m->n_items = (uint32_t)ni;
    m->dim = p.dim;
    m->ld = (uint32_t)hb_round_up(p.dim, HB_PAD);
    m->mu = mu;
    m->cold_z = mu;
    const int bias = kind == HB_MODEL_MF_BIAS || kind == HB_MODEL_MF_BIAS_BIN || kind == HB_MODEL_SVDPP;
    int ok = (m->P = hb_calloc_aligned(nu * m->ld, sizeof(float))) &&
             (m->Q = hb_calloc_aligned(ni * m->ld, sizeof(float)));
    if (ok && bias) ok = (m->bu = hb_calloc_aligned(nu, 4)) && (m->bi = hb_calloc_aligned(ni, 4));
    if (ok && mlp) {
        m->n_layers = (uint32_t)layers;
        for (uint32_t l = 0; ok && l < m->n_layers; l++) {
            hb_layer *L = &m->L[l];
            L->in = l == 0 ? 2 * p.dim : p.hidden;
            L->out = l + 1 == m->n_layers ? 1 : p.hidden;
            ok = (L->W = hb_calloc_aligned((size_t)L->in * L->out, 4)) &&
                 (L->b = hb_calloc_aligned(L->out, 4));
        }
    }
    if (ok) ok = hb_optim_alloc(m) == HB_OK; /* so that it can be trained further */
    if (!ok) st = hb_fail(err, HB_ERR_NOMEM, "out of memory for %s", dir);
    if (!st) st = hb_npy_read(dir, "user_factors.npy", m->P, nu, dim, m->ld, err);
    if (!st) st = hb_npy_read(dir, "item_factors.npy", m->Q, ni, dim, m->ld, err);
    if (!st && bias) st = hb_npy_read(dir, "user_bias.npy", m->bu, nu, 0, 0, err);
    if (!st && bias) st = hb_npy_read(dir, "item_bias.npy", m->bi, ni, 0, 0, err);
    for (uint32_t l = 0; !st && l < m->n_layers; l++) {
        char nw[32], nb[32];
        snprintf(nw, sizeof nw, "dense%u_W.npy", l);
        snprintf(nb, sizeof nb, "dense%u_b.npy", l);
        st = hb_npy_read(dir, nw, m->L[l].W, m->L[l].out, m->L[l].in, m->L[l].in, err);
        if (!st) st = hb_npy_read(dir, nb, m->L[l].b, m->L[l].out, 0, 0, err);
    }
    if (!st && hb_model_hash(m) != (uint64_t)hash)
        st = hb_fail(err, HB_ERR_PARSE, "%s: the parameters' XXH3 %016llx is not model.json's "
                     "model_xxh3 %016llx", dir, (unsigned long long)hb_model_hash(m), hash);
    if (st) {
        hb_model_free(&m);
        return st;
    }
    *out = m;
    return HB_OK;
}
