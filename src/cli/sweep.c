/* sweep.c: 'hogbench sweep': every combination of models, optimizers, sizes, ISAs and thread
 * counts, repeated, one CSV row per run appended as it finishes; resumable by run key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "stats.h"

static void hb_sweep_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench sweep --out FILE.csv [options] [train options]\n\n"
        "Runs every combination of the lists below (repeat, then model, optimizer, dim, ISA,\n"
        "threads, the last varying fastest) on one dataset loaded once, appending one CSV row per\n"
        "finished run (schema: results/SCHEMA.md). Rerunning the same command skips the runs\n"
        "whose run key and repeat FILE already holds. Every 'hogbench train' flag applies to every\n"
        "run it has an effect on (see 'hogbench train --help'): --hidden to the MLPs only, the\n"
        "other runs' rows and run keys are those without it; a flag that acts on none of the\n"
        "runs is refused. A list left out takes the preset's value.\n\n"
        "lists (comma-separated):\n"
        "  --models M,...|all    models (default: all five: mf,mf_bias,mlp,mf_bias_bin,mlp_bin;\n"
        "                        svdpp when named)\n"
        "  --optimizers O,...    sgd, nadam, adagrad, adagrad-row (default: the preset's)\n"
        "  --dims N,...          embedding sizes (default: the preset's)\n"
        "  --threads T,...       counts, max (logical CPUs) and ranges A-B, e.g. 1-4,max\n"
        "                        (default: the preset's)\n"
        "  --isas auto|all|I,... kernel tables: auto (the best, or $HOGBENCH_ISA), all (every one\n"
        "                        this CPU runs), or a list of scalar, avx2, avx512, neon\n"
        "  (--model, --optimizer, --dim and --isa are the same flags)\n"
        "runs:\n"
        "  --repeats R           run each config R times, one row each (default 1)\n"
        "  --data, --split, --preset, --epochs, --lr, --eval-users, the loader flags (--format,\n"
        "  ...), as for train; the data is loaded once\n"
        "output:\n"
        "  --out FILE.csv        results, appended (required)\n"
        "  --curves FILE.csv     one row per run and epoch: elapsed seconds, train loss, test\n"
        "                        RMSE/MAE/NDCG@10 at the epochs --eval-every evaluates\n"
        "  --quiet               no progress line (progress is shown only on a terminal)\n\n"
        "Ctrl-C stops at once: the run in progress is dropped, finished rows stay. Then a summary\n"
        "per config (median and min..max of s/epoch and updates/s, median metrics) on stdout.\n");
}

enum { HB_SWEEP_MAX_LIST = 1024, HB_SWEEP_MAX_RUNS = 1000000 };

typedef struct hb_sweep_cfg {
    hb_run_cfg rc;
    uint64_t key;
    double time_sum; /* wall seconds of this config's finished runs (for the ETA) */
    int time_n;
} hb_sweep_cfg;

typedef struct hb_sweep_run {
    int cfg;
    uint32_t repeat;
    int done; /* already in the file */
    double secs;
} hb_sweep_run;

typedef struct hb_sweep {
    hb_sweep_cfg *cfgs;
    int ncfg;
    hb_sweep_run *runs;
    int nruns, ntodo, ndone_now, cur;
    double t0, run_t0, shown;
    int tty;
    const char *out;
    char label[160];
} hb_sweep;

/* Comma list of names through parse; distinct values in order. Returns the count or -1. */
static int hb_sweep_list(const char *flag, const char *s, int (*parse)(const char *, int *),
                         const char *expect, int *out, int cap) {
    int n = 0;
    const char *p = s;
    for (;;) {
        size_t len = strcspn(p, ",");
        char tok[64];
        int v;
        if (len == 0 || len >= sizeof tok) {
            fprintf(stderr, "hogbench: %s '%s': empty or overlong item (expected %s)\n", flag, s,
                    expect);
            return -1;
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (parse(tok, &v) != 0) {
            fprintf(stderr, "hogbench: %s '%s': '%s' is not %s\n", flag, s, tok, expect);
            return -1;
        }
        int dup = 0;
        for (int k = 0; k < n; k++) dup |= out[k] == v;
        if (!dup) {
            if (n == cap) {
                fprintf(stderr, "hogbench: %s: more than %d items\n", flag, cap);
                return -1;
            }
            out[n++] = v;
        }
        if (!p[len]) break;
        p += len + 1;
    }
    return n;
}

static int hb_parse_model(const char *s, int *v) {
    hb_model_kind k;
    if (hb_model_parse(s, &k) != 0) return -1;
    *v = (int)k;
    return 0;
}

static int hb_parse_opt(const char *s, int *v) {
    hb_optimizer o;
    if (hb_optimizer_parse(s, &o) == 0) *v = (int)o;
    else return -1;
    return 0;
}

static int hb_parse_dim(const char *s, int *v) {
    char *e;
    long d = strtol(s, &e, 10);
    if (*e || s[0] == '-' || s[0] == '+' || d < 1 || d > 4096) return -1;
    *v = (int)d;
    return 0;
}

static int hb_parse_isa(const char *s, int *v) {
    hb_isa isa;
    if (hb_isa_parse(s, &isa) != 0) return -1;
    if (isa == HB_ISA_COUNT) { /* auto: $HOGBENCH_ISA or the best, fixed now */
        const hb_kernels *k = hb_kernels_get();
        if (!k) return -1;
        isa = k->isa;
    }
    *v = (int)isa;
    return 0;
}

static void hb_fmt_secs(char *b, size_t cap, double s) {
    if (!isfinite(s) || s < 0) snprintf(b, cap, "?");
    else if (s < 60) snprintf(b, cap, "%.0fs", s);
    else if (s < 3600) snprintf(b, cap, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else snprintf(b, cap, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

/* Seconds left: each run left is estimated by its config's mean, else the mean of finished
 * runs of the same model and ISA, of the same model, of all; NAN before any has finished. */
static double hb_sweep_eta(const hb_sweep *w, double now) {
    double s[HB_MODEL_COUNT][HB_ISA_COUNT + 1] = {{0}}, n[HB_MODEL_COUNT][HB_ISA_COUNT + 1] = {{0}};
    double all_s = 0, all_n = 0;
    for (int k = 0; k < w->ncfg; k++) {
        const hb_sweep_cfg *o = &w->cfgs[k];
        if (!o->time_n) continue;
        const int m = (int)o->rc.p.model, i = (int)o->rc.isa;
        s[m][i] += o->time_sum;
        n[m][i] += o->time_n;
        s[m][HB_ISA_COUNT] += o->time_sum; /* the model, any ISA */
        n[m][HB_ISA_COUNT] += o->time_n;
        all_s += o->time_sum;
        all_n += o->time_n;
    }
    if (!all_n) return NAN;
    double eta = 0;
    for (int k = w->cur; k < w->nruns; k++) {
        const hb_sweep_run *r = &w->runs[k];
        if (r->done) continue;
        const hb_sweep_cfg *c = &w->cfgs[r->cfg];
        const int m = (int)c->rc.p.model, i = (int)c->rc.isa;
        double e = c->time_n ? c->time_sum / c->time_n
                 : n[m][i] ? s[m][i] / n[m][i]
                 : n[m][HB_ISA_COUNT] ? s[m][HB_ISA_COUNT] / n[m][HB_ISA_COUNT]
                 : all_s / all_n;
        if (k == w->cur) e = fmax(0, e - (now - w->run_t0));
        eta += e;
    }
    return eta;
}

/* The progress line (a terminal only), at most 10 times a second within a run. */
static void hb_sweep_progress(hb_sweep *w, uint32_t epoch) {
    if (!w->tty) return;
    const double now = hb_now();
    if (epoch && now - w->shown < 0.1) return;
    w->shown = now;
    char el[32], et[32], ep[48] = "";
    hb_fmt_secs(el, sizeof el, now - w->t0);
    hb_fmt_secs(et, sizeof et, hb_sweep_eta(w, now));
    const hb_run_cfg *rc = &w->cfgs[w->runs[w->cur].cfg].rc;
    if (epoch) snprintf(ep, sizeof ep, " epoch %u/%u", epoch, rc->p.epochs);
    fprintf(stderr, "\r\033[K[%d/%d] %s%s | %s elapsed, ETA %s", w->ndone_now + 1, w->ntodo,
            w->label, ep, el, et);
    fflush(stderr);
}

static void hb_sweep_on_epoch(const hb_epoch_stats *s, void *ctx) {
    hb_sweep_progress(ctx, s->epoch);
}

/* -------------------------------------------------------------- resume, summary */

/* The summary's columns: seconds_per_epoch, updates_per_second, rmse, mae, ndcg@10, and the
 * time to target (its min..max over the repeats that reached it; "k/n" says how many). */
#define HB_SUM_NV 6
static const char *const hb_sum_cols[HB_SUM_NV] = {"seconds_per_epoch", "updates_per_second",
                                                   "rmse", "mae", "ndcg_at_10",
                                                   "seconds_to_target"};

typedef struct {
    hb_sweep *w;
    int kcol, rcol, scol, col[HB_SUM_NV]; /* hb_sum_cols */
    /* resume: mark runs; summary: collect values */
    int summary;
    double *vals; /* HB_SUM_NV per row */
    int *cfg_of, *status;
    size_t n, cap;
} hb_scan_ctx;

static int hb_find_cfg(const hb_sweep *w, const char *hex) {
    char *e;
    const uint64_t key = strtoull(hex, &e, 16);
    if (*e || !*hex) return -1;
    for (int k = 0; k < w->ncfg; k++)
        if (w->cfgs[k].key == key) return k;
    return -1;
}

static int hb_scan_line(size_t line, int n, char **f, void *vctx) {
    hb_scan_ctx *c = vctx;
    const char *const *names = hb_sum_cols;
    if (line == 0) {
        c->kcol = c->rcol = c->scol = -1;
        for (int q = 0; q < HB_SUM_NV; q++) c->col[q] = -1;
        for (int k = 0; k < n; k++) {
            if (strcmp(f[k], "run_key") == 0) c->kcol = k;
            if (strcmp(f[k], "repeat") == 0) c->rcol = k;
            if (strcmp(f[k], "status") == 0) c->scol = k;
            for (int q = 0; q < HB_SUM_NV; q++)
                if (strcmp(f[k], names[q]) == 0) c->col[q] = k;
        }
        return c->kcol < 0 || c->rcol < 0 || c->scol < 0;
    }
    if (c->kcol >= n || c->rcol >= n || c->scol >= n) return 0;
    const int cfg = hb_find_cfg(c->w, f[c->kcol]);
    if (cfg < 0) return 0;
    if (!c->summary) {
        const unsigned long rep = strtoul(f[c->rcol], NULL, 10);
        for (int k = 0; k < c->w->nruns; k++)
            if (c->w->runs[k].cfg == cfg && c->w->runs[k].repeat == rep) c->w->runs[k].done = 1;
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        double *v = realloc(c->vals, cap * HB_SUM_NV * sizeof *v);
        if (v) c->vals = v;
        int *a = realloc(c->cfg_of, cap * sizeof *a);
        if (a) c->cfg_of = a;
        int *s = realloc(c->status, cap * sizeof *s);
        if (s) c->status = s;
        if (!v || !a || !s) return 1;
        c->cap = cap;
    }
    for (int q = 0; q < HB_SUM_NV; q++) {
        const char *v = c->col[q] >= 0 && c->col[q] < n ? f[c->col[q]] : "";
        c->vals[c->n * HB_SUM_NV + q] = *v ? strtod(v, NULL) : NAN;
    }
    c->cfg_of[c->n] = cfg;
    const char *st = f[c->scol];
    c->status[c->n] = strcmp(st, "ok") == 0              ? 0
                      : strcmp(st, "target_missed") == 0 ? 3
                      : strcmp(st, "diverged") == 0      ? 1
                                                         : 2;
    c->n++;
    return 0;
}

/* Median, min and max of the finite values among v[0..n) (sorted in place); 0 when none. */
static int hb_stats(double *v, int n, double *med, double *lo, double *hi) {
    int m = 0;
    for (int k = 0; k < n; k++)
        if (isfinite(v[k])) v[m++] = v[k];
    if (!m) return 0;
    qsort(v, (size_t)m, sizeof *v, hb_cmp_double);
    *med = hb_median_sorted(v, (size_t)m);
    *lo = v[0];
    *hi = v[m - 1];
    return m;
}

static void hb_fmt_rate(char *b, size_t cap, double v) {
    if (v >= 1e6) snprintf(b, cap, "%.2fM", v / 1e6);
    else if (v >= 1e3) snprintf(b, cap, "%.1fk", v / 1e3);
    else snprintf(b, cap, "%.0f", v);
}

static void hb_sweep_summary(hb_sweep *w, const hb_dataset *ds, int skipped, int diverged,
                             int errors) {
    hb_scan_ctx c = {.w = w, .summary = 1};
    hb_error err = {{0}};
    if (access(w->out, F_OK) == 0 && hb_csv_scan(w->out, hb_scan_line, &c, &err) != HB_OK)
        fprintf(stderr, "hogbench: %s\n", err.msg);
    char took[32];
    hb_fmt_secs(took, sizeof took, hb_now() - w->t0);
    const int R = w->ncfg ? w->nruns / w->ncfg : 0;
    printf("hogbench sweep: %s split %s (xxh3 %016llx) -> %s\n", ds->name, ds->split,
           (unsigned long long)ds->xxh3, w->out);
    printf("%d configs x %d repeats = %d runs: %d run now (%d diverged, %d errors), %d skipped "
           "(already in %s); %s\n",
           w->ncfg, R, w->nruns, w->ndone_now, diverged, errors, skipped, w->out, took);
    int targets = 0; /* a time-to-target column when any config has a target */
    for (int k = 0; k < w->ncfg; k++) targets |= w->cfgs[k].rc.p.target != HB_TARGET_NONE;
    printf("%-12s %-5s %4s %3s %-6s %3s  %-30s %-27s %8s %8s %8s  ", "model", "opt", "dim",
           "thr", "isa", "n", "s/epoch median [min..max]", "updates/s median [min..max]", "rmse",
           "mae", "ndcg@10");
    if (targets) printf("%-30s  ", "s to target median [min..max]");
    printf("status\n");
    double *tmp = malloc((c.n + 1) * sizeof *tmp);
    for (int k = 0; k < w->ncfg && tmp; k++) {
        const hb_run_cfg *rc = &w->cfgs[k].rc;
        int nr = 0, nst[4] = {0};
        for (size_t r = 0; r < c.n; r++)
            if (c.cfg_of[r] == k) {
                nr++;
                nst[c.status[r]]++;
            }
        char sp[64] = "-", up[64] = "-", met[3][16] = {"-", "-", "-"}, st[64], tt[64] = "-";
        for (int q = 0; q < HB_SUM_NV; q++) {
            int m = 0;
            for (size_t r = 0; r < c.n; r++)
                if (c.cfg_of[r] == k && (q < 2 || c.status[r] == 0 || c.status[r] == 3))
                    tmp[m++] = c.vals[r * HB_SUM_NV + q];
            double med, lo, hi;
            if (!hb_stats(tmp, m, &med, &lo, &hi)) continue;
            if (q == 5) snprintf(tt, sizeof tt, "%.4f [%.4f..%.4f] %d/%d", med, lo, hi, m, nr);
            else if (q == 0) snprintf(sp, sizeof sp, "%.5f [%.5f..%.5f]", med, lo, hi);
            else if (q == 1) {
                char a[16], b[16], d[16];
                hb_fmt_rate(a, sizeof a, med);
                hb_fmt_rate(b, sizeof b, lo);
                hb_fmt_rate(d, sizeof d, hi);
                snprintf(up, sizeof up, "%s [%s..%s]", a, b, d);
            } else if (q == 2 || q == 4) snprintf(met[q == 2 ? 0 : 2], 16, "%.4f", med);
            else snprintf(met[1], 16, "%.4f", med);
        }
        static const char *const sn[4] = {"ok", "diverged", "error", "target_missed"};
        if (!nr) snprintf(st, sizeof st, "not run");
        for (int q = 0, at = 0; q < 4; q++) {
            if (nst[q] == nr) snprintf(st, sizeof st, "%s", sn[q]);
            else if (nst[q])
                at += snprintf(st + at, sizeof st - (size_t)at, "%s%d %s", at ? ", " : "", nst[q],
                               sn[q]);
        }
        printf("%-12s %-5s %4u %3d %-6s %3d  %-30s %-27s %8s %8s %8s  ",
               hb_model_name(rc->p.model), hb_optimizer_name(rc->p.optimizer),
               rc->p.dim, rc->p.threads, hb_isa_name(rc->isa), nr, sp, up, met[0], met[1],
               met[2]);
        if (targets) printf("%-30s  ", tt);
        printf("%s\n", st);
    }
    free(tmp);
    free(c.vals);
    free(c.cfg_of);
    free(c.status);
    fflush(stdout);
}

/* --------------------------------------------------------------------- main */

/* The swept values of every list flag (--models, --optimizers, --dims, --threads, --isas) and
 * --repeats. */
typedef struct hb_sweep_axes {
    int models[HB_MODEL_COUNT], optz[HB_OPT_COUNT], dims[HB_SWEEP_MAX_LIST], isas[HB_ISA_COUNT],
        threads[HB_SWEEP_MAX_LIST];
    int nm, no, nd, ni, nt;
    uint32_t repeats;
} hb_sweep_axes;

/* Fills x from a's list flags. Returns 0, or 2 (printed). */
static int hb_sweep_axes_parse(const hb_cli_args *a, hb_sweep_axes *x) {
    /* the notebook's five models by default (svdpp when named) */
    x->nm = HB_MODEL_SVDPP, x->no = 1, x->nd = 1, x->ni = 1, x->nt = 1;
    for (int k = 0; k < HB_MODEL_SVDPP; k++) x->models[k] = k;
    x->optz[0] = -1; /* the preset's */
    x->dims[0] = 0;
    x->threads[0] = 0;
    int bad = 0;
    const char *v;
    if ((v = a->val[HB_O_MODEL]) && strcmp(v, "all") != 0)
        bad |= (x->nm = hb_sweep_list("--models", v, hb_parse_model,
                                      "mf, mf_bias, mlp, mf_bias_bin, mlp_bin or svdpp", x->models,
                                      HB_MODEL_COUNT)) < 0;
    if ((v = a->val[HB_O_OPT]))
        bad |= (x->no = hb_sweep_list("--optimizers", v, hb_parse_opt,
                                      "sgd, nadam, adagrad or adagrad-row", x->optz,
                                      HB_OPT_COUNT)) < 0;
    if ((v = a->val[HB_O_DIM]))
        bad |= (x->nd = hb_sweep_list("--dims", v, hb_parse_dim, "an integer in 1..4096", x->dims,
                                      HB_SWEEP_MAX_LIST)) < 0;
    if ((v = a->val[HB_O_THREADS]))
        bad |= (x->nt = hb_cli_threads("--threads", v, x->threads, HB_SWEEP_MAX_LIST)) < 0;
    if ((v = a->val[HB_O_ISA]) && strcmp(v, "all") == 0) {
        x->ni = 0;
        for (int k = 0; k < HB_ISA_COUNT; k++)
            if (hb_isa_supported((hb_isa)k)) x->isas[x->ni++] = k;
    } else {
        bad |= (x->ni = hb_sweep_list("--isas", v ? v : "auto", hb_parse_isa,
                                      "auto, all, scalar, avx2, avx512 or neon (or $HOGBENCH_ISA "
                                      "names an ISA this CPU cannot run)",
                                      x->isas, HB_ISA_COUNT)) < 0;
        for (int k = 0; k < x->ni && !bad; k++)
            if (!hb_isa_supported((hb_isa)x->isas[k])) {
                fprintf(stderr, "hogbench: --isas %s: this CPU or build cannot run it (best: %s; "
                                "'all' takes every supported one)\n",
                        hb_isa_name((hb_isa)x->isas[k]), hb_isa_name(hb_isa_best()));
                bad = 1;
            }
    }
    x->repeats = 1;
    if (a->val[HB_O_REPEATS])
        bad |= hb_cli_u32("--repeats", a->val[HB_O_REPEATS], 1, 1000, &x->repeats);
    return bad ? 2 : 0;
}

/* Every config's parameters (the axes' product, in order), checked before any data is read.
 * Returns 0, or 2 (printed). */
static int hb_sweep_configs(hb_sweep *w, const hb_sweep_axes *x, const hb_cli_args *a,
                            const char *preset, uint32_t eval_users) {
    static unsigned char skip[HB_O_END];
    skip[HB_O_DIM] = skip[HB_O_THREADS] = skip[HB_O_OPT] = 1;
    static hb_cli_flag_use use; /* a flag is left out of the configs it does nothing for */
    int c = 0;
    for (int im = 0; im < x->nm; im++) {
        for (int io = 0; io < x->no; io++)
            for (int id = 0; id < x->nd; id++)
                for (int ii = 0; ii < x->ni; ii++)
                    for (int it = 0; it < x->nt; it++) {
                        hb_run_cfg *rc = &w->cfgs[c++].rc;
                        if (hb_cli_config_params(&rc->p, preset, (hb_model_kind)x->models[im],
                                                 a, skip, x->optz[io], (uint32_t)x->dims[id],
                                                 x->threads[it], &use) != 0)
                            return 2;
                        rc->p.eval_users = eval_users;
                        rc->isa = (hb_isa)x->isas[ii];
                        rc->preset = preset;
                        rc->out_csv = w->out;
                        rc->curves = a->val[HB_O_CURVES];
                        rc->quiet = 1;
                        rc->record_errors = 1;
                        rc->on_epoch = hb_sweep_on_epoch;
                        rc->on_epoch_ctx = w;
                        hb_error err = {{0}};
                        if (hb_params_check(&rc->p, &err) != HB_OK) {
                            fprintf(stderr, "hogbench sweep: %s: %s\n",
                                    hb_model_name(rc->p.model), err.msg);
                            return 2;
                        }
                    }
    }
    return hb_cli_flags_used("sweep", a, skip, &use) != 0 ? 2 : 0;
}

#ifdef HB_WITH_MPI
/* Under mpirun: rank 0 hands the runs out and writes every row; the others train. Returns the
 * exit code. */
static int hb_sweep_mpi(hb_sweep *w, const hb_dataset *ds, int *diverged, int *errors) {
    const hb_run_cfg **cp = malloc((size_t)w->ncfg * sizeof *cp);
    int *rcfg = malloc((size_t)w->nruns * sizeof *rcfg), *rdone = malloc((size_t)w->nruns * sizeof *rdone);
    uint32_t *rrep = malloc((size_t)w->nruns * sizeof *rrep);
    if (!cp || !rcfg || !rdone || !rrep) {
        fprintf(stderr, "hogbench sweep: out of memory\n");
        return 1;
    }
    for (int k = 0; k < w->ncfg; k++) cp[k] = &w->cfgs[k].rc;
    for (int k = 0; k < w->nruns; k++) {
        rcfg[k] = w->runs[k].cfg;
        rrep[k] = w->runs[k].repeat;
        rdone[k] = w->runs[k].done;
    }
    const int rc = hb_mpi_sweep(cp, rcfg, rrep, rdone, w->nruns, ds, &w->ndone_now, diverged,
                                errors);
    free(cp);
    free(rcfg);
    free(rdone);
    free(rrep);
    return rc;
}
#endif

/* Every run not yet in the file, in order: each trained, evaluated and appended, with the
 * interrupt note kept current. Returns 0, or 1 when a row could not be written. */
static int hb_sweep_run_all(hb_sweep *w, const hb_dataset *ds, uint32_t repeats, int skipped,
                            int *diverged, int *errors) {
    for (w->cur = 0; w->cur < w->nruns; w->cur++) {
        hb_sweep_run *run = &w->runs[w->cur];
        if (run->done) continue;
        hb_sweep_cfg *sc = &w->cfgs[run->cfg];
        hb_run_cfg cfg = sc->rc;
        cfg.repeat = run->repeat;
        snprintf(w->label, sizeof w->label, "%s %s dim %u, %d thr, %s, repeat %u/%u",
                 hb_model_name(cfg.p.model), hb_optimizer_name(cfg.p.optimizer),
                 cfg.p.dim, cfg.p.threads, hb_isa_name(cfg.isa), run->repeat, repeats);
        char note[1024];
        snprintf(note, sizeof note,
                 "%shogbench sweep: interrupted during run %d/%d (%s): it was dropped; %s keeps "
                 "every finished row (%d written by this sweep, %d before); rerun the same command "
                 "to resume\n",
                 w->tty ? "\r\033[K" : "", w->ndone_now + 1, w->ntodo, w->label, w->out, w->ndone_now,
                 skipped);
        hb_cli_interrupt_note(note);
        w->run_t0 = hb_now();
        hb_sweep_progress(w, 0);
        hb_run_out o;
        const int x = hb_cli_execute(&cfg, ds, &o);
        run->secs = hb_now() - w->run_t0;
        if (x != 0) { /* a row could not be written (or the ISA vanished): stop */
            if (w->tty) fputc('\n', stderr);
            fprintf(stderr, "hogbench sweep: stopped at run %d/%d (%s); %s keeps %d rows written "
                            "by this sweep\n", w->ndone_now + 1, w->ntodo, w->label, w->out,
                    w->ndone_now);
            return 1;
        }
        sc->time_sum += run->secs;
        sc->time_n++;
        w->ndone_now++;
        if (o.st != HB_OK) {
            const int div = o.st == HB_ERR_DIVERGED;
            *diverged += div;
            *errors += !div;
            if (w->tty || !div)
                fprintf(stderr, "%shogbench sweep: %s: %s (recorded as %s)\n",
                        w->tty ? "\r\033[K" : "", w->label, o.msg, div ? "diverged" : "error");
        }
    }
    return 0;
}

int hb_cmd_sweep(int argc, char **argv) {
    static const struct option opts[] = {
        HB_CLI_TRAIN_OPTIONS,           {"models", 1, 0, HB_O_MODEL},
        {"dims", 1, 0, HB_O_DIM},       {"isas", 1, 0, HB_O_ISA},
        {"optimizers", 1, 0, HB_O_OPT}, {"repeats", 1, 0, HB_O_REPEATS},
        {0, 0, 0, 0}};
    static hb_cli_args a;
    hb_load_opts load = hb_load_opts_default(); /* data loader flags, --eval-users: out first */
    uint32_t eval_users = 0;
    if (hb_cli_data_flags("sweep", &argc, argv, &load) != 0 ||
        hb_cli_take_u32("sweep", &argc, argv, "--eval-users", 1, UINT32_MAX, &eval_users) != 0)
        return 2;
    if (hb_cli_parse("sweep", argc, argv, opts, &a) != 0) return 2;
    if (a.seen[HB_O_HELP]) {
        hb_sweep_usage(stdout);
        return 0;
    }
    if (a.seen[HB_O_SAVE]) {
        fprintf(stderr, "hogbench sweep: --save-model is for 'hogbench train' (one model)\n");
        return 2;
    }
    if (!a.val[HB_O_OUT]) {
        fprintf(stderr, "hogbench sweep: --out FILE.csv is required (rows are appended to it; "
                        "rerunning resumes)\n");
        return 2;
    }
    static hb_sweep_axes x;
    if (hb_sweep_axes_parse(&a, &x) != 0) return 2;
    const char *preset = hb_cli_preset_for(a.val[HB_O_PRESET], &load); /* standard: no notebook filter */
    const long ncfg = (long)x.nm * x.no * x.nd * x.ni * x.nt;
    if (ncfg * (long)x.repeats > HB_SWEEP_MAX_RUNS) {
        fprintf(stderr, "hogbench sweep: %ld runs is more than %d\n", ncfg * (long)x.repeats,
                HB_SWEEP_MAX_RUNS);
        return 2;
    }

    /* every config's parameters, checked before any data is read */
    hb_sweep w = {.ncfg = (int)ncfg, .out = a.val[HB_O_OUT], .tty = isatty(STDERR_FILENO) &&
                                                                    !a.seen[HB_O_QUIET]};
    w.cfgs = calloc((size_t)ncfg, sizeof *w.cfgs);
    w.nruns = (int)(ncfg * x.repeats);
    w.runs = calloc((size_t)w.nruns, sizeof *w.runs);
    if (!w.cfgs || !w.runs) {
        fprintf(stderr, "hogbench sweep: out of memory\n");
        return 1;
    }
    if (hb_sweep_configs(&w, &x, &a, preset, eval_users) != 0) {
        free(w.cfgs);
        free(w.runs);
        return 2;
    }
    if (hb_cli_signals_install() != 0)
        fprintf(stderr, "hogbench sweep: cannot watch for Ctrl-C; it will stop the process "
                        "without a note\n");
    hb_dataset *ds = NULL;
    const char *data = NULL;
    /* the split's seed is its own (the spec's :SEED, else the loader's fixed default),
     * never the training --seed: repeats with other seeds share the test set */
    const int lrc = hb_cli_load_data_opts(a.val[HB_O_DATA], a.val[HB_O_SPLIT], &load, &ds, &data,
                                          a.seen[HB_O_QUIET]);
    if (lrc != 0) { /* 2: a split or spec the data cannot take */
        free(w.cfgs);
        free(w.runs);
        return lrc;
    }
    for (int k = 0; k < w.ncfg; k++) {
        static hb_row row;
        w.cfgs[k].rc.data = data;
        hb_cli_row_config(&row, &w.cfgs[k].rc, ds, hb_isa_name(w.cfgs[k].rc.isa), 1);
        w.cfgs[k].key = strtoull(hb_row_get(&row, "run_key"), NULL, 16);
    }

    /* the files: a tail left by a killed writer goes, a foreign header stops us now (under
     * mpirun only rank 0, their writer, reads them; every rank learns the verdict) */
    const int mrank = hb_mpi_rank(), msize = hb_mpi_size();
    int files_ok = mrank != 0 || hb_cli_outputs_check(&w.cfgs[0].rc, ds, "sweep") == 0;
    for (int k = 0; k < w.ncfg; k++) w.cfgs[k].rc.outputs_checked = 1;
    int r = 0;
    for (uint32_t rep = 1; rep <= x.repeats; rep++)
        for (int k = 0; k < w.ncfg; k++) w.runs[r++] = (hb_sweep_run){k, rep, 0, 0};
    if (files_ok && mrank == 0 && access(w.out, F_OK) == 0) {
        hb_scan_ctx sc = {.w = &w};
        hb_error err = {{0}};
        if (hb_csv_scan(w.out, hb_scan_line, &sc, &err) != HB_OK) {
            fprintf(stderr, "hogbench sweep: %s\n", err.msg);
            files_ok = 0;
        }
    }
    if (!hb_mpi_agree(files_ok)) {
        hb_dataset_free(&ds);
        free(w.cfgs);
        free(w.runs);
        return 1;
    }
    int skipped = 0;
    for (int k = 0; k < w.nruns; k++) skipped += w.runs[k].done;
    w.ntodo = w.nruns - skipped;
    if (w.tty)
        fprintf(stderr, "hogbench sweep: %d configs x %u repeats = %d runs; %d already in %s "
                        "(skipped), %d to run\n", w.ncfg, x.repeats, w.nruns, skipped, w.out, w.ntodo);

    int diverged = 0, errors = 0, rc = 0;
    w.t0 = hb_now();
#ifdef HB_WITH_MPI
    if (msize > 1) {
        rc = hb_sweep_mpi(&w, ds, &diverged, &errors);
        if (mrank != 0) { /* rank 0 sums up */
            hb_dataset_free(&ds);
            free(w.cfgs);
            free(w.runs);
            return rc;
        }
    }
#endif
    if (msize <= 1) rc = hb_sweep_run_all(&w, ds, x.repeats, skipped, &diverged, &errors);
    hb_cli_interrupt_note(NULL);
    if (w.tty) fprintf(stderr, "\r\033[K");
    hb_sweep_summary(&w, ds, skipped, diverged, errors);
    hb_dataset_free(&ds);
    free(w.cfgs);
    free(w.runs);
    if (!rc && errors) rc = 1;
    return rc;
}
