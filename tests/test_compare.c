/* test_compare.c: 'hogbench compare': statistics against hand-computed values, the JSON reader
 * on crafted and malformed input, and the command on crafted CSV and benchmark JSON files
 * (regressions flagged, noise not, one-sided configs listed, tolerances, exit codes). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare_decide.h"
#include "json.h"
#include "stats.h"

/* ------------------------------------------------------------------ statistics */

Test(stats, median_and_mad) {
    const double odd[] = {3, 1, 100, 2, 4};
    cr_expect_eq(hb_median(odd, 5), 3);
    cr_expect_eq(hb_mad(odd, 5), 1); /* |d| = 0,2,97,1,1 */
    const double even[] = {4, 1, 3, 2};
    cr_expect_eq(hb_median(even, 4), 2.5);
    cr_expect_eq(hb_mad(even, 4), 1); /* |d| = 1.5,1.5,0.5,0.5 */
    cr_expect_eq(odd[0], 3, "the input is not reordered");
    cr_expect(isnan(hb_median(odd, 0)));
}

Test(stats, mann_whitney_exact_small) {
    const double a[] = {1, 2, 3}, b[] = {4, 5, 6};
    hb_mwu r;
    cr_assert_eq(hb_mann_whitney(a, 3, b, 3, HB_ALT_LESS, &r), 0);
    cr_expect_eq(r.u, 0);
    cr_expect_float_eq(r.p, 1.0 / 20, 1e-15); /* 1 of C(6,3) = 20 orderings */
    cr_expect_eq(r.method, HB_MWU_EXACT);
    hb_mann_whitney(a, 3, b, 3, HB_ALT_TWO_SIDED, &r);
    cr_expect_float_eq(r.p, 0.1, 1e-15); /* the smallest two-sided p for 3 vs 3 */
    hb_mann_whitney(a, 3, b, 3, HB_ALT_GREATER, &r);
    cr_expect_float_eq(r.p, 1.0, 1e-15);

    /* interleaved: U = #(x > y) = 3; counts of U for 3 vs 3 are 1,1,2,3,3,3,3,2,1,1 */
    const double x[] = {1, 3, 5}, y[] = {2, 4, 6};
    hb_mann_whitney(x, 3, y, 3, HB_ALT_LESS, &r);
    cr_expect_eq(r.u, 3);
    cr_expect_float_eq(r.p, 7.0 / 20, 1e-15);
    hb_mann_whitney(x, 3, y, 3, HB_ALT_GREATER, &r);
    cr_expect_float_eq(r.p, 16.0 / 20, 1e-15);

    const double f1[] = {1, 2, 3, 4, 5}, f2[] = {6, 7, 8, 9, 10};
    hb_mann_whitney(f1, 5, f2, 5, HB_ALT_LESS, &r);
    cr_expect_float_eq(r.p, 1.0 / 252, 1e-15);
    hb_mann_whitney(f2, 5, f1, 5, HB_ALT_GREATER, &r);
    cr_expect_eq(r.u, 25);
    cr_expect_float_eq(r.p, 1.0 / 252, 1e-15);
}

Test(stats, mann_whitney_exact_with_ties) {
    /* pooled 1,2,2,2,3,4: mid-ranks 1,3,3,3,5,6; x's rank sum 7, U = 7 - 6 = 1 (the tie
     * counts half); 3 of the 20 splits have rank sum <= 7 */
    const double x[] = {1, 2, 2}, y[] = {2, 3, 4};
    hb_mwu r;
    cr_assert_eq(hb_mann_whitney(x, 3, y, 3, HB_ALT_LESS, &r), 0);
    cr_expect_eq(r.u, 1);
    cr_expect_float_eq(r.p, 3.0 / 20, 1e-15);
    cr_expect_eq(r.method, HB_MWU_EXACT_TIES);
    const double same[] = {5, 5, 5};
    hb_mann_whitney(same, 3, same, 3, HB_ALT_LESS, &r);
    cr_expect_eq(r.u, 4.5);
    cr_expect_float_eq(r.p, 1.0, 1e-15);
}

Test(stats, mann_whitney_normal_approximation) {
    /* 40 vs 40 (too many orderings for the exact count): x = 0..39, y = 20..59.
     * U = 190 + 20/2 = 200; mu = 800; 20 tie pairs: var = 1600/12 (81 - 120/6320);
     * p = Phi((200 - 800 + 0.5) / sd), computed with Python's math.erfc */
    double x[40], y[40];
    for (int i = 0; i < 40; i++) {
        x[i] = i;
        y[i] = 20 + i;
    }
    hb_mwu r;
    cr_assert_eq(hb_mann_whitney(x, 40, y, 40, HB_ALT_LESS, &r), 0);
    cr_expect_eq(r.method, HB_MWU_NORMAL);
    cr_expect_eq(r.u, 200);
    cr_expect_float_eq(r.p, 3.978476281412657e-09, 1e-15);
}

Test(stats, mann_whitney_edges) {
    const double x[] = {1, NAN}, y[] = {1, 2};
    hb_mwu r;
    cr_expect_eq(hb_mann_whitney(x, 2, y, 2, HB_ALT_LESS, &r), -1);
    cr_expect_eq(hb_mann_whitney(y, 0, y, 2, HB_ALT_LESS, &r), -1);
    cr_expect(isnan(r.p));
    cr_expect_float_eq(hb_mwu_min_p(3, 3, HB_ALT_LESS), 0.05, 1e-15);
    cr_expect_float_eq(hb_mwu_min_p(3, 3, HB_ALT_TWO_SIDED), 0.1, 1e-15);
    cr_expect_float_eq(hb_mwu_min_p(5, 5, HB_ALT_LESS), 1.0 / 252, 1e-15);
    cr_expect_float_eq(hb_mwu_min_p(1, 1, HB_ALT_TWO_SIDED), 1.0, 1e-15);
}

Test(stats, t_quantile) {
    /* reference values: scipy.stats.t.ppf */
    cr_expect_float_eq(hb_t_quantile(0.95, 1), 6.313751514675041, 1e-9);
    cr_expect_float_eq(hb_t_quantile(0.99, 2), 6.964556734283274, 1e-9);
    cr_expect_float_eq(hb_t_quantile(0.95, 4), 2.131846786326649, 2.131846786326649 * 1e-3);
    cr_expect_float_eq(hb_t_quantile(0.99, 3), 4.540702858698419, 4.540702858698419 * 4e-3);
    cr_expect_float_eq(hb_t_quantile(0.975, 30), 2.042272456301238, 2.042272456301238 * 1e-5);
    cr_expect(isnan(hb_t_quantile(0.95, 0.5)));
}

Test(stats, normal_quantile) {
    cr_expect_float_eq(hb_normal_quantile(0.95), 1.6448536269514722, 1e-9);
    cr_expect_float_eq(hb_normal_quantile(0.025), -1.959963984540054, 1e-9);
    cr_expect_float_eq(hb_normal_quantile(0.5), 0, 1e-12);
    cr_expect_float_eq(hb_normal_cdf(hb_normal_quantile(1e-6)), 1e-6, 1e-15);
}

/* ------------------------------------------------------------------ JSON reader */

static hb_status parse(const char *text, hb_json **j, hb_error *err) {
    memset(err, 0, sizeof *err);
    return hb_json_parse(text, strlen(text), "t.json", j, err);
}

Test(json, reads_benchmark_shaped_input) {
    const char *text = "\xef\xbb\xbf{\n"
                       "  \"context\": {\"compiler\": \"GNU 12\", \"num_cpus\": 2},\n"
                       "  \"benchmarks\": [\n"
                       "    {\"name\": \"dot/avx2/16\", \"run_type\": \"iteration\",\n"
                       "     \"real_time\": 1.5e+01, \"cpu_time\": -0.25, \"x\": NaN,\n"
                       "     \"y\": -Infinity, \"ok\": true, \"no\": false, \"z\": null,\n"
                       "     \"s\": \"tab\\there \\u00e9 \\ud83d\\ude00 \\\"q\\\" \\/\"},\n"
                       "    [], {}\n"
                       "  ]\n"
                       "}\n";
    hb_json *j;
    hb_error err;
    cr_assert_eq(parse(text, &j, &err), HB_OK, "%s", err.msg);
    const hb_json *bm = hb_json_get(j, "benchmarks");
    cr_assert_not_null(bm);
    cr_expect_eq(bm->type, HB_JSON_ARRAY);
    cr_expect_eq(bm->n, 3);
    const hb_json *e = bm->child;
    cr_expect_str_eq(hb_json_get(e, "name")->str, "dot/avx2/16");
    cr_expect_eq(hb_json_get(e, "real_time")->number, 15);
    cr_expect_eq(hb_json_get(e, "cpu_time")->number, -0.25);
    cr_expect(isnan(hb_json_get(e, "x")->number));
    cr_expect(isinf(hb_json_get(e, "y")->number) && hb_json_get(e, "y")->number < 0);
    cr_expect_eq(hb_json_get(e, "ok")->boolean, 1);
    cr_expect_eq(hb_json_get(e, "no")->type, HB_JSON_BOOL);
    cr_expect_eq(hb_json_get(e, "z")->type, HB_JSON_NULL);
    cr_expect_str_eq(hb_json_get(e, "s")->str, "tab\there \xc3\xa9 \xf0\x9f\x98\x80 \"q\" /");
    cr_expect_null(hb_json_get(e, "missing"));
    cr_expect_null(hb_json_get(bm, "name"), "arrays have no members by name");
    cr_expect_eq(hb_json_get(hb_json_get(j, "context"), "num_cpus")->number, 2);
    hb_json_free(&j);
    cr_expect_null(j);
}

/* Parses text, expects HB_ERR_PARSE and a message holding want. */
static void expect_error(const char *text, const char *want) {
    hb_json *j = (hb_json *)1;
    hb_error err;
    cr_expect_eq(parse(text, &j, &err), HB_ERR_PARSE, "input: %s", text);
    cr_expect_null(j);
    cr_expect(strstr(err.msg, want) != NULL, "input %s: message '%s' lacks '%s'", text, err.msg,
              want);
}

Test(json, malformed_input_gives_position_and_expectation) {
    expect_error("", "t.json:1:1: expected a value, found the end of the input");
    expect_error("{\"a\": [1, 2,}", "t.json:1:13: expected a value");
    expect_error("{\"a\": 1", "t.json:1:8: expected ',' or '}' after an object member, found the "
                               "end of the input");
    expect_error("{\n  \"a\" 1}", "t.json:2:7: expected ':' after the member name, found '1'");
    expect_error("[1 2]", "t.json:1:4: expected ',' or ']' after an array element, found '2'");
    expect_error("{} x", "t.json:1:4: expected the end of the input");
    expect_error("{\"a\": \"\\q\"}", "t.json:1:8: expected an escape");
    expect_error("{\"a\": \"\\u12g4\"}", "expected 4 hex digits");
    expect_error("{\"a\": \"open", "expected '\"' closing the string");
    expect_error("{\"a\": 1.}", "expected a digit after the decimal point");
    expect_error("{\"a\": 1e}", "expected a digit in the exponent");
    expect_error("{\"a\": tru}", "t.json:1:7: expected a value");
    expect_error("{1: 2}", "expected '\"' starting a member name");
    expect_error("\x01", "found byte 0x01");
    /* deep nesting is refused, never a stack overflow */
    char deep[4096];
    memset(deep, '[', 4000);
    deep[4000] = '\0';
    expect_error(deep, "expected nesting at most 64 deep");
}

Test(json, load_missing_file) {
    hb_json *j;
    hb_error err = {{0}};
    cr_expect_eq(hb_json_load("/nonexistent/x.json", &j, &err), HB_ERR_IO);
    cr_expect(strstr(err.msg, "/nonexistent/x.json") != NULL);
}

/* ------------------------------------------------------------------ the command */

static char dir[64];

static void mkdir_tmp(void) {
    snprintf(dir, sizeof dir, "/tmp/hb_cmp_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) { /* best effort */ }
}

TestSuite(compare, .init = mkdir_tmp, .fini = rm_tmp);

static const char *path(const char *name) {
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

#define HEADER "model,isa,threads,seed,dataset,run_key,repeat,status,message,updates_per_second," \
               "rmse,mae,ndcg_at_10,git_sha,compiler\n"

/* Writes a results CSV: rows of "model,isa,status,ups,rmse,ndcg" specs, one per argument,
 * NULL-terminated. */
static void write_csv(const char *name, ...) {
    FILE *f = fopen(path(name), "w");
    cr_assert_not_null(f);
    fputs(HEADER, f);
    va_list ap;
    va_start(ap, name);
    int rep = 1;
    for (const char *row; (row = va_arg(ap, const char *));) {
        char model[32], isa[16], status[16];
        double ups, rmse, ndcg;
        cr_assert_eq(sscanf(row, "%31[^,],%15[^,],%15[^,],%lf,%lf,%lf", model, isa, status, &ups,
                            &rmse, &ndcg), 6, "bad spec %s", row);
        if (strcmp(status, "ok") == 0)
            fprintf(f, "%s,%s,1,1,\"synthetic:users=10,items=10\",k,%d,ok,,%.6f,%.6f,0.7,%.6f,"
                       "abc,GNU 12\n", model, isa, rep++, ups, rmse, ndcg);
        else
            fprintf(f, "%s,%s,1,1,\"synthetic:users=10,items=10\",k,%d,%s,NaN loss,,,,,abc,"
                       "GNU 12\n", model, isa, rep++, status);
    }
    va_end(ap);
    fclose(f);
}

/* Runs hogbench with args (printf-style); returns the exit status, output in out. */
static int hb(char *out, size_t cap, const char *fmt, ...) {
    char args[4096], cmd[4400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", HB_BIN, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The output line holding both a and b, or NULL. */
static const char *line_with(const char *out, const char *a, const char *b) {
    static char line[1024];
    for (const char *p = out; *p;) {
        const size_t n = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        if (strstr(line, a) && (!b || strstr(line, b))) return line;
        p += n + (p[n] != 0);
    }
    return NULL;
}

#define BASE5(m, isa)                                                                        \
    m "," isa ",ok,1000,0.9,0.3", m "," isa ",ok,1010,0.9,0.3", m "," isa ",ok,990,0.9,0.3",  \
        m "," isa ",ok,1020,0.9,0.3", m "," isa ",ok,980,0.9,0.3"

Test(compare, noise_is_not_flagged) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    write_csv("b.csv", "mf,avx2,ok,1005,0.9,0.3", "mf,avx2,ok,985,0.9,0.3",
              "mf,avx2,ok,1015,0.9,0.3", "mf,avx2,ok,995,0.9,0.3", "mf,avx2,ok,975,0.9,0.3", NULL);
    int rc = hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv"));
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect_null(strstr(out, "REGRESSED"), "%s", out);
    const char *l = line_with(out, "updates_per_second", NULL);
    cr_assert_not_null(l, "%s", out);
    cr_expect(strstr(l, " ok") && strstr(l, "5/5") && strstr(l, "U"), "%s", l);
    cr_expect(strstr(out, "compare: OK"), "%s", out);
}

Test(compare, regression_is_flagged_with_exact_p) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    write_csv("b.csv", "mf,avx2,ok,800,0.9,0.3", "mf,avx2,ok,810,0.9,0.3", "mf,avx2,ok,790,0.9,0.3",
              "mf,avx2,ok,820,0.9,0.3", "mf,avx2,ok,780,0.9,0.3", NULL);
    int rc = hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv"));
    cr_expect_eq(rc, 1, "%s", out);
    const char *l = line_with(out, "updates_per_second", NULL);
    cr_assert_not_null(l, "%s", out);
    /* every new value is below every base value * 0.95: p = 1/252 */
    cr_expect(strstr(l, "REGRESSED") && strstr(l, "-20.00%") && strstr(l, "p=0.00397 U"), "%s", l);
    cr_expect(strstr(out, "compare: REGRESSION"), "%s", out);
}

Test(compare, change_within_threshold_is_not_a_regression) {
    static char out[16384];
    /* tight noise, a 3% drop: under the default 5% it passes, under 2% it fails */
    write_csv("a.csv", "mf,avx2,ok,1000,0.9,0.3", "mf,avx2,ok,1001,0.9,0.3",
              "mf,avx2,ok,999,0.9,0.3", "mf,avx2,ok,1002,0.9,0.3", "mf,avx2,ok,998,0.9,0.3", NULL);
    write_csv("b.csv", "mf,avx2,ok,970,0.9,0.3", "mf,avx2,ok,971,0.9,0.3", "mf,avx2,ok,969,0.9,0.3",
              "mf,avx2,ok,972,0.9,0.3", "mf,avx2,ok,968,0.9,0.3", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 0, "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --threshold 2%%", path("a.csv"), path("b.csv")),
                 1, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "REGRESSED"), "%s", out);
    /* the other way round it is an improvement, never a failure */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --threshold 2", path("b.csv"), path("a.csv")),
                 0, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "improved"), "%s", out);
}

Test(compare, significance_is_for_worse_by_more_than_the_threshold) {
    static char out[16384];
    /* every NEW run is below every BASE run (p = 1/252 for "NEW is worse"), the median is 5.5%
     * down, but against BASE * 0.95 the runs overlap: U = 7.5 (950 ties 1000 * 0.95), and 43 of
     * the 252 splits of the pooled values give U <= 7.5 (counted by brute force): p = 0.171 */
    write_csv("a.csv", "mf,avx2,ok,1000,0.9,0.3", "mf,avx2,ok,1001,0.9,0.3",
              "mf,avx2,ok,999,0.9,0.3", "mf,avx2,ok,1002,0.9,0.3", "mf,avx2,ok,998,0.9,0.3", NULL);
    write_csv("b.csv", "mf,avx2,ok,950,0.9,0.3", "mf,avx2,ok,945,0.9,0.3", "mf,avx2,ok,940,0.9,0.3",
              "mf,avx2,ok,955,0.9,0.3", "mf,avx2,ok,930,0.9,0.3", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 0, "%s", out);
    const char *l = line_with(out, "updates_per_second", NULL);
    cr_expect(l && strstr(l, "-5.50%") && strstr(l, "p=0.171 U") && strstr(l, "unclear"), "%s",
              out);
}

Test(compare, overlapping_beyond_threshold_is_unclear) {
    static char out[16384];
    /* medians 20% apart but the repetitions overlap: not significant */
    write_csv("a.csv", "mf,avx2,ok,1000,0.9,0.3", "mf,avx2,ok,500,0.9,0.3", "mf,avx2,ok,1500,0.9,0.3",
              "mf,avx2,ok,700,0.9,0.3", "mf,avx2,ok,1300,0.9,0.3", NULL);
    write_csv("b.csv", "mf,avx2,ok,800,0.9,0.3", "mf,avx2,ok,1400,0.9,0.3", "mf,avx2,ok,450,0.9,0.3",
              "mf,avx2,ok,600,0.9,0.3", "mf,avx2,ok,1200,0.9,0.3", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 0, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "unclear"), "%s", out);
}

Test(compare, accuracy_uses_absolute_tolerance) {
    static char out[16384];
    write_csv("a.csv", "mf,avx2,ok,1000,0.900,0.300", "mf,avx2,ok,1000,0.900,0.300", NULL);
    write_csv("b.csv", "mf,avx2,ok,1000,0.904,0.300", "mf,avx2,ok,1000,0.904,0.300", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 0, "%s", out);
    cr_expect(line_with(out, "rmse", " ok"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --tolerance 0.001", path("a.csv"),
                    path("b.csv")), 1, "%s", out);
    cr_expect(line_with(out, "rmse", "REGRESSED"), "%s", out);
    cr_expect(line_with(out, "mae", " ok"), "%s", out);
    /* per-metric tolerance; ndcg is higher-is-better */
    write_csv("c.csv", "mf,avx2,ok,1000,0.900,0.290", "mf,avx2,ok,1000,0.900,0.290", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("c.csv")), 1, "%s", out);
    cr_expect(line_with(out, "ndcg_at_10", "REGRESSED"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --tolerance ndcg_at_10=0.02", path("a.csv"),
                    path("c.csv")), 0, "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("c.csv"), path("a.csv")), 0, "%s", out);
    cr_expect(line_with(out, "ndcg_at_10", "improved"), "%s", out);
}

Test(compare, one_sided_configs_are_listed) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), BASE5("mlp", "avx2"), NULL);
    write_csv("b.csv", BASE5("mf", "avx2"), BASE5("mf_bias", "avx2"), NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 0, "%s", out);
    cr_expect(strstr(out, "only in base"), "%s", out);
    cr_expect(line_with(out, "  mlp", "5 rows"), "%s", out);
    cr_expect(strstr(out, "only in new"), "%s", out);
    cr_expect(line_with(out, "  mf_bias", "5 rows"), "%s", out);
    cr_expect(strstr(out, "1 config only in base, 1 only in new"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --require-all", path("a.csv"), path("b.csv")),
                 1, "%s", out);
    /* nothing in common */
    write_csv("c.csv", BASE5("mlp", "avx2"), NULL);
    write_csv("d.csv", BASE5("mf", "avx2"), NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("c.csv"), path("d.csv")), 3, "%s", out);
    cr_expect(strstr(out, "NOTHING COMPARED"), "%s", out);
}

Test(compare, failed_runs_are_failures) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    write_csv("b.csv", "mf,avx2,diverged,0,0,0", "mf,avx2,diverged,0,0,0", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 1, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "FAILED: diverged: NaN loss"), "%s", out);
}

Test(compare, ignore_matches_across_isas) {
    static char out[16384];
    write_csv("best.csv", BASE5("mf", "avx512"), NULL);
    write_csv("scalar.csv", "mf,scalar,ok,300,0.9,0.3", "mf,scalar,ok,310,0.9,0.3",
              "mf,scalar,ok,290,0.9,0.3", "mf,scalar,ok,305,0.9,0.3", "mf,scalar,ok,295,0.9,0.3",
              NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("best.csv"), path("scalar.csv")), 3,
                 "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --ignore isa", path("best.csv"),
                    path("scalar.csv")), 1, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "REGRESSED"), "%s", out);
    cr_expect(strstr(out, "matching ignores: isa (base isa=avx512 -> new isa=scalar)"), "%s", out);
    /* a file holding both ISAs cannot be matched ignoring the ISA */
    write_csv("both.csv", BASE5("mf", "avx512"), BASE5("mf", "scalar"), NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --ignore isa", path("both.csv"),
                    path("scalar.csv")), 2, "%s", out);
    cr_expect(strstr(out, "merges rows"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --ignore nosuch", path("best.csv"),
                    path("scalar.csv")), 2, "%s", out);
    cr_expect(strstr(out, "not a run-key column"), "%s", out);
}

Test(compare, small_samples_use_the_mad_bound) {
    static char out[16384];
    write_csv("a.csv", "mf,avx2,ok,1000,0.9,0.3", "mf,avx2,ok,1010,0.9,0.3", NULL);
    write_csv("b.csv", "mf,avx2,ok,800,0.9,0.3", "mf,avx2,ok,805,0.9,0.3", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 1, "%s", out);
    const char *l = line_with(out, "updates_per_second", NULL);
    cr_expect(l && strstr(l, "MAD") && strstr(l, "REGRESSED"), "%s", out);
    /* the same medians with wide spread: inside the bound */
    write_csv("c.csv", "mf,avx2,ok,500,0.9,0.3", "mf,avx2,ok,1100,0.9,0.3", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("c.csv")), 0, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "unclear"), "%s", out);
    /* forcing U on 2 vs 2 cannot reach alpha */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --method mwu", path("a.csv"), path("b.csv")), 0,
                 "%s", out);
    cr_expect(line_with(out, "updates_per_second", "unclear"), "%s", out);
}

Test(compare, usage_and_input_errors) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s", path("a.csv")), 2, "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("none.csv")), 2, "%s", out);
    cr_expect(strstr(out, "none.csv: cannot open"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --metric foo", path("a.csv"), path("a.csv")), 2,
                 "%s", out);
    cr_expect(strstr(out, "foo:higher or foo:lower"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --metric foo:higher", path("a.csv"),
                    path("a.csv")), 2, "%s", out);
    cr_expect(strstr(out, "metric foo: no such column"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --threshold 5x", path("a.csv"), path("a.csv")), 2,
                 "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --alpha 1", path("a.csv"), path("a.csv")), 2,
                 "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --tolerance rmse=-1", path("a.csv"),
                    path("a.csv")), 2, "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --bogus", path("a.csv"), path("a.csv")), 2,
                 "%s", out);
    /* a row with a missing field, a non-number, a file that is not hogbench's */
    FILE *f = fopen(path("bad.csv"), "w");
    fputs(HEADER "mf,avx2,1,1,d,k,1,ok,,1000,0.9\n", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("bad.csv")), 2, "%s", out);
    cr_expect(strstr(out, "bad.csv:2: expected 15 fields as in the header, found 11"), "%s", out);
    f = fopen(path("nan.csv"), "w");
    fputs(HEADER "mf,avx2,1,1,d,k,1,ok,,fast,0.9,0.7,0.3,abc,GNU\n", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("nan.csv")), 2, "%s", out);
    cr_expect(strstr(out, "nan.csv:2: column updates_per_second: expected a number, found 'fast'"),
              "%s", out);
    f = fopen(path("other.csv"), "w");
    fputs("a,b\n1,2\n", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("other.csv")), 2, "%s", out);
    cr_expect(strstr(out, "other.csv:1: expected hogbench's results CSV header"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare --help"), 0, "%s", out);
    cr_expect(strstr(out, "Exit status"), "%s", out);
}

/* Inputs that are not results files each get a true message, exit 2 (never "empty file" for a
 * file that is not empty, never a hang on /dev/zero). */
Test(compare, files_that_are_not_results_get_true_messages) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    char a[256], want[512];
    snprintf(a, sizeof a, "%s", path("a.csv")); /* path() reuses its buffers */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", a, dir), 2, "%s", out);
    snprintf(want, sizeof want, "hogbench compare: %s: is a directory\n", dir);
    cr_expect_str_eq(out, want);
    cr_expect_eq(hb(out, sizeof out, "compare %s /dev/zero", a), 2, "%s", out);
    cr_expect_str_eq(out, "hogbench compare: /dev/zero: is a character device, not a regular file\n");
    FILE *f = fopen(path("big.csv"), "w"); /* 10 MB on one line */
    cr_assert_not_null(f);
    static char chunk[1 << 20];
    memset(chunk, 'a', sizeof chunk);
    for (int k = 0; k < 10; k++) fwrite(chunk, 1, sizeof chunk, f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", a, path("big.csv")), 2, "%s", out);
    snprintf(want, sizeof want, "hogbench compare: %s:1: a line longer than 1048576 bytes: not a "
             "hogbench CSV\n", path("big.csv"));
    cr_expect_str_eq(out, want);
    f = fopen(path("nonl.csv"), "w"); /* a line without its newline */
    fputs("model,isa", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", a, path("nonl.csv")), 2, "%s", out);
    snprintf(want, sizeof want, "hogbench compare: %s: no complete line: line 1 has no newline "
             "(expected hogbench's results CSV)\n", path("nonl.csv"));
    cr_expect_str_eq(out, want);
    fclose(fopen(path("empty.csv"), "w"));
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", a, path("empty.csv")), 2, "%s", out);
    snprintf(want, sizeof want, "hogbench compare: %s: empty file (expected hogbench's results "
             "CSV)\n", path("empty.csv"));
    cr_expect_str_eq(out, want);
    if (access("/proc/version", R_OK) == 0) { /* size 0, contents: read, and not results */
        cr_expect_eq(hb(out, sizeof out, "compare %s /proc/version", a), 2, "%s", out);
        cr_expect(strstr(out, "/proc/version:1: expected hogbench's results CSV header"), "%s", out);
    }
}

Test(compare, csv_output) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --csv %s", path("a.csv"), path("a.csv"),
                    path("cmp.csv")), 0, "%s", out);
    FILE *f = fopen(path("cmp.csv"), "r");
    cr_assert_not_null(f);
    char line[1024];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect(strncmp(line, "config,match_key,metric,n_base,n_new,", 37) == 0, "%s", line);
    int rows = 0;
    while (fgets(line, sizeof line, f)) rows++;
    fclose(f);
    cr_expect_eq(rows, 4, "one row per metric (updates_per_second, rmse, mae, ndcg_at_10)");
}

/* ------------------------------------------------------------------ benchmark JSON */

/* A Google Benchmark JSON file: for each of dot and sgd_mf, 5 iteration entries at ns times
 * base*(1 + small jitter)*factor, plus a median aggregate (which must be ignored). */
static void write_bench(const char *name, double sgd_factor, const char *unit, double unit_div) {
    FILE *f = fopen(path(name), "w");
    cr_assert_not_null(f);
    fprintf(f, "{\n  \"context\": {\"compiler\": \"GNU 12.2.0\", \"git_sha\": \"abc\"},\n"
               "  \"benchmarks\": [\n");
    const char *names[] = {"dot/avx2/128", "sgd_mf/avx2/128"};
    const double base[] = {10, 40}, jit[] = {0, 0.004, -0.004, 0.008, -0.008};
    for (int b = 0; b < 2; b++) {
        for (int r = 0; r < 5; r++) {
            const double t = base[b] * (1 + jit[r]) * (b == 1 ? sgd_factor : 1) / unit_div;
            fprintf(f, "    {\"name\": \"%s\", \"run_name\": \"%s\", \"run_type\": \"iteration\", "
                       "\"repetitions\": 5, \"repetition_index\": %d, \"iterations\": 1000, "
                       "\"real_time\": %.17g, \"cpu_time\": %.17g, \"time_unit\": \"%s\", "
                       "\"GFLOP/s\": %.17g},\n", names[b], names[b], r, t, t, unit,
                    1.0 / t);
        }
        fprintf(f, "    {\"name\": \"%s_median\", \"run_name\": \"%s\", \"run_type\": \"aggregate\", "
                   "\"aggregate_name\": \"median\", \"real_time\": 1, \"cpu_time\": 1, "
                   "\"time_unit\": \"ns\"},\n", names[b], names[b]);
    }
    fprintf(f, "    {\"name\": \"dot/neon/128\", \"run_name\": \"dot/neon/128\", \"run_type\": "
               "\"iteration\", \"error_occurred\": true, \"error_message\": \"neon: not "
               "supported\", \"iterations\": 0, \"real_time\": 0, \"cpu_time\": 0, "
               "\"time_unit\": \"ns\"}\n  ]\n}\n");
    fclose(f);
}

Test(compare, benchmark_json_is_gated_the_same_way) {
    static char out[16384];
    write_bench("base.json", 1.0, "ns", 1);
    write_bench("same.json", 1.0, "us", 1000); /* same times in another unit */
    write_bench("slow.json", 1.12, "ns", 1);
    int rc = hb(out, sizeof out, "compare %s %s", path("base.json"), path("same.json"));
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(line_with(out, "dot/avx2/128", " ok"), "%s", out);
    cr_expect(line_with(out, "sgd_mf/avx2/128", " ok"), "%s", out);
    cr_expect(line_with(out, "dot/neon/128", "n/a"), "%s", out);
    rc = hb(out, sizeof out, "compare %s %s", path("base.json"), path("slow.json"));
    cr_expect_eq(rc, 1, "%s", out);
    const char *l = line_with(out, "sgd_mf/avx2/128", "cpu_time");
    cr_expect(l && strstr(l, "REGRESSED") && strstr(l, "5/5") && strstr(l, "+12.00%"), "%s", out);
    cr_expect(line_with(out, "dot/avx2/128", " ok"), "%s", out);
    /* a rate counter: higher is better */
    rc = hb(out, sizeof out, "compare %s %s --metric GFLOP/s", path("base.json"), path("slow.json"));
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(line_with(out, "sgd_mf/avx2/128", "REGRESSED"), "%s", out);
    /* mixing formats is refused */
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("base.json")), 2, "%s", out);
}

Test(compare, benchmark_json_errors_and_aggregates) {
    static char out[16384];
    FILE *f = fopen(path("bad.json"), "w");
    fputs("{\n  \"benchmarks\": [\n    {\"name\": \"x\", \"cpu_time\": 1,}\n  ]\n}\n", f);
    fclose(f);
    write_bench("base.json", 1.0, "ns", 1);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("base.json"), path("bad.json")), 2, "%s",
                 out);
    cr_expect(strstr(out, "bad.json:3:33: expected '\"' starting the next member's name, found '}'"),
              "%s", out);
    f = fopen(path("nobm.json"), "w");
    fputs("{\"context\": {}}", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("base.json"), path("nobm.json")), 2, "%s",
                 out);
    cr_expect(strstr(out, "\"benchmarks\" array"), "%s", out);
    f = fopen(path("agg.json"), "w");
    fputs("{\"benchmarks\": [{\"name\": \"dot/avx2/128_mean\", \"run_name\": \"dot/avx2/128\", "
          "\"run_type\": \"aggregate\", \"cpu_time\": 10, \"time_unit\": \"ns\"}]}", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("agg.json"), path("agg.json")), 3,
                 "%s", out);
    cr_expect(strstr(out, "only aggregate entries (mean/median/stddev), 1 in base and 1 in new"),
              "%s", out);
    cr_expect(strstr(out, "no config has values on both sides"), "%s", out);
    /* only isa can be ignored in benchmark names */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --ignore threads", path("base.json"),
                    path("base.json")), 2, "%s", out);
}

Test(compare, benchmark_json_ignore_isa) {
    static char out[16384];
    FILE *f = fopen(path("avx2.json"), "w");
    fputs("{\"benchmarks\": [", f);
    for (int r = 0; r < 5; r++)
        fprintf(f, "%s{\"name\": \"sgd_mf/avx2/128\", \"run_type\": \"iteration\", "
                   "\"cpu_time\": %d, \"time_unit\": \"ns\"}", r ? "," : "", 25 + r);
    fputs("]}", f);
    fclose(f);
    f = fopen(path("scalar.json"), "w");
    fputs("{\"benchmarks\": [", f);
    for (int r = 0; r < 5; r++)
        fprintf(f, "%s{\"name\": \"sgd_mf/scalar/128\", \"run_type\": \"iteration\", "
                   "\"cpu_time\": %d, \"time_unit\": \"ns\"}", r ? "," : "", 270 + r);
    fputs("]}", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("avx2.json"), path("scalar.json")), 3,
                 "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --ignore isa", path("avx2.json"),
                    path("scalar.json")), 1, "%s", out);
    cr_expect(line_with(out, "sgd_mf/128", "REGRESSED"), "%s", out);
}

/* Four benchmarks, 5 repetitions each, times base * (1 + jitter) * factor[b]. */
static void write_bench4(const char *name, const double factor[4]) {
    FILE *f = fopen(path(name), "w");
    cr_assert_not_null(f);
    fputs("{\"benchmarks\": [", f);
    const char *names[] = {"axpy/avx2/128", "dot/avx2/128", "gemv/avx2/64/64", "sgd_mf/avx2/128"};
    const double base[] = {8, 10, 300, 40}, jit[] = {0, 0.004, -0.004, 0.008, -0.008};
    for (int b = 0; b < 4; b++)
        for (int r = 0; r < 5; r++)
            fprintf(f, "%s{\"name\": \"%s\", \"run_type\": \"iteration\", \"cpu_time\": %.17g, "
                       "\"time_unit\": \"ns\"}", b || r ? ",\n" : "", names[b],
                    base[b] * (1 + jit[r]) * factor[b]);
    fputs("]}\n", f);
    fclose(f);
}

Test(compare, normalize_cancels_a_drift_of_the_whole_machine) {
    static char out[16384];
    const double one[4] = {1, 1, 1, 1}, drift[4] = {1.2, 1.2, 1.2, 1.45};
    write_bench4("base.json", one);
    write_bench4("drift.json", drift); /* everything 20% slower, sgd_mf 45% */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("base.json"), path("drift.json")), 1,
                 "%s", out);
    cr_expect(line_with(out, "dot/avx2/128", "REGRESSED"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --normalize", path("base.json"),
                    path("drift.json")), 1, "%s", out);
    cr_expect(strstr(out, "normalize: cpu_time: NEW divided by 1.2000, the median NEW/BASE ratio "
                          "over 4 configs (NEW as a whole +20.00%)"), "%s", out);
    cr_expect(line_with(out, "dot/avx2/128", " ok"), "%s", out);
    cr_expect(line_with(out, "axpy/avx2/128", " ok"), "%s", out);
    const char *l = line_with(out, "sgd_mf/avx2/128", NULL);
    cr_expect(l && strstr(l, "REGRESSED") && strstr(l, "+20.83%"), "%s", out); /* 1.45 / 1.2 */
    /* fewer than 3 configs: said, not done */
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --normalize", path("a.csv"), path("a.csv")), 0,
                 "%s", out);
    cr_expect(strstr(out, "normalize: updates_per_second: 1 config with values on both sides, 3 "
                          "needed: not normalized"), "%s", out);
}

/* Rows written before the ranks column existed (one process) match rows with ranks 1, not
 * rows of a model trained across 4 MPI ranks. */
static void write_ranks_csv(const char *name, int ranks) {
    FILE *f = fopen(path(name), "w");
    cr_assert_not_null(f);
    fputs("model,isa,threads,ranks,seed,dataset,run_key,repeat,status,message,"
          "updates_per_second,rmse,mae,ndcg_at_10,git_sha,compiler\n", f);
    for (int rep = 1; rep <= 5; rep++)
        fprintf(f, "mf,avx2,1,%d,1,\"synthetic:users=10,items=10\",k,%d,ok,,%d,0.900000,0.7,"
                   "0.300000,abc,GNU 12\n", ranks, rep, 1000 + rep);
    fclose(f);
}

Test(compare, a_file_without_ranks_reads_as_one_process) {
    static char out[16384];
    write_csv("old.csv", BASE5("mf", "avx2"), NULL);
    write_ranks_csv("one.csv", 1);
    write_ranks_csv("four.csv", 4);
    int rc = hb(out, sizeof out, "compare %s %s --require-all", path("old.csv"), path("one.csv"));
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "over 1 common config:") && strstr(out, "0 configs only in base"), "%s",
              out);
    rc = hb(out, sizeof out, "compare %s %s", path("old.csv"), path("four.csv"));
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "ranks=4"), "%s", out);
}

/* ------------------------------------------------------------------ the verdicts as functions */

static hb_decide_opts opts_higher(void) {
    hb_decide_opts o;
    hb_decide_opts_default(&o);
    return o;
}

Test(decide, fixed_regression_and_unclear_with_repeats_needed) {
    hb_decide_opts o = opts_higher();
    hb_decision r;
    const double b[] = {1000, 1010, 990, 1020, 980}, x[] = {800, 810, 790, 820, 780};
    hb_decide_fixed(b, 5, x, 5, &o, &r);
    cr_expect_eq(r.v, HB_V_REGRESSED);
    cr_expect_float_eq(r.p, 1.0 / 252, 1e-12);
    cr_expect_float_eq(r.change, -20, 1e-9);
    /* overlapping runs, medians 20% apart: against base * 0.95 (950 475 1425 665 1235) the new
     * runs are above 2+4+0+1+3 = 10 of the 25 pairs, so a new run is worse with q = 0.6;
     * Noether: (z_.95 + z_.95)^2 / (6 (0.6 - 0.5)^2) = 10.8222 / 0.06 = 180.4 -> 181 per side */
    const double b2[] = {1000, 500, 1500, 700, 1300}, x2[] = {800, 1400, 450, 600, 1200};
    hb_decide_fixed(b2, 5, x2, 5, &o, &r);
    cr_expect_eq(r.v, HB_V_UNCLEAR);
    cr_expect_eq(r.need, 181, "need %g", r.need);
    cr_expect(strstr(r.note, "needs ~181 repeats per side (has 5/5)"), "%s", r.note);
    /* lower is better (seconds): the same numbers read the other way are an improvement that
     * is not significant, with the mirror q */
    o.higher = 0;
    hb_decide_fixed(b2, 5, x2, 5, &o, &r);
    cr_expect_eq(r.v, HB_V_UNCLEAR);
    cr_expect(r.need > 5, "need %g", r.need);
    /* within the threshold: ok, nothing needed */
    o.higher = 1;
    const double x3[] = {995, 1005, 985, 1015, 975};
    hb_decide_fixed(b, 5, x3, 5, &o, &r);
    cr_expect_eq(r.v, HB_V_OK);
    cr_expect(isnan(r.need));
}

Test(decide, non_finite_values_fail_on_either_side) {
    hb_decide_opts o = opts_higher();
    hb_decision r;
    const double good[] = {1000, 1010, 990}, nan_new[] = {1000, NAN, 990},
                 inf_base[] = {1000, 1010, INFINITY};
    hb_decide_fixed(good, 3, nan_new, 3, &o, &r);
    cr_expect_eq(r.v, HB_V_FAILED);
    cr_expect(strstr(r.note, "new value 2 is nan"), "%s", r.note);
    hb_decide_fixed(inf_base, 3, good, 3, &o, &r);
    cr_expect_eq(r.v, HB_V_FAILED);
    cr_expect(strstr(r.note, "base value 3 is inf"), "%s", r.note);
    hb_decide_sequential(good, nan_new, 3, &o, &r);
    cr_expect_eq(r.v, HB_V_FAILED);
    o.absolute = 1;
    hb_decide_fixed(good, 3, nan_new, 3, &o, &r);
    cr_expect_eq(r.v, HB_V_FAILED, "accuracy metrics too");
}

Test(decide, sprt_llr) {
    cr_expect_float_eq(hb_sprt_llr(4, 1, 2), log(4.0), 1e-12); /* n/2 log(q0/q1) */
    cr_expect_float_eq(hb_sprt_llr(1, 4, 6), -3 * log(4.0), 1e-12);
    cr_expect(isinf(hb_sprt_llr(1, 0, 3)) && hb_sprt_llr(1, 0, 3) > 0);
    cr_expect(isinf(hb_sprt_llr(0, 1, 3)) && hb_sprt_llr(0, 1, 3) < 0);
    cr_expect_eq(hb_sprt_llr(0, 0, 3), 0);
}

/* n pairs with new = base * exp(-s_i) (higher is better: slowdown s_i). */
static void pairs_from(const double *s, size_t n, double *b, double *x) {
    for (size_t i = 0; i < n; i++) {
        b[i] = 1e7 * (1 + 0.01 * (double)(i % 7)); /* the machine's speed moves; ratios count */
        x[i] = b[i] * exp(-s[i]);
    }
}

Test(decide, sequential_stops_where_the_boundaries_say) {
    hb_decide_opts o = opts_higher();
    o.alpha = 0.005;
    hb_decision r;
    double s[40], b[40], x[40];
    /* every pair 0.2 slower: log LR = n/2 log(0.2^2 / (0.2 - d)^2) with d = -log(0.95), i.e.
     * 0.29635 n; the upper boundary log(0.95 / 0.005) = 5.247 is crossed at n = 18 */
    for (int i = 0; i < 40; i++) s[i] = 0.2;
    pairs_from(s, 40, b, x);
    hb_decide_sequential(b, x, 40, &o, &r);
    cr_expect_eq(r.v, HB_V_REGRESSED);
    cr_expect_eq(r.n_used, 18);
    cr_expect_float_eq(r.llr, 9 * log(0.04 / pow(0.2 + log(0.95), 2)), 1e-9);
    cr_expect_float_eq(r.change, (exp(-0.2) - 1) * 100, 1e-9);
    cr_expect_str_eq(r.test, "SPRT 18 pairs");
    /* 17 pairs: still open, and it says how many more (one) */
    hb_decide_sequential(b, x, 17, &o, &r);
    cr_expect_eq(r.v, HB_V_UNCLEAR);
    cr_expect_eq(r.need, 1, "need %g", r.need);
    /* every pair 0.02 slower: log LR = -0.448 n; the lower boundary log(0.05 / 0.995) = -2.991
     * is crossed at n = 7 */
    for (int i = 0; i < 40; i++) s[i] = 0.02;
    pairs_from(s, 40, b, x);
    hb_decide_sequential(b, x, 40, &o, &r);
    cr_expect_eq(r.v, HB_V_OK);
    cr_expect_eq(r.n_used, 7);
    /* no change at all: V0 = 0, decided at the first look (min_pairs) */
    for (int i = 0; i < 40; i++) s[i] = 0;
    pairs_from(s, 40, b, x);
    hb_decide_sequential(b, x, 40, &o, &r);
    cr_expect_eq(r.v, HB_V_OK);
    cr_expect_eq(r.n_used, 5);
    /* 20% faster every time: not regressed, and the mirror test says improved */
    for (int i = 0; i < 40; i++) s[i] = -0.2;
    pairs_from(s, 40, b, x);
    hb_decide_sequential(b, x, 40, &o, &r);
    cr_expect_eq(r.v, HB_V_IMPROVED, "%s", r.note);
    /* lower is better: new = base * exp(+0.2) is the slowdown */
    o.higher = 0;
    for (int i = 0; i < 40; i++) {
        b[i] = 2.0;
        x[i] = 2.0 * exp(0.2);
    }
    hb_decide_sequential(b, x, 40, &o, &r);
    cr_expect_eq(r.v, HB_V_REGRESSED);
    /* non-positive values cannot be compared by their logarithms */
    x[3] = 0;
    hb_decide_sequential(b, x, 40, &o, &r);
    cr_expect_eq(r.v, HB_V_FAILED);
}

Test(decide, sequential_verdict_of_a_prefix_never_changes) {
    hb_decide_opts o = opts_higher();
    hb_rng g;
    hb_rng_seed(&g, 7);
    double s[120], b[120], x[120];
    for (int rep = 0; rep < 50; rep++) {
        const double mu = (rep % 3) * 0.05;
        for (int i = 0; i < 120; i++) s[i] = mu + 0.15 * hb_rng_normal(&g);
        pairs_from(s, 120, b, x);
        hb_decision full, part;
        hb_decide_sequential(b, x, 120, &o, &full);
        if (full.v == HB_V_UNCLEAR) continue;
        for (size_t k = full.n_used; k <= 120; k += 7) {
            hb_decide_sequential(b, x, k, &o, &part);
            cr_assert_eq(part.v == HB_V_REGRESSED, full.v == HB_V_REGRESSED, "rep %d k %zu", rep, k);
            cr_assert_eq(part.n_used, full.n_used, "rep %d k %zu", rep, k);
        }
        if (full.n_used > 5) {
            hb_decide_sequential(b, x, full.n_used - 1, &o, &part);
            cr_expect_eq(part.v, HB_V_UNCLEAR, "rep %d: decided before its stop", rep);
        }
    }
}

/* The error rates the test is designed for, by simulation (seeded): pairs whose log ratios are
 * normal with sd 0.15 (what this project's shared VM gives for 0.3 s runs), no change and a 10%
 * slowdown, and the same with heavy tails (Student t, 3 degrees of freedom). */
static void simulate(double mu, int heavy, int runs, double *p_reg, double *p_open, double *asn) {
    hb_decide_opts o = opts_higher();
    o.alpha = 0.005;
    hb_rng g;
    hb_rng_seed(&g, 12345);
    enum { N = 300 };
    static double s[N], b[N], x[N];
    int reg = 0, open = 0;
    double pairs = 0;
    for (int k = 0; k < runs; k++) {
        for (int i = 0; i < N; i++) {
            double e = hb_rng_normal(&g);
            if (heavy) { /* t3 scaled to sd 1 */
                double c = 0;
                for (int j = 0; j < 3; j++) {
                    const double z = hb_rng_normal(&g);
                    c += z * z;
                }
                e = e / sqrt(c / 3) / sqrt(3.0);
            }
            s[i] = mu + 0.15 * e;
        }
        pairs_from(s, N, b, x);
        hb_decision r;
        hb_decide_sequential(b, x, N, &o, &r);
        reg += r.v == HB_V_REGRESSED;
        open += r.v == HB_V_UNCLEAR;
        pairs += (double)r.n_used;
    }
    *p_reg = (double)reg / runs;
    *p_open = (double)open / runs;
    *asn = pairs / runs;
}

Test(decide, sequential_error_rates_by_simulation) {
    double reg, open, asn;
    const double slow10 = -log(0.9);
    for (int heavy = 0; heavy < 2; heavy++) {
        simulate(0, heavy, 2000, &reg, &open, &asn);
        /* Wald: alpha / (1 - beta) = 0.0053; the variance estimated from the pairs adds a
         * little: allow 0.01 (at most 20 of 2000) */
        cr_expect(reg <= 0.01, "heavy %d: false alarms %.4f", heavy, reg);
        cr_expect(open <= 0.01, "heavy %d: undecided after 300 pairs %.4f", heavy, open);
        cr_expect(asn > 20 && asn < 80, "heavy %d: mean pairs %.1f", heavy, asn);
        simulate(slow10, heavy, 2000, &reg, &open, &asn);
        cr_expect(reg >= 0.99, "heavy %d: 10%% slowdown caught %.4f", heavy, reg);
        cr_expect(asn < 60, "heavy %d: mean pairs %.1f", heavy, asn);
    }
}

/* ------------------------------------------------------------------ what compare reads and writes */

Test(json, a_document_of_too_many_values_is_refused) {
    const size_t n = HB_JSON_MAX_VALUES + 1; /* "[0,0,...]": the array and n - 1 zeros */
    char *text = malloc(2 * n + 2);
    cr_assert_not_null(text);
    text[0] = '[';
    for (size_t i = 0; i < n - 1; i++) {
        text[1 + 2 * i] = '0';
        text[2 + 2 * i] = i + 2 < n ? ',' : ']';
    }
    text[2 * n - 1] = '\0';
    hb_json *j = NULL;
    hb_error err = {{0}};
    cr_expect_eq(hb_json_parse(text, strlen(text), "big.json", &j, &err), HB_ERR_PARSE);
    cr_expect(strstr(err.msg, "at most 2097152 values"), "%s", err.msg);
    cr_expect_null(j);
    text[2 * n - 4] = ']'; /* one value fewer: accepted */
    text[2 * n - 3] = '\0';
    cr_expect_eq(hb_json_parse(text, strlen(text), "big.json", &j, &err), HB_OK, "%s", err.msg);
    hb_json_free(&j);
    free(text);
}

/* hogbench with args under a 20 s timeout (a blocked open would otherwise hang the test). */
static int hb_t(char *out, size_t cap, const char *args) {
    char buf[4096];
    snprintf(buf, sizeof buf, "timeout 20 %s %s", HB_BIN, args);
    FILE *p = popen(buf, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(compare, fifos_devices_and_endless_lines_are_refused) {
    static char out[16384];
    char args[1024];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    cr_assert_eq(mkfifo(path("fifo"), 0644), 0);
    /* a FIFO nobody writes to: refused at once (it used to block in open() forever) */
    snprintf(args, sizeof args, "compare %s %s 2>&1", path("fifo"), path("a.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "fifo: is a FIFO, not a regular file"), "%s", out);
    snprintf(args, sizeof args, "compare %s %s 2>&1", path("a.csv"), path("fifo"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    /* an endless device (it used to read one unbounded line into memory) */
    snprintf(args, sizeof args, "compare /dev/zero %s 2>&1", path("a.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "/dev/zero: is a character device"), "%s", out);
    /* a directory */
    snprintf(args, sizeof args, "compare %s %s 2>&1", dir, path("a.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "is a directory"), "%s", out);
    /* a regular file with a 2 MiB line: refused, not read into memory */
    FILE *f = fopen(path("long.csv"), "w");
    cr_assert_not_null(f);
    fputs(HEADER, f);
    for (int i = 0; i < 2 << 20; i++) fputc('x', f);
    fputc('\n', f);
    fclose(f);
    snprintf(args, sizeof args, "compare %s %s 2>&1", path("a.csv"), path("long.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "long.csv:2: a line longer than 1048576 bytes"), "%s", out);
    /* benchmark JSON: a FIFO, and a file beyond the size bound (sparse: nothing is read) */
    f = fopen(path("b.json"), "w");
    fputs("{\"benchmarks\": []}", f);
    fclose(f);
    snprintf(args, sizeof args, "compare %s %s 2>&1", path("b.json"), path("fifo"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "is a FIFO"), "%s", out);
    f = fopen(path("huge.json"), "w");
    fputs("{\"benchmarks\": [", f);
    fclose(f);
    cr_assert_eq(truncate(path("huge.json"), (off_t)HB_JSON_MAX_BYTES + 1), 0);
    snprintf(args, sizeof args, "compare %s %s 2>&1", path("b.json"), path("huge.json"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "more than the 64 MiB"), "%s", out);
}

Test(compare, csv_output_is_checked_first_and_replaced_atomically) {
    static char out[16384];
    char args[1024];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    /* a FIFO, a device, a symbolic link, a missing folder: refused before any work, untouched */
    cr_assert_eq(mkfifo(path("fifo.csv"), 0644), 0);
    snprintf(args, sizeof args, "compare %s %s --csv %s 2>&1", path("a.csv"), path("a.csv"),
             path("fifo.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "--csv") && strstr(out, "is a FIFO"), "%s", out);
    cr_expect_null(strstr(out, "config"), "refused before the table: %s", out);
    struct stat sb;
    cr_expect(stat(path("fifo.csv"), &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO is still there");
    snprintf(args, sizeof args, "compare %s %s --csv /dev/null 2>&1", path("a.csv"), path("a.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "character device"), "%s", out);
    FILE *f = fopen(path("target.csv"), "w");
    fputs("keep me\n", f);
    fclose(f);
    cr_assert_eq(symlink(path("target.csv"), path("link.csv")), 0);
    snprintf(args, sizeof args, "compare %s %s --csv %s 2>&1", path("a.csv"), path("a.csv"),
             path("link.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "is a symbolic link"), "%s", out);
    char line[64] = "";
    f = fopen(path("target.csv"), "r");
    cr_expect(fgets(line, sizeof line, f) && strcmp(line, "keep me\n") == 0, "%s", line);
    fclose(f);
    snprintf(args, sizeof args, "compare %s %s --csv %s/none/x.csv 2>&1", path("a.csv"),
             path("a.csv"), dir);
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "folder"), "%s", out);
    snprintf(args, sizeof args, "compare %s %s --csv %s 2>&1", path("a.csv"), path("a.csv"),
             path("a.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 2, "%s", out);
    cr_expect(strstr(out, "is the BASE file"), "%s", out);
    /* a regular file is replaced by a new one (rename: another inode), no temporary left */
    cr_assert_eq(stat(path("target.csv"), &sb), 0);
    const ino_t before = sb.st_ino;
    snprintf(args, sizeof args, "compare %s %s --csv %s 2>&1", path("a.csv"), path("a.csv"),
             path("target.csv"));
    cr_expect_eq(hb_t(out, sizeof out, args), 0, "%s", out);
    cr_assert_eq(stat(path("target.csv"), &sb), 0);
    cr_expect_neq(sb.st_ino, before);
    f = fopen(path("target.csv"), "r");
    cr_expect(fgets(line, sizeof line, f) && strncmp(line, "config,match_key,", 17) == 0, "%s",
              line);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c 'target.csv.' || true", dir);
    FILE *p = popen(cmd, "r");
    cr_expect(fgets(line, sizeof line, p) && strcmp(line, "0\n") == 0, "temporaries: %s", line);
    pclose(p);
}

Test(compare, non_finite_values_are_failures) {
    static char out[16384];
    write_csv("a.csv", BASE5("mf", "avx2"), NULL);
    /* new: updates_per_second nan in its 2nd row (line 3): FAILED, not "n/a", and exit 1 */
    FILE *f = fopen(path("nan.csv"), "w");
    fputs(HEADER, f);
    fputs("mf,avx2,1,1,\"synthetic:users=10,items=10\",k,1,ok,,1000,0.9,0.7,0.3,abc,GNU 12\n"
          "mf,avx2,1,1,\"synthetic:users=10,items=10\",k,2,ok,,nan,0.9,0.7,0.3,abc,GNU 12\n", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("nan.csv")), 1, "%s", out);
    const char *l = line_with(out, "updates_per_second", NULL);
    cr_expect(l && strstr(l, "FAILED: new line 3: updates_per_second = nan, not a finite number"),
              "%s", out);
    cr_expect(line_with(out, "rmse", " ok"), "%s", out);
    cr_expect(strstr(out, "compare: REGRESSION"), "%s", out);
    /* on the base side too (inf), and for an accuracy metric */
    f = fopen(path("inf.csv"), "w");
    fputs(HEADER, f);
    fputs("mf,avx2,1,1,\"synthetic:users=10,items=10\",k,1,ok,,inf,0.9,0.7,0.3,abc,GNU 12\n"
          "mf,avx2,1,1,\"synthetic:users=10,items=10\",k,2,ok,,1000,-inf,0.7,0.3,abc,GNU 12\n", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("inf.csv"), path("a.csv")), 1, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "FAILED: base line 2: updates_per_second = inf"),
              "%s", out);
    cr_expect(line_with(out, "rmse", "FAILED: base line 3: rmse = -inf"), "%s", out);
    /* benchmark JSON */
    f = fopen(path("nan.json"), "w");
    fputs("{\"benchmarks\": [{\"name\": \"dot/avx2/16\", \"run_type\": \"iteration\", "
          "\"cpu_time\": NaN, \"time_unit\": \"ns\"}]}", f);
    fclose(f);
    f = fopen(path("ok.json"), "w");
    fputs("{\"benchmarks\": [{\"name\": \"dot/avx2/16\", \"run_type\": \"iteration\", "
          "\"cpu_time\": 10, \"time_unit\": \"ns\"}]}", f);
    fclose(f);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("ok.json"), path("nan.json")), 1, "%s",
                 out);
    cr_expect(line_with(out, "dot/avx2/16", "FAILED: new benchmarks[0]: cpu_time = nan"), "%s", out);
}

Test(compare, unclear_can_fail_and_says_how_many_repeats) {
    static char out[16384];
    write_csv("a.csv", "mf,avx2,ok,1000,0.9,0.3", "mf,avx2,ok,500,0.9,0.3", "mf,avx2,ok,1500,0.9,0.3",
              "mf,avx2,ok,700,0.9,0.3", "mf,avx2,ok,1300,0.9,0.3", NULL);
    write_csv("b.csv", "mf,avx2,ok,800,0.9,0.3", "mf,avx2,ok,1400,0.9,0.3", "mf,avx2,ok,450,0.9,0.3",
              "mf,avx2,ok,600,0.9,0.3", "mf,avx2,ok,1200,0.9,0.3", NULL);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s", path("a.csv"), path("b.csv")), 0, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "unclear: needs ~181 repeats per side"), "%s",
              out);
    cr_expect(strstr(out, "1 line unclear: ~181 repeats per side would decide them"), "%s", out);
    cr_expect(strstr(out, "--unclear pass (the default) lets them through"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --unclear fail", path("a.csv"), path("b.csv")),
                 1, "%s", out);
    cr_expect(strstr(out, "compare: UNDECIDED (--unclear fail)"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --unclear maybe", path("a.csv"), path("b.csv")),
                 2, "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --max-repeats 9", path("a.csv"), path("b.csv")),
                 2, "%s", out);
    cr_expect(strstr(out, "--max-repeats bounds --rerun"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --sequential --alpha 0.6 --beta 0.5",
                    path("a.csv"), path("b.csv")), 2, "%s", out);
    cr_expect(strstr(out, "alpha + beta < 1"), "%s", out);
}

/* A shell command that appends one row with updates/s UPS to FILE, and logs which side ran in
 * which pair (HB_SIDE, HB_PAIR) to order.log. */
static const char *append_cmd(const char *file, const char *ups) {
    static char cmd[2][1024];
    static int k;
    k ^= 1;
    snprintf(cmd[k], sizeof cmd[k],
             "'echo \"$HB_SIDE $HB_PAIR\" >> %s; echo \"mf,avx2,1,1,d,k,1,ok,,%s,0.9,0.7,0.3,abc,"
             "GNU 12\" >> %s'", path("order.log"), ups, file);
    return cmd[k];
}

static void header_only(const char *name) {
    FILE *f = fopen(path(name), "w");
    cr_assert_not_null(f);
    fputs(HEADER, f);
    fclose(f);
}

Test(compare, rerun_adds_abba_pairs_until_decided) {
    static char out[32768];
    header_only("a.csv");
    header_only("b.csv");
    /* 1000 against 800 every time: log LR = n/2 log(s^2 / (s - d)^2) with s = log(1.25),
     * d = -log(0.95): 0.26119 n crosses log(0.95 / 0.005) = 5.247 at n = 21 */
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s", append_cmd(path("a.csv"), "1000"));
    snprintf(b, sizeof b, "%s", append_cmd(path("b.csv"), "800"));
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --rerun %s %s --metric updates_per_second "
                    "2>/dev/null", path("a.csv"), path("b.csv"), a, b), 1, "%s", out);
    cr_expect(strstr(out, "rerun: 21 pairs run (ABBA)"), "%s", out);
    cr_expect(line_with(out, "updates_per_second", "SPRT 21 pairs"), "%s", out);
    cr_expect(line_with(out, "updates_per_second", "REGRESSED"), "%s", out);
    /* the order: base new, new base, base new, ... */
    FILE *f = fopen(path("order.log"), "r");
    cr_assert_not_null(f);
    char line[64];
    for (int i = 0; i < 42; i++) {
        const int pair = i / 2 + 1, base_first = pair % 2, base_now = (i % 2 == 0) == base_first;
        char want[64];
        snprintf(want, sizeof want, "%s %d\n", base_now ? "base" : "new", pair);
        cr_assert_not_null(fgets(line, sizeof line, f));
        cr_expect_str_eq(line, want, "run %d", i);
    }
    cr_expect_null(fgets(line, sizeof line, f), "no run after the decision");
    fclose(f);
    /* the verdict is a function of the rows: --sequential on the files says the same */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --sequential --metric updates_per_second",
                    path("a.csv"), path("b.csv")), 1, "%s", out);
    cr_expect(line_with(out, "updates_per_second", "SPRT 21 pairs"), "%s", out);
    /* rerun again on the decided files: nothing to run */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --rerun %s %s --metric updates_per_second "
                    "2>/dev/null", path("a.csv"), path("b.csv"), a, b), 1, "%s", out);
    cr_expect(strstr(out, "rerun: 0 pairs run"), "%s", out);
}

Test(compare, rerun_identical_sides_stop_ok_and_the_bound_holds) {
    static char out[32768];
    /* files that do not exist yet: the first pair creates them */
    char a[2048], b[2048], hdr[256];
    snprintf(hdr, sizeof hdr, "%s", HEADER);
    hdr[strlen(hdr) - 1] = '\0';
    snprintf(a, sizeof a, "'[ -s %s ] || echo \"%s\" > %s; echo \"mf,avx2,1,1,d,k,1,ok,,1000,0.9,"
             "0.7,0.3,abc,GNU 12\" >> %s'", path("a.csv"), hdr, path("a.csv"), path("a.csv"));
    snprintf(b, sizeof b, "'[ -s %s ] || echo \"%s\" > %s; echo \"mf,avx2,1,1,d,k,1,ok,,1000,0.9,"
             "0.7,0.3,abc,GNU 12\" >> %s'", path("b.csv"), hdr, path("b.csv"), path("b.csv"));
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --rerun %s %s 2>/dev/null", path("a.csv"),
                    path("b.csv"), a, b), 0, "%s", out);
    cr_expect(strstr(out, "rerun: 5 pairs run"), "the first look, at 5 pairs: %s", out);
    cr_expect(line_with(out, "updates_per_second", " ok"), "%s", out);
    /* a change of exactly half the threshold never leaves the middle: the bound stops it */
    header_only("c.csv");
    header_only("d.csv");
    snprintf(a, sizeof a, "%s", append_cmd(path("c.csv"), "1000"));
    snprintf(b, sizeof b, "%s", append_cmd(path("d.csv"), "974.679434"));
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --rerun %s %s --max-repeats 8 --metric "
                    "updates_per_second 2>/dev/null", path("c.csv"), path("d.csv"), a, b), 0,
                 "%s", out);
    cr_expect(strstr(out, "rerun: 8 pairs run"), "%s", out);
    cr_expect(line_with(out, "updates_per_second", "unclear"), "%s", out);
    cr_expect(strstr(out, "1 line undecided at the bound (--max-repeats 8)"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --rerun %s %s --max-repeats 8 --metric "
                    "updates_per_second --unclear fail 2>/dev/null", path("c.csv"), path("d.csv"),
                    a, b), 1, "%s", out);
    cr_expect(strstr(out, "rerun: 0 pairs run"), "the files already hold 8: %s", out);
    /* a command that fails stops everything */
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --rerun %s false", path("c.csv"),
                    path("d.csv"), a), 2, "%s", out);
    cr_expect(strstr(out, "the new command exited with status 1"), "%s", out);
    cr_expect_eq(hb(out, sizeof out, "compare %s %s --rerun %s", path("c.csv"), path("d.csv"), a),
                 2, "%s", out);
    cr_expect(strstr(out, "--rerun needs two commands"), "%s", out);
}
