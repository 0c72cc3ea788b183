/* compare.c: 'hogbench compare': the repetitions of each config in two results files (hogbench
 * CSV rows or Google Benchmark JSON) compared per metric with a noise-aware test; the exit
 * status says whether anything regressed beyond the threshold with significance. Reading the
 * files: compare_read.c; each line's verdict: compare_decide.c; the options, --rerun and the
 * report: here. */
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
#include "compare_read.h"
#include "json.h"
#include "stats.h"

/* Exit codes (README "Regression gating in CI"). */
enum { HB_CMP_OK = 0, HB_CMP_REGRESSED = 1, HB_CMP_USAGE = 2, HB_CMP_NOTHING = 3 };


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

/* ------------------------------------------------------------------ output */

static void hb_cmp_fmt(char *buf, size_t cap, double v) {
    if (isnan(v)) snprintf(buf, cap, "-");
    else if (fabs(v) < 1e15 && (v == floor(v) || fabs(v) >= 1e5)) snprintf(buf, cap, "%.0f", v);
    else snprintf(buf, cap, "%.6g", v);
}

/* Labels: the model, then every run-key column that differs between two configs of the same
 * model (over both files); JSON: the benchmark name. */
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
