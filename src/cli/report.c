/* report.c: 'hogbench report RESULTS.csv... [--probe P...] --out DIR': reads results rows
 * (by column name) and machine profiles, groups the rows into machines and configs, and writes
 * one self-contained HTML report and its Markdown twin (sections: report_out.c). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cli.h"
#include "report.h"
#include "stats.h"

// clang-format off
static void hb_report_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench report RESULTS.csv... [--probe PROBE.json...] --out DIR [options]\n\n"
        "Puts machines, builds or ISAs side by side in one self-contained report: DIR/report.html\n"
        "(inline SVG, no scripts, no network) and DIR/report.md (its Markdown twin; the figures as\n"
        "DIR/*.svg). Rows are read by column name (any hogbench results CSV; several files and\n"
        "schema versions may be mixed); profiles come from 'hogbench probe --out'.\n\n"
        "A machine is one (hostname, cpu_model, isa, build) of the rows, build = compiler, build\n"
        "flags and git sha: the rows of one 'sweep --isas all' are one machine per ISA. Configs\n"
        "are matched across machines by the run-key columns (results/SCHEMA.md) less isa.\n\n"
        "options:\n"
        "  --out DIR             the report's folder (created; files replaced atomically)\n"
        "  --probe FILE.json     a machine profile (repeatable); matched to rows by hostname and CPU\n"
        "                        (a full probe before a --quick one)\n"
        "  --baseline LABEL      the machine ratios are taken against (a label as the report\n"
        "                        prints it, or a unique part of one; default: the one with the\n"
        "                        most finished rows, the first of equals)\n"
        "  --machine-by F,...    what makes a machine: host, cpu, isa, build (default all four);\n"
        "                        without isa, the ISA becomes part of the config instead\n"
        "  --tolerance X         quality parity: |difference| allowed in RMSE, MAE and NDCG@10\n"
        "                        between machines (default 0.005); 1-thread runs of the same run\n"
        "                        key (same ISA) must match exactly\n"
        "  --title TEXT          the report's title\n"
        "  --strict              exit 1 when the parity check flags a difference\n\n"
        "exit status: 0 written, 1 written with --strict flags or a write error, 2 bad usage or\n"
        "unreadable input (the message names the file and line).\n");
}
// clang-format on

/* ------------------------------------------------------------------ arena */

struct hb_rp_block {
    hb_rp_block *next;
    max_align_t data[];
};

void *hb_rp_alloc(hb_rp_arena *a, size_t n) {
    hb_rp_block *b = calloc(1, sizeof *b + (n ? n : 1));
    if (!b) {
        fprintf(stderr, "hogbench report: out of memory\n");
        exit(1);
    }
    b->next = a->head;
    a->head = b;
    return b->data;
}

char *hb_rp_strdup(hb_rp_arena *a, const char *s) {
    const size_t n = strlen(s) + 1;
    return memcpy(hb_rp_alloc(a, n), s, n);
}

char *hb_rp_printf(hb_rp_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = hb_rp_alloc(a, (size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    return s;
}

void hb_rp_arena_free(hb_rp_arena *a) {
    while (a->head) {
        hb_rp_block *n = a->head->next;
        free(a->head);
        a->head = n;
    }
}

static void *hb_rp_grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return p;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need) c *= 2;
    void *q = realloc(p, c * size);
    if (!q) {
        fprintf(stderr, "hogbench report: out of memory\n");
        exit(1);
    }
    memset((char *)q + *cap * size, 0, (c - *cap) * size);
    *cap = c;
    return q;
}

/* ------------------------------------------------------------------ interning (XXH3 -> index) */

typedef struct hb_rp_map {
    uint64_t *h;
    int *v;
    size_t cap, n;
} hb_rp_map;

static void hb_rp_map_put(hb_rp_map *m, uint64_t h, int v) {
    if ((m->n + 1) * 2 > m->cap) {
        hb_rp_map o = *m;
        m->cap = o.cap ? o.cap * 2 : 256;
        m->h = malloc(m->cap * sizeof *m->h);
        m->v = malloc(m->cap * sizeof *m->v);
        if (!m->h || !m->v) {
            fprintf(stderr, "hogbench report: out of memory\n");
            exit(1);
        }
        for (size_t k = 0; k < m->cap; k++) m->v[k] = -1;
        m->n = 0;
        for (size_t k = 0; k < o.cap; k++)
            if (o.v[k] >= 0) hb_rp_map_put(m, o.h[k], o.v[k]);
        free(o.h);
        free(o.v);
    }
    size_t k = h & (m->cap - 1);
    while (m->v[k] >= 0) k = (k + 1) & (m->cap - 1);
    m->h[k] = h;
    m->v[k] = v;
    m->n++;
}

static void hb_rp_map_free(hb_rp_map *m) {
    free(m->h);
    free(m->v);
}

/* ------------------------------------------------------------------ reading rows */

static const char *const hb_rp_model_order[] = {"mf", "mf_bias", "mlp", "mf_bias_bin", "mlp_bin"};

static int hb_rp_model_rank(const char *m) {
    for (int k = 0; k < 5; k++)
        if (strcmp(m, hb_rp_model_order[k]) == 0) return k;
    return 5;
}

int hb_rp_isa_rank(const char *isa) {
    static const char *const o[] = {"scalar", "avx2", "avx512", "neon"};
    for (int k = 0; k < 4; k++)
        if (strcmp(isa, o[k]) == 0) return k;
    return 4;
}

/* A number field: NAN when empty; -1 with a message for anything else that is not a number. */
static int hb_rp_num(const hb_csvr *t, size_t row, int col, double *out) {
    const char *s = hb_csvr_get(t, row, col);
    *out = NAN;
    if (!*s) return 0;
    char *e;
    errno = 0;
    const double v = strtod(s, &e);
    if (*e || errno == ERANGE) {
        fprintf(stderr, "hogbench report: %s:%zu: column '%s': expected a number, got '%s'\n",
                t->path, t->line[row], t->head[col], s);
        return -1;
    }
    *out = v;
    return 0;
}

static unsigned hb_rp_uint(const char *s) {
    char *e;
    const unsigned long v = strtoul(s, &e, 10);
    return *s && !*e && v < 1u << 30 ? (unsigned)v : 0;
}

typedef struct hb_rp_cols {
    int data, model, dim, threads, isa, status, message, ups, rmse, mae, ndcg10;
    int host, cpu, compiler, flags, sha, logical, physical, isa_supported, l1, l2, l3, os, version;
    int optimizer, batch, hidden, layers, activation, dataset;
    int ttq, ttq_eval, ttq_epochs, tmetric, tvalue;
} hb_rp_cols;

/* The columns a results CSV needs (-1 with the message printed when one is missing) and those
 * it may have (-1 when absent) into k. */
static int hb_rp_columns(const hb_csvr *t, hb_rp_cols *k) {
    static const char *const need[] = {
        "data", "model", "dim", "threads", "isa", "status", "updates_per_second"};
    int *const needp[] = {&k->data, &k->model, &k->dim, &k->threads, &k->isa, &k->status, &k->ups};
    for (int n = 0; n < 7; n++)
        if ((*needp[n] = hb_csvr_col(t, need[n])) < 0) {
            fprintf(stderr,
                    "hogbench report: %s:1: no column '%s' (expected a hogbench results "
                    "CSV: results/SCHEMA.md)\n",
                    t->path, need[n]);
            return -1;
        }
    k->message = hb_csvr_col(t, "message");
    k->rmse = hb_csvr_col(t, "rmse");
    k->mae = hb_csvr_col(t, "mae");
    k->ndcg10 = hb_csvr_col(t, "ndcg_at_10");
    k->host = hb_csvr_col(t, "hostname");
    k->cpu = hb_csvr_col(t, "cpu_model");
    k->compiler = hb_csvr_col(t, "compiler");
    k->flags = hb_csvr_col(t, "build_flags");
    k->sha = hb_csvr_col(t, "git_sha");
    k->logical = hb_csvr_col(t, "logical_cpus");
    k->physical = hb_csvr_col(t, "physical_cores");
    k->isa_supported = hb_csvr_col(t, "isa_supported");
    k->l1 = hb_csvr_col(t, "l1d_kib");
    k->l2 = hb_csvr_col(t, "l2_kib");
    k->l3 = hb_csvr_col(t, "l3_kib");
    k->os = hb_csvr_col(t, "os_kernel");
    k->version = hb_csvr_col(t, "hogbench_version");
    k->optimizer = hb_csvr_col(t, "optimizer");
    k->batch = hb_csvr_col(t, "batch");
    k->hidden = hb_csvr_col(t, "hidden");
    k->layers = hb_csvr_col(t, "layers");
    k->activation = hb_csvr_col(t, "activation");
    k->dataset = hb_csvr_col(t, "dataset");
    k->ttq = hb_csvr_col(t, "seconds_to_target");
    k->ttq_eval = hb_csvr_col(t, "seconds_to_target_with_eval");
    k->ttq_epochs = hb_csvr_col(t, "epochs_to_target");
    k->tmetric = hb_csvr_col(t, "target_metric");
    k->tvalue = hb_csvr_col(t, "target_value");
    return 0;
}

/* The machine of row i (its hostname, cpu, isa and build, as the report groups them): found
 * in mmap by its key, else added. key: scratch of HB_CSVR_MAX_LINE * 2 + 4096 bytes. */
static int hb_rp_machine_of(hb_rp *r, hb_rp_map *mmap, const hb_csvr *t, size_t i,
                            const hb_rp_cols *k, char *key) {
    size_t at = 0;
    const int mcols[] = {r->by_host ? k->host : -2,   r->by_cpu ? k->cpu : -2,
                         r->by_isa ? k->isa : -2,     r->by_build ? k->compiler : -2,
                         r->by_build ? k->flags : -2, r->by_build ? k->sha : -2};
    for (int c = 0; c < 6; c++)
        if (mcols[c] != -2)
            at += (size_t)snprintf(key + at, HB_CSVR_MAX_LINE * 2 + 4096 - at, "%s\x1f",
                                   hb_csvr_get(t, i, mcols[c]));
    uint64_t h = XXH3_64bits(key, at);
    int mi = -1;
    for (size_t s = h & (mmap->cap ? mmap->cap - 1 : 0); mmap->cap;
         s = (s + 1) & (mmap->cap - 1)) {
        if (mmap->v[s] < 0) break;
        if (mmap->h[s] == h && strcmp(r->m[mmap->v[s]].key, key) == 0) {
            mi = mmap->v[s];
            break;
        }
    }
    if (mi < 0) {
        size_t cap = (size_t)r->capm;
        r->m = hb_rp_grow(r->m, &cap, (size_t)r->nm + 1, sizeof *r->m);
        r->capm = (int)cap;
        mi = r->nm++;
        hb_rp_machine *m = &r->m[mi];
        m->key = hb_rp_strdup(&r->A, key);
        m->host = hb_csvr_get(t, i, k->host);
        m->cpu = hb_csvr_get(t, i, k->cpu);
        m->isa = hb_csvr_get(t, i, k->isa);
        m->compiler = hb_csvr_get(t, i, k->compiler);
        m->flags = hb_csvr_get(t, i, k->flags);
        m->sha = hb_csvr_get(t, i, k->sha);
        m->logical = hb_csvr_get(t, i, k->logical);
        m->physical = hb_csvr_get(t, i, k->physical);
        m->isa_supported = hb_csvr_get(t, i, k->isa_supported);
        m->l1 = hb_csvr_get(t, i, k->l1);
        m->l2 = hb_csvr_get(t, i, k->l2);
        m->l3 = hb_csvr_get(t, i, k->l3);
        m->os = hb_csvr_get(t, i, k->os);
        m->version = hb_csvr_get(t, i, k->version);
        m->probe = -1;
        hb_rp_map_put(mmap, h, mi);
    }
    return mi;
}

/* The config of row i (every column before data, less isa when isa makes machines): found in
 * cmap by its key, else added. key: the same scratch. */
static int hb_rp_config_of(hb_rp *r, hb_rp_map *cmap, const hb_csvr *t, size_t i,
                           const hb_rp_cols *k, char *key) {
    size_t at = 0;
    for (int c = 0; c < k->data; c++) {
        if (r->by_isa && c == k->isa) continue;
        const int wr = snprintf(key + at, HB_CSVR_MAX_LINE * 2 + 4096 - at, "%s=%s\n",
                                t->head[c], hb_csvr_get(t, i, c));
        if (wr > 0) at += (size_t)wr;
    }
    const uint64_t h = XXH3_64bits(key, at);
    int ci = -1;
    for (size_t s = h & (cmap->cap ? cmap->cap - 1 : 0); cmap->cap;
         s = (s + 1) & (cmap->cap - 1)) {
        if (cmap->v[s] < 0) break;
        if (cmap->h[s] == h && strcmp(r->c[cmap->v[s]].key, key) == 0) {
            ci = cmap->v[s];
            break;
        }
    }
    if (ci < 0) {
        size_t cap = (size_t)r->capc;
        r->c = hb_rp_grow(r->c, &cap, (size_t)r->nc + 1, sizeof *r->c);
        r->capc = (int)cap;
        ci = r->nc++;
        hb_rp_config *c = &r->c[ci];
        c->key = hb_rp_strdup(&r->A, key);
        c->npairs = k->data - (r->by_isa ? 1 : 0);
        c->name = hb_rp_alloc(&r->A, (size_t)(c->npairs + 1) * sizeof *c->name);
        c->value = hb_rp_alloc(&r->A, (size_t)(c->npairs + 1) * sizeof *c->value);
        int p = 0;
        for (int col = 0; col < k->data; col++) {
            if (r->by_isa && col == k->isa) continue;
            c->name[p] = t->head[col];
            c->value[p++] = hb_csvr_get(t, i, col);
        }
        c->model = hb_csvr_get(t, i, k->model);
        c->model_rank = hb_rp_model_rank(c->model);
        c->optimizer = hb_csvr_get(t, i, k->optimizer);
        c->dataset = hb_csvr_get(t, i, k->dataset);
        c->isa = r->by_isa ? NULL : hb_csvr_get(t, i, k->isa);
        c->dim = hb_rp_uint(hb_csvr_get(t, i, k->dim));
        c->threads = hb_rp_uint(hb_csvr_get(t, i, k->threads));
        c->batch = hb_rp_uint(hb_csvr_get(t, i, k->batch));
        c->hidden = hb_rp_uint(hb_csvr_get(t, i, k->hidden));
        c->layers = hb_rp_uint(hb_csvr_get(t, i, k->layers));
        const char *act = hb_csvr_get(t, i, k->activation);
        c->activation = act && strcmp(act, "linear") == 0 ? HB_ACT_LINEAR : HB_ACT_RELU;
        hb_rp_map_put(cmap, h, ci);
    }
    return ci;
}

static int hb_rp_load_csv(hb_rp *r, int fi, hb_rp_map *mmap, hb_rp_map *cmap) {
    hb_csvr *t = &r->files[fi];
    hb_rp_cols k;
    if (hb_csvr_col(t, "data") < 0 && hb_csvr_col(t, "epoch") >= 0 &&
        hb_csvr_col(t, "run_key") >= 0) {
        /* a learning-curves file (--curves), as 'results/sweep-*.csv' also matches */
        fprintf(stderr,
                "hogbench report: %s: learning curves (--curves rows), not results: skipped\n",
                t->path);
        return 1;
    }
    if (hb_rp_columns(t, &k) != 0) return -1;
    if (k.ttq >= 0) r->has_ttq = 1;
    if (t->torn) r->torn = 1;
    char *key = malloc(HB_CSVR_MAX_LINE * 2 + 4096);
    if (!key) {
        fprintf(stderr, "hogbench report: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < t->nrows; i++) {
        r->rows = hb_rp_grow(r->rows, &r->caprows, r->nrows + 1, sizeof *r->rows);
        hb_rp_row *w = &r->rows[r->nrows];
        w->file = fi;
        w->line = t->line[i];
        w->next = -1;
        w->status = hb_csvr_get(t, i, k.status);
        w->message = hb_csvr_get(t, i, k.message);
        w->ok = strcmp(w->status, "ok") == 0 || strcmp(w->status, "target_missed") == 0;
        w->missed = strcmp(w->status, "target_missed") == 0;
        if (hb_rp_num(t, i, k.ups, &w->ups) || hb_rp_num(t, i, k.rmse, &w->rmse) ||
            hb_rp_num(t, i, k.mae, &w->mae) || hb_rp_num(t, i, k.ndcg10, &w->ndcg10) ||
            hb_rp_num(t, i, k.ttq, &w->ttq) || hb_rp_num(t, i, k.ttq_eval, &w->ttq_eval) ||
            hb_rp_num(t, i, k.ttq_epochs, &w->ttq_epochs)) {
            free(key);
            return -1;
        }
        if (!strcmp(w->status, "ok") && !(w->ups > 0)) {
            fprintf(stderr,
                    "hogbench report: %s:%zu: status %s but updates_per_second '%s' is "
                    "not a positive number\n",
                    t->path, w->line, w->status, hb_csvr_get(t, i, k.ups));
            free(key);
            return -1;
        }
        w->rmse_s = hb_csvr_get(t, i, k.rmse);
        w->mae_s = hb_csvr_get(t, i, k.mae);
        w->ndcg10_s = hb_csvr_get(t, i, k.ndcg10);
        w->tmetric = hb_csvr_get(t, i, k.tmetric);
        w->tvalue = hb_csvr_get(t, i, k.tvalue);
        const int mi = hb_rp_machine_of(r, mmap, t, i, &k, key);
        w->machine = mi;
        r->m[mi].nrows++;
        r->m[mi].nok += w->ok;
        const int ci = hb_rp_config_of(r, cmap, t, i, &k, key);
        w->config = ci;
        r->nrows++;
    }
    free(key);
    return 0;
}

/* ------------------------------------------------------------------ probes */

static double hb_rp_jnum(const hb_json *o, const char *k) {
    const hb_json *v = hb_json_get(o, k);
    return v && v->type == HB_JSON_NUMBER ? v->number : NAN;
}

static const char *hb_rp_jstr(const hb_json *o, const char *k) {
    const hb_json *v = hb_json_get(o, k);
    return v && v->type == HB_JSON_STRING ? v->str : "";
}

static int hb_rp_load_probe(hb_rp *r, const char *path, hb_rp_probe *p) {
    char *buf;
    size_t len;
    hb_error err = {{0}};
    if (hb_read_regular(path, (size_t)16 << 20, &buf, &len, &err) != HB_OK) {
        fprintf(stderr, "hogbench report: %s\n", err.msg);
        return -1;
    }
    hb_json *j = NULL;
    const hb_status st = hb_json_parse(buf, len, path, &j, &err);
    free(buf);
    if (st != HB_OK) {
        fprintf(stderr, "hogbench report: %s\n", err.msg);
        return -1;
    }
    const hb_json *mach = hb_json_get(j, "machine"), *stream = hb_json_get(j, "stream"),
                  *gather = hb_json_get(j, "gather"), *fma = hb_json_get(j, "fma"),
                  *topo = hb_json_get(j, "topology");
    if (!hb_json_get(j, "hogbench_probe") || !mach || mach->type != HB_JSON_OBJECT) {
        fprintf(stderr,
                "hogbench report: %s: not a hogbench probe profile (no hogbench_probe and "
                "machine members; write one with 'hogbench probe --out')\n",
                path);
        hb_json_free(&j);
        return -1;
    }
    memset(p, 0, sizeof *p);
    p->path = hb_rp_strdup(&r->A, path);
    p->host = hb_rp_strdup(&r->A, hb_rp_jstr(mach, "hostname"));
    p->cpu = hb_rp_strdup(&r->A, hb_rp_jstr(mach, "cpu_model"));
    p->threads_all = (int)hb_rp_jnum(j, "threads_all");
    p->seconds = hb_rp_jnum(j, "seconds");
    const hb_json *q = hb_json_get(j, "quick");
    p->quick = q && q->type == HB_JSON_BOOL && q->boolean;
    p->topo_source = hb_rp_strdup(&r->A, hb_rp_jstr(topo, "source"));
    p->packages = (int)hb_rp_jnum(topo, "packages");
    p->numa = (int)hb_rp_jnum(topo, "numa_nodes");
    p->cores = (int)hb_rp_jnum(topo, "cores");
    p->pus = (int)hb_rp_jnum(topo, "pus");
    p->mem_kib = (long long)hb_rp_jnum(topo, "memory_total_kib");
    const hb_json *caches = hb_json_get(topo, "caches");
    size_t at = 0;
    for (const hb_json *c = caches && caches->type == HB_JSON_ARRAY ? caches->child : NULL; c;
         c = c->next) {
        const char *ty = hb_rp_jstr(c, "type");
        if (strcmp(ty, "instruction") == 0) continue;
        const double kib = hb_rp_jnum(c, "size_kib");
        const int w = snprintf(p->caches + at, sizeof p->caches - at, "%sL%d %s%.0f %s x%d",
                               at ? ", " : "", (int)hb_rp_jnum(c, "level"),
                               strcmp(ty, "data") == 0 ? "d " : "", kib >= 4096 ? kib / 1024 : kib,
                               kib >= 4096 ? "MiB" : "KiB", (int)hb_rp_jnum(c, "count"));
        if (w > 0 && (size_t)w < sizeof p->caches - at) at += (size_t)w;
    }
    p->stream_bytes = hb_rp_jnum(stream, "array_bytes");
    p->stream_level = hb_rp_strdup(&r->A, hb_rp_jstr(stream, "level"));
    p->copy1 = p->copyN = p->triad1 = p->triadN = NAN;
    const hb_json *sr = hb_json_get(stream, "results");
    for (const hb_json *e = sr && sr->type == HB_JSON_ARRAY ? sr->child : NULL; e; e = e->next) {
        const int th = (int)hb_rp_jnum(e, "threads"),
                  tri = strcmp(hb_rp_jstr(e, "kernel"), "triad") == 0;
        const double g = hb_rp_jnum(e, "gb_per_s");
        if (th == 1) *(tri ? &p->triad1 : &p->copy1) = g;
        if (th == p->threads_all) *(tri ? &p->triadN : &p->copyN) = g;
    }
    const hb_json *gr = hb_json_get(gather, "results"), *e;
    p->g = hb_rp_alloc(&r->A, (gr && gr->type == HB_JSON_ARRAY ? gr->n : 0) * sizeof *p->g + 1);
    for (e = gr && gr->type == HB_JSON_ARRAY ? gr->child : NULL; e; e = e->next) {
        hb_rp_gather *g = &p->g[p->ng];
        g->table_bytes = hb_rp_jnum(e, "table_bytes");
        g->row_bytes = hb_rp_jnum(e, "row_bytes");
        g->read = hb_rp_jnum(e, "read_rows_per_s");
        g->update = hb_rp_jnum(e, "update_rows_per_s");
        g->threads = (int)hb_rp_jnum(e, "threads");
        g->level = hb_rp_strdup(&r->A, hb_rp_jstr(e, "level"));
        if (g->table_bytes > 0 && g->row_bytes > 0 && g->update > 0) p->ng++;
    }
    p->f = hb_rp_alloc(&r->A, (fma && fma->type == HB_JSON_ARRAY ? fma->n : 0) * sizeof *p->f + 1);
    for (e = fma && fma->type == HB_JSON_ARRAY ? fma->child : NULL; e; e = e->next) {
        hb_rp_fma *f = &p->f[p->nf];
        f->isa = hb_rp_strdup(&r->A, hb_rp_jstr(e, "isa"));
        f->threads = (int)hb_rp_jnum(e, "threads");
        f->gflops = hb_rp_jnum(e, "gflops");
        if (f->gflops > 0) p->nf++;
    }
    hb_json_free(&j);
    if (!p->host[0] || p->threads_all < 1) {
        fprintf(stderr, "hogbench report: %s: the profile names no hostname or thread count\n",
                path);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ statistics and roofs */

int hb_rp_cell_stats(const hb_rp *r, int config, int machine, size_t field, double *med, double *lo,
                     double *hi) {
    double v[256];
    int n = 0;
    for (int i = r->cell[(size_t)config * (size_t)r->nm + (size_t)machine]; i >= 0;
         i = r->rows[i].next) {
        const hb_rp_row *w = &r->rows[i];
        const double x = *(const double *)((const char *)w + field);
        if (w->ok && !isnan(x) && n < 256) v[n++] = x;
    }
    *med = *lo = *hi = NAN;
    if (!n) return 0;
    qsort(v, (size_t)n, sizeof *v, hb_cmp_double);
    *med = hb_median_sorted(v, (size_t)n);
    *lo = v[0];
    *hi = v[n - 1];
    return n;
}

/* Users + items of the dataset column: ML-100K's full counts (an upper bound: the notebook's
 * filtering keeps fewer), a synthetic spec's users and items; 0 when unknown. */
static double hb_rp_entities(const char *ds) {
    if (strcmp(ds, "ml-100k") == 0 || strcmp(ds, "synthetic") == 0) return 943.0 + 1682.0;
    if (strncmp(ds, "synthetic:", 10) != 0) return 0.0;
    const char *u = strstr(ds, "users="), *i = strstr(ds, "items=");
    if (!u || !i) return 943.0 + 1682.0; /* the spec's defaults: ML-100K's shape */
    return strtod(u + 6, NULL) + strtod(i + 6, NULL);
}

/* The probe's update rate (rows/s) at this table size and row size with t threads. */
static double hb_rp_gather_rate(const hb_rp_probe *p, double table, double row, int t,
                                int threads) {
    /* nearest measured row size at or above row (else the largest, scaled down) */
    double rb = 0, best = 1e300, maxrb = 0;
    for (int k = 0; k < p->ng; k++) {
        if (p->g[k].threads != threads) continue;
        if (p->g[k].row_bytes > maxrb) maxrb = p->g[k].row_bytes;
        if (p->g[k].row_bytes >= row && p->g[k].row_bytes < best) best = rb = p->g[k].row_bytes;
    }
    (void)t;
    double scale = 1.0;
    if (rb == 0) {
        rb = maxrb;
        scale = maxrb / row;
    }
    if (rb == 0) return NAN;
    /* log-log interpolation over table sizes, clamped at the ends */
    double xs[64], ys[64];
    int n = 0;
    for (int k = 0; k < p->ng && n < 64; k++)
        if (p->g[k].threads == threads && p->g[k].row_bytes == rb) {
            xs[n] = p->g[k].table_bytes;
            ys[n++] = p->g[k].update;
        }
    if (!n) return NAN;
    for (int a = 1; a < n; a++) /* sort by table size */
        for (int b = a; b > 0 && xs[b - 1] > xs[b]; b--) {
            double x = xs[b];
            xs[b] = xs[b - 1];
            xs[b - 1] = x;
            double y = ys[b];
            ys[b] = ys[b - 1];
            ys[b - 1] = y;
        }
    if (table <= xs[0]) return ys[0] * scale;
    if (table >= xs[n - 1]) return ys[n - 1] * scale;
    int k = 1;
    while (xs[k] < table) k++;
    const double f = (log(table) - log(xs[k - 1])) / (log(xs[k]) - log(xs[k - 1]));
    return exp(log(ys[k - 1]) + f * (log(ys[k]) - log(ys[k - 1]))) * scale;
}

/* A figure for t threads from the 1-thread and all-threads measurements: linear in between. */
static double hb_rp_threads_interp(double v1, double vn, int n, int t) {
    if (t <= 1 || n <= 1) return v1;
    if (t >= n) return vn;
    return v1 + (vn - v1) * (double)(t - 1) / (double)(n - 1);
}

double hb_rp_roof(const hb_rp *r, int ci, int mi, const char **bound, char *why, size_t cap) {
    const hb_rp_config *c = &r->c[ci];
    const hb_rp_machine *m = &r->m[mi];
    *bound = "";
    if (why) why[0] = '\0';
    if (m->probe < 0) return NAN;
    const hb_rp_probe *p = &r->probes[m->probe];
    hb_model_kind kind;
    if (hb_model_parse(c->model, &kind) != 0) return NAN;
    hb_update_cost uc;
    const hb_optimizer opt = strcmp(c->optimizer, "nadam") == 0 ? HB_OPT_NADAM : HB_OPT_SGD;
    if (hb_update_cost_of(kind, opt, c->dim, c->batch ? c->batch : 1, c->hidden ? c->hidden : 50,
                          c->layers ? c->layers : 3, c->activation, &uc) != 0)
        return NAN;
    const char *isa = c->isa ? c->isa : m->isa;
    const int t = (int)(c->threads ? c->threads : 1);
    double f1 = NAN, fn = NAN;
    for (int k = 0; k < p->nf; k++)
        if (strcmp(p->f[k].isa, isa) == 0) {
            if (p->f[k].threads == 1) f1 = p->f[k].gflops;
            if (p->f[k].threads == p->threads_all) fn = p->f[k].gflops;
        }
    if (isnan(fn)) fn = f1;
    const double gflops = hb_rp_threads_interp(f1, fn, p->threads_all, t);
    const double roof_f = gflops * 1e9 / uc.flops;
    const double ent = hb_rp_entities(c->dataset);
    const double table = ent > 0 ? ent * uc.entity_bytes : 1e30; /* unknown: the largest measured */
    const double g1 = hb_rp_gather_rate(p, table, uc.row_bytes, t, 1);
    double gn = hb_rp_gather_rate(p, table, uc.row_bytes, t, p->threads_all);
    if (isnan(gn)) gn = g1;
    const double roof_m = hb_rp_threads_interp(g1, gn, p->threads_all, t) / uc.rows;
    if (isnan(roof_f) && isnan(roof_m)) return NAN;
    const int mem = isnan(roof_f) || roof_m < roof_f;
    *bound = mem ? "memory" : "FMA";
    if (why)
        snprintf(why, cap,
                 "%.0f flop, %.0f B, %.0f random rows of %.0f B per update; table %s; "
                 "FMA roof %.3g/s, random-row roof %.3g/s",
                 uc.flops, uc.bytes, uc.rows, uc.row_bytes,
                 ent > 0 ? "from the dataset" : "size unknown (largest measured)", roof_f, roof_m);
    return mem ? roof_m : roof_f;
}

/* ------------------------------------------------------------------ grouping */

static const hb_rp *hb_rp_sort_ctx;

static int hb_rp_cmp_machine(const void *a, const void *b) {
    const hb_rp_machine *x = &hb_rp_sort_ctx->m[*(const int *)a],
                        *y = &hb_rp_sort_ctx->m[*(const int *)b];
    int d = strcmp(x->host, y->host);
    if (!d) d = strcmp(x->cpu, y->cpu);
    if (!d) d = strcmp(x->sha, y->sha);
    if (!d) d = strcmp(x->compiler, y->compiler);
    if (!d) d = strcmp(x->flags, y->flags);
    if (!d) d = hb_rp_isa_rank(x->isa) - hb_rp_isa_rank(y->isa);
    if (!d) d = strcmp(x->isa, y->isa);
    return d;
}

static int hb_rp_cmp_config(const void *a, const void *b) {
    const hb_rp_config *x = &hb_rp_sort_ctx->c[*(const int *)a],
                       *y = &hb_rp_sort_ctx->c[*(const int *)b];
    int d = x->model_rank - y->model_rank;
    if (!d) d = strcmp(x->model, y->model);
    if (!d) d = (x->dim > y->dim) - (x->dim < y->dim);
    if (!d) d = (x->threads > y->threads) - (x->threads < y->threads);
    if (!d && x->isa && y->isa) d = hb_rp_isa_rank(x->isa) - hb_rp_isa_rank(y->isa);
    if (!d) d = strcmp(x->key, y->key);
    return d;
}

/* Machine labels: the parts that differ between machines (host, ISA, git sha, compiler,
 * flags), or host and ISA when there is one machine; #k where two would still read alike. */
static void hb_rp_label_machines(hb_rp *r) {
    int vary[5] = {0};
    for (int a = 1; a < r->nm; a++) {
        const hb_rp_machine *x = &r->m[0], *y = &r->m[a];
        vary[0] |= strcmp(x->host, y->host) != 0 || strcmp(x->cpu, y->cpu) != 0;
        vary[1] |= strcmp(x->isa, y->isa) != 0;
        vary[2] |= strcmp(x->sha, y->sha) != 0;
        vary[3] |= strcmp(x->compiler, y->compiler) != 0;
        vary[4] |= strcmp(x->flags, y->flags) != 0;
    }
    if (r->nm == 1 || !(vary[0] | vary[1] | vary[2] | vary[3] | vary[4])) vary[0] = vary[1] = 1;
    for (int a = 0; a < r->nm; a++) {
        hb_rp_machine *m = &r->m[a];
        const char *part[5] = {m->host[0] ? m->host : "?", m->isa, m->sha, m->compiler, m->flags};
        size_t at = 0;
        for (int k = 0; k < 5; k++)
            if (vary[k] && (k != 1 || r->by_isa)) {
                const int w =
                    snprintf(m->label + at, sizeof m->label - at, "%s%s", at ? " " : "", part[k]);
                if (w > 0 && (size_t)w < sizeof m->label - at) at += (size_t)w;
            }
        if (!at) snprintf(m->label, sizeof m->label, "%s", part[0]);
    }
    for (int a = 0; a < r->nm; a++) {
        int same = 0;
        for (int b = 0; b < a; b++)
            same += strcmp(r->m[a].label, r->m[b].label) == 0 ||
                    strncmp(r->m[a].label, r->m[b].label, strlen(r->m[a].label)) == 0;
        if (same) {
            const size_t l = strlen(r->m[a].label);
            snprintf(r->m[a].label + l, sizeof r->m[a].label - l, " #%d", a + 1);
        }
    }
    /* groups: equal but for the ISA */
    for (int a = 0; a < r->nm; a++) {
        r->m[a].group = a;
        for (int b = 0; b < a; b++) {
            const hb_rp_machine *x = &r->m[a], *y = &r->m[b];
            if (!strcmp(x->host, y->host) && !strcmp(x->cpu, y->cpu) && !strcmp(x->sha, y->sha) &&
                !strcmp(x->compiler, y->compiler) && !strcmp(x->flags, y->flags)) {
                r->m[a].group = r->m[b].group;
                break;
            }
        }
    }
}

/* Config labels: dim, threads, and the run-key columns whose value differs among the configs
 * of the same model (seed, epochs, optimizer, data, ...). */
static void hb_rp_label_configs(hb_rp *r) {
    for (int a = 0; a < r->nc; a++) {
        hb_rp_config *c = &r->c[a];
        char buf[1024];
        size_t at = (size_t)snprintf(buf, sizeof buf, "dim %u, %u thread%s", c->dim, c->threads,
                                     c->threads == 1 ? "" : "s");
        for (int p = 0; p < c->npairs; p++) {
            const char *n = c->name[p];
            if (!strcmp(n, "model") || !strcmp(n, "dim") || !strcmp(n, "threads")) continue;
            int varies = 0;
            for (int b = 0; b < r->nc && !varies; b++) {
                const hb_rp_config *o = &r->c[b];
                if (b == a || strcmp(o->model, c->model) != 0) continue;
                const char *ov = NULL;
                for (int q = 0; q < o->npairs; q++)
                    if (!strcmp(o->name[q], n)) ov = o->value[q];
                varies = !ov || strcmp(ov, c->value[p]) != 0;
            }
            if (varies && at < sizeof buf) {
                /* the dataset's checksum follows the dataset and split: not worth a label */
                if (!strcmp(n, "dataset_xxh3")) continue;
                const int w = snprintf(buf + at, sizeof buf - at, ", %s %s", n, c->value[p]);
                if (w > 0) at += (size_t)w;
            }
        }
        c->label = hb_rp_strdup(&r->A, buf);
    }
}

/* ------------------------------------------------------------------ the command */

static int hb_rp_machine_by(hb_rp *r, const char *s) {
    r->by_host = r->by_cpu = r->by_isa = r->by_build = 0;
    const char *p = s;
    for (;;) {
        const size_t n = strcspn(p, ",");
        if (n == 4 && !strncmp(p, "host", 4))
            r->by_host = 1;
        else if (n == 3 && !strncmp(p, "cpu", 3))
            r->by_cpu = 1;
        else if (n == 3 && !strncmp(p, "isa", 3))
            r->by_isa = 1;
        else if (n == 5 && !strncmp(p, "build", 5))
            r->by_build = 1;
        else {
            fprintf(stderr,
                    "hogbench report: --machine-by '%s': expected a comma list of host, cpu, "
                    "isa, build\n",
                    s);
            return -1;
        }
        if (!p[n]) return 0;
        p += n + 1;
    }
}

/* Reads the r->nfiles results CSVs paths[] into r's rows, machines and configs (a curves file
 * is skipped). 0, or -1 (printed). */
static int hb_rp_load_files(hb_rp *r, char **paths) {
    hb_rp_map mmap = {0}, cmap = {0};
    int bad = 0;
    for (int f = 0; f < r->nfiles && !bad; f++) {
        hb_error err = {{0}};
        if (hb_csvr_load(paths[f], &r->files[f], &err) != HB_OK) {
            fprintf(stderr, "hogbench report: %s\n", err.msg);
            bad = 1;
        } else if ((bad = hb_rp_load_csv(r, f, &mmap, &cmap)) > 0) {
            r->skipped[f] = 1;
            bad = 0;
        }
    }
    hb_rp_map_free(&mmap);
    hb_rp_map_free(&cmap);
    if (bad) return -1;
    if (!r->nrows) {
        fprintf(stderr, "hogbench report: no rows in %s%s\n", paths[0],
                r->nfiles > 1 ? " ..." : "");
        return -1;
    }
    return 0;
}

/* Each machine's probe, the cells (config x machine: their rows in file order), the machines'
 * and configs' order and labels, and the default baseline: the machine with the most finished
 * rows, then the first. */
static void hb_rp_arrange(hb_rp *r) {
    /* a machine's probe: the first with its hostname and CPU, a full one before a --quick one */
    for (int a = 0; a < r->nm; a++)
        for (int quick = 0; quick < 2 && r->m[a].probe < 0; quick++)
            for (int k = 0; k < r->nprobes && r->m[a].probe < 0; k++)
                if (r->probes[k].quick == quick && !strcmp(r->probes[k].host, r->m[a].host) &&
                    !strcmp(r->probes[k].cpu, r->m[a].cpu))
                    r->m[a].probe = k;
    /* cells, orders, labels */
    r->cell = hb_rp_alloc(&r->A, (size_t)r->nc * (size_t)r->nm * sizeof *r->cell);
    for (size_t k = 0; k < (size_t)r->nc * (size_t)r->nm; k++) r->cell[k] = -1;
    for (size_t i = r->nrows; i-- > 0;) { /* backwards: cells list rows in file order */
        int *head =
            &r->cell[(size_t)r->rows[i].config * (size_t)r->nm + (size_t)r->rows[i].machine];
        r->rows[i].next = *head;
        *head = (int)i;
    }
    r->mo = hb_rp_alloc(&r->A, (size_t)r->nm * sizeof *r->mo);
    r->co = hb_rp_alloc(&r->A, (size_t)r->nc * sizeof *r->co);
    for (int a = 0; a < r->nm; a++) r->mo[a] = a;
    for (int a = 0; a < r->nc; a++) r->co[a] = a;
    hb_rp_sort_ctx = r;
    qsort(r->mo, (size_t)r->nm, sizeof *r->mo, hb_rp_cmp_machine);
    qsort(r->co, (size_t)r->nc, sizeof *r->co, hb_rp_cmp_config);
    hb_rp_label_machines(r);
    hb_rp_label_configs(r);
    r->baseline = r->mo[0]; /* default: the machine with the most finished rows, then the first */
    for (int a = 1; a < r->nm; a++)
        if (r->m[r->mo[a]].nok > r->m[r->baseline].nok) r->baseline = r->mo[a];
}

/* --baseline: the machine whose label is NAME, else the one label containing it. 0, or -1
 * (printed, with the labels) when none or several match. */
static int hb_rp_pick_baseline(hb_rp *r, const char *baseline) {
    int found = -1, n = 0;
    for (int a = 0; a < r->nm; a++)
        if (!strcmp(r->m[a].label, baseline)) found = a, n = 1;
    if (found < 0)
        for (int a = 0; a < r->nm; a++)
            if (strstr(r->m[a].label, baseline)) found = a, n++;
    if (n != 1) {
        fprintf(stderr,
                "hogbench report: --baseline '%s' matches %s; the machines are:", baseline,
                n ? "several machines" : "no machine");
        for (int a = 0; a < r->nm; a++)
            fprintf(stderr, "%s '%s'", a ? "," : "", r->m[r->mo[a]].label);
        fprintf(stderr, "\n");
        return -1;
    }
    r->baseline = found;
    return 0;
}

/* Renders the report into r->out: report.html and report.md, each replaced atomically.
 * 0, or -1 (printed). */
static int hb_rp_write(hb_rp *r) {
    hb_error err = {{0}};
    if (hb_out_dir(r->out, &err) != HB_OK) {
        fprintf(stderr, "hogbench report: %s\n", err.msg);
        return -1;
    }
    hb_rp_doc d;
    memset(&d, 0, sizeof d);
    d.dir = r->out;
    hb_rp_render(r, &d);
    char path[4096];
    if (!d.failed && !d.html.oom && !d.md.oom) {
        snprintf(path, sizeof path, "%s/report.html", r->out);
        if (hb_write_atomic(path, d.html.s, d.html.len, &d.err) != HB_OK) d.failed = 1;
    }
    if (!d.failed && !d.html.oom && !d.md.oom) {
        snprintf(path, sizeof path, "%s/report.md", r->out);
        if (hb_write_atomic(path, d.md.s, d.md.len, &d.err) != HB_OK) d.failed = 1;
    }
    if (d.html.oom || d.md.oom) snprintf(d.err.msg, sizeof d.err.msg, "out of memory");
    hb_sb_free(&d.html);
    hb_sb_free(&d.md);
    if (d.failed || d.err.msg[0]) {
        fprintf(stderr, "hogbench report: %s\n", d.err.msg);
        return -1;
    }
    return 0;
}

int hb_cmd_report(int argc, char **argv) {
    static const struct option opts[] = {
        {"out", 1, 0, 'o'},        {"probe", 1, 0, 'p'},     {"baseline", 1, 0, 'b'},
        {"machine-by", 1, 0, 'm'}, {"tolerance", 1, 0, 't'}, {"title", 1, 0, 'T'},
        {"strict", 0, 0, 's'},     {"help", 0, 0, 'h'},      {0, 0, 0, 0}};
    hb_rp R;
    memset(&R, 0, sizeof R);
    hb_rp *r = &R;
    r->by_host = r->by_cpu = r->by_isa = r->by_build = 1;
    r->tol = 0.005;
    r->title = "hogbench: machines side by side";
    const char *baseline = NULL;
    const char **probes = calloc((size_t)argc + 1, sizeof *probes);
    if (!probes) return 1;
    int np = 0, c, rc = 2;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': r->out = optarg; break;
        case 'p': probes[np++] = optarg; break;
        case 'b': baseline = optarg; break;
        case 'm':
            if (hb_rp_machine_by(r, optarg) != 0) goto done;
            break;
        case 't': {
            float t;
            if (hb_cli_float("--tolerance", optarg, 0.0f, 1e6f, &t) != 0) goto done;
            r->tol = t;
            break;
        }
        case 'T': r->title = optarg; break;
        case 's': r->strict = 1; break;
        case 'h':
            hb_report_usage(stdout);
            rc = 0;
            goto done;
        default:
            fprintf(stderr, "hogbench report: %s '%s' (see 'hogbench report --help')\n",
                    c == ':' || (optopt && optopt != '?') ? "missing value for" : "unknown option",
                    argv[optind - 1]);
            goto done;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "hogbench report: expected one or more results CSV files (see 'hogbench "
                        "report --help')\n");
        goto done;
    }
    if (!r->out) {
        fprintf(stderr, "hogbench report: --out DIR is required\n");
        goto done;
    }
    r->nfiles = argc - optind;
    r->files = calloc((size_t)r->nfiles, sizeof *r->files);
    r->skipped = hb_rp_alloc(&r->A, (size_t)r->nfiles);
    if (!r->files) goto done;
    if (hb_rp_load_files(r, argv + optind) != 0) goto done;
    r->probes = hb_rp_alloc(&r->A, (size_t)(np + 1) * sizeof *r->probes);
    for (int k = 0; k < np; k++) {
        if (hb_rp_load_probe(r, probes[k], &r->probes[r->nprobes]) != 0) goto done;
        r->nprobes++;
    }
    hb_rp_arrange(r);
    if (baseline && hb_rp_pick_baseline(r, baseline) != 0) goto done;
    if (hb_rp_write(r) != 0) {
        rc = 1;
        goto done;
    }
    printf("report: %zu rows from %d file%s, %d machine%s, %d config%s, %d probe%s; %d parity "
           "difference%s flagged\nreport: %s/report.html and %s/report.md\n",
           r->nrows, r->nfiles, r->nfiles == 1 ? "" : "s", r->nm, r->nm == 1 ? "" : "s", r->nc,
           r->nc == 1 ? "" : "s", r->nprobes, r->nprobes == 1 ? "" : "s", r->flagged,
           r->flagged == 1 ? "" : "s", r->out, r->out);
    rc = r->strict && r->flagged ? 1 : 0;
done:
    for (int f = 0; f < r->nfiles && r->files; f++) hb_csvr_free(&r->files[f]);
    free(r->files);
    free(r->rows);
    free(r->m);
    free(r->c);
    free(probes);
    hb_rp_arena_free(&r->A);
    return rc;
}
