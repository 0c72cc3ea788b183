/* compare.c: 'hogbench compare': the repetitions of each config in two results files (hogbench
 * CSV rows or Google Benchmark JSON) compared per metric with a noise-aware test; the exit
 * status says whether anything regressed beyond the threshold with significance. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cli.h"
#include "json.h"
#include "stats.h"

/* Exit codes (README "Regression gating in CI"). */
enum { HB_CMP_OK = 0, HB_CMP_REGRESSED = 1, HB_CMP_USAGE = 2, HB_CMP_NOTHING = 3 };

enum { HB_CMP_MAX_METRICS = 32, HB_CMP_MAX_KEY = 64, HB_CMP_MAX_IGNORE = 32 };

static void hb_compare_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench compare BASE NEW [options]\n\n"
        "Compares two results files: hogbench CSV rows (train --out, sweep --out) or Google\n"
        "Benchmark JSON (bench/kernels_bench --benchmark_out=F --benchmark_out_format=json\n"
        "--benchmark_repetitions=R). Rows are matched by config: the run-key columns (results/\n"
        "SCHEMA.md; never the machine, build or outcome), or the benchmark's name. Each config's\n"
        "repetitions on both sides are compared, one line per config and metric.\n\n"
        "options:\n"
        "  --metric M[:higher|:lower],...  metrics to compare (default: updates_per_second, rmse,\n"
        "                        mae, ndcg_at_10 for CSV; cpu_time for JSON). Direction is known\n"
        "                        for hogbench's columns, ir, real_time, cpu_time and rate counters\n"
        "  --threshold P[%%]      relative change that counts, in percent (default 5%%)\n"
        "  --alpha A             significance level (default 0.05)\n"
        "  --tolerance X|M=X,... absolute tolerance for accuracy metrics (rmse, mae, final_loss,\n"
        "                        ndcg_at_*; default 0.005); M=X sets one metric's tolerance and\n"
        "                        compares it by that tolerance\n"
        "  --ignore C,...        leave run-key columns out of the match (e.g. isa: compare the\n"
        "                        same configs on two kernel tables); JSON: isa drops the ISA\n"
        "                        component of benchmark names\n"
        "  --method auto|mwu|mad test for timings (default auto: Mann-Whitney U when the sample\n"
        "                        sizes can reach --alpha, else the median+MAD bound)\n"
        "  --require-all         a config present on one side only is a failure\n"
        "  --normalize           divide NEW's timings by their median NEW/BASE ratio over all\n"
        "                        configs (printed): cancels a drift of the whole machine between\n"
        "                        the runs, and hides a change that moves every config alike\n"
        "  --csv FILE            also write the comparison as CSV\n"
        "  --help\n\n"
        "Timing metrics (relative, e.g. updates_per_second, cpu_time, ir): a regression is a\n"
        "median change worse than the threshold that is also significant: a one-sided\n"
        "Mann-Whitney U test of NEW against BASE shifted by the threshold (H1: NEW is worse than\n"
        "BASE by more than the threshold) gives p <= alpha; the smallest p it can give is\n"
        "1/C(n+m,n) (0.05 for 3 vs 3, 0.004 for 5 vs 5), so smaller samples use the bound\n"
        "median(NEW) beyond the shifted median(BASE) by more than t(1-alpha, n+m-2) times the\n"
        "medians' standard error estimated from the MADs. Accuracy metrics: medians differ by\n"
        "more than the tolerance in the worse direction.\n\n"
        "Verdicts: ok, improved, unclear (beyond the threshold, not significant), REGRESSED,\n"
        "FAILED (NEW has no finished run where BASE has), n/a.\n"
        "Exit status: 0 no regression; 1 a regression or failure (or, with --require-all, a\n"
        "config on one side only); 2 usage or unreadable input; 3 no config in common.\n");
}

/* ------------------------------------------------------------------ metrics */

typedef struct hb_cmp_metric {
    char name[64];
    int higher;     /* 1: higher is better */
    int absolute;   /* 1: medians against an absolute tolerance (accuracy) */
    int time_ns;    /* JSON real_time/cpu_time: normalized to ns through time_unit */
    double tol;
    int tol_set;    /* --tolerance named it */
    int given;      /* named by --metric: missing from a file is an error */
    int col[2];     /* CSV column per side, -1 when absent */
    int present[2]; /* seen in the file */
} hb_cmp_metric;

typedef struct hb_cmp_known {
    const char *name;
    int higher, absolute;
} hb_cmp_known;

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

static const hb_cmp_known *hb_cmp_find_known(const char *name) {
    for (size_t i = 0; i < sizeof hb_cmp_known_metrics / sizeof *hb_cmp_known_metrics; i++)
        if (strcmp(hb_cmp_known_metrics[i].name, name) == 0) return &hb_cmp_known_metrics[i];
    return NULL;
}

/* ------------------------------------------------------------------ groups */

typedef struct hb_cmp_vals {
    double *v;
    size_t n, cap;
} hb_cmp_vals;

typedef struct hb_cmp_group {
    uint64_t hash;
    char *key;                   /* match key text */
    char *ignored;               /* the ignored columns' values ("isa=avx2\n") */
    char *kv[HB_CMP_MAX_KEY];    /* CSV: value per run-key column (NULL when ignored) */
    size_t rows, failed, aggregates;
    char fail_msg[160];
    hb_cmp_vals vals[HB_CMP_MAX_METRICS];
    int other;                   /* index of the matching group on the other side, or -1 */
    char *label;
} hb_cmp_group;

typedef struct hb_cmp_side {
    const char *path;
    int json;
    hb_cmp_group *g;
    size_t ng, cap, rows;
    char sha[64], compiler[128], flags[160], host[128];
} hb_cmp_side;

typedef struct hb_cmp {
    hb_cmp_metric m[HB_CMP_MAX_METRICS];
    int nm;
    double threshold, alpha, tol;
    char ignore[HB_CMP_MAX_IGNORE][64];
    int nignore;
    int method; /* 0 auto, 1 mwu, 2 mad */
    int require_all;
    int normalize;  /* divide NEW's timings by their median NEW/BASE ratio over all configs */
    hb_cmp_side side[2];
    /* CSV scan state */
    int cur, ncols, keycol[HB_CMP_MAX_KEY], status_col, msg_col, sha_col, comp_col, flags_col,
        host_col;
    int error;
} hb_cmp;

static int hb_cmp_ignored(const hb_cmp *c, const char *col) {
    for (int i = 0; i < c->nignore; i++)
        if (strcmp(c->ignore[i], col) == 0) return 1;
    return 0;
}

static int hb_cmp_push(hb_cmp_vals *a, double v) {
    if (a->n == a->cap) {
        const size_t cap = a->cap ? 2 * a->cap : 8;
        double *p = realloc(a->v, cap * sizeof *p);
        if (!p) return -1;
        a->v = p;
        a->cap = cap;
    }
    a->v[a->n++] = v;
    return 0;
}

/* "a=1\nb=2\n" -> "a=1 b=2", in place. */
static void hb_cmp_oneline(char *s) {
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
static int hb_cmp_number(const char *s, double *out) {
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
        const char *v = c->keycol[k] >= 0 ? f[c->keycol[k]] : "";
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
                !(g->kv[k] = strdup(c->keycol[k] >= 0 ? f[c->keycol[k]] : ""))) {
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
        if (!isfinite(v)) continue; /* a degenerate timing (0 s): no value */
        if (hb_cmp_push(&g->vals[m], v) != 0) {
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
        fprintf(stderr, "hogbench compare: %s: empty file (expected hogbench's results CSV)\n",
                c->side[s].path);
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
            if (!isfinite(x)) continue;
            if (hb_cmp_push(&g->vals[m], x) != 0) {
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

/* JSON when the first non-blank byte is '{' or '[' (a BOM allowed). */
static int hb_cmp_sniff_json(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int ch, json = 0;
    unsigned char bom[3];
    if (fread(bom, 1, 3, f) != 3 || memcmp(bom, "\xef\xbb\xbf", 3) != 0) rewind(f);
    while ((ch = fgetc(f)) != EOF)
        if (!isspace(ch)) {
            json = ch == '{' || ch == '[';
            break;
        }
    fclose(f);
    return json;
}

/* ------------------------------------------------------------------ verdicts */

typedef enum hb_verdict {
    HB_V_OK = 0, HB_V_IMPROVED, HB_V_UNCLEAR, HB_V_REGRESSED, HB_V_FAILED, HB_V_NA
} hb_verdict;

static const char *const hb_verdict_name[] = {"ok", "improved", "unclear", "REGRESSED",
                                              "FAILED", "n/a"};

typedef struct hb_cmp_result {
    hb_verdict v;
    double mb, mn, change; /* medians, relative change in percent */
    char test[48];         /* "p=0.004 U", "+-3.1% MAD", "tol 0.005" */
    char method[8];        /* "U", "U~", "MAD", "abs" */
    double p, bound;
    char note[160];
} hb_cmp_result;

static void hb_cmp_scaled(const double *x, size_t n, double f, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = x[i] * f;
}

/* One metric of one config: base values b (nb), new values x (nn). */
static void hb_cmp_decide(const hb_cmp *c, const hb_cmp_metric *m, const hb_cmp_vals *b,
                          const hb_cmp_vals *x, const hb_cmp_group *gb, const hb_cmp_group *gn,
                          hb_cmp_result *r) {
    memset(r, 0, sizeof *r);
    r->mb = hb_median(b->v, b->n);
    r->mn = hb_median(x->v, x->n);
    r->p = r->bound = NAN;
    r->change = r->mb != 0 ? (r->mn / r->mb - 1) * 100 : NAN;
    if (x->n == 0 && b->n > 0 && gn->failed) {
        r->v = HB_V_FAILED;
        snprintf(r->note, sizeof r->note, "%s", gn->fail_msg);
        return;
    }
    if (x->n == 0 || b->n == 0) {
        r->v = HB_V_NA;
        snprintf(r->note, sizeof r->note, "no %s value%s", b->n == 0 ? "base" : "new",
                 gb->failed && b->n == 0 ? " (base runs failed)" : "");
        return;
    }
    const double sign = m->higher ? 1 : -1; /* > 0: better */
    if (m->absolute) {
        const double d = (r->mn - r->mb) * sign;
        snprintf(r->method, sizeof r->method, "abs");
        snprintf(r->test, sizeof r->test, "d=%+.3g tol %g", r->mn - r->mb, m->tol);
        r->v = d < -m->tol ? HB_V_REGRESSED : d > m->tol ? HB_V_IMPROVED : HB_V_OK;
        return;
    }
    const double t = c->threshold;
    /* medians beyond the threshold, either way */
    const double worse_lim = r->mb * (1 - sign * t), better_lim = r->mb * (1 + sign * t);
    const int worse = (r->mn - worse_lim) * sign < 0, better = (r->mn - better_lim) * sign > 0;
    const hb_alternative alt_worse = m->higher ? HB_ALT_LESS : HB_ALT_GREATER;
    const hb_alternative alt_better = m->higher ? HB_ALT_GREATER : HB_ALT_LESS;
    int use_u = c->method == 1 ||
                (c->method == 0 && hb_mwu_min_p(x->n, b->n, alt_worse) <= c->alpha);
    int sig_worse = 0, sig_better = 0;
    if (use_u) {
        double *sh = malloc(b->n * sizeof *sh);
        hb_mwu uw, ub;
        int ok = sh != NULL;
        if (ok) {
            hb_cmp_scaled(b->v, b->n, 1 - sign * t, sh);
            ok = hb_mann_whitney(x->v, x->n, sh, b->n, alt_worse, &uw) == 0;
            hb_cmp_scaled(b->v, b->n, 1 + sign * t, sh);
            ok = ok && hb_mann_whitney(x->v, x->n, sh, b->n, alt_better, &ub) == 0;
        }
        free(sh);
        if (!ok) {
            r->v = HB_V_NA;
            snprintf(r->note, sizeof r->note, "test failed (out of memory or NaN)");
            return;
        }
        sig_worse = uw.p <= c->alpha;
        sig_better = ub.p <= c->alpha;
        r->p = (r->mn - r->mb) * sign < 0 ? uw.p : ub.p;
        snprintf(r->method, sizeof r->method, "%s", uw.method == HB_MWU_NORMAL ? "U~" : "U");
        snprintf(r->test, sizeof r->test, "p=%.3g %s", r->p, r->method);
    } else {
        /* se(median) ~ 1.2533 sigma / sqrt(n), sigma ~ 1.4826 MAD; the scale comes from a few
         * runs, hence Student's t with n_b + n_n - 2 degrees of freedom rather than z */
        const double k = 1.2533 * 1.4826;
        const double madb = hb_mad(b->v, b->n), madn = hb_mad(x->v, x->n);
        const double se = k * sqrt(madb * madb / (double)b->n + madn * madn / (double)x->n);
        const double df = (double)(b->n + x->n) - 2;
        r->bound = (df >= 1 ? hb_t_quantile(1 - c->alpha, df) : 0) * se;
        sig_worse = (worse_lim - r->mn) * sign > r->bound;
        sig_better = (r->mn - better_lim) * sign > r->bound;
        snprintf(r->method, sizeof r->method, "MAD");
        if (b->n == 1 && x->n == 1) snprintf(r->test, sizeof r->test, "1 vs 1: threshold");
        else if (r->mb != 0)
            snprintf(r->test, sizeof r->test, "+-%.2g%% MAD", r->bound / fabs(r->mb) * 100);
        else snprintf(r->test, sizeof r->test, "+-%.3g MAD", r->bound);
    }
    if (worse && sig_worse) r->v = HB_V_REGRESSED;
    else if (better && sig_better) r->v = HB_V_IMPROVED;
    else if (worse || better) r->v = HB_V_UNCLEAR;
    else r->v = HB_V_OK;
}

/* ------------------------------------------------------------------ output */

static void hb_cmp_fmt(char *buf, size_t cap, double v) {
    if (isnan(v)) snprintf(buf, cap, "-");
    else if (fabs(v) < 1e15 && (v == floor(v) || fabs(v) >= 1e5)) snprintf(buf, cap, "%.0f", v);
    else snprintf(buf, cap, "%.6g", v);
}

/* Labels: the model, then every run-key column that differs between two configs of the same
 * model (over both files); JSON: the benchmark name. */
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

static void hb_csv_out_field(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

/* ------------------------------------------------------------------ options */

static int hb_cmp_add_metric(hb_cmp *c, const char *spec, int given) {
    char name[64];
    const char *colon = strrchr(spec, ':');
    int dir = -1;
    size_t n = strlen(spec);
    if (colon && (strcmp(colon, ":higher") == 0 || strcmp(colon, ":lower") == 0)) {
        dir = strcmp(colon, ":higher") == 0;
        n = (size_t)(colon - spec);
    }
    if (n == 0 || n >= sizeof name) {
        fprintf(stderr, "hogbench compare: --metric '%s': expected NAME[:higher|:lower]\n", spec);
        return -1;
    }
    memcpy(name, spec, n);
    name[n] = '\0';
    const hb_cmp_known *k = hb_cmp_find_known(name);
    if (!k && dir < 0) {
        fprintf(stderr, "hogbench compare: --metric %s: unknown metric; say which way is better: "
                        "%s:higher or %s:lower\n", name, name, name);
        return -1;
    }
    for (int i = 0; i < c->nm; i++)
        if (strcmp(c->m[i].name, name) == 0) return 0;
    if (c->nm == HB_CMP_MAX_METRICS) {
        fprintf(stderr, "hogbench compare: more than %d metrics\n", HB_CMP_MAX_METRICS);
        return -1;
    }
    hb_cmp_metric *m = &c->m[c->nm++];
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->higher = dir >= 0 ? dir : k->higher;
    m->absolute = k ? k->absolute : 0;
    m->time_ns = strcmp(name, "real_time") == 0 || strcmp(name, "cpu_time") == 0;
    m->given = given;
    m->col[0] = m->col[1] = -1;
    return 0;
}

static int hb_cmp_list(const char *flag, const char *s, int (*fn)(hb_cmp *, const char *, int),
                       hb_cmp *c) {
    const char *p = s;
    for (;;) {
        const size_t n = strcspn(p, ",");
        char tok[128];
        if (n == 0 || n >= sizeof tok) {
            fprintf(stderr, "hogbench compare: %s '%s': empty or overlong item\n", flag, s);
            return -1;
        }
        memcpy(tok, p, n);
        tok[n] = '\0';
        if (fn(c, tok, 1) != 0) return -1;
        if (!p[n]) return 0;
        p += n + 1;
    }
}

static int hb_cmp_add_ignore(hb_cmp *c, const char *col, int unused) {
    (void)unused;
    if (c->nignore == HB_CMP_MAX_IGNORE || strlen(col) >= sizeof c->ignore[0]) {
        fprintf(stderr, "hogbench compare: --ignore: too many or overlong columns\n");
        return -1;
    }
    snprintf(c->ignore[c->nignore++], sizeof c->ignore[0], "%s", col);
    return 0;
}

/* Tolerances: "X" (every accuracy metric) or "M=X"; stored until the metrics are known. */
typedef struct hb_cmp_tol {
    char name[64];
    double v;
} hb_cmp_tol;
static hb_cmp_tol hb_cmp_tols[HB_CMP_MAX_METRICS];
static int hb_cmp_ntols;

static int hb_cmp_add_tol(hb_cmp *c, const char *item, int unused) {
    (void)unused;
    const char *eq = strchr(item, '=');
    double v;
    if (hb_cmp_number(eq ? eq + 1 : item, &v) != 0 || !(v >= 0) || isinf(v)) {
        fprintf(stderr, "hogbench compare: --tolerance '%s': expected X or METRIC=X with X >= 0\n",
                item);
        return -1;
    }
    if (!eq) {
        c->tol = v;
        return 0;
    }
    if (hb_cmp_ntols == HB_CMP_MAX_METRICS || (size_t)(eq - item) >= sizeof hb_cmp_tols[0].name ||
        eq == item) {
        fprintf(stderr, "hogbench compare: --tolerance '%s': bad or too many metric names\n", item);
        return -1;
    }
    hb_cmp_tol *t = &hb_cmp_tols[hb_cmp_ntols++];
    snprintf(t->name, sizeof t->name, "%.*s", (int)(eq - item), item);
    t->v = v;
    return 0;
}

static void hb_cmp_free(hb_cmp *c) {
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < c->side[s].ng; i++) {
            hb_cmp_group *g = &c->side[s].g[i];
            free(g->key);
            free(g->ignored);
            free(g->label);
            for (int k = 0; k < HB_CMP_MAX_KEY; k++) free(g->kv[k]);
            for (int m = 0; m < HB_CMP_MAX_METRICS; m++) free(g->vals[m].v);
        }
        free(c->side[s].g);
    }
}

/* --normalize: for each timing metric, NEW's values divided by the median over common configs
 * of median(NEW)/median(BASE), so that a drift of the whole machine between the two runs (or a
 * change that moves everything alike) cancels and what moved relative to the rest stands out.
 * Needs 3 configs at least; the factor is printed. */
static int hb_cmp_normalize(hb_cmp *c) {
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
            printf("normalize: %s: %zu config%s with values on both sides, 3 needed: not "
                   "normalized\n", mm->name, k, k == 1 ? "" : "s");
            continue;
        }
        const double f = hb_median(r, k);
        for (size_t j = 0; j < c->side[1].ng; j++)
            for (size_t v = 0; v < c->side[1].g[j].vals[m].n; v++) c->side[1].g[j].vals[m].v[v] /= f;
        printf("normalize: %s: NEW divided by %.4f, the median NEW/BASE ratio over %zu configs "
               "(NEW as a whole %+.2f%%)\n", mm->name, f, k, (f - 1) * 100);
    }
    free(r);
    return 0;
}

/* ------------------------------------------------------------------ the command */

int hb_cmd_compare(int argc, char **argv) {
    enum { O_METRIC = 1000, O_THRESH, O_ALPHA, O_TOL, O_IGNORE, O_METHOD, O_REQALL, O_CSV,
           O_NORM, O_HELP };
    static const struct option opts[] = {
        {"metric", 1, 0, O_METRIC},   {"metrics", 1, 0, O_METRIC}, {"threshold", 1, 0, O_THRESH},
        {"alpha", 1, 0, O_ALPHA},     {"tolerance", 1, 0, O_TOL},  {"ignore", 1, 0, O_IGNORE},
        {"method", 1, 0, O_METHOD},   {"require-all", 0, 0, O_REQALL}, {"csv", 1, 0, O_CSV},
        {"normalize", 0, 0, O_NORM},  {"help", 0, 0, O_HELP},     {0, 0, 0, 0}};
    static hb_cmp c;
    memset(&c, 0, sizeof c);
    hb_cmp_ntols = 0;
    c.threshold = 0.05;
    c.alpha = 0.05;
    c.tol = 0.005;
    const char *metrics = NULL, *csv_out = NULL;
    optind = 1;
    opterr = 0;
    int o, rc = HB_CMP_USAGE;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case O_METRIC: metrics = optarg; break;
        case O_THRESH: {
            char buf[64];
            snprintf(buf, sizeof buf, "%s", optarg);
            const size_t n = strlen(buf);
            if (n && buf[n - 1] == '%') buf[n - 1] = '\0';
            double v;
            if (hb_cmp_number(buf, &v) != 0 || !(v >= 0 && v < 100)) {
                fprintf(stderr, "hogbench compare: --threshold '%s': expected a percentage in "
                                "[0, 100), e.g. 5%%\n", optarg);
                return HB_CMP_USAGE;
            }
            c.threshold = v / 100;
            break;
        }
        case O_ALPHA:
            if (hb_cmp_number(optarg, &c.alpha) != 0 || !(c.alpha > 0 && c.alpha < 1)) {
                fprintf(stderr, "hogbench compare: --alpha '%s': expected a number in (0, 1)\n",
                        optarg);
                return HB_CMP_USAGE;
            }
            break;
        case O_TOL:
            if (hb_cmp_list("--tolerance", optarg, hb_cmp_add_tol, &c) != 0) return HB_CMP_USAGE;
            break;
        case O_IGNORE:
            if (hb_cmp_list("--ignore", optarg, hb_cmp_add_ignore, &c) != 0) return HB_CMP_USAGE;
            break;
        case O_METHOD:
            if (strcmp(optarg, "auto") == 0) c.method = 0;
            else if (strcmp(optarg, "mwu") == 0) c.method = 1;
            else if (strcmp(optarg, "mad") == 0) c.method = 2;
            else {
                fprintf(stderr, "hogbench compare: --method '%s': expected auto, mwu or mad\n",
                        optarg);
                return HB_CMP_USAGE;
            }
            break;
        case O_REQALL: c.require_all = 1; break;
        case O_NORM: c.normalize = 1; break;
        case O_CSV: csv_out = optarg; break;
        case 'h':
        case O_HELP: hb_compare_usage(stdout); return HB_CMP_OK;
        default:
            fprintf(stderr, "hogbench compare: %s '%s' (see 'hogbench compare --help')\n",
                    optopt ? "missing value for" : "unknown option", argv[optind - 1]);
            return HB_CMP_USAGE;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "hogbench compare: expected two files, BASE and NEW (see 'hogbench "
                        "compare --help')\n");
        return HB_CMP_USAGE;
    }
    c.side[0].path = argv[optind];
    c.side[1].path = argv[optind + 1];
    for (int s = 0; s < 2; s++) {
        FILE *f = fopen(c.side[s].path, "rb");
        if (!f) {
            fprintf(stderr, "hogbench compare: %s: cannot open: %s\n", c.side[s].path,
                    strerror(errno));
            return HB_CMP_USAGE;
        }
        fclose(f);
        c.side[s].json = hb_cmp_sniff_json(c.side[s].path);
    }
    if (c.side[0].json != c.side[1].json) {
        fprintf(stderr, "hogbench compare: %s is %s but %s is %s: compare like with like\n",
                c.side[0].path, c.side[0].json ? "JSON" : "CSV", c.side[1].path,
                c.side[1].json ? "JSON" : "CSV");
        return HB_CMP_USAGE;
    }
    const int json = c.side[0].json;
    if (metrics) {
        if (hb_cmp_list("--metric", metrics, hb_cmp_add_metric, &c) != 0) return HB_CMP_USAGE;
    } else if (json) {
        hb_cmp_add_metric(&c, "cpu_time", 0);
    } else {
        hb_cmp_add_metric(&c, "updates_per_second", 0);
        hb_cmp_add_metric(&c, "rmse", 0);
        hb_cmp_add_metric(&c, "mae", 0);
        hb_cmp_add_metric(&c, "ndcg_at_10", 0);
    }
    for (int m = 0; m < c.nm; m++) c.m[m].tol = c.tol;
    for (int t = 0; t < hb_cmp_ntols; t++) {
        int found = 0;
        for (int m = 0; m < c.nm; m++)
            if (strcmp(c.m[m].name, hb_cmp_tols[t].name) == 0) {
                c.m[m].tol = hb_cmp_tols[t].v;
                c.m[m].absolute = 1;
                found = 1;
            }
        if (!found) {
            fprintf(stderr, "hogbench compare: --tolerance %s=...: not one of the metrics "
                            "compared\n", hb_cmp_tols[t].name);
            return HB_CMP_USAGE;
        }
    }

    for (int s = 0; s < 2; s++)
        if ((json ? hb_cmp_read_json(&c, s) : hb_cmp_read_csv(&c, s)) != 0) goto done;
    /* metrics: one asked for must exist in both files; a default one in neither is dropped */
    for (int m = 0; m < c.nm; m++) {
        const hb_cmp_metric *mm = &c.m[m];
        if (mm->present[0] && mm->present[1]) continue;
        if (!mm->given && !mm->present[0] && !mm->present[1]) continue;
        if (json && !mm->present[0] && !mm->present[1]) {
            fprintf(stderr, "hogbench compare: metric %s: no benchmark in either file has it\n",
                    mm->name);
            goto done;
        }
        fprintf(stderr, "hogbench compare: metric %s: no such column in %s\n", mm->name,
                c.side[mm->present[0] ? 1 : 0].path);
        goto done;
    }
    if (hb_cmp_labels(&c) != 0) goto done;

    /* match */
    size_t common = 0, only[2] = {0, 0};
    for (size_t i = 0; i < c.side[0].ng; i++) {
        hb_cmp_group *a = &c.side[0].g[i];
        for (size_t j = 0; j < c.side[1].ng; j++) {
            hb_cmp_group *b = &c.side[1].g[j];
            if (a->hash == b->hash && strcmp(a->key, b->key) == 0) {
                a->other = (int)j;
                b->other = (int)i;
                common++;
                break;
            }
        }
    }
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < c.side[s].ng; i++) only[s] += c.side[s].g[i].other < 0;

    /* header */
    printf("base: %s (%zu %s, %zu configs)", c.side[0].path, c.side[0].rows,
           json ? "runs" : "rows", c.side[0].ng);
    printf("\nnew:  %s (%zu %s, %zu configs)\n", c.side[1].path, c.side[1].rows,
           json ? "runs" : "rows", c.side[1].ng);
    for (int s = 0; s < 2; s++)
        if (c.side[s].sha[0] || c.side[s].compiler[0])
            printf("%s build: git %s, %s, %s%s%s\n", s ? "new " : "base",
                   c.side[s].sha[0] ? c.side[s].sha : "?", c.side[s].compiler,
                   c.side[s].flags[0] ? c.side[s].flags : "-",
                   c.side[s].host[0] ? ", host " : "", c.side[s].host);
    if (c.nignore) {
        printf("matching ignores:");
        for (int k = 0; k < c.nignore; k++) printf(" %s", c.ignore[k]);
        if (c.side[0].ng && c.side[1].ng) {
            char a[64], b[64];
            snprintf(a, sizeof a, "%s", c.side[0].g[0].ignored);
            snprintf(b, sizeof b, "%s", c.side[1].g[0].ignored);
            hb_cmp_oneline(a);
            hb_cmp_oneline(b);
            printf(" (base %s -> new %s)", a, b);
        }
        printf("\n");
    }
    if (c.normalize && hb_cmp_normalize(&c) != 0) goto done;
    printf("test: timings: change beyond %g%% and significant at alpha %g (%s); accuracy: "
           "beyond the absolute tolerance\n\n", c.threshold * 100, c.alpha,
           c.method == 1 ? "Mann-Whitney U" : c.method == 2 ? "median+MAD bound"
                                             : "Mann-Whitney U, or median+MAD bound for small R");

    FILE *csv = NULL;
    if (csv_out) {
        if (!(csv = fopen(csv_out, "w"))) {
            fprintf(stderr, "hogbench compare: %s: cannot write: %s\n", csv_out, strerror(errno));
            goto done;
        }
        fprintf(csv, "config,match_key,metric,n_base,n_new,base_median,new_median,change_pct,"
                     "method,p_value,bound,verdict,note\n");
    }
    int w = 6;
    for (size_t i = 0; i < c.side[0].ng; i++)
        if (c.side[0].g[i].other >= 0) {
            const int l = (int)strlen(c.side[0].g[i].label);
            if (l > w) w = l;
        }
    if (w > 72) w = 72;
    int wm = 6;
    for (int m = 0; m < c.nm; m++)
        if (c.m[m].present[0] && c.m[m].present[1] && (int)strlen(c.m[m].name) > wm)
            wm = (int)strlen(c.m[m].name);
    printf("%-*s  %-*s  %5s  %14s  %14s  %8s  %-22s  %s\n", w, "config", wm, "metric", "n",
           "base median", "new median", "change", "test", "verdict");
    size_t count[HB_V_NA + 1] = {0};
    for (size_t i = 0; i < c.side[0].ng; i++) {
        const hb_cmp_group *gb = &c.side[0].g[i];
        if (gb->other < 0) continue;
        const hb_cmp_group *gn = &c.side[1].g[gb->other];
        for (int m = 0; m < c.nm; m++) {
            const hb_cmp_metric *mm = &c.m[m];
            if (!(mm->present[0] && mm->present[1])) continue;
            hb_cmp_result r;
            hb_cmp_decide(&c, mm, &gb->vals[m], &gn->vals[m], gb, gn, &r);
            count[r.v]++;
            char sb[32], sn[32], ch[32], n[16];
            hb_cmp_fmt(sb, sizeof sb, r.mb);
            hb_cmp_fmt(sn, sizeof sn, r.mn);
            if (isnan(r.change)) snprintf(ch, sizeof ch, "-");
            else snprintf(ch, sizeof ch, "%+.2f%%", r.change);
            snprintf(n, sizeof n, "%zu/%zu", gb->vals[m].n, gn->vals[m].n);
            printf("%-*.*s  %-*s  %5s  %14s  %14s  %8s  %-22s  %s%s%s\n", w, w, gb->label, wm,
                   mm->name, n, sb, sn, ch, r.test, hb_verdict_name[r.v], r.note[0] ? ": " : "",
                   r.note);
            if (csv) {
                hb_csv_out_field(csv, gb->label);
                fprintf(csv, ",%016llx,", (unsigned long long)gb->hash);
                hb_csv_out_field(csv, mm->name);
                fprintf(csv, ",%zu,%zu,%.9g,%.9g,%.4f,%s,%.6g,%.6g,%s,", gb->vals[m].n,
                        gn->vals[m].n, r.mb, r.mn, r.change, r.method, r.p, r.bound,
                        hb_verdict_name[r.v]);
                hb_csv_out_field(csv, r.note);
                fputc('\n', csv);
            }
        }
    }
    if (csv && fclose(csv) != 0) {
        fprintf(stderr, "hogbench compare: %s: write failed\n", csv_out);
        goto done;
    }
    /* one-sided configs and aggregate-only benchmarks: listed, never dropped silently */
    for (int s = 0; s < 2; s++) {
        if (!only[s]) continue;
        printf("\nonly in %s (%s): %zu config%s\n", s ? "new" : "base", c.side[s].path, only[s],
               only[s] == 1 ? "" : "s");
        for (size_t i = 0; i < c.side[s].ng; i++) {
            const hb_cmp_group *g = &c.side[s].g[i];
            if (g->other >= 0) continue;
            printf("  %s  (%zu %s%s)\n", g->label, g->rows,
                   json ? (g->rows == 1 ? "run" : "runs") : (g->rows == 1 ? "row" : "rows"),
                   g->aggregates && !g->rows ? ", aggregates only" : "");
        }
    }
    size_t aggr_only[2] = {0, 0};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < c.side[s].ng; i++)
            aggr_only[s] += c.side[s].g[i].aggregates && !c.side[s].g[i].rows;
    if (aggr_only[0] || aggr_only[1])
        printf("\nnote: benchmarks with only aggregate entries (mean/median/stddev), %zu in base "
               "and %zu in new: rerun with --benchmark_repetitions=R and without "
               "--benchmark_report_aggregates_only\n", aggr_only[0], aggr_only[1]);

    const size_t bad = count[HB_V_REGRESSED] + count[HB_V_FAILED];
    size_t total = 0;
    for (int v = 0; v <= HB_V_NA; v++) total += count[v];
    printf("\ncompare: %zu comparison%s over %zu common config%s: %zu regressed, %zu failed, "
           "%zu unclear, %zu improved, %zu ok, %zu n/a; %zu config%s only in base, %zu only in "
           "new\n", total, total == 1 ? "" : "s", common, common == 1 ? "" : "s",
           count[HB_V_REGRESSED], count[HB_V_FAILED], count[HB_V_UNCLEAR], count[HB_V_IMPROVED],
           count[HB_V_OK], count[HB_V_NA], only[0], only[0] == 1 ? "" : "s", only[1]);
    if (common == 0 || total == count[HB_V_NA]) {
        printf("compare: NOTHING COMPARED (%s)\n",
               common == 0  ? "no config is in both files"
               : total == 0 ? "no metric in both files"
                            : "no config has values on both sides");
        rc = HB_CMP_NOTHING;
    } else if (bad) {
        printf("compare: REGRESSION\n");
        rc = HB_CMP_REGRESSED;
    } else if (c.require_all && (only[0] || only[1])) {
        printf("compare: FAIL (--require-all: configs on one side only)\n");
        rc = HB_CMP_REGRESSED;
    } else {
        printf("compare: OK\n");
        rc = HB_CMP_OK;
    }
done:
    fflush(stdout);
    hb_cmp_free(&c);
    return rc;
}
