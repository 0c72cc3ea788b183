/* compare_read.c: 'hogbench compare' reading its inputs: hogbench CSV rows or Google Benchmark
 * JSON, grouped by config, matched across the two sides and normalized. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "compare_read.h"
#include "json.h"
#include "results.h"
#include "stats.h"

/* ------------------------------------------------------------------ metrics */

static const hb_cmp_known hb_cmp_known_metrics[] = {
    {"updates_per_second", 1, 0}, {"seconds_per_epoch", 0, 0}, {"train_seconds", 0, 0},
    {"eval_seconds", 0, 0},       {"peak_rss_kib", 0, 0},      {"ir", 0, 0},
    {"rmse", 0, 1},               {"mae", 0, 1},               {"final_loss", 0, 1},
    {"ndcg_at_10", 1, 1},         {"ndcg_at_20", 1, 1},        {"ndcg_at_30", 1, 1},
    {"ndcg_at_100", 1, 1},        {"real_time", 0, 0},         {"cpu_time", 0, 0},
    {"GFLOP/s", 1, 0},            {"GB/s", 1, 0},              {"items_per_second", 1, 0},
    {"bytes_per_second", 1, 0},   {"seconds_to_target", 0, 0}, {"seconds_to_target_with_eval", 0, 0},
    {"epochs_to_target", 0, 0},
};

const hb_cmp_known *hb_cmp_find_known(const char *name) {
    for (size_t i = 0; i < sizeof hb_cmp_known_metrics / sizeof *hb_cmp_known_metrics; i++)
        if (strcmp(hb_cmp_known_metrics[i].name, name) == 0) return &hb_cmp_known_metrics[i];
    return NULL;
}

/* ------------------------------------------------------------------ groups */

static int hb_cmp_ignored(const hb_cmp *c, const char *col) {
    for (int i = 0; i < c->nignore; i++)
        if (strcmp(c->ignore[i], col) == 0) return 1;
    return 0;
}

static int hb_cmp_push(hb_cmp_vals *a, double v, size_t row) {
    if (a->n == a->cap) {
        const size_t cap = a->cap ? 2 * a->cap : 8;
        double *p = realloc(a->v, cap * sizeof *p);
        if (!p) return -1;
        a->v = p;
        size_t *r = realloc(a->row, cap * sizeof *r);
        if (!r) return -1;
        a->row = r;
        a->cap = cap;
    }
    a->v[a->n] = v;
    a->row[a->n++] = row;
    return 0;
}

/* A value that is there but not a finite number: counted, the first one named. */
static void hb_cmp_bad(hb_cmp_vals *a, const char *where, const char *metric, const char *text) {
    if (!a->bad++)
        snprintf(a->bad_msg, sizeof a->bad_msg, "%s: %s = %.24s", where, metric, text);
}

/* "a=1\nb=2\n" -> "a=1 b=2", in place. */
void hb_cmp_oneline(char *s) {
    for (char *p = s; *p; p++)
        if (*p == '\n') *p = ' ';
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') s[--n] = '\0';
}

/* The group of side s with this key (created when new), or NULL (out of memory, message
 * printed, or an --ignore'd column that differs inside the group). */
static hb_cmp_group *hb_cmp_group_for(hb_cmp *c, int s, const char *key, const char *ignored) {
    hb_cmp_side *sd = &c->side[s];
    const uint64_t h = XXH3_64bits(key, strlen(key));
    for (size_t i = 0; i < sd->ng; i++) {
        hb_cmp_group *g = &sd->g[i];
        if (g->hash != h || strcmp(g->key, key) != 0) continue;
        if (strcmp(g->ignored, ignored) != 0) {
            char a[128], b[128];
            snprintf(a, sizeof a, "%s", g->ignored);
            snprintf(b, sizeof b, "%s", ignored);
            hb_cmp_oneline(a);
            hb_cmp_oneline(b);
            fprintf(stderr,
                    "hogbench compare: %s: --ignore merges rows of one file that differ in the "
                    "ignored columns (%s / %s) into one config; compare files that hold one "
                    "value of them each\n", sd->path, a, b);
            return NULL;
        }
        return g;
    }
    if (sd->ng == sd->cap) {
        const size_t cap = sd->cap ? 2 * sd->cap : 16;
        hb_cmp_group *p = realloc(sd->g, cap * sizeof *p);
        if (!p) goto oom;
        sd->g = p;
        sd->cap = cap;
    }
    hb_cmp_group *g = &sd->g[sd->ng];
    memset(g, 0, sizeof *g);
    g->hash = h;
    g->other = -1;
    if (!(g->key = strdup(key)) || !(g->ignored = strdup(ignored))) {
        free(g->key);
        free(g->ignored);
        goto oom;
    }
    sd->ng++;
    return g;
oom:
    fprintf(stderr, "hogbench compare: out of memory\n");
    return NULL;
}

/* Strict number: the whole field. */
int hb_cmp_number(const char *s, double *out) {
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE) return -1;
    *out = v;
    return 0;
}

/* ------------------------------------------------------------------ CSV */

static int hb_cmp_csv_header(hb_cmp *c, int n, char **f) {
    hb_cmp_side *sd = &c->side[c->cur];
    c->ncols = n;
    for (int k = 0; k < hb_run_key_ncols && k < HB_CMP_MAX_KEY; k++) c->keycol[k] = -1;
    c->status_col = c->msg_col = c->sha_col = c->comp_col = c->flags_col = c->host_col = -1;
    int model = 0;
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < hb_run_key_ncols && k < HB_CMP_MAX_KEY; k++)
            if (strcmp(f[i], hb_run_key_cols[k]) == 0 && c->keycol[k] < 0) c->keycol[k] = i;
        if (strcmp(f[i], "model") == 0) model = 1;
        if (strcmp(f[i], "status") == 0) c->status_col = i;
        if (strcmp(f[i], "message") == 0) c->msg_col = i;
        if (strcmp(f[i], "git_sha") == 0) c->sha_col = i;
        if (strcmp(f[i], "compiler") == 0) c->comp_col = i;
        if (strcmp(f[i], "build_flags") == 0) c->flags_col = i;
        if (strcmp(f[i], "hostname") == 0) c->host_col = i;
        for (int m = 0; m < c->nm; m++)
            if (strcmp(f[i], c->m[m].name) == 0 && c->m[m].col[c->cur] < 0) {
                c->m[m].col[c->cur] = i;
                c->m[m].present[c->cur] = 1;
            }
    }
    if (!model) {
        fprintf(stderr, "hogbench compare: %s:1: expected hogbench's results CSV header (a "
                        "'model' column; results/SCHEMA.md)\n", sd->path);
        return -1;
    }
    for (int k = 0; k < c->nignore; k++) {
        int found = 0;
        for (int i = 0; i < hb_run_key_ncols; i++) found |= strcmp(hb_run_key_cols[i], c->ignore[k]) == 0;
        if (!found) {
            fprintf(stderr, "hogbench compare: --ignore %s: not a run-key column (results/"
                            "SCHEMA.md lists them)\n", c->ignore[k]);
            return -1;
        }
    }
    return 0;
}

/* A run-key column a file lacks, because it was written before the column existed, reads as
 * the value every row of that time had: ranks 1 (one process), storage f32. Others (rounding:
 * empty for f32) read as empty. */
static const char *hb_cmp_key_default(int k) {
    return strcmp(hb_run_key_cols[k], "ranks") == 0     ? "1"
           : strcmp(hb_run_key_cols[k], "storage") == 0 ? "f32"
                                                        : "";
}

static void hb_cmp_context(char *dst, size_t cap, int col, int n, char **f) {
    if (col >= 0 && col < n && !dst[0]) snprintf(dst, cap, "%s", f[col]);
}

static int hb_cmp_csv_line(size_t line, int n, char **f, void *ctx) {
    hb_cmp *c = ctx;
    hb_cmp_side *sd = &c->side[c->cur];
    if (line == 0) {
        if (hb_cmp_csv_header(c, n, f) != 0) c->error = 1;
        return c->error;
    }
    if (n == 1 && f[0][0] == '\0') return 0; /* blank line */
    if (n != c->ncols) {
        fprintf(stderr, "hogbench compare: %s:%zu: expected %d fields as in the header, found "
                        "%d\n", sd->path, line + 1, c->ncols, n);
        c->error = 1;
        return 1;
    }
    char key[HB_CMP_MAX_KEY * 300], ign[HB_CMP_MAX_IGNORE * 300];
    size_t kl = 0, il = 0;
    key[0] = ign[0] = '\0';
    for (int k = 0; k < hb_run_key_ncols && k < HB_CMP_MAX_KEY; k++) {
        const char *v = c->keycol[k] >= 0 ? f[c->keycol[k]] : hb_cmp_key_default(k);
        const int ig = hb_cmp_ignored(c, hb_run_key_cols[k]);
        char *dst = ig ? ign : key;
        size_t *at = ig ? &il : &kl;
        const size_t cap = ig ? sizeof ign : sizeof key;
        int w = snprintf(dst + *at, cap - *at, "%s=%.255s\n", hb_run_key_cols[k], v);
        if (w > 0 && (size_t)w < cap - *at) *at += (size_t)w;
    }
    hb_cmp_group *g = hb_cmp_group_for(c, c->cur, key, ign);
    if (!g) {
        c->error = 1;
        return 1;
    }
    if (g->rows == 0)
        for (int k = 0; k < hb_run_key_ncols && k < HB_CMP_MAX_KEY; k++)
            if (!hb_cmp_ignored(c, hb_run_key_cols[k]) &&
                !(g->kv[k] = strdup(c->keycol[k] >= 0 ? f[c->keycol[k]] : hb_cmp_key_default(k)))) {
                fprintf(stderr, "hogbench compare: out of memory\n");
                c->error = 1;
                return 1;
            }
    g->rows++;
    sd->rows++;
    hb_cmp_context(sd->sha, sizeof sd->sha, c->sha_col, n, f);
    hb_cmp_context(sd->compiler, sizeof sd->compiler, c->comp_col, n, f);
    hb_cmp_context(sd->flags, sizeof sd->flags, c->flags_col, n, f);
    hb_cmp_context(sd->host, sizeof sd->host, c->host_col, n, f);
    /* target_missed finished: its metrics count, its empty *_to_target columns do not */
    if (c->status_col >= 0 && strcmp(f[c->status_col], "ok") != 0 &&
        strcmp(f[c->status_col], "target_missed") != 0) {
        if (!g->failed++)
            snprintf(g->fail_msg, sizeof g->fail_msg, "%s%s%s", f[c->status_col],
                     c->msg_col >= 0 && f[c->msg_col][0] ? ": " : "",
                     c->msg_col >= 0 ? f[c->msg_col] : "");
        return 0;
    }
    for (int m = 0; m < c->nm; m++) {
        const int col = c->m[m].col[c->cur];
        if (col < 0 || f[col][0] == '\0') continue; /* not measured */
        double v;
        if (hb_cmp_number(f[col], &v) != 0) {
            fprintf(stderr, "hogbench compare: %s:%zu: column %s: expected a number, found "
                            "'%.40s'\n", sd->path, line + 1, c->m[m].name, f[col]);
            c->error = 1;
            return 1;
        }
        if (!isfinite(v)) { /* hogbench writes 0 for a degenerate timing, never nan or inf */
            char where[48];
            snprintf(where, sizeof where, "%s line %zu", c->cur ? "new" : "base", line + 1);
            hb_cmp_bad(&g->vals[m], where, c->m[m].name, f[col]);
            continue;
        }
        if (hb_cmp_push(&g->vals[m], v, g->rows - 1) != 0) {
            fprintf(stderr, "hogbench compare: out of memory\n");
            c->error = 1;
            return 1;
        }
    }
    return 0;
}

static int hb_cmp_read_csv(hb_cmp *c, int s) {
    c->cur = s;
    c->error = 0;
    c->ncols = -1;
    hb_error err = {{0}};
    if (hb_csv_scan(c->side[s].path, hb_cmp_csv_line, c, &err) != HB_OK) {
        fprintf(stderr, "hogbench compare: %s\n", err.msg);
        return -1;
    }
    if (c->error) return -1;
    if (c->ncols < 0) {
        FILE *f = fopen(c->side[s].path, "rb");
        const int empty = f && getc(f) == EOF;
        if (f) fclose(f);
        fprintf(stderr, "hogbench compare: %s: %s (expected hogbench's results CSV)\n",
                c->side[s].path, empty ? "empty file" : "no complete line: line 1 has no newline");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ Google Benchmark JSON */

static int hb_cmp_is_isa(const char *s, size_t n) {
    static const char *const isas[] = {"scalar", "avx2", "avx512", "neon"};
    for (size_t i = 0; i < sizeof isas / sizeof *isas; i++)
        if (strlen(isas[i]) == n && memcmp(isas[i], s, n) == 0) return 1;
    return 0;
}

/* name without its ISA component when --ignore isa (the dropped component into ign). */
static void hb_cmp_json_key(const hb_cmp *c, const char *name, char *key, size_t kcap, char *ign,
                            size_t icap) {
    snprintf(key, kcap, "%s", name);
    ign[0] = '\0';
    if (!hb_cmp_ignored(c, "isa")) return;
    size_t at = 0;
    key[0] = '\0';
    for (const char *p = name;;) {
        const size_t n = strcspn(p, "/");
        if (hb_cmp_is_isa(p, n)) {
            snprintf(ign, icap, "isa=%.*s\n", (int)n, p);
        } else {
            int w = snprintf(key + at, kcap - at, "%s%.*s", at ? "/" : "", (int)n, p);
            if (w > 0 && (size_t)w < kcap - at) at += (size_t)w;
        }
        if (!p[n]) break;
        p += n + 1;
    }
}

static double hb_cmp_time_scale(const char *unit) {
    if (!unit || strcmp(unit, "ns") == 0) return 1;
    if (strcmp(unit, "us") == 0) return 1e3;
    if (strcmp(unit, "ms") == 0) return 1e6;
    if (strcmp(unit, "s") == 0) return 1e9;
    return 0;
}

static int hb_cmp_read_json(hb_cmp *c, int s) {
    hb_cmp_side *sd = &c->side[s];
    for (int k = 0; k < c->nignore; k++)
        if (strcmp(c->ignore[k], "isa") != 0) {
            fprintf(stderr, "hogbench compare: --ignore %s: only isa applies to benchmark JSON "
                            "(%s)\n", c->ignore[k], sd->path);
            return -1;
        }
    hb_json *root = NULL;
    hb_error err = {{0}};
    if (hb_json_load(sd->path, &root, &err) != HB_OK) {
        fprintf(stderr, "hogbench compare: %s\n", err.msg);
        return -1;
    }
    int rc = -1;
    const hb_json *ctxo = hb_json_get(root, "context");
    const hb_json *bm = hb_json_get(root, "benchmarks");
    if (!bm || bm->type != HB_JSON_ARRAY) {
        fprintf(stderr, "hogbench compare: %s: expected an object with a \"benchmarks\" array "
                        "(Google Benchmark's --benchmark_out_format=json)\n", sd->path);
        goto out;
    }
    const struct { const char *k; char *dst; size_t cap; } ctxf[] = {
        {"git_sha", sd->sha, sizeof sd->sha}, {"compiler", sd->compiler, sizeof sd->compiler},
        {"c_flags", sd->flags, sizeof sd->flags}, {"host_name", sd->host, sizeof sd->host}};
    for (size_t i = 0; i < sizeof ctxf / sizeof *ctxf; i++) {
        const hb_json *v = hb_json_get(ctxo, ctxf[i].k);
        if (v && v->type == HB_JSON_STRING)
            snprintf(ctxf[i].dst, ctxf[i].cap, "%s", v->str + strspn(v->str, " "));
    }
    size_t idx = 0;
    for (const hb_json *e = bm->child; e; e = e->next, idx++) {
        if (e->type != HB_JSON_OBJECT) {
            fprintf(stderr, "hogbench compare: %s: benchmarks[%zu]: expected an object\n",
                    sd->path, idx);
            goto out;
        }
        const hb_json *name = hb_json_get(e, "run_name");
        if (!name || name->type != HB_JSON_STRING) name = hb_json_get(e, "name");
        if (!name || name->type != HB_JSON_STRING) {
            fprintf(stderr, "hogbench compare: %s: benchmarks[%zu]: expected a string "
                            "\"name\"\n", sd->path, idx);
            goto out;
        }
        char key[1024], ign[128];
        hb_cmp_json_key(c, name->str, key, sizeof key, ign, sizeof ign);
        hb_cmp_group *g = hb_cmp_group_for(c, s, key, ign);
        if (!g) goto out;
        for (int m = 0; m < c->nm; m++) /* the file has the metric, even if only here */
            if (hb_json_get(e, c->m[m].name)) c->m[m].present[s] = 1;
        const hb_json *rt = hb_json_get(e, "run_type");
        if (rt && rt->type == HB_JSON_STRING && strcmp(rt->str, "aggregate") == 0) {
            g->aggregates++;
            continue;
        }
        g->rows++;
        sd->rows++;
        const hb_json *eo = hb_json_get(e, "error_occurred");
        if (eo && eo->type == HB_JSON_BOOL && eo->boolean) {
            if (!g->failed++) {
                const hb_json *msg = hb_json_get(e, "error_message");
                snprintf(g->fail_msg, sizeof g->fail_msg, "error: %s",
                         msg && msg->type == HB_JSON_STRING ? msg->str : "(no message)");
            }
            continue;
        }
        const hb_json *tu = hb_json_get(e, "time_unit");
        const double scale = hb_cmp_time_scale(tu && tu->type == HB_JSON_STRING ? tu->str : NULL);
        for (int m = 0; m < c->nm; m++) {
            const hb_json *v = hb_json_get(e, c->m[m].name);
            if (!v) continue;
            if (v->type != HB_JSON_NUMBER) {
                fprintf(stderr, "hogbench compare: %s: benchmarks[%zu] (%s): \"%s\": expected a "
                                "number\n", sd->path, idx, name->str, c->m[m].name);
                goto out;
            }
            double x = v->number;
            if (c->m[m].time_ns) {
                if (scale == 0) {
                    fprintf(stderr, "hogbench compare: %s: benchmarks[%zu] (%s): \"time_unit\": "
                                    "expected ns, us, ms or s\n", sd->path, idx, name->str);
                    goto out;
                }
                x *= scale;
            }
            if (!isfinite(x)) {
                char where[48], text[32];
                snprintf(where, sizeof where, "%s benchmarks[%zu]", s ? "new" : "base", idx);
                snprintf(text, sizeof text, "%g", v->number);
                hb_cmp_bad(&g->vals[m], where, c->m[m].name, text);
                continue;
            }
            if (hb_cmp_push(&g->vals[m], x, g->rows - 1) != 0) {
                fprintf(stderr, "hogbench compare: out of memory\n");
                goto out;
            }
        }
    }
    rc = 0;
out:
    hb_json_free(&root);
    return rc;
}

/* Opens path the way every reader here does (hb_file_open: never blocks, regular files only)
 * and tells JSON from CSV: JSON when the first non-blank byte is '{' or '[' (a BOM allowed).
 * Reads at most HB_LINE_MAX bytes of leading blanks. -1 with a message on stderr. */
int hb_cmp_sniff(const char *path, int *json) {
    int fd;
    hb_error err = {{0}};
    if (hb_file_open(path, O_RDONLY, 1, &fd, &err) != HB_OK) {
        fprintf(stderr, "hogbench compare: %s\n", err.msg);
        return -1;
    }
    unsigned char buf[4096];
    size_t seen = 0;
    int first = 1;
    *json = 0;
    for (;;) {
        const ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            fprintf(stderr, "hogbench compare: %s: read failed: %s\n", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (got == 0) break;
        size_t i = 0;
        if (first && got >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) i = 3;
        first = 0;
        while (i < (size_t)got && isspace(buf[i])) i++;
        if (i < (size_t)got) {
            *json = buf[i] == '{' || buf[i] == '[';
            break;
        }
        if ((seen += (size_t)got) > HB_LINE_MAX) break; /* blanks only: not JSON */
    }
    close(fd);
    return 0;
}

static int hb_cmp_labels(hb_cmp *c) {
    int show[HB_CMP_MAX_KEY] = {0};
    int model_k = -1;
    for (int k = 0; k < hb_run_key_ncols && k < HB_CMP_MAX_KEY; k++)
        if (strcmp(hb_run_key_cols[k], "model") == 0) model_k = k;
    if (!c->side[0].json) {
        for (int s1 = 0; s1 < 2; s1++)
            for (size_t i = 0; i < c->side[s1].ng; i++)
                for (int s2 = s1; s2 < 2; s2++)
                    for (size_t j = s2 == s1 ? i + 1 : 0; j < c->side[s2].ng; j++) {
                        const hb_cmp_group *a = &c->side[s1].g[i], *b = &c->side[s2].g[j];
                        if (model_k >= 0 && a->kv[model_k] && b->kv[model_k] &&
                            strcmp(a->kv[model_k], b->kv[model_k]) != 0)
                            continue;
                        for (int k = 0; k < hb_run_key_ncols && k < HB_CMP_MAX_KEY; k++)
                            if (k != model_k && a->kv[k] && b->kv[k] && strcmp(a->kv[k], b->kv[k]))
                                show[k] = 1;
                    }
    }
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < c->side[s].ng; i++) {
            hb_cmp_group *g = &c->side[s].g[i];
            char buf[2048];
            size_t at = 0;
            buf[0] = '\0';
            if (c->side[s].json) {
                snprintf(buf, sizeof buf, "%s", g->key);
            } else {
                if (model_k >= 0 && g->kv[model_k])
                    at += (size_t)snprintf(buf, sizeof buf, "%s", g->kv[model_k]);
                for (int k = 0; k < hb_run_key_ncols && k < HB_CMP_MAX_KEY && at < sizeof buf; k++)
                    if (show[k] && g->kv[k])
                        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s=%s",
                                               at ? " " : "", hb_run_key_cols[k], g->kv[k]);
                if (!buf[0]) snprintf(buf, sizeof buf, "%016llx", (unsigned long long)g->hash);
            }
            if (!(g->label = strdup(buf))) {
                fprintf(stderr, "hogbench compare: out of memory\n");
                return -1;
            }
        }
    return 0;
}

void hb_cmp_free(hb_cmp *c) {
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < c->side[s].ng; i++) {
            hb_cmp_group *g = &c->side[s].g[i];
            free(g->key);
            free(g->ignored);
            free(g->label);
            for (int k = 0; k < HB_CMP_MAX_KEY; k++) free(g->kv[k]);
            for (int m = 0; m < HB_CMP_MAX_METRICS; m++) {
                free(g->vals[m].v);
                free(g->vals[m].row);
            }
        }
        free(c->side[s].g);
        c->side[s].g = NULL;
        c->side[s].ng = c->side[s].cap = c->side[s].rows = 0;
        c->side[s].sha[0] = c->side[s].compiler[0] = c->side[s].flags[0] = c->side[s].host[0] = 0;
    }
}

/* --normalize: for each timing metric, NEW's values divided by the median over common configs
 * of median(NEW)/median(BASE), so that a drift of the whole machine between the two runs (or a
 * change that moves everything alike) cancels and what moved relative to the rest stands out.
 * Needs 3 configs at least; the factor is printed. */
static int hb_cmp_normalize(hb_cmp *c, int print) {
    double *r = malloc((c->side[0].ng + 1) * sizeof *r);
    if (!r) {
        fprintf(stderr, "hogbench compare: out of memory\n");
        return -1;
    }
    for (int m = 0; m < c->nm; m++) {
        const hb_cmp_metric *mm = &c->m[m];
        if (mm->absolute || !(mm->present[0] && mm->present[1])) continue;
        size_t k = 0;
        for (size_t i = 0; i < c->side[0].ng; i++) {
            const hb_cmp_group *gb = &c->side[0].g[i];
            if (gb->other < 0) continue;
            const hb_cmp_vals *b = &gb->vals[m], *x = &c->side[1].g[gb->other].vals[m];
            const double mb = hb_median(b->v, b->n), mn = hb_median(x->v, x->n);
            if (b->n && x->n && mb > 0 && mn > 0) r[k++] = mn / mb;
        }
        if (k < 3) {
            if (print)
                printf("normalize: %s: %zu config%s with values on both sides, 3 needed: not "
                   "normalized\n", mm->name, k, k == 1 ? "" : "s");
            continue;
        }
        const double f = hb_median(r, k);
        for (size_t j = 0; j < c->side[1].ng; j++)
            for (size_t v = 0; v < c->side[1].g[j].vals[m].n; v++) c->side[1].g[j].vals[m].v[v] /= f;
        if (print)
            printf("normalize: %s: NEW divided by %.4f, the median NEW/BASE ratio over %zu configs "
               "(NEW as a whole %+.2f%%)\n", mm->name, f, k, (f - 1) * 100);
    }
    free(r);
    return 0;
}

/* ------------------------------------------------------------------ reading both sides */

/* Reads both files (again), matches their configs and normalizes: the state every verdict is
 * computed from. -1 (message printed) on unreadable input. */
int hb_cmp_load(hb_cmp *c, int print) {
    hb_cmp_free(c);
    for (int m = 0; m < c->nm; m++) {
        c->m[m].col[0] = c->m[m].col[1] = -1;
        c->m[m].present[0] = c->m[m].present[1] = 0;
    }
    const int json = c->side[0].json;
    for (int s = 0; s < 2; s++)
        if ((json ? hb_cmp_read_json(c, s) : hb_cmp_read_csv(c, s)) != 0) return -1;
    /* metrics: one asked for must exist in both files; a default one in neither is dropped */
    for (int m = 0; m < c->nm; m++) {
        const hb_cmp_metric *mm = &c->m[m];
        if (mm->present[0] && mm->present[1]) continue;
        if (!mm->given && !mm->present[0] && !mm->present[1]) continue;
        if (json && !mm->present[0] && !mm->present[1]) {
            fprintf(stderr, "hogbench compare: metric %s: no benchmark in either file has it\n",
                    mm->name);
            return -1;
        }
        fprintf(stderr, "hogbench compare: metric %s: no such column in %s\n", mm->name,
                c->side[mm->present[0] ? 1 : 0].path);
        return -1;
    }
    if (hb_cmp_labels(c) != 0) return -1;
    c->common = c->only[0] = c->only[1] = 0;
    for (size_t i = 0; i < c->side[0].ng; i++) {
        hb_cmp_group *a = &c->side[0].g[i];
        for (size_t j = 0; j < c->side[1].ng; j++) {
            hb_cmp_group *b = &c->side[1].g[j];
            if (b->other < 0 && a->hash == b->hash && strcmp(a->key, b->key) == 0) {
                a->other = (int)j;
                b->other = (int)i;
                c->common++;
                break;
            }
        }
    }
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < c->side[s].ng; i++) c->only[s] += c->side[s].g[i].other < 0;
    if (c->normalize) {
        if (print) { /* the header first: normalize prints its factors below it */
            printf("base: %s (%zu %s, %zu configs)", c->side[0].path, c->side[0].rows,
                   json ? "runs" : "rows", c->side[0].ng);
            printf("\nnew:  %s (%zu %s, %zu configs)\n", c->side[1].path, c->side[1].rows,
                   json ? "runs" : "rows", c->side[1].ng);
        }
        if (hb_cmp_normalize(c, print) != 0) return -1;
    }
    return 0;
}
