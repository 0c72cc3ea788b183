/* test_compare.c: 'hogbench compare': statistics against hand-computed values, the JSON reader
 * on crafted and malformed input, and the command on crafted CSV and benchmark JSON files
 * (regressions flagged, noise not, one-sided configs listed, tolerances, exit codes). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
