/* test_sweep.c: 'hogbench sweep': the product of its lists, resume by run key, repeats, rows
 * that survive kill -9 and Ctrl-C, --threads lists, diverged runs, run keys, the lock. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "csv_test.h"
#include "results.h"


#define SYN "synthetic:users=100,items=120,ratings=3000"

static char *cmdf(const char *fmt, va_list ap) {
    static char cmd[8192];
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    return cmd;
}

/* Runs a shell command; returns its exit status and its combined output in out. */
static int run(char *out, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char full[8300];
    snprintf(full, sizeof full, "%s 2>&1", cmdf(fmt, ap));
    va_end(ap);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Starts a shell command in the background (output to log); returns its pid. */
static pid_t start(const char *log, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char full[8300];
    snprintf(full, sizeof full, "exec %s >%s 2>&1", cmdf(fmt, ap), log);
    va_end(ap);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", full, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int wait_exit(pid_t pid) {
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

static char *tmpdir(void) {
    static char d[64];
    snprintf(d, sizeof d, "/tmp/hbsweep.XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

/* ---------------------------------------------------------- a CSV reader of its own */

/* Waits (polling, up to 60 s) until path has at least n lines; returns the count seen. */
static int wait_lines(const char *path, int n) {
    int have = 0;
    for (int k = 0; k < 60000 && (have = count_lines(path)) < n; k++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    return have;
}

/* ------------------------------------------------------------------------ tests */

Test(sweep, product_one_row_per_run) {
    char out[65536], csv[128];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    int rc = run(out, sizeof out, "%s sweep --data %s --epochs 1 --models mf,mf_bias,mlp "
                 "--dims 4,8 --threads 1,2 --isas scalar --out %s", HB_BIN, SYN, csv);
    cr_assert_eq(rc, 0, "%s", out);
    csv_t c = csv_read(csv);
    cr_assert_eq(c.nrows, 3 * 2 * 2, "%d rows", c.nrows);
    cr_expect_eq(c.bad_rows, 0);
    static const char *const models[] = {"mf", "mf_bias", "mlp"};
    for (int m = 0; m < 3; m++)
        for (int d = 4; d <= 8; d += 4)
            for (int t = 1; t <= 2; t++) {
                int hits = 0;
                for (int r = 0; r < c.nrows; r++)
                    hits += strcmp(cell(&c, r, "model"), models[m]) == 0 &&
                            atoi(cell(&c, r, "dim")) == d && atoi(cell(&c, r, "threads")) == t;
                cr_expect_eq(hits, 1, "%s dim %d threads %d: %d rows", models[m], d, t, hits);
            }
    for (int r = 0; r < c.nrows; r++) {
        cr_expect_str_eq(cell(&c, r, "status"), "ok");
        cr_expect_str_eq(cell(&c, r, "isa"), "scalar");
        cr_expect_str_eq(cell(&c, r, "repeat"), "1");
        cr_expect_str_eq(cell(&c, r, "epochs"), "1");
        cr_expect_gt(atol(cell(&c, r, "peak_rss_kib")), 0);
        cr_expect_gt(atof(cell(&c, r, "updates_per_second")), 0);
        for (int q = 0; q < r; q++)
            cr_expect_str_neq(cell(&c, r, "run_key"), cell(&c, q, "run_key"));
    }
    /* not a terminal: no progress line, only the summary */
    cr_expect_null(strchr(out, '\r'), "%s", out);
    cr_expect(strstr(out, "12 configs x 1 repeats = 12 runs: 12 run now"), "%s", out);
    cr_expect(strstr(out, "s/epoch median [min..max]"), "%s", out);
}

Test(sweep, rerun_resumes_and_skips) {
    char out[65536], csv[128];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    const char *args = "--epochs 1 --models mf,mf_bias --dims 4,8 --threads 1 --isas scalar";
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --out %s", HB_BIN, SYN, args, csv), 0,
                 "%s", out);
    cr_assert_eq(count_lines(csv), 1 + 4);
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --out %s", HB_BIN, SYN, args, csv), 0,
                 "%s", out);
    cr_expect_eq(count_lines(csv), 1 + 4, "the rerun added rows");
    cr_expect(strstr(out, "0 run now") && strstr(out, "4 skipped"), "%s", out);
    /* a wider sweep runs only what is new */
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --dims 4,8,12 --out %s", HB_BIN, SYN,
                     args, csv), 0, "%s", out);
    cr_expect_eq(count_lines(csv), 1 + 6);
    cr_expect(strstr(out, "2 run now") && strstr(out, "4 skipped"), "%s", out);
}

Test(sweep, repeats_one_row_each_and_summary) {
    char out[65536], csv[128];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s --epochs 1 --models mf --dims 4,8 "
                     "--threads 1 --isas scalar --repeats 3 --out %s", HB_BIN, SYN, csv), 0,
                 "%s", out);
    csv_t c = csv_read(csv);
    cr_assert_eq(c.nrows, 6);
    for (int d = 4; d <= 8; d += 4)
        for (int rep = 1; rep <= 3; rep++) {
            int hits = 0;
            for (int r = 0; r < c.nrows; r++)
                hits += atoi(cell(&c, r, "dim")) == d && atoi(cell(&c, r, "repeat")) == rep;
            cr_expect_eq(hits, 1, "dim %d repeat %d: %d rows", d, rep, hits);
        }
    /* the same config keeps its key across repeats */
    for (int r = 0; r < c.nrows; r++)
        for (int q = 0; q < c.nrows; q++)
            cr_expect_eq(strcmp(cell(&c, r, "run_key"), cell(&c, q, "run_key")) == 0,
                         strcmp(cell(&c, r, "dim"), cell(&c, q, "dim")) == 0);
    /* summary: n = 3 per config */
    cr_expect(strstr(out, "mf           sgd      4   1 scalar   3"), "%s", out);
    /* more repeats later run only the new ones */
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s --epochs 1 --models mf --dims 4,8 "
                     "--threads 1 --isas scalar --repeats 4 --out %s", HB_BIN, SYN, csv), 0,
                 "%s", out);
    cr_expect_eq(count_lines(csv), 1 + 8);
    cr_expect(strstr(out, "2 run now") && strstr(out, "6 skipped"), "%s", out);
}

/* A sweep of many quick runs, to be interrupted. */
static void long_sweep_args(char *b, size_t cap) {
    size_t at = (size_t)snprintf(b, cap, "--data %s --epochs 2 --models mf,mf_bias --threads 1 "
                                 "--isas scalar --repeats 2 --dims 1", SYN);
    for (int d = 2; d <= 60; d++) at += (size_t)snprintf(b + at, cap - at, ",%d", d);
}

static void check_killed_then_resumed(int sig) {
    char out[65536], csv[128], log[128], args[2048];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    snprintf(log, sizeof log, "%s/log", dir);
    long_sweep_args(args, sizeof args);
    const int total = 2 * 60 * 2;
    pid_t pid = start(log, "%s sweep %s --out %s", HB_BIN, args, csv);
    const int seen = wait_lines(csv, 1 + 3);
    kill(pid, sig);
    const int rc = wait_exit(pid);
    cr_assert_geq(seen, 4, "no rows appeared");
    csv_t c = csv_read(csv);
    cr_assert_lt(c.nrows, total, "the sweep finished before the signal: the test proves nothing");
    cr_expect_eq(c.bad_rows, 0, "%d partial rows", c.bad_rows);
    if (sig == SIGINT) {
        cr_expect_eq(rc, 130);
        FILE *f = fopen(log, "r");
        cr_assert_not_null(f);
        size_t n = fread(out, 1, sizeof out - 1, f);
        out[n] = '\0';
        fclose(f);
        cr_expect(strstr(out, "interrupted") && strstr(out, "rerun the same command"), "%s", out);
    } else {
        cr_expect_eq(rc, 128 + SIGKILL);
    }
    /* the same command finishes the rest: every (run key, repeat) exactly once */
    cr_assert_eq(run(out, sizeof out, "%s sweep %s --out %s", HB_BIN, args, csv), 0, "%s", out);
    char skipped[64];
    snprintf(skipped, sizeof skipped, "%d skipped", c.nrows);
    cr_expect(strstr(out, skipped), "expected '%s': %s", skipped, out);
    c = csv_read(csv);
    cr_expect_eq(c.bad_rows, 0);
    cr_assert_eq(c.nrows, total);
    for (int r = 0; r < c.nrows; r++)
        for (int q = 0; q < r; q++)
            cr_expect(strcmp(cell(&c, r, "run_key"), cell(&c, q, "run_key")) != 0 ||
                      strcmp(cell(&c, r, "repeat"), cell(&c, q, "repeat")) != 0,
                      "rows %d and %d are the same run", q, r);
}

Test(sweep, kill_9_leaves_complete_rows_and_resumes) { check_killed_then_resumed(SIGKILL); }

Test(sweep, ctrl_c_exits_130_and_keeps_complete_rows) { check_killed_then_resumed(SIGINT); }

Test(sweep, threads_lists) {
    char out[65536], csv[128];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s --epochs 1 --models mf --dims 4 "
                     "--isas scalar --threads 1-3,max,2 --out %s", HB_BIN, SYN, csv), 0, "%s", out);
    csv_t c = csv_read(csv);
    const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    const int want = ncpu > 3 ? 4 : 3; /* 1, 2, 3 and max, duplicates dropped */
    cr_assert_eq(c.nrows, want, "%d rows", c.nrows);
    for (int t = 1; t <= 3; t++) cr_expect_eq(atoi(cell(&c, t - 1, "threads")), t);
    if (ncpu > 3) cr_expect_eq(atol(cell(&c, 3, "threads")), ncpu);
    static const char *const bad[] = {"0", "abc", "3-1", "1,,2", "2-x", "-2", "1-", "1025", "5-2"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char csv2[160];
        snprintf(csv2, sizeof csv2, "%s/bad%zu.csv", dir, k);
        int rc = run(out, sizeof out, "%s sweep --data %s --epochs 1 --models mf --threads '%s' "
                     "--out %s", HB_BIN, SYN, bad[k], csv2);
        cr_expect_eq(rc, 2, "--threads '%s' exited %d: %s", bad[k], rc, out);
        cr_expect(strstr(out, "--threads"), "--threads '%s': %s", bad[k], out);
        cr_expect_neq(access(csv2, F_OK), 0, "--threads '%s' wrote a file", bad[k]);
    }
    /* train takes one count or max */
    cr_expect_eq(run(out, sizeof out, "%s train --data %s --epochs 1 --model mf --threads 1,2",
                     HB_BIN, SYN), 2, "%s", out);
    cr_expect_eq(run(out, sizeof out, "%s train --data %s --epochs 1 --model mf --threads max "
                     "--quiet", HB_BIN, SYN), 0, "%s", out);
}

Test(sweep, bad_lists_are_refused) {
    static const struct {
        const char *args, *expect;
    } cases[] = {
        {"--models mf,svd", "--models"},  {"--dims 4,0", "--dims"},
        {"--dims 4,,8", "--dims"},        {"--optimizers adam", "--optimizers"},
        {"--isas sse9", "--isas"},        {"--repeats 0", "--repeats"},
        {"--save-model /tmp/x", "train"}, {"--lr -1", "--lr"},
        {"--bogus", "unknown option"},
    };
    char out[8192], csv[128];
    const char *dir = tmpdir();
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snprintf(csv, sizeof csv, "%s/r%zu.csv", dir, k);
        int rc = run(out, sizeof out, "%s sweep --data %s %s --out %s", HB_BIN, SYN,
                     cases[k].args, csv);
        cr_expect_eq(rc, 2, "'%s' exited %d: %s", cases[k].args, rc, out);
        cr_expect(strstr(out, cases[k].expect), "'%s': %s", cases[k].args, out);
        cr_expect_neq(access(csv, F_OK), 0, "'%s' wrote a file", cases[k].args);
    }
    cr_expect_eq(run(out, sizeof out, "%s sweep --data %s", HB_BIN, SYN), 2, "%s", out);
    cr_expect(strstr(out, "--out"), "%s", out);
}

/* A flag that applies to some swept models is used for those and left out of the others'
 * run key; one that applies to none is refused before any data is read. */
Test(sweep, flags_apply_only_where_they_have_an_effect) {
    char out[16384], a[128], b[128], c[128];
    const char *dir = tmpdir();
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    snprintf(c, sizeof c, "%s/c.csv", dir);
    int rc = run(out, sizeof out, "%s sweep --data %s --models mf,mlp --hidden 8 --epochs 1 "
                 "--threads 1 --quiet --out %s", HB_BIN, SYN, a);
    cr_assert_eq(rc, 0, "%s", out);
    rc = run(out, sizeof out, "%s sweep --data %s --models mf,mlp --epochs 1 --threads 1 --quiet "
             "--out %s", HB_BIN, SYN, b);
    cr_assert_eq(rc, 0, "%s", out);
    csv_t x = csv_read(a), y = csv_read(b);
    cr_assert_eq(x.nrows, 2);
    cr_assert_eq(y.nrows, 2);
    for (int r = 0; r < 2; r++) {
        const int mlp = strcmp(cell(&x, r, "model"), "mlp") == 0;
        cr_expect_str_eq(cell(&x, r, "model"), cell(&y, r, "model"));
        cr_expect_str_eq(cell(&x, r, "hidden"), mlp ? "8" : "50", "%s", cell(&x, r, "model"));
        if (mlp) /* --hidden 8 is the mlp's config */
            cr_expect_str_neq(cell(&x, r, "run_key"), cell(&y, r, "run_key"));
        else /* and not mf's: its run is the one without the flag */
            cr_expect_str_eq(cell(&x, r, "run_key"), cell(&y, r, "run_key"));
    }
    /* --reg-rows with sgd and nadam: on the sgd runs only (mf's preset leaves it off) */
    rc = run(out, sizeof out, "%s sweep --data %s --models mf --optimizers sgd,nadam --reg-rows "
             "--epochs 1 --threads 1 --quiet --out %s", HB_BIN, SYN, c);
    cr_assert_eq(rc, 0, "%s", out);
    csv_t z = csv_read(c);
    cr_assert_eq(z.nrows, 2);
    for (int r = 0; r < 2; r++)
        cr_expect_str_eq(cell(&z, r, "reg_rows"), strcmp(cell(&z, r, "optimizer"), "sgd") ? "0" : "1");
    static const struct {
        const char *args, *msg;
    } none[] = {
        {"--models mf,mf_bias --hidden 8", "hogbench sweep: --hidden 8 applies to none of the swept "
         "runs: mf has no hidden layers (it applies to mlp and mlp_bin)\n"},
        {"--models mf,mlp --reg-bias 0.1", "hogbench sweep: --reg-bias 0.1 applies to none of the "
         "swept runs: mf has no biases (it applies to mf_bias, mf_bias_bin and svdpp)\n"},
        {"--models mf_bias --optimizers nadam --reg-rows", "hogbench sweep: --reg-rows applies to "
         "none of the swept runs: mf_bias with nadam, batch 1 is not per-sample SGD on mf or mf_bias "
         "(it applies with --optimizer sgd --batch 1)\n"},
        {"--models mf --schedule hogwild --blocks 4", "hogbench sweep: --blocks 4 applies to none of "
         "the swept runs: the schedule is hogwild (it sets the grid of the blocked schedules)\n"},
    };
    for (size_t k = 0; k < sizeof none / sizeof *none; k++) {
        char csv[160];
        snprintf(csv, sizeof csv, "%s/n%zu.csv", dir, k);
        rc = run(out, sizeof out, "%s sweep --data %s %s --epochs 1 --out %s", HB_BIN, SYN,
                 none[k].args, csv);
        cr_expect_eq(rc, 2, "'%s' exited %d: %s", none[k].args, rc, out);
        cr_expect_str_eq(out, none[k].msg);
        cr_expect_neq(access(csv, F_OK), 0, "'%s' wrote a file", none[k].args);
    }
    /* bad usage is 2 here too */
    rc = run(out, sizeof out, "%s sweep --data %s --split foo --models mf --epochs 1 --out %s/s.csv",
             HB_BIN, SYN, dir);
    cr_expect_eq(rc, 2, "%s", out);
}

Test(sweep, diverged_runs_are_recorded_and_the_sweep_goes_on) {
    char out[65536], csv[128];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    int rc = run(out, sizeof out, "%s sweep --data %s --epochs 3 --models mf,mf_bias "
                 "--optimizers sgd --lr 50 --dims 4,8 --threads 1 --isas scalar --out %s",
                 HB_BIN, SYN, csv);
    cr_assert_eq(rc, 0, "%s", out);
    csv_t c = csv_read(csv);
    cr_assert_eq(c.nrows, 4);
    for (int r = 0; r < c.nrows; r++) {
        cr_expect_str_eq(cell(&c, r, "status"), "diverged");
        cr_expect(strstr(cell(&c, r, "message"), "diverged"), "%s", cell(&c, r, "message"));
        cr_expect_str_eq(cell(&c, r, "rmse"), "");
    }
    cr_expect(strstr(out, "4 diverged"), "%s", out);
}

/* The key of row r recomputed as results/SCHEMA.md defines it: every column before "data". */
static uint64_t key_of(const csv_t *c, int r) {
    char buf[16384];
    size_t at = 0;
    for (int k = 0; k < c->ncols && strcmp(c->head[k], "data") != 0; k++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s=%s\n", c->head[k], c->rows[r][k]);
    return XXH3_64bits(buf, at);
}

/* The config columns the key must cover come before "data"; outcome and machine after it. */
static void check_key_columns(const csv_t *c) {
    static const char *const cfg[] = {"model", "preset", "optimizer", "lr", "reg", "batch",
                                      "epochs", "dim", "threads", "isa", "schedule", "seed",
                                      "eval_every", "dataset", "split", "dataset_xxh3"};
    static const char *const not_cfg[] = {"run_key", "repeat", "train_seconds", "rmse",
                                          "status", "hostname", "git_sha", "timestamp_utc"};
    const int data = col(c, "data");
    cr_expect_eq(data, hb_run_key_ncols, "hb_run_key_cols has %d names, the row %d config columns",
                 hb_run_key_ncols, data);
    for (int k = 0; k < hb_run_key_ncols && k < data; k++)
        cr_expect_str_eq(c->head[k], hb_run_key_cols[k], "hb_run_key_cols[%d]", k);
    for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++)
        cr_expect_lt(col(c, cfg[k]), data, "%s is not in the key", cfg[k]);
    for (size_t k = 0; k < sizeof not_cfg / sizeof *not_cfg; k++)
        cr_expect_gt(col(c, not_cfg[k]), data, "%s is in the key", not_cfg[k]);
}

Test(sweep, run_key_is_the_config_hash) {
    char out[65536], a[160], b[160], t[160];
    const char *dir = tmpdir();
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    snprintf(t, sizeof t, "%s/t.csv", dir);
    const char *args = "--epochs 1 --models mf --dims 4 --threads 1 --isas scalar";
    for (int k = 0; k < 2; k++)
        cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --out %s", HB_BIN, SYN, args,
                         k ? b : a), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --lr 0.02 --out %s", HB_BIN, SYN,
                     args, b), 0, "%s", out);
    /* train's row for the same config carries the same key; a second train is repeat 2 */
    for (int k = 0; k < 2; k++)
        cr_assert_eq(run(out, sizeof out, "%s train --data %s --epochs 1 --model mf --dim 4 "
                         "--threads 1 --isa scalar --quiet --out %s", HB_BIN, SYN, t), 0, "%s", out);
    csv_t ca = csv_read(a), cb = csv_read(b), ct = csv_read(t);
    cr_assert_eq(ca.nrows, 1);
    cr_assert_eq(cb.nrows, 2);
    cr_assert_eq(ct.nrows, 2);
    cr_expect_str_eq(cell(&ca, 0, "run_key"), cell(&cb, 0, "run_key"), "same config, new key");
    cr_expect_str_neq(cell(&cb, 0, "run_key"), cell(&cb, 1, "run_key"), "lr changed, same key");
    cr_expect_str_eq(cell(&ct, 0, "run_key"), cell(&ca, 0, "run_key"), "train and sweep differ");
    cr_expect_str_eq(cell(&ct, 0, "repeat"), "1");
    cr_expect_str_eq(cell(&ct, 1, "repeat"), "2");
    cr_expect_str_eq(ca.head[0], "model");
    check_key_columns(&ca);
    for (int r = 0; r < cb.nrows; r++) {
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)key_of(&cb, r));
        cr_expect_str_eq(cell(&cb, r, "run_key"), hex, "the key is not the documented hash");
    }
    /* the sweep skips what train wrote */
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --repeats 2 --out %s", HB_BIN, SYN,
                     args, t), 0, "%s", out);
    cr_expect(strstr(out, "0 run now") && strstr(out, "2 skipped"), "%s", out);
}

Test(sweep, two_writers_do_not_interleave) {
    char out[65536], csv[128], l1[160], l2[160];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    snprintf(l1, sizeof l1, "%s/l1", dir);
    snprintf(l2, sizeof l2, "%s/l2", dir);
    const char *args = "--epochs 1 --models mf,mf_bias --threads 1 --isas scalar "
                       "--dims 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15";
    pid_t p1 = start(l1, "%s sweep --data %s %s --seed 1 --out %s", HB_BIN, SYN, args, csv);
    pid_t p2 = start(l2, "%s sweep --data %s %s --seed 2 --out %s", HB_BIN, SYN, args, csv);
    cr_expect_eq(wait_exit(p1), 0);
    cr_expect_eq(wait_exit(p2), 0);
    csv_t c = csv_read(csv);
    cr_expect_eq(c.nrows, 2 * 30);
    cr_expect_eq(c.bad_rows, 0);
    int headers = 0;
    for (int r = 0; r < c.nrows; r++) headers += strcmp(cell(&c, r, "model"), "model") == 0;
    cr_expect_eq(headers, 0, "a second header");
    (void)out;
}

Test(sweep, foreign_file_is_refused_and_a_torn_tail_repaired) {
    char out[65536], csv[128], other[128];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    snprintf(other, sizeof other, "%s/other.csv", dir);
    FILE *f = fopen(other, "w");
    fputs("a,b,c\n1,2,3\n", f);
    fclose(f);
    cr_expect_eq(run(out, sizeof out, "%s sweep --data %s --epochs 1 --models mf --dims 4 "
                     "--threads 1 --isas scalar --out %s", HB_BIN, SYN, other), 1, "%s", out);
    cr_expect(strstr(out, "header"), "%s", out);
    cr_expect_eq(count_lines(other), 2);
    const char *args = "--epochs 1 --models mf --dims 4,8 --threads 1 --isas scalar";
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --out %s", HB_BIN, SYN, args, csv), 0,
                 "%s", out);
    f = fopen(csv, "a");
    fputs("mf,default,sgd,0.0", f); /* what a writer killed mid-row would leave */
    fclose(f);
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --dims 4,8,12 --out %s", HB_BIN,
                     SYN, args, csv), 0, "%s", out);
    cr_expect(strstr(out, "incomplete last line"), "%s", out);
    csv_t c = csv_read(csv);
    cr_expect_eq(c.nrows, 3);
    cr_expect_eq(c.bad_rows, 0);
}

Test(sweep, curves_one_row_per_epoch) {
    char out[65536], csv[128], cur[128];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    snprintf(cur, sizeof cur, "%s/c.csv", dir);
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s --epochs 3 --eval-every 2 --models "
                     "mf,mlp --dims 4 --threads 1 --isas scalar --repeats 2 --out %s --curves %s",
                     HB_BIN, SYN, csv, cur), 0, "%s", out);
    csv_t c = csv_read(cur), r = csv_read(csv);
    cr_assert_eq(c.nrows, 2 * 2 * 3);
    cr_expect_eq(c.bad_rows, 0);
    for (int k = 0; k < c.nrows; k++) {
        const int ep = atoi(cell(&c, k, "epoch"));
        cr_expect_eq(ep, k % 3 + 1);
        cr_expect_gt(atof(cell(&c, k, "elapsed_seconds")), 0);
        cr_expect_neq(cell(&c, k, "train_loss")[0], '\0');
        /* evaluated at epoch 2 (--eval-every) and after the last */
        cr_expect_eq(cell(&c, k, "test_rmse")[0] != '\0', ep != 1, "epoch %d", ep);
        int found = 0;
        for (int q = 0; q < r.nrows; q++)
            found += strcmp(cell(&r, q, "run_key"), cell(&c, k, "run_key")) == 0 &&
                     strcmp(cell(&r, q, "repeat"), cell(&c, k, "repeat")) == 0;
        cr_expect_eq(found, 1, "curve row %d has no result row", k);
        if (ep == 3)
            cr_expect_str_eq(cell(&c, k, "test_rmse"), cell(&r, k / 3, "rmse"));
    }
}
