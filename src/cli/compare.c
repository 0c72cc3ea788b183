/* compare.c: 'hogbench compare': the repetitions of each config in two results files (hogbench
 * CSV rows or Google Benchmark JSON) compared per metric with a noise-aware test; the exit
 * status says whether anything regressed beyond the threshold with significance. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "cli.h"
#include "compare_decide.h"
#include "json.h"
#include "stats.h"

/* Exit codes (README "Regression gating in CI"). */
enum { HB_CMP_OK = 0, HB_CMP_REGRESSED = 1, HB_CMP_USAGE = 2, HB_CMP_NOTHING = 3 };

enum { HB_CMP_MAX_METRICS = 32, HB_CMP_MAX_KEY = 64, HB_CMP_MAX_IGNORE = 32 };

static void hb_compare_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench compare BASE NEW [options]\n"
        "       hogbench compare BASE.csv NEW.csv --rerun 'CMD_BASE' 'CMD_NEW' [options]\n\n"
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
        "  --alpha A             false-alarm rate per line (default 0.05; 0.005 with --sequential\n"
        "                        and --rerun)\n"
        "  --beta B              miss rate for a change of the threshold (default 0.05): the\n"
        "                        sequential test, and the repeats an unclear line is told it needs\n"
        "  --tolerance X|M=X,... absolute tolerance for accuracy metrics (rmse, mae, final_loss,\n"
        "                        ndcg_at_*; default 0.005); M=X sets one metric's tolerance and\n"
        "                        compares it by that tolerance\n"
        "  --ignore C,...        leave run-key columns out of the match (e.g. isa: compare the\n"
        "                        same configs on two kernel tables); JSON: isa drops the ISA\n"
        "                        component of benchmark names\n"
        "  --method auto|mwu|mad test for timings (default auto: Mann-Whitney U when the sample\n"
        "                        sizes can reach --alpha, else the median+MAD bound)\n"
        "  --unclear pass|fail   what an undecided timing line does to the exit status (default\n"
        "                        pass: 0; fail: 1). Either way the line says how many repeats\n"
        "                        would decide it\n"
        "  --sequential          timings by the paired sequential test (below) on the rows as\n"
        "                        they are: the k-th row of a config in BASE with the k-th in NEW\n"
        "  --rerun CMD_BASE CMD_NEW  run the two shell commands alternately (ABBA: base new, new\n"
        "                        base, ...), each appending one repetition of every config to BASE\n"
        "                        resp. NEW, until the sequential test has decided every line or\n"
        "                        the files hold --max-repeats repetitions; rows already there\n"
        "                        count. The commands see HB_PAIR (1, 2, ...) and HB_SIDE (base or\n"
        "                        new); their output goes to stderr\n"
        "  --max-repeats N       the bound of --rerun (default 60 repetitions per side)\n"
        "  --min-repeats N       the sequential test's first look (default 5 pairs)\n"
        "  --require-all         a config present on one side only is a failure\n"
        "  --normalize           divide NEW's timings by their median NEW/BASE ratio over all\n"
        "                        configs (printed): cancels a drift of the whole machine between\n"
        "                        the runs, and hides a change that moves every config alike\n"
        "  --csv FILE            also write the comparison as CSV (checked before any work,\n"
        "                        replaced atomically; never a FIFO, device or symbolic link)\n"
        "  --help\n\n"
        "Timing metrics (relative, e.g. updates_per_second, cpu_time, ir): a regression is a\n"
        "median change worse than the threshold that is also significant: a one-sided\n"
        "Mann-Whitney U test of NEW against BASE shifted by the threshold (H1: NEW is worse than\n"
        "BASE by more than the threshold) gives p <= alpha; the smallest p it can give is\n"
        "1/C(n+m,n) (0.05 for 3 vs 3, 0.004 for 5 vs 5), so smaller samples use the bound\n"
        "median(NEW) beyond the shifted median(BASE) by more than t(1-alpha, n+m-2) times the\n"
        "medians' standard error estimated from the MADs. An unclear line gets the repeats per\n"
        "side that would decide it (Noether's sample size for the U test at the effect seen).\n"
        "Sequential (--sequential, --rerun): Wald's sequential probability ratio test on the\n"
        "pairs' log ratios, H0 no change against H1 worse by the threshold, the variance\n"
        "estimated from the pairs, looked at after every pair; it stops at log LR >=\n"
        "log((1-beta)/alpha) (REGRESSED) or <= log(beta/(1-alpha)) (ok). Accuracy metrics:\n"
        "medians differ by more than the tolerance in the worse direction.\n\n"
        "Verdicts: ok, improved, unclear (not decided: beyond the threshold, not significant; or\n"
        "the sequential test still open), REGRESSED, FAILED (NEW has no finished run where BASE\n"
        "has, or a value is present but not a finite number, on either side), n/a.\n"
        "Exit status: 0 no regression; 1 a regression or failure (or, with --require-all, a\n"
        "config on one side only; with --unclear fail, an unclear line); 2 usage, unreadable\n"
        "input or a failed --rerun command; 3 no config in common.\n");
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
    size_t *row;    /* the group's row (0-based, every status counted) each value came from */
    size_t n, cap;
    size_t bad;     /* values present but not finite (nan, inf): a failure */
    char bad_msg[96];
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
    double beta;    /* the sequential test's (and the repeats estimate's) miss rate */
    int method; /* 0 auto, 1 mwu, 2 mad */
    int require_all;
    int normalize;  /* divide NEW's timings by their median NEW/BASE ratio over all configs */
    int sequential; /* timings by the paired sequential test (--sequential, --rerun) */
    int unclear_fail;
    size_t min_pairs, max_pairs;
    const char *rerun[2]; /* --rerun: the commands that append one repetition to BASE, NEW */
    hb_cmp_side side[2];
    size_t common, only[2]; /* after matching */
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

/* A run-key column a file lacks, because it was written before the column existed, reads as
 * the value every row of that time had: ranks 1 (one process). Others read as empty. */
static const char *hb_cmp_key_default(int k) {
    return strcmp(hb_run_key_cols[k], "ranks") == 0 ? "1" : "";
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
static int hb_cmp_sniff(const char *path, int *json) {
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

/* ------------------------------------------------------------------ one line's verdict */

/* The verdict of metric m of the common config gb (base) / gn (new). */
static void hb_cmp_line(const hb_cmp *c, int m, const hb_cmp_group *gb, const hb_cmp_group *gn,
                        hb_decision *r) {
    const hb_cmp_metric *mm = &c->m[m];
    const hb_cmp_vals *b = &gb->vals[m], *x = &gn->vals[m];
    hb_decide_opts o;
    hb_decide_opts_default(&o);
    o.higher = mm->higher;
    o.absolute = mm->absolute;
    o.tol = mm->tol;
    o.threshold = c->threshold;
    o.alpha = c->alpha;
    o.beta = c->beta;
    o.method = (hb_decide_method)c->method;
    o.min_pairs = c->min_pairs;
    if (c->sequential && !mm->absolute && b->n && x->n) {
        /* pairs: the k-th row of the config in BASE with the k-th in NEW */
        const size_t cap = b->n < x->n ? b->n : x->n;
        double *pb = malloc(cap * sizeof *pb), *px = malloc(cap * sizeof *px);
        size_t k = 0;
        if (pb && px)
            for (size_t i = 0, j = 0; i < b->n && j < x->n;) {
                if (b->row[i] == x->row[j]) {
                    pb[k] = b->v[i++];
                    px[k++] = x->v[j++];
                } else if (b->row[i] < x->row[j]) i++;
                else j++;
            }
        if (pb && px) hb_decide_sequential(pb, px, k, &o, r);
        else {
            hb_decide_fixed(b->v, 0, x->v, 0, &o, r);
            snprintf(r->note, sizeof r->note, "out of memory");
        }
        free(pb);
        free(px);
    } else {
        hb_decide_fixed(b->v, b->n, x->v, x->n, &o, r);
    }
    if (b->bad || x->bad) { /* present but not a number: a broken run, on either side */
        r->v = HB_V_FAILED;
        snprintf(r->note, sizeof r->note, "%s, not a finite number%s",
                 x->bad ? x->bad_msg : b->bad_msg, b->bad + x->bad > 1 ? " (and more)" : "");
    } else if (x->n == 0 && b->n > 0 && gn->failed) {
        r->v = HB_V_FAILED;
        snprintf(r->note, sizeof r->note, "%s", gn->fail_msg);
    } else if (r->v == HB_V_NA && b->n == 0 && gb->failed) {
        snprintf(r->note, sizeof r->note, "no base value (base runs failed)");
    }
}

/* ------------------------------------------------------------------ reading both sides */

/* Reads both files (again), matches their configs and normalizes: the state every verdict is
 * computed from. -1 (message printed) on unreadable input. */
static int hb_cmp_load(hb_cmp *c, int print) {
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

/* Lines (common config x timing metric) still unclear. */
static size_t hb_cmp_open_lines(const hb_cmp *c, size_t *lines) {
    size_t open = 0;
    *lines = 0;
    for (size_t i = 0; i < c->side[0].ng; i++) {
        const hb_cmp_group *gb = &c->side[0].g[i];
        if (gb->other < 0) continue;
        for (int m = 0; m < c->nm; m++) {
            if (!(c->m[m].present[0] && c->m[m].present[1])) continue;
            hb_decision r;
            hb_cmp_line(c, m, gb, &c->side[1].g[gb->other], &r);
            (*lines)++;
            open += r.v == HB_V_UNCLEAR;
        }
    }
    return open;
}

/* The fewest repetitions a common config has on either side. */
static size_t hb_cmp_min_rows(const hb_cmp *c) {
    size_t lo = SIZE_MAX;
    for (size_t i = 0; i < c->side[0].ng; i++) {
        const hb_cmp_group *gb = &c->side[0].g[i];
        if (gb->other < 0) continue;
        const size_t n = c->side[1].g[gb->other].rows;
        if (gb->rows < lo) lo = gb->rows;
        if (n < lo) lo = n;
    }
    return lo == SIZE_MAX ? 0 : lo;
}

/* ------------------------------------------------------------------ --rerun */

/* Runs one side's command through /bin/sh (its stdout to our stderr, so that the table stays
 * clean), with HB_PAIR (1, 2, ...) and HB_SIDE (base or new) in its environment. */
static int hb_cmp_run_cmd(const char *side, const char *cmd, size_t pair) {
    fflush(stdout);
    fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "hogbench compare: --rerun: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        char v[32];
        snprintf(v, sizeof v, "%zu", pair);
        if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || setenv("HB_PAIR", v, 1) != 0 ||
            setenv("HB_SIDE", side, 1) != 0)
            _exit(126);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "hogbench compare: --rerun: waitpid: %s\n", strerror(errno));
            return -1;
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
    if (WIFEXITED(st))
        fprintf(stderr, "hogbench compare: --rerun: the %s command exited with status %d "
                        "(pair %zu): %s\n", side, WEXITSTATUS(st), pair, cmd);
    else
        fprintf(stderr, "hogbench compare: --rerun: the %s command was killed by signal %d "
                        "(pair %zu): %s\n", side, WTERMSIG(st), pair, cmd);
    return -1;
}

/* ------------------------------------------------------------------ --csv, written atomically */

typedef struct hb_cmp_out {
    FILE *f;
    char tmp[4096];
} hb_cmp_out;

/* A temporary file next to path (same folder: rename is atomic), mode as path's or 0666 less
 * the umask. */
static int hb_cmp_out_open(hb_cmp_out *o, const char *path) {
    o->f = NULL;
    if (snprintf(o->tmp, sizeof o->tmp, "%s.XXXXXX", path) >= (int)sizeof o->tmp) {
        fprintf(stderr, "hogbench compare: --csv %s: path too long\n", path);
        return -1;
    }
    const int fd = mkstemp(o->tmp);
    if (fd < 0) {
        fprintf(stderr, "hogbench compare: --csv %s: cannot create a file next to it: %s\n",
                path, strerror(errno));
        return -1;
    }
    struct stat sb;
    mode_t mode;
    if (stat(path, &sb) == 0) {
        mode = sb.st_mode & 07777;
    } else {
        const mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(stderr, "hogbench compare: --csv %s: %s\n", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        return -1;
    }
    return 0;
}

static void hb_cmp_out_abort(hb_cmp_out *o) {
    if (!o->f) return;
    fclose(o->f);
    unlink(o->tmp);
    o->f = NULL;
}

/* Flushed, synced, then renamed over path, which is checked once more first (a FIFO, device
 * or symbolic link put there meanwhile is left alone). */
static int hb_cmp_out_commit(hb_cmp_out *o, const char *path) {
    hb_error err = {{0}};
    int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad) fprintf(stderr, "hogbench compare: --csv %s: write failed\n", path);
    else if (hb_out_check("--csv", path, HB_OUT_REPLACE, &err) != HB_OK) {
        fprintf(stderr, "hogbench compare: %s\n", err.msg);
        bad = 1;
    } else if (rename(o->tmp, path) != 0) {
        fprintf(stderr, "hogbench compare: --csv %s: rename: %s\n", path, strerror(errno));
        bad = 1;
    }
    if (bad) unlink(o->tmp);
    return bad ? -1 : 0;
}

/* 1 when a and b name the same existing file. */
static int hb_cmp_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* ------------------------------------------------------------------ the command */

/* --rerun takes two arguments, which getopt cannot: it is taken out of argv first. */
static int hb_cmp_take_rerun(hb_cmp *c, int *argc, char **argv) {
    int w = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) { /* the rest are operands */
            while (i < *argc) argv[w++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--rerun") == 0) {
            if (i + 2 >= *argc || !argv[i + 1][0] || !argv[i + 2][0]) {
                fprintf(stderr, "hogbench compare: --rerun needs two commands: --rerun "
                                "'CMD_BASE' 'CMD_NEW'\n");
                return -1;
            }
            c->rerun[0] = argv[i + 1];
            c->rerun[1] = argv[i + 2];
            i += 2;
            continue;
        }
        argv[w++] = argv[i];
    }
    *argc = w;
    argv[w] = NULL;
    return 0;
}

static int hb_cmp_size(const char *flag, const char *s, size_t lo, size_t *out) {
    char *end;
    errno = 0;
    const unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno || s[0] == '-' || v < lo || v > 100000) {
        fprintf(stderr, "hogbench compare: %s '%s': expected a whole number in [%zu, 100000]\n",
                flag, s, lo);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* compare's flags and operands into c (*metrics, *csv_out: their values or NULL), checked
 * before any work. Returns -1 to go on, else the exit code (usage errors printed; --help).
 * Long on purpose: one switch case per flag, then the checks between flags, read best whole. */
static int hb_cmp_options(hb_cmp *c, int argc, char **argv, const char **metrics,
                          const char **csv_out) {
    enum { O_METRIC = 1000, O_THRESH, O_ALPHA, O_BETA, O_TOL, O_IGNORE, O_METHOD, O_REQALL,
           O_CSV, O_NORM, O_SEQ, O_UNCLEAR, O_MAXREP, O_MINREP, O_HELP };
    static const struct option opts[] = {
        {"metric", 1, 0, O_METRIC},   {"metrics", 1, 0, O_METRIC}, {"threshold", 1, 0, O_THRESH},
        {"alpha", 1, 0, O_ALPHA},     {"beta", 1, 0, O_BETA},      {"tolerance", 1, 0, O_TOL},
        {"ignore", 1, 0, O_IGNORE},   {"method", 1, 0, O_METHOD},  {"require-all", 0, 0, O_REQALL},
        {"csv", 1, 0, O_CSV},         {"normalize", 0, 0, O_NORM}, {"sequential", 0, 0, O_SEQ},
        {"unclear", 1, 0, O_UNCLEAR}, {"max-repeats", 1, 0, O_MAXREP},
        {"min-repeats", 1, 0, O_MINREP}, {"help", 0, 0, O_HELP},   {0, 0, 0, 0}};
    hb_cmp_ntols = 0;
    c->threshold = 0.05;
    c->alpha = 0.05;
    c->beta = 0.05;
    c->tol = 0.005;
    c->min_pairs = 5;
    c->max_pairs = 60;
    int alpha_set = 0, maxrep_set = 0;
    if (hb_cmp_take_rerun(c, &argc, argv) != 0) return HB_CMP_USAGE;
    optind = 1;
    opterr = 0;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case O_METRIC: *metrics = optarg; break;
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
            c->threshold = v / 100;
            break;
        }
        case O_ALPHA:
        case O_BETA: {
            double *dst = o == O_ALPHA ? &c->alpha : &c->beta;
            if (hb_cmp_number(optarg, dst) != 0 || !(*dst > 0 && *dst < 1)) {
                fprintf(stderr, "hogbench compare: --%s '%s': expected a number in (0, 1)\n",
                        o == O_ALPHA ? "alpha" : "beta", optarg);
                return HB_CMP_USAGE;
            }
            alpha_set |= o == O_ALPHA;
            break;
        }
        case O_TOL:
            if (hb_cmp_list("--tolerance", optarg, hb_cmp_add_tol, c) != 0) return HB_CMP_USAGE;
            break;
        case O_IGNORE:
            if (hb_cmp_list("--ignore", optarg, hb_cmp_add_ignore, c) != 0) return HB_CMP_USAGE;
            break;
        case O_METHOD:
            if (strcmp(optarg, "auto") == 0) c->method = 0;
            else if (strcmp(optarg, "mwu") == 0) c->method = 1;
            else if (strcmp(optarg, "mad") == 0) c->method = 2;
            else {
                fprintf(stderr, "hogbench compare: --method '%s': expected auto, mwu or mad\n",
                        optarg);
                return HB_CMP_USAGE;
            }
            break;
        case O_UNCLEAR:
            if (strcmp(optarg, "pass") == 0) c->unclear_fail = 0;
            else if (strcmp(optarg, "fail") == 0) c->unclear_fail = 1;
            else {
                fprintf(stderr, "hogbench compare: --unclear '%s': expected pass or fail\n",
                        optarg);
                return HB_CMP_USAGE;
            }
            break;
        case O_MAXREP:
            if (hb_cmp_size("--max-repeats", optarg, 1, &c->max_pairs) != 0) return HB_CMP_USAGE;
            maxrep_set = 1;
            break;
        case O_MINREP:
            if (hb_cmp_size("--min-repeats", optarg, 2, &c->min_pairs) != 0) return HB_CMP_USAGE;
            break;
        case O_REQALL: c->require_all = 1; break;
        case O_NORM: c->normalize = 1; break;
        case O_SEQ: c->sequential = 1; break;
        case O_CSV: *csv_out = optarg; break;
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
    const int rerun = c->rerun[0] != NULL;
    if (maxrep_set && !rerun) {
        fprintf(stderr, "hogbench compare: --max-repeats bounds --rerun; without it compare "
                        "reruns nothing\n");
        return HB_CMP_USAGE;
    }
    if (rerun) c->sequential = 1;
    /* a gate makes one decision per change: 0.005, which the sequential test pays for with
     * ~15% more pairs when a slowdown is there and almost none when none is (README) */
    if (c->sequential && !alpha_set) c->alpha = 0.005;
    if (c->sequential && !(c->alpha + c->beta < 1)) {
        fprintf(stderr, "hogbench compare: the sequential test needs alpha + beta < 1 (its "
                        "boundaries log(beta/(1-alpha)) < 0 < log((1-beta)/alpha))\n");
        return HB_CMP_USAGE;
    }
    if (c->sequential && c->min_pairs > c->max_pairs && rerun) c->max_pairs = c->min_pairs;
    c->side[0].path = argv[optind];
    c->side[1].path = argv[optind + 1];
    if (strcmp(c->side[0].path, c->side[1].path) == 0 && rerun) {
        fprintf(stderr, "hogbench compare: --rerun: BASE and NEW are the same file\n");
        return HB_CMP_USAGE;
    }
    /* outputs are checked before any work */
    if (*csv_out) {
        hb_error err = {{0}};
        if (hb_out_check("--csv", *csv_out, HB_OUT_REPLACE, &err) != HB_OK) {
            fprintf(stderr, "hogbench compare: %s\n", err.msg);
            return HB_CMP_USAGE;
        }
        for (int s = 0; s < 2; s++)
            if (strcmp(*csv_out, c->side[s].path) == 0 || hb_cmp_same_file(*csv_out, c->side[s].path)) {
                fprintf(stderr, "hogbench compare: --csv %s: is the %s file\n", *csv_out,
                        s ? "NEW" : "BASE");
                return HB_CMP_USAGE;
            }
    }
    return -1;
}

/* Once both files exist: their kind (CSV or JSON, the same on both sides), the metrics
 * compared (--metric, else the kind's defaults) and their tolerances. 0, or -1 (printed). */
static int hb_cmp_setup(hb_cmp *c, const char *metrics) {
    for (int s = 0; s < 2; s++)
        if (hb_cmp_sniff(c->side[s].path, &c->side[s].json) != 0) return -1;
    if (c->side[0].json != c->side[1].json) {
        fprintf(stderr, "hogbench compare: %s is %s but %s is %s: compare like with "
                        "like\n", c->side[0].path, c->side[0].json ? "JSON" : "CSV",
                c->side[1].path, c->side[1].json ? "JSON" : "CSV");
        return -1;
    }
    if (metrics) {
        if (hb_cmp_list("--metric", metrics, hb_cmp_add_metric, c) != 0) return -1;
    } else if (c->side[0].json) {
        hb_cmp_add_metric(c, "cpu_time", 0);
    } else {
        hb_cmp_add_metric(c, "updates_per_second", 0);
        hb_cmp_add_metric(c, "rmse", 0);
        hb_cmp_add_metric(c, "mae", 0);
        hb_cmp_add_metric(c, "ndcg_at_10", 0);
    }
    for (int m = 0; m < c->nm; m++) c->m[m].tol = c->tol;
    for (int t = 0; t < hb_cmp_ntols; t++) {
        int found = 0;
        for (int m = 0; m < c->nm; m++)
            if (strcmp(c->m[m].name, hb_cmp_tols[t].name) == 0) {
                c->m[m].tol = hb_cmp_tols[t].v;
                c->m[m].absolute = 1;
                found = 1;
            }
        if (!found) {
            fprintf(stderr, "hogbench compare: --tolerance %s=...: not one of the "
                            "metrics compared\n", hb_cmp_tols[t].name);
            return -1;
        }
    }
    return 0;
}

/* Reads both sides; with --rerun, runs the commands in ABBA pairs until every timing line is
 * decided or the files hold --max-repeats repetitions of every config (what the files already
 * hold counts). *pairs_run and cmd_s[] (seconds in each side's command) say what it ran.
 * 0, or -1 (printed). */
static int hb_cmp_collect(hb_cmp *c, const char *metrics, double t0, size_t *pairs_run,
                          double cmd_s[2]) {
    const int rerun = c->rerun[0] != NULL;
    size_t open = 0, lines = 0;
    int setup = 0;
    for (;;) {
        int have = 1;
        if (rerun) {
            struct stat sb;
            for (int s = 0; s < 2; s++) have &= stat(c->side[s].path, &sb) == 0;
        }
        if (have) {
            if (!setup) {
                if (hb_cmp_setup(c, metrics) != 0) return -1;
                setup = 1;
            }
            if (!rerun) break;
            if (hb_cmp_load(c, 0) != 0) return -1;
            open = hb_cmp_open_lines(c, &lines);
            if (*pairs_run)
                fprintf(stderr, "hogbench compare: pair %zu done (%.1f s): %zu of %zu lines "
                                "decided\n", *pairs_run, hb_now() - t0, lines - open, lines);
            if (c->common && !open) break;
            if (c->common && hb_cmp_min_rows(c) >= c->max_pairs) break;
        }
        if (*pairs_run >= c->max_pairs) break;
        (*pairs_run)++;
        for (int k = 0; k < 2; k++) { /* ABBA: base first in odd pairs, new first in even */
            const int s = (*pairs_run % 2) ? k : 1 - k;
            const double t = hb_now();
            if (hb_cmp_run_cmd(s ? "new" : "base", c->rerun[s], *pairs_run) != 0) return -1;
            cmd_s[s] += hb_now() - t;
        }
    }
    if (!setup) {
        fprintf(stderr, "hogbench compare: --rerun: the commands did not write %s and %s\n",
                c->side[0].path, c->side[1].path);
        return -1;
    }
    return hb_cmp_load(c, 1) != 0 ? -1 : 0;
}

/* The report's head: the files, their builds, the ignored keys, the reruns and the tests. */
static void hb_cmp_print_header(const hb_cmp *c, size_t pairs_run, double t0,
                                const double cmd_s[2]) {
    const int rerun = c->rerun[0] != NULL;
    if (!c->normalize) {
        printf("base: %s (%zu %s, %zu configs)", c->side[0].path, c->side[0].rows,
               c->side[0].json ? "runs" : "rows", c->side[0].ng);
        printf("\nnew:  %s (%zu %s, %zu configs)\n", c->side[1].path, c->side[1].rows,
               c->side[0].json ? "runs" : "rows", c->side[1].ng);
    }
    for (int s = 0; s < 2; s++)
        if (c->side[s].sha[0] || c->side[s].compiler[0])
            printf("%s build: git %s, %s, %s%s%s\n", s ? "new " : "base",
                   c->side[s].sha[0] ? c->side[s].sha : "?", c->side[s].compiler,
                   c->side[s].flags[0] ? c->side[s].flags : "-",
                   c->side[s].host[0] ? ", host " : "", c->side[s].host);
    if (c->nignore) {
        printf("matching ignores:");
        for (int k = 0; k < c->nignore; k++) printf(" %s", c->ignore[k]);
        if (c->side[0].ng && c->side[1].ng) {
            char a[64], b[64];
            snprintf(a, sizeof a, "%s", c->side[0].g[0].ignored);
            snprintf(b, sizeof b, "%s", c->side[1].g[0].ignored);
            hb_cmp_oneline(a);
            hb_cmp_oneline(b);
            printf(" (base %s -> new %s)", a, b);
        }
        printf("\n");
    }
    if (rerun)
        printf("rerun: %zu pair%s run (ABBA) in %.1f s (commands: base %.1f s, new %.1f s); "
               "bound %zu repeats\n", pairs_run, pairs_run == 1 ? "" : "s", hb_now() - t0,
               cmd_s[0], cmd_s[1], c->max_pairs);
    if (c->sequential)
        printf("test: timings: paired sequential probability ratio test on log ratios (H0 no "
               "change, H1 %g%% worse; alpha %g, beta %g; from %zu pairs); accuracy: beyond the "
               "absolute tolerance\n\n", c->threshold * 100, c->alpha, c->beta, c->min_pairs);
    else
        printf("test: timings: change beyond %g%% and significant at alpha %g (%s); accuracy: "
               "beyond the absolute tolerance\n\n", c->threshold * 100, c->alpha,
               c->method == 1 ? "Mann-Whitney U" : c->method == 2 ? "median+MAD bound"
                                                : "Mann-Whitney U, or median+MAD bound for small R");
}

/* One line per (common config, metric): its decision on stdout and, with --csv, in out;
 * count[] tallies the verdicts, *need_max the most repeats an unclear line would need. */
static void hb_cmp_print_lines(hb_cmp *c, hb_cmp_out *out, size_t count[HB_V_NA + 1],
                               double *need_max) {
    int w = 6;
    for (size_t i = 0; i < c->side[0].ng; i++)
        if (c->side[0].g[i].other >= 0) {
            const int l = (int)strlen(c->side[0].g[i].label);
            if (l > w) w = l;
        }
    if (w > 72) w = 72;
    int wm = 6;
    for (int m = 0; m < c->nm; m++)
        if (c->m[m].present[0] && c->m[m].present[1] && (int)strlen(c->m[m].name) > wm)
            wm = (int)strlen(c->m[m].name);
    printf("%-*s  %-*s  %5s  %14s  %14s  %8s  %-22s  %s\n", w, "config", wm, "metric", "n",
           "base median", "new median", "change", "test", "verdict");
    for (size_t i = 0; i < c->side[0].ng; i++) {
        const hb_cmp_group *gb = &c->side[0].g[i];
        if (gb->other < 0) continue;
        const hb_cmp_group *gn = &c->side[1].g[gb->other];
        for (int m = 0; m < c->nm; m++) {
            const hb_cmp_metric *mm = &c->m[m];
            if (!(mm->present[0] && mm->present[1])) continue;
            hb_decision r;
            hb_cmp_line(c, m, gb, gn, &r);
            count[r.v]++;
            if (r.v == HB_V_UNCLEAR && !isnan(r.need) && r.need > *need_max) *need_max = r.need;
            char sb[32], sn[32], ch[32], n[16];
            hb_cmp_fmt(sb, sizeof sb, r.mb);
            hb_cmp_fmt(sn, sizeof sn, r.mn);
            if (isnan(r.change)) snprintf(ch, sizeof ch, "-");
            else snprintf(ch, sizeof ch, "%+.2f%%", r.change);
            snprintf(n, sizeof n, "%zu/%zu", gb->vals[m].n, gn->vals[m].n);
            printf("%-*.*s  %-*s  %5s  %14s  %14s  %8s  %-22s  %s%s%s\n", w, w, gb->label, wm,
                   mm->name, n, sb, sn, ch, r.test, hb_verdict_name[r.v], r.note[0] ? ": " : "",
                   r.note);
            if (out->f) {
                hb_csv_out_field(out->f, gb->label);
                fprintf(out->f, ",%016llx,", (unsigned long long)gb->hash);
                hb_csv_out_field(out->f, mm->name);
                fprintf(out->f, ",%zu,%zu,%.9g,%.9g,%.4f,%s,%.6g,%.6g,%s,", gb->vals[m].n,
                        gn->vals[m].n, r.mb, r.mn, r.change, r.method, r.p, r.bound,
                        hb_verdict_name[r.v]);
                hb_csv_out_field(out->f, r.note);
                if (r.method[0] == 'S') fprintf(out->f, ",%zu,%.6g", r.n_used, r.llr);
                else fputs(",,", out->f);
                if (!isnan(r.need)) fprintf(out->f, ",%.0f\n", r.need);
                else fputs(",\n", out->f);
            }
        }
    }
}

/* One-sided configs and aggregate-only benchmarks: listed, never dropped silently. */
static void hb_cmp_print_only(const hb_cmp *c) {
    for (int s = 0; s < 2; s++) {
        if (!c->only[s]) continue;
        printf("\nonly in %s (%s): %zu config%s\n", s ? "new" : "base", c->side[s].path,
               c->only[s], c->only[s] == 1 ? "" : "s");
        for (size_t i = 0; i < c->side[s].ng; i++) {
            const hb_cmp_group *g = &c->side[s].g[i];
            if (g->other >= 0) continue;
            printf("  %s  (%zu %s%s)\n", g->label, g->rows,
                   c->side[0].json ? (g->rows == 1 ? "run" : "runs") : (g->rows == 1 ? "row" : "rows"),
                   g->aggregates && !g->rows ? ", aggregates only" : "");
        }
    }
    size_t aggr_only[2] = {0, 0};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < c->side[s].ng; i++)
            aggr_only[s] += c->side[s].g[i].aggregates && !c->side[s].g[i].rows;
    if (aggr_only[0] || aggr_only[1])
        printf("\nnote: benchmarks with only aggregate entries (mean/median/stddev), %zu in base "
               "and %zu in new: rerun with --benchmark_repetitions=R and without "
               "--benchmark_report_aggregates_only\n", aggr_only[0], aggr_only[1]);
}

/* The totals, the unclear lines' advice and the verdict; returns the exit code. */
static int hb_cmp_summary(const hb_cmp *c, const size_t count[HB_V_NA + 1], double need_max) {
    const int rerun = c->rerun[0] != NULL;
    const size_t bad = count[HB_V_REGRESSED] + count[HB_V_FAILED];
    const size_t unclear = count[HB_V_UNCLEAR];
    size_t total = 0;
    for (int v = 0; v <= HB_V_NA; v++) total += count[v];
    printf("\ncompare: %zu comparison%s over %zu common config%s: %zu regressed, %zu failed, "
           "%zu unclear, %zu improved, %zu ok, %zu n/a; %zu config%s only in base, %zu only in "
           "new\n", total, total == 1 ? "" : "s", c->common, c->common == 1 ? "" : "s",
           count[HB_V_REGRESSED], count[HB_V_FAILED], unclear, count[HB_V_IMPROVED],
           count[HB_V_OK], count[HB_V_NA], c->only[0], c->only[0] == 1 ? "" : "s", c->only[1]);
    if (unclear) {
        if (c->sequential && rerun)
            printf("compare: %zu line%s undecided at the bound (--max-repeats %zu); %s\n",
                   unclear, unclear == 1 ? "" : "s", c->max_pairs,
                   c->unclear_fail ? "--unclear fail: that is a failure"
                                  : "--unclear pass (the default) lets them through");
        else if (c->sequential)
            printf("compare: %zu line%s undecided after the pairs given (let compare add pairs: "
                   "--rerun 'CMD_BASE' 'CMD_NEW'); %s\n", unclear, unclear == 1 ? "" : "s",
                   c->unclear_fail ? "--unclear fail: that is a failure"
                                  : "--unclear pass (the default) lets them through");
        else if (need_max > 0)
            printf("compare: %zu line%s unclear: ~%.0f repeats per side would decide them at "
                   "this noise, or let compare rerun both sides until decided (--rerun 'CMD_BASE' "
                   "'CMD_NEW'); %s\n", unclear, unclear == 1 ? "" : "s", need_max,
                   c->unclear_fail ? "--unclear fail: that is a failure"
                                  : "--unclear pass (the default) lets them through");
        else
            printf("compare: %zu line%s unclear; %s\n", unclear, unclear == 1 ? "" : "s",
                   c->unclear_fail ? "--unclear fail: that is a failure"
                                  : "--unclear pass (the default) lets them through");
    }
    if (c->common == 0 || total == count[HB_V_NA]) {
        printf("compare: NOTHING COMPARED (%s)\n",
               c->common == 0 ? "no config is in both files"
               : total == 0  ? "no metric in both files"
                             : "no config has values on both sides");
        return HB_CMP_NOTHING;
    } else if (bad) {
        printf("compare: REGRESSION\n");
        return HB_CMP_REGRESSED;
    } else if (c->require_all && (c->only[0] || c->only[1])) {
        printf("compare: FAIL (--require-all: configs on one side only)\n");
        return HB_CMP_REGRESSED;
    } else if (unclear && c->unclear_fail) {
        printf("compare: UNDECIDED (--unclear fail)\n");
        return HB_CMP_REGRESSED;
    } else {
        printf("compare: OK\n");
        return HB_CMP_OK;
    }
}

int hb_cmd_compare(int argc, char **argv) {
    static hb_cmp c;
    hb_cmp_free(&c);
    memset(&c, 0, sizeof c);
    const char *metrics = NULL, *csv_out = NULL;
    int rc = hb_cmp_options(&c, argc, argv, &metrics, &csv_out);
    if (rc >= 0) return rc;
    rc = HB_CMP_USAGE;
    hb_cmp_out out = {0};
    const double t0 = hb_now();
    double cmd_s[2] = {0, 0};
    size_t pairs_run = 0;
    if (hb_cmp_collect(&c, metrics, t0, &pairs_run, cmd_s) != 0) goto done;
    hb_cmp_print_header(&c, pairs_run, t0, cmd_s);
    if (csv_out) {
        if (hb_cmp_out_open(&out, csv_out) != 0) goto done;
        fprintf(out.f, "config,match_key,metric,n_base,n_new,base_median,new_median,change_pct,"
                       "method,p_value,bound,verdict,note,pairs_used,log_lr,repeats_needed\n");
    }
    size_t count[HB_V_NA + 1] = {0};
    double need_max = 0;
    hb_cmp_print_lines(&c, &out, count, &need_max);
    if (out.f && hb_cmp_out_commit(&out, csv_out) != 0) goto done;
    hb_cmp_print_only(&c);
    rc = hb_cmp_summary(&c, count, need_max);
done:
    if (out.f) hb_cmp_out_abort(&out);
    fflush(stdout);
    hb_cmp_free(&c);
    return rc;
}
