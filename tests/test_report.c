/* test_report.c: the harness pieces under 'hogbench probe' and 'hogbench report': the bounded
 * CSV reader (by column name; FIFOs, devices, long lines refused), atomic writes (never over a
 * symlink or non-file), the update-cost model against hand-derived counts, and both commands
 * on crafted rows (ratios and intervals, parity flags, missing configs, time to quality). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "cost.h"
#include "csvread.h"
#include "json.h"
#include "outfile.h"

static char g_dir[64];

static void setup(void) {
    snprintf(g_dir, sizeof g_dir, "/tmp/hbreport.XXXXXX");
    cr_assert_not_null(mkdtemp(g_dir));
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    if (system(cmd) != 0) { /* a leftover temp dir is harmless */ }
}

static const char *path_in(const char *name) {
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", g_dir, name);
    return p[k];
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    return b;
}

/* ------------------------------------------------------------------ the CSV reader */

TestSuite(csvread, .init = setup, .fini = teardown);

Test(csvread, columns_by_name_quotes_crlf_bom_and_a_torn_last_line) {
    write_file(path_in("a.csv"), "\xef\xbb\xbfmodel,note,dim\r\nmf,\"a, \"\"quoted\"\" note\",64\r\n"
                                 "\r\nmlp,,16\r\nmf_bias,torn");
    hb_csvr t;
    hb_error err = {{0}};
    cr_assert_eq(hb_csvr_load(path_in("a.csv"), &t, &err), HB_OK, "%s", err.msg);
    cr_expect_eq(t.ncols, 3);
    cr_expect_eq(t.nrows, 2, "the blank line is skipped, the torn line left out");
    cr_expect(t.torn);
    const int dim = hb_csvr_col(&t, "dim"), note = hb_csvr_col(&t, "note");
    cr_expect_eq(hb_csvr_col(&t, "model"), 0, "the BOM is not part of the first name");
    cr_expect_eq(hb_csvr_col(&t, "absent"), -1);
    cr_expect_str_eq(hb_csvr_get(&t, 0, note), "a, \"quoted\" note");
    cr_expect_str_eq(hb_csvr_get(&t, 0, dim), "64", "no CR left in the last field");
    cr_expect_str_eq(hb_csvr_get(&t, 1, note), "");
    cr_expect_str_eq(hb_csvr_get(&t, 1, -1), "");
    cr_expect_eq(t.line[1], 4, "rows keep their line numbers");
    hb_csvr_free(&t);
}

Test(csvread, bad_shapes_are_refused_with_file_and_line) {
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"a,b,c\n1,2,3\n1,2\n", "b.csv:3: expected 3 comma-separated fields"},
        {"a,b,a\n1,2,3\n", "b.csv:1: column 'a' appears twice"},
        {"a,,c\n", "b.csv:1: header field 2 is empty"},
        {"", "b.csv: empty file"},
        {"\nx\n", "b.csv:1: expected a CSV header"},
        {"a,b\n\"open,2\n", "b.csv:2: a quoted field is not closed"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        write_file(path_in("b.csv"), cases[k].text);
        hb_csvr t;
        hb_error err = {{0}};
        cr_expect_eq(hb_csvr_load(path_in("b.csv"), &t, &err), HB_ERR_PARSE, "case %zu", k);
        cr_expect(strstr(err.msg, cases[k].msg), "case %zu: '%s' lacks '%s'", k, err.msg, cases[k].msg);
    }
    /* a line one byte over the bound */
    const size_t n = HB_CSVR_MAX_LINE + 1;
    char *big = malloc(n + 16);
    memcpy(big, "a\n", 2);
    memset(big + 2, 'x', n);
    memcpy(big + 2 + n, "\n", 2);
    write_file(path_in("b.csv"), big);
    free(big);
    hb_csvr t;
    hb_error err = {{0}};
    cr_expect_eq(hb_csvr_load(path_in("b.csv"), &t, &err), HB_ERR_PARSE);
    cr_expect(strstr(err.msg, "b.csv:2: line longer than"), "%s", err.msg);
}

Test(csvread, fifos_devices_and_directories_are_refused_without_blocking, .timeout = 20) {
    cr_assert_eq(mkfifo(path_in("fifo.csv"), 0600), 0, "%s", strerror(errno));
    const char *p[3] = {path_in("fifo.csv"), "/dev/null", g_dir};
    static const char *const kinds[] = {"FIFO", "device", "directory"};
    for (int k = 0; k < 3; k++) {
        hb_csvr t;
        hb_error err = {{0}};
        cr_expect_eq(hb_csvr_load(p[k], &t, &err), HB_ERR_IO, "%s", p[k]);
        cr_expect(strstr(err.msg, "not a regular file") && strstr(err.msg, kinds[k]), "%s", err.msg);
        char *buf;
        size_t len;
        cr_expect_eq(hb_read_regular(p[k], 1 << 20, &buf, &len, &err), HB_ERR_IO, "%s", p[k]);
    }
    hb_csvr t;
    hb_error err = {{0}};
    cr_expect_eq(hb_csvr_load(path_in("missing.csv"), &t, &err), HB_ERR_IO);
    cr_expect(strstr(err.msg, "missing.csv: cannot open"), "%s", err.msg);
}

/* ------------------------------------------------------------------ atomic writes */

TestSuite(outfile, .init = setup, .fini = teardown);

static int count_entries(const char *dir) {
    char out[4096];
    run(out, sizeof out, "ls -A %s | wc -l", dir);
    return atoi(out);
}

Test(outfile, replaces_regular_files_and_leaves_no_temporary) {
    hb_error err = {{0}};
    cr_assert_eq(hb_write_atomic(path_in("r.txt"), "first\n", 6, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(hb_write_atomic(path_in("r.txt"), "second\n", 7, &err), HB_OK, "%s", err.msg);
    char *s = read_all(path_in("r.txt"));
    cr_expect_str_eq(s, "second\n");
    free(s);
    cr_expect_eq(count_entries(g_dir), 1, "a temporary file was left behind");
    struct stat sb;
    cr_assert_eq(stat(path_in("r.txt"), &sb), 0);
    cr_expect_eq(sb.st_mode & 0777, 0644);
}

Test(outfile, never_replaces_a_symlink_fifo_or_directory, .timeout = 20) {
    write_file(path_in("target.txt"), "keep me\n");
    cr_assert_eq(symlink(path_in("target.txt"), path_in("link.txt")), 0);
    cr_assert_eq(mkfifo(path_in("fifo"), 0600), 0);
    cr_assert_eq(mkdir(path_in("dir"), 0755), 0);
    static const char *const names[] = {"link.txt", "fifo", "dir"};
    static const char *const kinds[] = {"symbolic link", "FIFO", "directory"};
    for (int k = 0; k < 3; k++) {
        hb_error err = {{0}};
        cr_expect_eq(hb_write_atomic(path_in(names[k]), "x", 1, &err), HB_ERR_IO, "%s", names[k]);
        cr_expect(strstr(err.msg, kinds[k]), "%s", err.msg);
    }
    char *s = read_all(path_in("target.txt"));
    cr_expect_str_eq(s, "keep me\n", "the symlink's target was written through");
    free(s);
    struct stat sb;
    cr_expect(lstat(path_in("link.txt"), &sb) == 0 && S_ISLNK(sb.st_mode), "the symlink was replaced");
    cr_expect_eq(count_entries(g_dir), 4, "a temporary file was left behind");
    /* output directories: created once, never a symlink or a file */
    hb_error err = {{0}};
    cr_expect_eq(hb_out_dir(path_in("new"), &err), HB_OK, "%s", err.msg);
    cr_expect_eq(hb_out_dir(path_in("new"), &err), HB_OK, "an existing directory is fine");
    cr_assert_eq(symlink(path_in("dir"), path_in("dirlink")), 0);
    cr_expect_eq(hb_out_dir(path_in("dirlink"), &err), HB_ERR_IO);
    cr_expect(strstr(err.msg, "symlink"), "%s", err.msg);
    cr_expect_eq(hb_out_dir(path_in("target.txt"), &err), HB_ERR_IO);
}

Test(outfile, string_buffer_grows_and_formats) {
    hb_sbuf b = {0};
    for (int k = 0; k < 1000; k++) hb_sb_printf(&b, "%d,", k);
    char big[2000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    hb_sb_printf(&b, "%s", big); /* longer than the formatter's first buffer */
    cr_expect_eq(b.len, strlen(b.s));
    cr_expect(strncmp(b.s, "0,1,2,", 6) == 0 && strstr(b.s, "998,999,yyy"));
    cr_expect_eq(b.len, 3890 + 1999); /* 10 + 180 + 2700 digits, 1000 commas, the y's */
    hb_sb_free(&b);
}

/* ------------------------------------------------------------------ the cost model */

/* Counted by hand from the kernels (see the Method section of the report and src/cli/cost.c):
 * sgd_mf_run: dot 2d + two updates of a multiply and an FMA per element (6d) + 5 scalars
 * (+8 with biases); rows p and q read and written at their padded length, the 12-byte rating
 * (+16 for the biases). */
Test(cost, fused_sgd_by_hand) {
    hb_update_cost c;
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MF, HB_OPT_SGD, 64, 1, 50, 3, HB_ACT_RELU, &c), 0);
    cr_expect_eq(c.flops, 8 * 64 + 5);
    cr_expect_eq(c.bytes, 2 * 2 * 64 * 4 + 12);
    cr_expect_eq(c.rows, 2);
    cr_expect_eq(c.row_bytes, 256);
    cr_expect_str_eq(c.path, "sgd_mf_run");
    /* dim 50 pads to 64 floats: the same lines move, fewer flops */
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MF_BIAS, HB_OPT_SGD, 50, 1, 50, 3, HB_ACT_RELU, &c), 0);
    cr_expect_eq(c.flops, 8 * 50 + 5 + 8);
    cr_expect_eq(c.bytes, 2 * 2 * 64 * 4 + 12 + 16);
    cr_expect_eq(c.entity_bytes, 256);
}

/* The batched path: Nadam steps (18 flops per element) on the user and item rows and their two
 * moment rows (3 x 2 rows read and written); dot 2d, gradient axpys 4d, loss 5, biases. */
Test(cost, nadam_and_mlp_by_hand) {
    hb_update_cost c;
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MF_BIAS_BIN, HB_OPT_NADAM, 32, 64, 50, 3, HB_ACT_RELU, &c), 0);
    cr_expect_eq(c.flops, 2 * 18 * 32 + 2 * 18 + 5 + 2 * 32 + 4 * 32 + 5);
    cr_expect_eq(c.bytes, 3 * 2 * 2 * 32 * 4 + 12 + 3 * 2 * 2 * 4);
    cr_expect_eq(c.rows, 6);
    cr_expect_eq(c.entity_bytes, 3 * 128);
    /* MLP, dim 16, 3 hidden layers of 50, Nadam, batch 256: dense in*out = 32*50 + 50*50 + 50*50 +
     * 50*1 = 6650, outputs 151; 6 flops per weight, 4 per output, the rows as above, the
     * dense step (18 per parameter) over 256 samples */
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MLP, HB_OPT_NADAM, 16, 256, 50, 3, HB_ACT_RELU, &c), 0);
    const double want = 2 * 18 * 16 + 5 + 6 * 6650 + 4 * 151 + 4 * 16 + 18.0 * (6650 + 151) / 256;
    cr_expect(fabs(c.flops - want) < 1e-9, "%.3f vs %.3f", c.flops, want);
    cr_expect_eq(c.dense_bytes, 16.0 * 6650 / 256, "W twice and dW once per batch's GEMMs");
    cr_expect_eq(c.bytes, 3 * 2 * 2 * 16 * 4 + 12, "dense weights are not memory traffic");
    /* identity hidden layers (the seed preset), batch > 1: the rank-1 backward. Per sample the
     * forward 2 in out + 2 out, g = In^T D 2 in per layer (ins = 32 + 50 + 50 + 50 = 182), dX
     * into the rows 4d; per batch dW 2 in out, v back 2 in out, db 2 out; at batch 1 the
     * per-sample path, as for ReLU */
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MLP, HB_OPT_NADAM, 16, 256, 50, 3, HB_ACT_LINEAR, &c), 0);
    const double lin = 2 * 18 * 16 + 5 + 2 * 6650 + 2 * 151 + 2 * 182 + 4 * 16 +
                       (4.0 * 6650 + 2 * 151) / 256 + 18.0 * (6650 + 151) / 256;
    cr_expect(fabs(c.flops - lin) < 1e-9, "%.3f vs %.3f", c.flops, lin);
    hb_update_cost r1, l1;
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MLP, HB_OPT_NADAM, 16, 1, 50, 3, HB_ACT_LINEAR, &l1), 0);
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MLP, HB_OPT_NADAM, 16, 1, 50, 3, HB_ACT_RELU, &r1), 0);
    cr_expect_eq(l1.flops, r1.flops);
    /* SGD instead of Nadam: one row each, 4 flops per element */
    cr_assert_eq(hb_update_cost_of(HB_MODEL_MF, HB_OPT_SGD, 16, 8, 50, 3, HB_ACT_RELU, &c), 0);
    cr_expect_eq(c.flops, 2 * 4 * 16 + 5 + 2 * 16 + 4 * 16);
    cr_expect_eq(c.rows, 2);
    cr_expect_str_eq(c.path, "batched");
    cr_expect_eq(hb_update_cost_of(HB_MODEL_MF, HB_OPT_SGD, 0, 1, 50, 3, HB_ACT_RELU, &c), -1);
    cr_expect_eq(hb_update_cost_of(HB_MODEL_MLP, HB_OPT_SGD, 16, 0, 50, 3, HB_ACT_RELU, &c), -1);
    cr_expect_eq(hb_update_cost_of(HB_MODEL_MLP, HB_OPT_SGD, 16, 1, 0, 3, HB_ACT_RELU, &c), -1);
}

/* ------------------------------------------------------------------ hogbench report */

TestSuite(report, .init = setup, .fini = teardown);

/* Machine A (host hA) and B (host hB), both avx2; configs mf dim 16 on 1 and 2 threads on
 * both, mf dim 32 on A only. A's columns after 'data' come in another order than B's: rows
 * are read by name. */
#define HEAD_A "model,optimizer,batch,dim,threads,isa,seed,dataset,split,data,run_key,repeat," \
               "updates_per_second,rmse,ndcg_at_10,status,message,hostname,cpu_model,compiler,"  \
               "build_flags,git_sha\n"
#define HEAD_B "model,optimizer,batch,dim,threads,isa,seed,dataset,split,data,status,hostname," \
               "cpu_model,rmse,ndcg_at_10,updates_per_second,repeat,run_key,message,compiler,"  \
               "build_flags,git_sha\n"
#define CFG(dim, thr) "mf,sgd,1," #dim "," #thr ",avx2,42,ml-100k,u1,/x"

static void write_fixtures(void) {
    write_file(path_in("a.csv"),
               HEAD_A
               CFG(16, 1) ",k1,1,10000000,0.900000,0.150000,ok,,hA,cpuA,GNU 12,-O3,aaa\n"
               CFG(16, 1) ",k1,2,12000000,0.900000,0.150000,ok,,hA,cpuA,GNU 12,-O3,aaa\n"
               CFG(16, 1) ",k1,3,14000000,0.900000,0.150000,ok,,hA,cpuA,GNU 12,-O3,aaa\n"
               CFG(16, 2) ",k2,1,18000000,0.900000,0.150000,ok,,hA,cpuA,GNU 12,-O3,aaa\n"
               CFG(32, 1) ",k3,1,9000000,0.890000,0.160000,ok,,hA,cpuA,GNU 12,-O3,aaa\n"
               CFG(32, 2) ",k4,1,,,,diverged,loss became NaN,hA,cpuA,GNU 12,-O3,aaa\n");
    write_file(path_in("b.csv"),
               HEAD_B
               CFG(16, 1) ",ok,hB,cpuB,0.900001,0.150000,20000000,1,k1,,GNU 12,-O3,aaa\n"
               CFG(16, 1) ",ok,hB,cpuB,0.900001,0.150000,24000000,2,k1,,GNU 12,-O3,aaa\n"
               CFG(16, 1) ",ok,hB,cpuB,0.900001,0.150000,30000000,3,k1,,GNU 12,-O3,aaa\n"
               CFG(16, 2) ",ok,hB,cpuB,0.910000,0.150000,36000000,1,k2,,GNU 12,-O3,aaa\n");
}

Test(report, ratios_intervals_parity_and_missing_configs) {
    write_fixtures();
    char out[16384];
    int rc = run(out, sizeof out, "%s report %s %s --out %s/rep --baseline hA", HB_BIN,
                 path_in("a.csv"), path_in("b.csv"), g_dir);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "2 machines") && strstr(out, "4 configs") && strstr(out, "2 parity differences"),
              "%s", out);
    char *md = read_all(path_in("rep/report.md")), *html = read_all(path_in("rep/report.html"));
    /* A's median 12 M over 10..14, B's 24 M over 20..30: x2.00, interval 20/14 .. 30/10 */
    cr_expect(strstr(md, "12.0 M (10.0 M–14.0 M, n=3)"), "A's cell");
    cr_expect(strstr(md, "24.0 M (20.0 M–30.0 M, n=3)"), "B's cell");
    cr_expect(strstr(md, "×2.00 (1.43–3.00)"), "B over A with its interval");
    cr_expect(strstr(md, "×2.00 (2.00–2.00)"), "2 threads: one repeat each, 36/18");
    /* parity: 1 thread, same ISA: 0.900000 vs 0.900001 must be flagged although within 0.005 */
    cr_expect(strstr(md, "NOT IDENTICAL: 1 thread, avx2 on hB and hA: expected bit-identical"), "%s", md);
    /* 2 threads: |0.91 - 0.90| = 0.01 > 0.005 */
    cr_expect(strstr(md, "DIFFERS: hB differs from hA by 0.01 > 0.005"), "%s", md);
    cr_expect(strstr(md, "Quality parity: 2 metric rows flagged"), "the count up front");
    /* NDCG equal everywhere: not flagged */
    cr_expect(strstr(md, "| ndcg_at_10 | 0.150000 | 0.150000 | 0 | equal |"), "%s", md);
    /* mf dim 32 ran on A only, and the diverged run is listed with its line and message */
    cr_expect(strstr(md, "| mf dim 32, 1 thread | hA | hB |"), "%s", md);
    cr_expect(strstr(md, "a.csv:7 | hA | mf dim 32, 2 threads | **diverged** | loss became NaN |"), "%s", md);
    cr_expect(strstr(md, "No time-to-quality in these rows"));
    cr_expect(strstr(md, "No probe given"));
    /* the HTML: self-contained, no scripts, the same values */
    cr_expect(strstr(html, "<!DOCTYPE html>") && !strstr(html, "<script") && !strstr(html, "<link") &&
              !strstr(html, "https://") && !strstr(html, "src="), "nothing to run or load");
    int urls = 0, ns = 0;
    for (const char *q = html; (q = strstr(q, "http://")); q++) urls++;
    for (const char *q = html; (q = strstr(q, "http://www.w3.org/2000/svg\"")); q++) ns++;
    cr_expect_eq(urls, ns, "the only URL is the SVG namespace");
    cr_expect(strstr(html, "×2.00 (1.43–3.00)"));
    cr_expect(strstr(html, "<td class=\"bad\">NOT IDENTICAL"));
    free(md);
    free(html);
    /* a learning-curves file among the inputs (results/sweep-*.csv matches both) is skipped */
    write_file(path_in("c.csv"), "run_key,repeat,model,epoch,train_loss\nk1,1,mf,1,0.5\n");
    rc = run(out, sizeof out, "%s report %s %s %s --out %s/repc", HB_BIN, path_in("a.csv"),
             path_in("c.csv"), path_in("b.csv"), g_dir);
    cr_expect(rc == 0 && strstr(out, "c.csv: learning curves (--curves rows), not results: skipped") &&
              strstr(out, "10 rows from 3 files, 2 machines"), "%s", out);
    /* --strict turns flags into exit 1; the report is still written */
    rc = run(out, sizeof out, "%s report %s %s --out %s/rep2 --strict", HB_BIN, path_in("a.csv"),
             path_in("b.csv"), g_dir);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_eq(access(path_in("rep2/report.html"), F_OK), 0);
    /* a wider tolerance keeps the 2-thread difference but never the 1-thread one */
    rc = run(out, sizeof out, "%s report %s %s --out %s/rep3 --tolerance 0.05", HB_BIN,
             path_in("a.csv"), path_in("b.csv"), g_dir);
    cr_expect(rc == 0 && strstr(out, "1 parity difference flagged"), "%s", out);
}

Test(report, isa_as_config_and_time_to_quality) {
    /* one host, two ISAs; time-to-target columns; one repeat missed the target */
    write_file(path_in("t.csv"),
               "model,optimizer,batch,dim,threads,isa,dataset,data,run_key,repeat,updates_per_second,"
               "rmse,ndcg_at_10,status,message,hostname,cpu_model,compiler,build_flags,git_sha,"
               "target_metric,target_value,epochs_to_target,seconds_to_target,seconds_to_target_with_eval\n"
               "mf,sgd,1,16,1,scalar,ml-100k,/x,k,1,1000000,0.95,0.1,ok,,h,c,g,f,s,rmse,0.96,10,2.0,2.5\n"
               "mf,sgd,1,16,1,scalar,ml-100k,/x,k,2,1000000,0.95,0.1,ok,,h,c,g,f,s,rmse,0.96,12,4.0,4.5\n"
               "mf,sgd,1,16,1,scalar,ml-100k,/x,k,3,1000000,0.97,0.1,target_missed,,h,c,g,f,s,rmse,0.96,,,\n"
               "mf,sgd,1,16,1,avx2,ml-100k,/x,k2,1,8000000,0.95,0.1,ok,,h,c,g,f,s,rmse,0.96,10,0.5,0.7\n");
    char out[16384];
    int rc = run(out, sizeof out, "%s report %s --out %s/rep --baseline scalar", HB_BIN, path_in("t.csv"), g_dir);
    cr_assert_eq(rc, 0, "%s", out);
    char *md = read_all(path_in("rep/report.md"));
    cr_expect(strstr(md, "| mf dim 16, 1 thread | rmse 0.96 | 3 s (3.5 s with eval), ×1.00, n=2, missed 1/3 |"),
              "median of 2.0 and 4.0; the missed repeat counted: %s", md);
    cr_expect(strstr(md, "0.5 s (0.7 s with eval), ×0.17, n=1"), "%s", md);
    cr_expect(strstr(md, "| mf dim 16, 1 thread | ×8.00 |"), "the ISA speed-up table: %s", md);
    free(md);
    /* the ISA as part of the config: one machine, two configs, nothing to compare across */
    rc = run(out, sizeof out, "%s report %s --out %s/rep2 --machine-by host,cpu,build", HB_BIN,
             path_in("t.csv"), g_dir);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "1 machine, 2 configs"), "%s", out);
    md = read_all(path_in("rep2/report.md"));
    cr_expect(strstr(md, "mf dim 16, 1 thread, isa avx2") || strstr(md, "dim 16, 1 thread, isa avx2"), "%s", md);
    cr_expect(strstr(md, "No config ran on two machines"));
    free(md);
}

Test(report, bad_inputs_and_outputs_are_refused, .timeout = 30) {
    write_fixtures();
    char out[16384];
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"model,dim,threads,isa,status,data\nmf,16,1,avx2,ok,/x\n", "no column 'updates_per_second'"},
        {"model,dim,threads,isa,data,updates_per_second,status\nmf,16,1,avx2,/x,fast,ok\n",
         "bad.csv:2: column 'updates_per_second': expected a number, got 'fast'"},
        {"model,dim,threads,isa,data,updates_per_second,status\nmf,16,1,avx2,/x,,ok\n",
         "bad.csv:2: status ok but updates_per_second '' is not a positive number"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        write_file(path_in("bad.csv"), bad[k].text);
        int rc = run(out, sizeof out, "%s report %s --out %s/r", HB_BIN, path_in("bad.csv"), g_dir);
        cr_expect_eq(rc, 2, "case %zu: %s", k, out);
        cr_expect(strstr(out, bad[k].msg), "case %zu: %s", k, out);
    }
    /* a FIFO as input: refused at once, not read (the test's timeout catches a hang) */
    cr_assert_eq(mkfifo(path_in("fifo.csv"), 0600), 0);
    int rc = run(out, sizeof out, "%s report %s --out %s/r", HB_BIN, path_in("fifo.csv"), g_dir);
    cr_expect(rc == 2 && strstr(out, "not a regular file"), "%s", out);
    rc = run(out, sizeof out, "%s report %s --probe %s --out %s/r", HB_BIN, path_in("a.csv"),
             path_in("fifo.csv"), g_dir);
    cr_expect(rc == 2 && strstr(out, "not a regular file"), "%s", out);
    rc = run(out, sizeof out, "%s report %s --probe %s --out %s/r", HB_BIN, path_in("a.csv"),
             path_in("b.csv"), g_dir);
    cr_expect(rc == 2 && strstr(out, "b.csv:1:1"), "a CSV is not a profile: %s", out);
    /* outputs: a symlinked report.html inside DIR, or DIR itself a symlink, are not written through */
    write_file(path_in("victim.html"), "keep\n");
    cr_assert_eq(mkdir(path_in("o"), 0755), 0);
    cr_assert_eq(symlink(path_in("victim.html"), path_in("o/report.html")), 0);
    rc = run(out, sizeof out, "%s report %s --out %s/o", HB_BIN, path_in("a.csv"), g_dir);
    cr_expect(rc == 1 && strstr(out, "symbolic link"), "%s", out);
    char *v = read_all(path_in("victim.html"));
    cr_expect_str_eq(v, "keep\n");
    free(v);
    cr_assert_eq(symlink(path_in("o"), path_in("olink")), 0);
    rc = run(out, sizeof out, "%s report %s --out %s/olink", HB_BIN, path_in("a.csv"), g_dir);
    cr_expect(rc == 1 && strstr(out, "not a directory"), "%s", out);
    /* usage */
    cr_expect_eq(run(out, sizeof out, "%s report --out %s/r", HB_BIN, g_dir), 2);
    cr_expect_eq(run(out, sizeof out, "%s report %s", HB_BIN, path_in("a.csv")), 2);
    rc = run(out, sizeof out, "%s report %s --out %s/r --baseline nosuch", HB_BIN, path_in("a.csv"), g_dir);
    cr_expect(rc == 2 && strstr(out, "matches no machine"), "%s", out);
    cr_expect_eq(run(out, sizeof out, "%s report %s --out %s/r --machine-by disk", HB_BIN,
                     path_in("a.csv"), g_dir), 2);
    cr_expect_eq(run(out, sizeof out, "%s report --help", HB_BIN), 0);
    cr_expect(strstr(out, "--probe") && strstr(out, "--baseline"));
}

/* ------------------------------------------------------------------ hogbench probe */

TestSuite(probe, .init = setup, .fini = teardown);

static double jnum(const hb_json *o, const char *k) {
    const hb_json *v = hb_json_get(o, k);
    return v && v->type == HB_JSON_NUMBER ? v->number : NAN;
}

Test(probe, quick_profile_and_a_report_against_it, .timeout = 120) {
    char out[32768];
    int rc = run(out, sizeof out, "%s probe --quick --max-mib 4 --dims 16,64 --out %s/p.json", HB_BIN, g_dir);
    cr_assert_eq(rc, 0, "%s", out);
    hb_json *j = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_json_load(path_in("p.json"), &j, &err), HB_OK, "%s", err.msg);
    const hb_json *m = hb_json_get(j, "machine");
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    const hb_json *h = hb_json_get(m, "hostname");
    cr_expect(h && h->type == HB_JSON_STRING && strcmp(h->str, host) == 0, "the rows' hostname");
    cr_expect(hb_json_get(m, "cpu_model") && hb_json_get(m, "git_sha") && hb_json_get(m, "l2_kib"),
              "the rows' machine columns");
    const hb_json *topo = hb_json_get(j, "topology");
    cr_expect(jnum(topo, "pus") >= 1 && jnum(topo, "memory_total_kib") > 0);
    /* STREAM: copy and triad for 1 and all threads, all positive */
    const hb_json *sr = hb_json_get(hb_json_get(j, "stream"), "results");
    cr_assert(sr && sr->type == HB_JSON_ARRAY);
    const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    cr_expect_eq(sr->n, ncpu > 1 ? 4u : 2u);
    for (const hb_json *e = sr->child; e; e = e->next) cr_expect(jnum(e, "gb_per_s") > 0);
    /* random rows: 16 KiB .. 4 MiB (the --max-mib cap) for 4 row sizes */
    const hb_json *gr = hb_json_get(hb_json_get(j, "gather"), "results");
    cr_assert(gr && gr->n > 0);
    int l1 = 0;
    for (const hb_json *e = gr->child; e; e = e->next) {
        cr_expect(jnum(e, "read_rows_per_s") > 0 && jnum(e, "update_rows_per_s") > 0);
        cr_expect(jnum(e, "table_bytes") <= 4 << 20);
        const hb_json *lv = hb_json_get(e, "level");
        l1 += lv && !strcmp(lv->str, "L1") && jnum(e, "table_bytes") == 16384;
    }
    cr_expect(l1 > 0, "the smallest table is labelled L1");
    /* FMA: scalar always, positive */
    int scalar = 0;
    for (const hb_json *e = hb_json_get(j, "fma")->child; e; e = e->next) {
        cr_expect(jnum(e, "gflops") > 0);
        scalar += !strcmp(hb_json_get(e, "isa")->str, "scalar");
    }
    cr_expect(scalar >= 1);
    /* update costs: the cost model's numbers at the dims asked for */
    int seen = 0;
    for (const hb_json *e = hb_json_get(j, "update_costs")->child; e; e = e->next)
        if (!strcmp(hb_json_get(e, "model")->str, "mf") && jnum(e, "dim") == 64) {
            cr_expect_eq(jnum(e, "flops"), 8 * 64 + 5);
            cr_expect_eq(jnum(e, "bytes"), 1036);
            seen++;
        }
    cr_expect_eq(seen, 1);
    hb_json_free(&j);
    /* a real row of this machine, reported against the probe: a roof and a percentage */
    rc = run(out, sizeof out, "%s train --data synthetic:users=300,items=200,ratings=9000 --model mf "
             "--dim 16 --epochs 2 --threads 1 --out %s/r.csv --quiet", HB_BIN, g_dir);
    cr_assert_eq(rc, 0, "%s", out);
    rc = run(out, sizeof out, "%s report %s/r.csv --probe %s/p.json --out %s/rep", HB_BIN, g_dir, g_dir, g_dir);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "1 probe"), "%s", out);
    char *md = read_all(path_in("rep/report.md"));
    cr_expect(strstr(md, "% of ") && (strstr(md, "(memory) |") || strstr(md, "(FMA) |")), "%s", md);
    cr_expect(strstr(md, "Measured in") && strstr(md, "--quick"), "the probe section");
    free(md);
    /* a quick and a full profile of one machine: the full one is used, whatever the order */
    char *pj = read_all(path_in("p.json"));
    const char *q = strstr(pj, "\"quick\": true");
    cr_assert_not_null(q);
    char *full = malloc(strlen(pj) + 8);
    snprintf(full, strlen(pj) + 8, "%.*s\"quick\": false%s", (int)(q - pj), pj, q + 13);
    write_file(path_in("full.json"), full);
    free(full);
    free(pj);
    rc = run(out, sizeof out, "%s report %s/r.csv --probe %s/p.json --probe %s/full.json --out %s/rep2",
             HB_BIN, g_dir, g_dir, g_dir, g_dir);
    cr_assert_eq(rc, 0, "%s", out);
    md = read_all(path_in("rep2/report.md"));
    cr_expect(strstr(md, "applies to 0 machines") && strstr(md, "applies to 1 machine of"),
              "the quick probe applies to none, the full one to the machine: %s", md);
    free(md);
    /* the output is refused before measuring when it is not a regular file */
    cr_assert_eq(mkfifo(path_in("fifo.json"), 0600), 0);
    rc = run(out, sizeof out, "%s probe --quick --out %s/fifo.json", HB_BIN, g_dir);
    cr_expect(rc == 2 && strstr(out, "refusing to replace"), "%s", out);
    cr_expect_eq(run(out, sizeof out, "%s probe --dims 0", HB_BIN), 2);
    cr_expect_eq(run(out, sizeof out, "%s probe --bogus", HB_BIN), 2);
}
