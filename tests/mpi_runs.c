/* mpi_runs.c: the MPI variant under mpirun on this machine's loopback (-np 2 and -np 4,
 * oversubscribed): the distributed sweep against the one-process sweep, a rank killed in the
 * middle of a sweep (a message naming it, no torn row, resume), and distributed training. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "csv_test.h"

#define SYN "synthetic:users=100,items=120,ratings=3000"
/* --bind-to none: several OpenMP threads per rank must not share the one core a rank is bound
 * to; --oversubscribe: more ranks than this machine's 2 cores. */
#define MPIRUN HB_MPIRUN " --allow-run-as-root --oversubscribe --bind-to none"

static char *tmpdir(void) {
    static char d[64];
    snprintf(d, sizeof d, "/tmp/hbmpi.XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

/* The row of c with run_key and repeat as row r of o, or -1. */
static int find_run(const csv_t *c, const csv_t *o, int r) {
    int hit = -1;
    for (int q = 0; q < c->nrows; q++)
        if (strcmp(cell(c, q, "run_key"), cell(o, r, "run_key")) == 0 &&
            strcmp(cell(c, q, "repeat"), cell(o, r, "repeat")) == 0) {
            cr_expect_eq(hit, -1, "run %s repeat %s twice", cell(o, r, "run_key"),
                         cell(o, r, "repeat"));
            hit = q;
        }
    return hit;
}

/* Every run of serial is in dist once, with the same metrics (one thread: deterministic),
 * and nothing else is; each row names a worker rank. */
static void expect_same_sweep(const csv_t *serial, const csv_t *dist, int np) {
    cr_expect_eq(dist->bad_rows, 0);
    cr_expect_eq(dist->nrows, serial->nrows, "-np %d: %d rows, one process: %d", np,
                 dist->nrows, serial->nrows);
    static const char *const same[] = {"status", "rmse", "mae", "ndcg_at_10", "ndcg_at_100",
                                       "final_loss", "epochs_done", "ranks", "dataset_xxh3"};
    for (int r = 0; r < serial->nrows; r++) {
        const int q = find_run(dist, serial, r);
        cr_expect_geq(q, 0, "-np %d: run %s repeat %s missing", np, cell(serial, r, "run_key"),
                      cell(serial, r, "repeat"));
        if (q < 0) continue;
        for (size_t k = 0; k < sizeof same / sizeof *same; k++)
            cr_expect_str_eq(cell(dist, q, same[k]), cell(serial, r, same[k]),
                             "-np %d, %s dim %s repeat %s: %s", np, cell(serial, r, "model"),
                             cell(serial, r, "dim"), cell(serial, r, "repeat"), same[k]);
        const int rank = atoi(cell(dist, q, "rank"));
        cr_expect(rank >= 1 && rank < np, "-np %d: rank %d", np, rank);
        cr_expect_str_eq(cell(serial, r, "rank"), "0");
    }
}

#define SWEEP_ARGS "--data " SYN " --models all --dims 8,16 --threads 1 --epochs 3 --repeats 2"
#define SWEEP_RUNS (5 * 2 * 2)

/* ------------------------------------------------------------------------ sweeps */

Test(mpi, sweep_equals_the_one_process_sweep) {
    char out[65536], p1[128], p2[128], p4[128], c1[128], c4[128];
    const char *dir = tmpdir();
    snprintf(p1, sizeof p1, "%s/one.csv", dir);
    snprintf(c1, sizeof c1, "%s/one-curves.csv", dir);
    snprintf(p2, sizeof p2, "%s/np2.csv", dir);
    snprintf(p4, sizeof p4, "%s/np4.csv", dir);
    snprintf(c4, sizeof c4, "%s/np4-curves.csv", dir);
    cr_assert_eq(run(out, sizeof out, "%s sweep %s --out %s --curves %s", HB_BIN, SWEEP_ARGS, p1,
                     c1), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, MPIRUN " -np 2 %s sweep %s --out %s", HB_BIN, SWEEP_ARGS,
                     p2), 0, "%s", out);
    cr_expect(strstr(out, "20 run now"), "%s", out);
    cr_assert_eq(run(out, sizeof out, MPIRUN " -np 4 %s sweep %s --out %s --curves %s", HB_BIN,
                     SWEEP_ARGS, p4, c4), 0, "%s", out);
    csv_t one = csv_read(p1), d2 = csv_read(p2), d4 = csv_read(p4);
    cr_assert_eq(one.nrows, SWEEP_RUNS);
    expect_same_sweep(&one, &d2, 2);
    expect_same_sweep(&one, &d4, 4);
    /* -np 4: three workers shared the runs */
    int used[4] = {0};
    for (int r = 0; r < d4.nrows; r++) used[atoi(cell(&d4, r, "rank")) & 3] = 1;
    cr_expect(used[1] + used[2] + used[3] >= 2, "-np 4: the runs went to one worker only");
    /* the curves: one row per run and epoch, as one process writes them */
    cr_expect_eq(count_lines(c4), count_lines(c1));
    cr_expect_eq(count_lines(c4), 1 + SWEEP_RUNS * 3);
    /* a rerun under mpirun skips everything */
    cr_assert_eq(run(out, sizeof out, MPIRUN " -np 2 %s sweep %s --out %s", HB_BIN, SWEEP_ARGS,
                     p2), 0, "%s", out);
    cr_expect(strstr(out, "0 run now") && strstr(out, "20 skipped"), "%s", out);
    cr_expect_eq(count_lines(p2), 1 + SWEEP_RUNS);
}

Test(mpi, sweep_rank_killed_names_it_keeps_rows_and_resumes) {
    char out[65536], p1[128], pk[128], ck[128];
    const char *dir = tmpdir();
    snprintf(p1, sizeof p1, "%s/one.csv", dir);
    snprintf(pk, sizeof pk, "%s/killed.csv", dir);
    snprintf(ck, sizeof ck, "%s/killed-curves.csv", dir);
    cr_assert_eq(run(out, sizeof out, "%s sweep %s --out %s", HB_BIN, SWEEP_ARGS, p1), 0, "%s", out);
    /* rank 1 dies (SIGKILL) after epoch 2 of its second run */
    int rc = run(out, sizeof out, "HOGBENCH_TEST_KILL=1:2:2 " MPIRUN " -np 3 %s sweep %s --out %s "
                 "--curves %s", HB_BIN, SWEEP_ARGS, pk, ck);
    cr_expect_neq(rc, 0, "%s", out);
    /* mpirun names the rank that died; rank 0 says what was kept and which run was dropped */
    cr_expect(strstr(out, "process rank 1 "), "no message names rank 1: %s", out);
    cr_expect(strstr(out, "keeps every finished row"), "rank 0 said nothing of the rows: %s", out);
    cr_expect(strstr(out, "runs dropped: rank 1: "), "rank 0 did not name rank 1's run: %s", out);
    csv_t k = csv_read(pk);
    cr_expect_eq(k.bad_rows, 0, "a torn row");
    cr_expect_geq(k.nrows, 1, "rank 1's first run was finished before it died: %s", out);
    cr_expect_lt(k.nrows, SWEEP_RUNS, "%s", out);
    /* every row kept is a finished run, as one process gives it */
    csv_t one = csv_read(p1);
    for (int r = 0; r < k.nrows; r++) {
        const int q = find_run(&one, &k, r);
        cr_expect_geq(q, 0);
        if (q >= 0) cr_expect_str_eq(cell(&k, r, "rmse"), cell(&one, q, "rmse"));
    }
    /* rerunning resumes: only the missing runs, then the same sweep as one process */
    cr_assert_eq(run(out, sizeof out, MPIRUN " -np 2 %s sweep %s --out %s --curves %s", HB_BIN,
                     SWEEP_ARGS, pk, ck), 0, "%s", out);
    char want[64];
    snprintf(want, sizeof want, "%d skipped", k.nrows);
    cr_expect(strstr(out, want), "%s", out);
    csv_t done = csv_read(pk);
    expect_same_sweep(&one, &done, 3);
    cr_expect_eq(count_lines(ck), 1 + SWEEP_RUNS * 3, "curves without their row, or twice");
}

/* ------------------------------------------------------------------------ training */

/* The float32 array of an .npy file hogbench wrote (its header, then little-endian data). */
static float *npy_read(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    unsigned char h[10];
    cr_assert_eq(fread(h, 1, 10, f), 10u);
    cr_assert(memcmp(h, "\x93NUMPY", 6) == 0, "%s: not .npy", path);
    const size_t hl = h[8] | (size_t)h[9] << 8;
    char head[4096] = "";
    cr_assert(hl < sizeof head && fread(head, 1, hl, f) == hl);
    cr_assert(strstr(head, "'<f4'"), "%s: %s", path, head);
    fseek(f, 0, SEEK_END);
    const long end = ftell(f);
    *n = (size_t)(end - 10 - (long)hl) / 4;
    float *x = malloc(*n * 4 + 4);
    fseek(f, 10 + (long)hl, SEEK_SET);
    cr_assert_eq(fread(x, 4, *n, f), *n);
    fclose(f);
    return x;
}

/* |a - b| <= tol everywhere, same length. */
static void expect_npy_close(const char *d1, const char *d2, const char *name, double tol) {
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/%s", d1, name);
    snprintf(b, sizeof b, "%s/%s", d2, name);
    size_t na, nb;
    float *x = npy_read(a, &na), *y = npy_read(b, &nb);
    cr_expect_eq(na, nb, "%s: %zu vs %zu values", name, na, nb);
    double worst = 0;
    size_t at = 0;
    for (size_t k = 0; k < na && k < nb; k++)
        if (fabs((double)x[k] - y[k]) > worst) worst = fabs((double)x[k] - y[k]), at = k;
    cr_expect(worst <= tol, "%s: value %zu differs by %g (%g vs %g)", name, at, worst, x[at], y[at]);
    free(x);
    free(y);
}

static double num(const csv_t *c, int row, const char *name) { return atof(cell(c, row, name)); }

/* With lr 1e-12 training moves no parameter by more than ~1e-12, so a run across N ranks and
 * one process hold the same model: the distributed evaluation must give the one-process
 * metrics (up to summation order), and the rows gathered back must land where they belong. */
static void check_eval_and_gather(const char *model, const char *extra) {
    char out[65536], one[256], dist[256], csv1[256], csvd[256];
    const char *dir = tmpdir();
    snprintf(csv1, sizeof csv1, "%s/one.csv", dir);
    snprintf(csvd, sizeof csvd, "%s/dist.csv", dir);
    const char *args = "--data synthetic:users=300,items=400,ratings=20000 --threads 1 "
                       "--epochs 2 --lr 1e-12 --quiet";
    snprintf(one, sizeof one, "%s/one", dir);
    cr_assert_eq(run(out, sizeof out, "%s train %s --model %s %s --out %s --save-model %s",
                     HB_BIN, args, model, extra, csv1, one), 0, "%s", out);
    for (int np = 2; np <= 4; np++) { /* 3: an odd ring (the blocks come home in other slots) */
        snprintf(dist, sizeof dist, "%s/np%d", dir, np);
        cr_assert_eq(run(out, sizeof out, MPIRUN " -np %d %s train %s --model %s %s --out %s "
                         "--save-model %s", np, HB_BIN, args, model, extra, csvd, dist),
                     0, "%s", out);
        csv_t a = csv_read(csv1), b = csv_read(csvd);
        cr_assert_eq(b.nrows, np - 1, "-np %d: one row per run, from rank 0 only: %d rows", np,
                     b.nrows);
        cr_expect_eq(b.bad_rows, 0);
        const int r = b.nrows - 1;
        static const char *const metric[] = {"rmse", "mae", "ndcg_at_10", "ndcg_at_20",
                                             "ndcg_at_30", "ndcg_at_100"};
        for (size_t q = 0; q < sizeof metric / sizeof *metric; q++)
            cr_expect(fabs(num(&a, 0, metric[q]) - num(&b, r, metric[q])) <= 2e-6,
                      "%s -np %d: %s %s vs one process %s", model, np, metric[q],
                      cell(&b, r, metric[q]), cell(&a, 0, metric[q]));
        cr_expect_eq(atoi(cell(&b, r, "ranks")), np);
        cr_expect_str_eq(cell(&a, 0, "ranks"), "1");
        cr_expect_str_eq(cell(&b, r, "rank"), "0");
        cr_expect_str_eq(cell(&b, r, "hosts"), "1");
        cr_expect_str_neq(cell(&b, r, "run_key"), cell(&a, 0, "run_key"));
        cr_expect_eq(atoi(cell(&b, r, "blocks_used")), 2 * np, "two item blocks per rank");
        cr_expect_gt(num(&b, r, "comm_bytes_per_epoch"), 0);
        cr_expect_geq(num(&b, r, "comm_seconds"), 0);
        cr_expect_eq(num(&a, 0, "comm_bytes_per_epoch"), 0);
        expect_npy_close(one, dist, "user_factors.npy", 1e-9);
        expect_npy_close(one, dist, "item_factors.npy", 1e-9);
        if (strstr(model, "mf_bias")) {
            expect_npy_close(one, dist, "user_bias.npy", 1e-9);
            expect_npy_close(one, dist, "item_bias.npy", 1e-9);
        }
        /* the dense weights are averaged over the ranks: (x + x + x) / 3 rounds */
        if (strstr(model, "mlp")) expect_npy_close(one, dist, "dense0_W.npy", 1e-6);
    }
}

Test(mpi, train_evaluates_and_gathers_as_one_process_mf_bias) {
    check_eval_and_gather("mf_bias", "--eval-every 1");
}

Test(mpi, train_evaluates_and_gathers_as_one_process_mlp) {
    check_eval_and_gather("mlp", "--eval-users 100");
}

Test(mpi, train_evaluates_and_gathers_as_one_process_binary_mf) {
    check_eval_and_gather("mf_bias_bin", "");
}

/* Test RMSE of one process and of -np 2 and -np 4 at equal epochs. */
static void check_rmse_close(const char *args, double tol) {
    char out[65536], csv[256];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    cr_assert_eq(run(out, sizeof out, "%s train %s --out %s", HB_BIN, args, csv), 0, "%s", out);
    for (int np = 2; np <= 4; np += 2)
        cr_assert_eq(run(out, sizeof out, MPIRUN " -np %d %s train %s --out %s", np, HB_BIN,
                         args, csv), 0, "%s", out);
    csv_t c = csv_read(csv);
    cr_assert_eq(c.nrows, 3);
    for (int r = 1; r < 3; r++) {
        cr_expect_eq(atoi(cell(&c, r, "ranks")), 2 * r);
        cr_expect_str_eq(cell(&c, r, "epochs_done"), cell(&c, 0, "epochs_done"));
        cr_expect(fabs(num(&c, r, "rmse") - num(&c, 0, "rmse")) <= tol,
                  "%s: -np %d test RMSE %s, one process %s", args, 2 * r, cell(&c, r, "rmse"),
                  cell(&c, 0, "rmse"));
    }
}

Test(mpi, train_mf_bias_u1_rmse_as_one_process) {
    const char *data = getenv("HOGBENCH_DATA");
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/u1.base", data ? data : "");
    if (!data || access(probe, R_OK) != 0) {
        cr_skip_test("HOGBENCH_DATA is not a MovieLens 100K folder: u1 not tested");
        return;
    }
    char args[4400];
    snprintf(args, sizeof args, "--data %s --split u1 --model mf_bias --threads 1 --quiet", data);
    check_rmse_close(args, 0.003);
}

Test(mpi, train_mf_bias_1m_synthetic_rmse_as_one_process) {
    check_rmse_close("--data synthetic:users=10000,items=2000,ratings=1000000 --model mf_bias "
                     "--dim 32 --epochs 20 --threads 1 --quiet", 0.003);
}

Test(mpi, train_rank_killed_names_it_and_writes_no_row) {
    char out[65536], csv[256];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    const char *args = "--data synthetic:users=2000,items=1000,ratings=100000 --model mf_bias "
                       "--epochs 30 --threads 1";
    cr_assert_eq(run(out, sizeof out, MPIRUN " -np 2 %s train %s --out %s --quiet", HB_BIN, args,
                     csv), 0, "%s", out);
    cr_assert_eq(count_lines(csv), 2);
    /* rank 1 dies (SIGKILL) after epoch 3 */
    const int rc = run(out, sizeof out, "HOGBENCH_TEST_KILL=1:1:3 " MPIRUN " -np 2 %s train %s "
                       "--out %s", HB_BIN, args, csv);
    cr_expect_neq(rc, 0, "%s", out);
    cr_expect(strstr(out, "process rank 1 "), "no message names rank 1: %s", out);
    cr_expect(strstr(out, "no row was written"), "rank 0 did not say what was kept: %s", out);
    csv_t c = csv_read(csv);
    cr_expect_eq(c.nrows, 1, "the earlier row and nothing else");
    cr_expect_eq(c.bad_rows, 0, "a torn row");
}

/* ------------------------------------------------ loading: each rank parses its share */

/* "hogbench: mpi load: rank R of N parsed B of T bytes": every rank's line, B about T/N
 * (the shares are cut at line starts: at most a line off per cut and file), and the shares
 * together every byte but the header's (hdr). */
static void expect_shares(const char *out, int np, size_t hdr) {
    double sum = 0, total = 0;
    for (int r = 0; r < np; r++) {
        char key[64];
        snprintf(key, sizeof key, "mpi load: rank %d of %d parsed ", r, np);
        const char *p = strstr(out, key);
        cr_assert_not_null(p, "-np %d: no load line for rank %d: %s", np, r, out);
        double b = 0, t = 0;
        cr_assert_eq(sscanf(p + strlen(key), "%lf of %lf bytes", &b, &t), 2, "%s", p);
        cr_expect(fabs(b / (t / np) - 1) < 0.01, "-np %d: rank %d parsed %.0f of %.0f bytes, "
                  "not about 1/%d", np, r, b, t, np);
        sum += b;
        total = t;
    }
    cr_expect(sum <= total && sum >= total - (double)hdr, "-np %d: the shares hold %.0f of "
              "%.0f bytes", np, sum, total);
}

/* One process and -np 2, 3, 4 on the same data: the same dataset (fingerprint, counts) and,
 * with lr 1e-12 (the model stays as initialized: hb_model_create_mpi must make the model one
 * process makes from the whole data), the same metrics and saved rows. */
static void check_load(const char *data_args, const char *model, size_t hdr) {
    char out[65536], one[256], dist[256], csv1[256], csvd[256];
    const char *dir = tmpdir();
    snprintf(csv1, sizeof csv1, "%s/one.csv", dir);
    snprintf(csvd, sizeof csvd, "%s/dist.csv", dir);
    snprintf(one, sizeof one, "%s/one", dir);
    const char *args = "--threads 1 --epochs 1 --lr 1e-12 --seed 7";
    cr_assert_eq(run(out, sizeof out, "%s train %s --model %s %s --quiet --out %s --save-model %s",
                     HB_BIN, data_args, model, args, csv1, one), 0, "%s", out);
    csv_t a = csv_read(csv1);
    cr_assert_eq(a.nrows, 1);
    for (int np = 2; np <= 4; np++) {
        snprintf(dist, sizeof dist, "%s/np%d", dir, np);
        cr_assert_eq(run(out, sizeof out, MPIRUN " -np %d %s train %s --model %s %s --out %s "
                         "--save-model %s", np, HB_BIN, data_args, model, args, csvd, dist),
                     0, "%s", out);
        expect_shares(out, np, hdr);
        csv_t b = csv_read(csvd);
        const int r = b.nrows - 1;
        cr_assert_eq(b.nrows, np - 1);
        static const char *const same[] = {"dataset", "split", "dataset_xxh3", "n_train",
                                           "n_test", "n_test_cold"};
        for (size_t q = 0; q < sizeof same / sizeof *same; q++)
            cr_expect_str_eq(cell(&b, r, same[q]), cell(&a, 0, same[q]), "%s -np %d: %s",
                             data_args, np, same[q]);
        static const char *const metric[] = {"rmse", "mae", "ndcg_at_10", "ndcg_at_100"};
        for (size_t q = 0; q < sizeof metric / sizeof *metric; q++)
            cr_expect(fabs(num(&a, 0, metric[q]) - num(&b, r, metric[q])) <= 2e-6,
                      "%s %s -np %d: %s %s vs one process %s", data_args, model, np, metric[q],
                      cell(&b, r, metric[q]), cell(&a, 0, metric[q]));
        expect_npy_close(one, dist, "user_factors.npy", 1e-9);
        expect_npy_close(one, dist, "item_factors.npy", 1e-9);
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "cmp -s %s/users.npy %s/users.npy && cmp -s %s/items.npy "
                 "%s/items.npy", one, dist, one, dist);
        cr_expect_eq(system(cmd), 0, "-np %d: the id maps differ from one process's", np);
    }
}

Test(mpi, load_shares_u1_as_one_process) {
    const char *data = getenv("HOGBENCH_DATA");
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/u1.base", data ? data : "");
    if (!data || access(probe, R_OK) != 0) {
        cr_skip_test("HOGBENCH_DATA is not a MovieLens 100K folder: u1 not tested");
        return;
    }
    char args[4400];
    snprintf(args, sizeof args, "--data %s --split u1", data);
    check_load(args, "mf_bias", 0);
    check_load(args, "mlp_bin", 0);
}

/* A generated ratings file (CSV with a header: the default random split) and the same
 * ratings as a TSV of string ids with duplicate rows at the end (kfold, --duplicates,
 * per-user: the users with a duplicate have rows in two shares; time). */
Test(mpi, load_shares_generated_file_as_one_process) {
    char out[65536], f[256], g[256], args[700];
    const char *dir = tmpdir();
    snprintf(f, sizeof f, "%s/r.csv", dir);
    snprintf(g, sizeof g, "%s/r.tsv", dir);
    cr_assert_eq(run(out, sizeof out, "%s data gen synthetic:users=2000,items=1000,ratings=100000 "
                     "--out %s", HB_BIN, f), 0, "%s", out);
    /* every 997th pair again at the end: its user's rows in two places, often two shares */
    cr_assert_eq(run(out, sizeof out, "awk -F, 'NR > 1 { print \"u\" $1 \"\\t\" \"i\" $2 \"\\t\" "
                     "$3 \"\\t\" $4 } NR %% 997 == 0 { d = d \"u\" $1 \"\\t\" \"i\" $2 \"\\t\" 1 "
                     "\"\\t\" $4 \"\\n\" } END { printf \"%%s\", d }' %s > %s", f, g), 0, "%s", out);
    snprintf(args, sizeof args, "--data %s", f);
    check_load(args, "mf_bias", 40); /* the header: userId,movieId,rating,timestamp */
    snprintf(args, sizeof args, "--data %s --init-offset mean", f);
    check_load(args, "mf", 40);
    snprintf(args, sizeof args, "--data %s --ids string --split kfold:5:2:9 --duplicates last", g);
    check_load(args, "mf_bias", 0);
    snprintf(args, sizeof args, "--data %s --ids string --duplicates first --seed-filter", g);
    check_load(args, "mf_bias_bin", 0);
    snprintf(args, sizeof args, "--data %s --ids string --duplicates last --split per-user:0.3:5",
             g);
    check_load(args, "mf_bias", 0);
    /* the time split, its timestamps coarsened to a dozen values: the threshold's ties span
     * the shares */
    char h[300];
    snprintf(h, sizeof h, "%s/ties.tsv", dir);
    cr_assert_eq(run(out, sizeof out, "awk -F'\\t' 'BEGIN { OFS = \"\\t\" } { $4 = int($4 / 1e8); "
                     "print }' %s > %s", g, h), 0, "%s", out);
    snprintf(args, sizeof args, "--data %s --ids string --duplicates first --split time:0.35", h);
    check_load(args, "mf", 0);
}

/* The share a byte offset falls in (the cut computed here: the line start after len k / N). */
static int share_of(const char *buf, size_t len, size_t off, int np) {
    int r = 0;
    for (int k = 1; k < np; k++) {
        const char *nl = memchr(buf + len * (size_t)k / (size_t)np, '\n',
                                len - len * (size_t)k / (size_t)np);
        if (nl && (size_t)(nl + 1 - buf) <= off) r = k;
    }
    return r;
}

/* A bad line (and a duplicate) in the middle of a file: the rank whose share holds it names
 * FILE:LINE, alone, with one process's message; the job ends with exit 1, no rank killed. */
static void check_bad_line(const char *dir, const char *name, const char *line, int at,
                           const char *extra) {
    char out[65536], path[256], good[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(good, sizeof good, "%s/good.tsv", dir);
    char cmd[1024]; /* line inserted before line `at` (so it is line `at`); "" repeats line 5 */
    snprintf(cmd, sizeof cmd, "awk 'NR == 5 { s = $0 } NR == %d { print %s%s%s } { print }' %s > %s",
             at, *line ? "\"" : "", *line ? line : "s", *line ? "\"" : "", good, path);
    cr_assert_eq(system(cmd), 0);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    static char buf[8 << 20];
    const size_t len = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    size_t off = 0; /* the byte offset of line `at` */
    for (int l = 1; l < at; l++) off = (size_t)((char *)memchr(buf + off, '\n', len - off) - buf) + 1;
    cr_assert_eq(run(out, sizeof out, "%s train --data %s %s --epochs 1 --quiet", HB_BIN, path,
                     extra), 1, "%s", out);
    char want[1024];
    const char *m = strstr(out, "hogbench: ");
    cr_assert_not_null(m, "%s", out);
    snprintf(want, sizeof want, "%.*s", (int)strcspn(m + 10, "\n"), m + 10);
    char where[300];
    snprintf(where, sizeof where, "%s:%d: ", path, at);
    cr_assert(strstr(want, where), "one process: not %s: %s", where, want);
    for (int np = 2; np <= 4; np++) {
        cr_expect_eq(run(out, sizeof out, MPIRUN " -np %d %s train --data %s %s --epochs 1 "
                         "--quiet", np, HB_BIN, path, extra), 1, "-np %d: %s", np, out);
        char said[1200];
        snprintf(said, sizeof said, "hogbench: rank %d: %s\n", share_of(buf, len, off, np), want);
        const char *hit = strstr(out, said);
        cr_expect(hit, "-np %d: expected \"%s\", got: %s", np, said, out);
        cr_expect(!hit || !strstr(hit + strlen(said), want), "-np %d: reported twice: %s", np,
                  out);
        cr_expect(!strstr(out, "interrupted") && !strstr(out, "Signal"), "-np %d: %s", np, out);
    }
}

Test(mpi, load_bad_line_named_by_the_rank_that_parsed_it) {
    char out[65536], good[256];
    const char *dir = tmpdir();
    snprintf(good, sizeof good, "%s/good.tsv", dir);
    cr_assert_eq(run(out, sizeof out, "%s data gen synthetic:users=2000,items=1000,ratings=60000 "
                     "--format tsv --out %s", HB_BIN, good), 0, "%s", out);
    check_bad_line(dir, "a.tsv", "12\\tabc\\t3\\t1", 31234, ""); /* a bad item id */
    check_bad_line(dir, "b.tsv", "12\\t7\\t9\\t1", 45001, "--rating-range 1:5"); /* out of range */
    check_bad_line(dir, "c.tsv", "", 20001, "");                     /* a duplicate of line 5 */
}
