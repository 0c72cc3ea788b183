/* test_data.c: the ML-100K loader, the notebook's two-stage filtering, re-indexing, fingerprints
 * and error messages, on small files generated under /tmp (and on the real data if present). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "hogbench/hogbench.h"
#include "data.h"

/* ------------------------------------------------------------------ temp files */

static char g_dir[64];

static void hb_tmp_setup(void) {
    snprintf(g_dir, sizeof g_dir, "/tmp/hb_test_data_XXXXXX");
    cr_assert_not_null(mkdtemp(g_dir), "mkdtemp failed");
}

/* Removes every plain file and empty directory in g_dir, then g_dir. */
static void hb_tmp_teardown(void) {
    DIR *d = opendir(g_dir);
    if (!d) return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
        if (unlink(p) != 0) rmdir(p);
    }
    closedir(d);
    rmdir(g_dir);
}

static void hb_write(const char *name, const char *text) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", g_dir, name);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f, "cannot create %s", p);
    cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    cr_assert_eq(fclose(f), 0);
}

/* Copies text with every "\n" turned into "\r\n" (caller frees). */
static char *hb_crlf(const char *text) {
    char *o = malloc(2 * strlen(text) + 1), *q = o;
    cr_assert_not_null(o);
    for (const char *p = text; *p; p++) {
        if (*p == '\n') *q++ = '\r';
        *q++ = *p;
    }
    *q = '\0';
    return o;
}

static uint64_t hb_xxh3_ratings(const hb_rating *tr, size_t ntr, const hb_rating *te, size_t nte) {
    XXH3_state_t *st = XXH3_createState();
    cr_assert_not_null(st);
    cr_assert_eq(XXH3_64bits_reset(st), XXH_OK);
    cr_assert_eq(XXH3_64bits_update(st, tr, ntr * sizeof *tr), XXH_OK);
    cr_assert_eq(XXH3_64bits_update(st, te, nte * sizeof *te), XXH_OK);
    const uint64_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
}

/* ------------------------------------------------------------------ the filtering case */

/* Test users {10,20,30,50,5000000000}, items {100,200,300,400,700}.
 * Train rows and their fate (stage 1: user and item must occur in test):
 *   20 100 3   kept
 *   40 100 5   dropped: user 40 is not in test (rating 5 must not reach r_max)
 *   10 200 4   kept
 *   10 500 1   dropped: item 500 is not in test (rating 1 must not reach r_min)
 *   40 400 4   dropped: user 40; the only train row of item 400
 *   5000000000 300 2   kept (an id above 2^32)
 *   50 600 4   dropped: item 600; the only train row of user 50
 *   30 300 2   kept
 *   20 300 4   kept
 * Filtered train users {10,20,30,5000000000} -> 0,1,2,3; items {100,200,300} -> 0,1,2.
 * Test rows (stage 2: user and item must occur in the filtered train):
 *   10 100 4   kept   -> (0,0)
 *   30 300 2   kept   -> (2,2)
 *   10 400 3   dropped: item 400 is in the raw train, but only in a row stage 1 removed
 *              (filtering test against the raw train would keep it)
 *   50 100 1   dropped: user 50 likewise only had a removed train row
 *   20 200 5   kept   -> (1,1)
 *   10 700 5   dropped: item 700 was never in train
 *   5000000000 100 3   kept -> (3,0) */
static const char kBase[] = "20\t100\t3\t881250949\n"
                            "40\t100\t5\t881250950\n"
                            "10\t200\t4\t881250951\n"
                            "10\t500\t1\t881250952\n"
                            "40\t400\t4\t881250953\n"
                            "5000000000\t300\t2\t881250954\n"
                            "50\t600\t4\t881250955\n"
                            "30\t300\t2\t881250956\n"
                            "20\t300\t4\t881250957\n";
static const char kTest[] = "10\t100\t4\t891250949\n"
                            "30\t300\t2\t891250950\n"
                            "10\t400\t3\t891250951\n"
                            "50\t100\t1\t891250952\n"
                            "20\t200\t5\t891250953\n"
                            "10\t700\t5\t891250954\n"
                            "5000000000\t100\t3\t891250955\n";

/* The expected result, written out by hand from the comment above. */
static const hb_rating kExpTrain[] = {{1, 0, 3}, {0, 1, 4}, {3, 2, 2}, {2, 2, 2}, {1, 2, 4}};
static const hb_rating kExpTest[] = {{0, 0, 4}, {2, 2, 2}, {1, 1, 5}, {3, 0, 3}};
static const int64_t kExpUsers[] = {10, 20, 30, 5000000000LL};
static const int64_t kExpItems[] = {100, 200, 300};

/* r_lo..r_hi: the range the binary models' labels use: ML-100K's declared 1..5 for its files,
 * the filtered train's observed 2..4 for raw ratings (a rating of 5 or 1 in a row the filter
 * drops must not reach it). */
static void hb_check_expected(const hb_dataset *ds, float r_lo, float r_hi) {
    cr_assert_not_null(ds);
    cr_expect_eq(ds->n_train_raw, 9);
    cr_expect_eq(ds->n_test_raw, 7);
    cr_assert_eq(ds->n_users, 4);
    cr_assert_eq(ds->n_items, 3);
    for (size_t k = 0; k < 4; k++)
        cr_expect_eq(ds->user_ids[k], kExpUsers[k], "user_ids[%zu] = %lld", k,
                     (long long)ds->user_ids[k]);
    for (size_t k = 0; k < 3; k++)
        cr_expect_eq(ds->item_ids[k], kExpItems[k], "item_ids[%zu] = %lld", k,
                     (long long)ds->item_ids[k]);
    cr_assert_eq(ds->n_train, 5);
    cr_assert_eq(ds->n_test, 4);
    for (size_t k = 0; k < 5; k++) /* same rows, same order */
        cr_expect(ds->train[k].u == kExpTrain[k].u && ds->train[k].i == kExpTrain[k].i &&
                      ds->train[k].r == kExpTrain[k].r,
                  "train[%zu] = (%u, %u, %g), expected (%u, %u, %g)", k, ds->train[k].u,
                  ds->train[k].i, ds->train[k].r, kExpTrain[k].u, kExpTrain[k].i, kExpTrain[k].r);
    for (size_t k = 0; k < 4; k++)
        cr_expect(ds->test[k].u == kExpTest[k].u && ds->test[k].i == kExpTest[k].i &&
                      ds->test[k].r == kExpTest[k].r,
                  "test[%zu] = (%u, %u, %g), expected (%u, %u, %g)", k, ds->test[k].u,
                  ds->test[k].i, ds->test[k].r, kExpTest[k].u, kExpTest[k].i, kExpTest[k].r);
    cr_expect_eq(ds->r_min, r_lo, "r_min %g, expected %g", ds->r_min, r_lo);
    cr_expect_eq(ds->r_max, r_hi, "r_max %g, expected %g", ds->r_max, r_hi);
    const uint64_t h = hb_xxh3_ratings(kExpTrain, 5, kExpTest, 4);
    cr_expect_eq(ds->xxh3, h, "xxh3 %016llx, expected %016llx", (unsigned long long)ds->xxh3,
                 (unsigned long long)h);
    cr_expect_eq(hb_dataset_fingerprint(ds), h);
}

TestSuite(ml100k, .init = hb_tmp_setup, .fini = hb_tmp_teardown);

static hb_dataset g_sentinel0; /* *out must come back NULL, not stay at this */

Test(ml100k, two_stage_filter_and_reindex) {
    hb_write("u1.base", kBase);
    hb_write("u1.test", kTest);
    hb_dataset *ds = NULL;
    hb_error err = {{0}};
    hb_status st = hb_dataset_load_ml100k(g_dir, "u1", &ds, &err);
    cr_assert_eq(st, HB_OK, "status %d: %s", (int)st, err.msg);
    hb_check_expected(ds, 1, 5); /* ML-100K's declared range, not the observed 2..4 */
    cr_expect_str_eq(ds->split, "u1");
    hb_dataset_free(&ds);
    cr_expect_null(ds, "hb_dataset_free must null the pointer");
}

Test(ml100k, crlf_and_trailing_blank_lines) {
    char *b = hb_crlf(kBase), *t = hb_crlf(kTest);
    hb_write("ua.base", b);
    /* test file: CRLF, a trailing blank line, and no newline after the blank line */
    char *t2 = malloc(strlen(t) + 3);
    cr_assert_not_null(t2);
    snprintf(t2, strlen(t) + 3, "%s\r\n", t);
    hb_write("ua.test", t2);
    free(b);
    free(t);
    free(t2);
    hb_dataset *ds = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_dataset_load_ml100k(g_dir, "ua", &ds, &err), HB_OK, "%s", err.msg);
    hb_check_expected(ds, 1, 5);
    hb_dataset_free(&ds);
}

Test(ml100k, last_line_without_newline) {
    hb_write("u2.base", kBase);
    char t[sizeof kTest];
    memcpy(t, kTest, sizeof kTest);
    t[strlen(t) - 1] = '\0'; /* drop the final '\n' */
    hb_write("u2.test", t);
    hb_dataset *ds = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_dataset_load_ml100k(g_dir, "u2", &ds, &err), HB_OK, "%s", err.msg);
    hb_check_expected(ds, 1, 5);
    hb_dataset_free(&ds);
}

Test(ml100k, fingerprint_changes_with_one_rating) {
    hb_write("u1.base", kBase);
    hb_write("u1.test", kTest);
    hb_dataset *a = NULL, *b = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_dataset_load_ml100k(g_dir, "u1", &a, &err), HB_OK, "%s", err.msg);
    /* the last test row's rating 3 -> 2 */
    char t[sizeof kTest];
    memcpy(t, kTest, sizeof kTest);
    char *p = strstr(t, "5000000000\t100\t3\t");
    cr_assert_not_null(p);
    p[strlen("5000000000\t100\t")] = '2';
    hb_write("u1.test", t);
    cr_assert_eq(hb_dataset_load_ml100k(g_dir, "u1", &b, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(b->n_test, a->n_test);
    cr_expect_eq(b->test[3].r, 2.0f);
    cr_expect_neq(a->xxh3, b->xxh3, "one changed rating must change the fingerprint");
    hb_rating te[4];
    memcpy(te, kExpTest, sizeof te);
    te[3].r = 2;
    cr_expect_eq(b->xxh3, hb_xxh3_ratings(kExpTrain, 5, te, 4));
    hb_dataset_free(&a);
    hb_dataset_free(&b);
}

/* ML-100K declares whole stars 1..5: a half star is an error unless a range is declared for
 * the data, which then also sets r_min/r_max (the binary labels' range). */
Test(ml100k, fractional_ratings_need_a_declared_range) {
    hb_write("u1.base", "1\t1\t0.5\t0\n2\t1\t4.5\t0\n1\t2\t3\t0\n");
    hb_write("u1.test", "1\t1\t2.5\t0\n2\t2\t1\t0\n");
    hb_dataset *ds = &g_sentinel0;
    hb_error err = {{0}};
    cr_expect_neq(hb_dataset_load_ml100k(g_dir, "u1", &ds, &err), HB_OK);
    cr_expect_null(ds);
    char want[1024];
    snprintf(want, sizeof want, "%s/u1.base:1: expected a whole-star rating in 1..5 (ML-100K's "
             "declared range; --rating-range LO:HI declares another) in field 3, got "
             "\"1\\t1\\t0.5\\t0\"", g_dir);
    cr_expect_str_eq(err.msg, want);
    hb_load_opts o = hb_load_opts_default();
    cr_assert_eq(hb_load_opts_set(&o, "split", "u1", &err), HB_OK, "%s", err.msg);
    cr_assert_eq(hb_load_opts_set(&o, "rating-range", "0.5:5", &err), HB_OK, "%s", err.msg);
    cr_assert_eq(hb_dataset_load(g_dir, &o, &ds, &err), HB_OK, "%s", err.msg);
    cr_expect_eq(ds->n_train, 3);
    cr_expect_eq(ds->n_test, 2);
    cr_expect_eq(ds->r_min, 0.5f);
    cr_expect_eq(ds->r_max, 5.0f, "the declared top, not the observed 4.5");
    cr_expect_eq(ds->train[1].r, 4.5f);
    cr_expect_eq(ds->test[0].r, 2.5f);
    hb_dataset_free(&ds);
}

/* ------------------------------------------------------------------ bad input */

TestSuite(ml100k_errors, .init = hb_tmp_setup, .fini = hb_tmp_teardown);

static hb_dataset g_sentinel;

/* Loads split u1 from g_dir expecting failure; checks *out and that err.msg holds every
 * non-NULL needle. */
static void hb_expect_fail(const char *split, const char *n1, const char *n2, const char *n3) {
    hb_dataset *ds = &g_sentinel;
    hb_error err = {{0}};
    hb_status st = hb_dataset_load_ml100k(g_dir, split, &ds, &err);
    cr_expect_neq(st, HB_OK, "loading must fail");
    cr_expect_null(ds, "*out must be NULL after a failure");
    const char *needles[] = {n1, n2, n3};
    for (int k = 0; k < 3; k++)
        if (needles[k])
            cr_expect_not_null(strstr(err.msg, needles[k]), "message \"%s\" lacks \"%s\"",
                               err.msg, needles[k]);
    cr_log_info("%s", err.msg);
}

static char g_path[512];
static const char *hb_path(const char *name) {
    snprintf(g_path, sizeof g_path, "%s/%s", g_dir, name);
    return g_path;
}

Test(ml100k_errors, missing_file) {
    hb_write("u1.base", kBase); /* u1.test absent */
    char p[512];
    snprintf(p, sizeof p, "%s", hb_path("u1.test"));
    hb_expect_fail("u1", p, "cannot open", NULL);
}

Test(ml100k_errors, directory_instead_of_file) {
    cr_assert_eq(mkdir(hb_path("u1.base"), 0700), 0);
    hb_write("u1.test", kTest);
    char p[512];
    snprintf(p, sizeof p, "%s", hb_path("u1.base"));
    hb_expect_fail("u1", p, "directory", NULL);
}

Test(ml100k_errors, empty_file) {
    hb_write("u1.base", "");
    hb_write("u1.test", kTest);
    char p[512];
    snprintf(p, sizeof p, "%s", hb_path("u1.base"));
    hb_expect_fail("u1", p, "empty", "user<TAB>item<TAB>rating<TAB>timestamp");
}

Test(ml100k_errors, only_blank_lines) {
    hb_write("u1.base", kBase);
    hb_write("u1.test", "\n\r\n");
    char p[512];
    snprintf(p, sizeof p, "%s", hb_path("u1.test"));
    hb_expect_fail("u1", p, "no ratings", NULL);
}

/* Line errors: "<path>:<line>: expected ..."; the bad line is the 3rd, after CRLF lines, and in
 * the .test file so the message must name that file, not the .base one. */
static void hb_bad_line(const char *line, const char *keyword) {
    hb_write("u1.base", kBase);
    char t[512];
    snprintf(t, sizeof t, "10\t100\t4\t1\r\n30\t300\t2\t2\r\n%s\r\n20\t200\t5\t3\r\n", line);
    hb_write("u1.test", t);
    char where[600];
    snprintf(where, sizeof where, "%s:3:", hb_path("u1.test"));
    hb_expect_fail("u1", where, "expected", keyword);
}

Test(ml100k_errors, three_fields) { hb_bad_line("10\t400\t3", "4 tab-separated fields"); }
Test(ml100k_errors, five_fields) { hb_bad_line("10\t400\t3\t7\t9", "4 tab-separated fields"); }
Test(ml100k_errors, spaces_not_tabs) { hb_bad_line("10 400 3 7", "tab-separated"); }
Test(ml100k_errors, non_numeric_user) { hb_bad_line("abc\t400\t3\t7", "user id in field 1"); }
Test(ml100k_errors, non_numeric_item) { hb_bad_line("10\tx1\t3\t7", "item id in field 2"); }
Test(ml100k_errors, nan_rating) { hb_bad_line("10\t400\tnan\t7", "finite numeric rating"); }
Test(ml100k_errors, inf_rating) { hb_bad_line("10\t400\tinf\t7", "finite numeric rating"); }
Test(ml100k_errors, empty_rating) { hb_bad_line("10\t400\t\t7", "expected"); }
/* An empty rating field followed by two more fields must not shift the fields left. */
Test(ml100k_errors, empty_rating_five_fields) { hb_bad_line("10\t400\t\t3\t7", "field 3"); }
Test(ml100k_errors, negative_user) { hb_bad_line("-10\t400\t3\t7", "non-negative integer user id"); }
Test(ml100k_errors, negative_item) { hb_bad_line("10\t-4\t3\t7", "non-negative integer item id"); }
Test(ml100k_errors, id_overflow) {
    hb_bad_line("99999999999999999999\t400\t3\t7", "user id");
}

/* One rating outside ML-100K's declared 1..5 whole stars, in either file, is an error naming
 * the file and line (it used to be accepted and to move the range every binary label uses). */
Test(ml100k_errors, rating_outside_the_declared_range) {
    static const char *const bad[] = {"-3", "7", "0", "5.5", "3.5", "6"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char line[64], text[512], want[1024];
        snprintf(line, sizeof line, "10\t400\t%s\t7", bad[k]);
        /* the 3rd line of the .test file (after CRLF lines) */
        hb_bad_line(line, "whole-star rating in 1..5 (ML-100K's declared range; "
                    "--rating-range LO:HI declares another) in field 3");
        /* the 3rd line of the .base file: the whole message */
        snprintf(text, sizeof text, "20\t100\t3\t1\n10\t200\t4\t2\n%s\n30\t300\t2\t3\n", line);
        hb_write("u1.base", text);
        hb_write("u1.test", kTest);
        hb_dataset *ds = &g_sentinel;
        hb_error err = {{0}};
        cr_expect_neq(hb_dataset_load_ml100k(g_dir, "u1", &ds, &err), HB_OK, "rating %s", bad[k]);
        cr_expect_null(ds);
        snprintf(want, sizeof want, "%s:3: expected a whole-star rating in 1..5 (ML-100K's "
                 "declared range; --rating-range LO:HI declares another) in field 3, got "
                 "\"10\\t400\\t%s\\t7\"", hb_path("u1.base"), bad[k]);
        cr_expect_str_eq(err.msg, want);
    }
}

Test(ml100k_errors, bad_line_in_base_counts_lines) {
    /* line 1 fine, line 2 blank, line 3 bad: blank lines still count */
    hb_write("u1.base", "10\t100\t4\t1\n\n10\t200\n");
    hb_write("u1.test", kTest);
    char where[600];
    snprintf(where, sizeof where, "%s:3:", hb_path("u1.base"));
    hb_expect_fail("u1", where, "expected", "4 tab-separated fields");
}

Test(ml100k_errors, unknown_split) {
    hb_write("u1.base", kBase);
    hb_write("u1.test", kTest);
    hb_expect_fail("u9", "u9", "expected one of", NULL);
    hb_expect_fail("../u1", "../u1", "expected one of", NULL);
}

Test(ml100k_errors, nothing_survives_filtering) {
    hb_write("u1.base", "1\t1\t3\t0\n2\t2\t4\t0\n");
    hb_write("u1.test", "3\t1\t3\t0\n2\t3\t4\t0\n"); /* users {2,3}, items {1,3} */
    hb_expect_fail("u1", "no train rating", NULL, NULL);
}

/* ------------------------------------------------------------------ hb_dataset_from_raw */

Test(from_raw, same_protocol_in_memory) {
    const hb_raw_rating tr[] = {{20, 100, 3}, {40, 100, 5}, {10, 200, 4},
                                {10, 500, 1}, {40, 400, 4}, {5000000000LL, 300, 2},
                                {50, 600, 4}, {30, 300, 2}, {20, 300, 4}};
    const hb_raw_rating te[] = {{10, 100, 4}, {30, 300, 2}, {10, 400, 3}, {50, 100, 1},
                                {20, 200, 5}, {10, 700, 5}, {5000000000LL, 100, 3}};
    hb_dataset *ds = &g_sentinel;
    hb_error err = {{0}};
    cr_assert_eq(hb_dataset_from_raw(tr, 9, te, 7, &ds, &err), HB_OK, "%s", err.msg);
    hb_check_expected(ds, 2, 4); /* no declared range: the filtered train's */
    hb_dataset_free(&ds);
}

Test(from_raw, everything_kept_and_sorted_ids) {
    /* ids arrive unsorted; dense indices follow ascending original id */
    const hb_raw_rating tr[] = {{7, 9, 1}, {3, 2, 2}, {7, 2, 3}, {3, 9, 4}};
    const hb_raw_rating te[] = {{3, 9, 5}, {7, 2, 1}};
    hb_dataset *ds = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_dataset_from_raw(tr, 4, te, 2, &ds, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(ds->n_users, 2);
    cr_assert_eq(ds->n_items, 2);
    cr_expect_eq(ds->user_ids[0], 3);
    cr_expect_eq(ds->user_ids[1], 7);
    cr_expect_eq(ds->item_ids[0], 2);
    cr_expect_eq(ds->item_ids[1], 9);
    cr_assert_eq(ds->n_train, 4);
    cr_assert_eq(ds->n_test, 2);
    const hb_rating etr[] = {{1, 1, 1}, {0, 0, 2}, {1, 0, 3}, {0, 1, 4}};
    const hb_rating ete[] = {{0, 1, 5}, {1, 0, 1}};
    cr_expect_eq(memcmp(ds->train, etr, sizeof etr), 0);
    cr_expect_eq(memcmp(ds->test, ete, sizeof ete), 0);
    cr_expect_eq(ds->r_min, 1.0f);
    cr_expect_eq(ds->r_max, 4.0f);
    cr_expect_eq(ds->xxh3, hb_xxh3_ratings(etr, 4, ete, 2));
    hb_dataset_free(&ds);
}

Test(from_raw, empty_test_fails) {
    const hb_raw_rating tr[] = {{1, 1, 1}};
    hb_dataset *ds = &g_sentinel;
    hb_error err = {{0}};
    cr_expect_neq(hb_dataset_from_raw(tr, 1, NULL, 0, &ds, &err), HB_OK);
    cr_expect_null(ds);
    cr_expect_neq(err.msg[0], '\0', "a failure must leave a message");
}

/* ------------------------------------------------------------------ the real data */

/* Expected values printed by tests/golden/ml100k_counts.py (plain python, no hogbench, no pandas)
 * for ml-100k split u1: n_train_raw=80000 n_test_raw=20000 n_users=459 n_items=1335
 * n_train=32086 n_test=19901 r_min=1 r_max=5, user ids 1..462, item ids 1..1591. */
Test(ml100k_real, u1_counts_match_python) {
    const char *dir = getenv("HOGBENCH_DATA");
    if (!dir || !*dir) cr_skip_test("HOGBENCH_DATA is not set: skipping the MovieLens test");
    hb_dataset *ds = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_dataset_load_ml100k(dir, "u1", &ds, &err), HB_OK, "%s", err.msg);
    cr_expect_eq(ds->n_train_raw, 80000);
    cr_expect_eq(ds->n_test_raw, 20000);
    cr_expect_eq(ds->n_users, 459);
    cr_expect_eq(ds->n_items, 1335);
    cr_expect_eq(ds->n_train, 32086);
    cr_expect_eq(ds->n_test, 19901);
    cr_expect_eq(ds->r_min, 1.0f);
    cr_expect_eq(ds->r_max, 5.0f);
    cr_expect_eq(ds->user_ids[0], 1);
    cr_expect_eq(ds->user_ids[ds->n_users - 1], 462);
    cr_expect_eq(ds->item_ids[0], 1);
    cr_expect_eq(ds->item_ids[ds->n_items - 1], 1591);
    cr_expect_eq(ds->xxh3, hb_xxh3_ratings(ds->train, ds->n_train, ds->test, ds->n_test));
    hb_dataset_free(&ds);
}
