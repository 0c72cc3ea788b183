/* test_data_corpus.c: every file of tests/corpus/ against its expected outcome in cases.tsv: the
 * loader's exact message (or the loaded dataset's facts), then the CLI: a non-zero exit, one
 * message naming the file, and no results file. */
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hogbench/hogbench.h"

#define CORPUS HB_TEST_DIR "/corpus"

typedef struct {
    char name[128], opts[256], kind[8], expect[1024];
} hb_case;

/* The two split fixtures (ML-100K-style u1.base/u1.test, 2-4 hand-written lines each) are
 * written here rather than committed, so that no file in the repository carries a MovieLens
 * file name; their content is the one tests/corpus/make_corpus.py writes. */
static void hb_split_fixtures(void) {
    static const char *const f[][2] = {
        {"zero_split/u1.base", "1\t10\t4\t100\n2\t20\t3\t101\n"},
        {"zero_split/u1.test", ""},
        {"cold_split/u1.base", "1\t10\t4\t100\n1\t20\t3\t101\n2\t10\t5\t102\n2\t20\t2\t103\n"},
        {"cold_split/u1.test", "1\t20\t4\t200\n9\t10\t3\t201\n2\t99\t5\t202\n1\t10\t1\t203\n"}};
    mkdir(CORPUS "/zero_split", 0755);
    mkdir(CORPUS "/cold_split", 0755);
    for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
        char path[512];
        snprintf(path, sizeof path, CORPUS "/%s", f[k][0]);
        FILE *o = fopen(path, "wb");
        cr_assert_not_null(o, "cannot write %s", path);
        fputs(f[k][1], o);
        fclose(o);
    }
}

static int hb_cases(hb_case *c, int cap) {
    hb_split_fixtures();
    FILE *f = fopen(CORPUS "/cases.tsv", "r");
    cr_assert_not_null(f, "cannot open " CORPUS "/cases.tsv");
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        line[strcspn(line, "\n")] = '\0';
        char *f1 = line, *f2 = strchr(f1, '\t');
        cr_assert_not_null(f2, "cases.tsv: bad line '%s'", line);
        *f2++ = '\0';
        char *f3 = strchr(f2, '\t');
        cr_assert_not_null(f3, "cases.tsv: bad line '%s'", f1);
        *f3++ = '\0';
        char *f4 = strchr(f3, '\t');
        cr_assert_not_null(f4, "cases.tsv: bad line '%s'", f1);
        *f4++ = '\0';
        cr_assert_lt(n, cap);
        snprintf(c[n].name, sizeof c[n].name, "%.127s", f1);
        snprintf(c[n].opts, sizeof c[n].opts, "%.255s", f2);
        snprintf(c[n].kind, sizeof c[n].kind, "%.7s", f3);
        snprintf(c[n].expect, sizeof c[n].expect, "%.1023s", f4);
        n++;
    }
    fclose(f);
    return n;
}

/* "{path}" -> path */
static void hb_subst(const char *tmpl, const char *path, char *out, size_t cap) {
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < cap;) {
        if (strncmp(p, "{path}", 6) == 0) {
            o += (size_t)snprintf(out + o, cap - o, "%s", path);
            p += 6;
        } else {
            out[o++] = *p++;
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
}

static void hb_opts_from(const char *s, hb_load_opts *o) {
    *o = hb_load_opts_default();
    o->cache = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *kv = strtok(buf, " "); kv; kv = strtok(NULL, " ")) {
        char *eq = strchr(kv, '=');
        cr_assert_not_null(eq, "option '%s' without '='", kv);
        *eq = '\0';
        hb_error err = {{0}};
        cr_assert_eq(hb_load_opts_set(o, kv, eq + 1, &err), HB_OK, "%s", err.msg);
    }
}

Test(corpus, has_at_least_30_inputs) {
    DIR *d = opendir(CORPUS);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    closedir(d);
    cr_expect_geq(n, 30, "%d entries in the corpus", n);
    static hb_case c[256];
    const int nc = hb_cases(c, 256);
    int bad = 0;
    for (int k = 0; k < nc; k++) bad += strcmp(c[k].kind, "error") == 0;
    cr_expect_geq(bad, 30, "%d error cases", bad);
}

Test(corpus, loader_messages_and_results) {
    static hb_case c[256];
    const int n = hb_cases(c, 256);
    for (int k = 0; k < n; k++) {
        char path[512], want[2048];
        snprintf(path, sizeof path, "%s/%s", CORPUS, c[k].name);
        hb_load_opts o;
        hb_opts_from(c[k].opts, &o);
        hb_dataset *ds = (hb_dataset *)&o; /* must come back NULL on failure */
        hb_error err = {{0}};
        const hb_status st = hb_dataset_load(path, &o, &ds, &err);
        if (strcmp(c[k].kind, "error") == 0) {
            hb_subst(c[k].expect, path, want, sizeof want);
            cr_expect_neq(st, HB_OK, "%s [%s]: loaded, expected: %s", c[k].name, c[k].opts, want);
            cr_expect_null(ds, "%s: *out must be NULL after a failure", c[k].name);
            cr_expect_str_eq(err.msg, want, "%s [%s]", c[k].name, c[k].opts);
            cr_expect_null(strchr(err.msg, '\n'), "%s: one line", c[k].name);
            if (st == HB_OK) hb_dataset_free(&ds);
            continue;
        }
        cr_expect_eq(st, HB_OK, "%s [%s]: %s", c[k].name, c[k].opts, err.msg);
        if (st != HB_OK) continue;
        char got[512];
        snprintf(got, sizeof got, "users=%u items=%u train=%zu test=%zu duplicates_dropped=%zu "
                 "test_cold_rows=%zu rating_min=%g rating_max=%g xxh3=%016llx", ds->n_users,
                 ds->n_items, ds->n_train, ds->n_test, ds->n_duplicates, ds->n_test_cold,
                 ds->r_min, ds->r_max, (unsigned long long)ds->xxh3);
        cr_expect_str_eq(got, c[k].expect, "%s [%s]", c[k].name, c[k].opts);
        hb_dataset_free(&ds);
    }
}

/* Runs a command; returns its exit status and its stderr+stdout in out. */
static int hb_run(char *out, size_t cap, const char *cmd) {
    char full[4096];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* key=value options -> train flags */
static void hb_flags(const char *opts, char *out, size_t cap) {
    char buf[256];
    size_t o = 0;
    out[0] = '\0';
    snprintf(buf, sizeof buf, "%s", opts);
    for (char *kv = strtok(buf, " "); kv; kv = strtok(NULL, " ")) {
        char *eq = strchr(kv, '=');
        *eq = '\0';
        const char *v = eq + 1;
        if (strcmp(kv, "header") == 0)
            o += (size_t)snprintf(out + o, cap - o, " %s", strcmp(v, "yes") ? "--no-header" : "--header");
        else if (strcmp(kv, "seed-filter") == 0)
            o += (size_t)snprintf(out + o, cap - o, " %s",
                                  strcmp(v, "yes") ? "--no-seed-filter" : "--seed-filter");
        else
            o += (size_t)snprintf(out + o, cap - o, " --%s '%s'", kv, v);
    }
}

Test(corpus, cli_refuses_with_one_message_and_writes_nothing) {
    static hb_case c[256];
    const int n = hb_cases(c, 256);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/hb_corpus.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    int ran = 0;
    for (int k = 0; k < n; k++) {
        if (strcmp(c[k].kind, "error") != 0) continue;
        char path[512], want[2048], flags[512], cmd[2048], out[8192], csv[128];
        snprintf(path, sizeof path, "%s/%s", CORPUS, c[k].name);
        snprintf(csv, sizeof csv, "%s/r%d.csv", dir, k);
        hb_subst(c[k].expect, path, want, sizeof want);
        hb_flags(c[k].opts, flags, sizeof flags);
        snprintf(cmd, sizeof cmd, "%s train --data '%s'%s --no-cache --epochs 1 --threads 1 "
                 "--quiet --out %s", HB_BIN, path, flags, csv);
        const int rc = hb_run(out, sizeof out, cmd);
        char line[2200];
        snprintf(line, sizeof line, "hogbench: %s\n", want);
        cr_expect(rc != 0 && rc != 2, "%s: exit %d (expected 1: a data error)\n%s", c[k].name, rc, out);
        cr_expect_str_eq(out, line, "%s: the output must be exactly its one message", c[k].name);
        cr_expect_neq(access(csv, F_OK), 0, "%s: a results file was written", c[k].name);
        ran++;
    }
    cr_expect_geq(ran, 30);
    rmdir(dir);
}

/* Files the corpus cannot hold: each gets a true message (not "empty file"). /proc/version says
 * its size is 0 but has contents: they are read and refused at line 1. */
Test(corpus, files_that_are_not_plain_ratings) {
    hb_load_opts o = hb_load_opts_default();
    o.cache = 0;
    o.format = HB_FORMAT_CSV;
    o.header = 0;
    hb_error err = {{0}};
    hb_dataset *ds = NULL;
    struct stat sb;
    if (stat("/proc/version", &sb) == 0 && sb.st_size == 0) {
        cr_expect_neq(hb_dataset_load("/proc/version", &o, &ds, &err), HB_OK);
        cr_expect(strncmp(err.msg, "/proc/version:1: expected ", 26) == 0 &&
                  strstr(err.msg, "got ") && !strstr(err.msg, "empty"), "%s", err.msg);
    }
    cr_expect_neq(hb_dataset_load("/dev/zero", &o, &ds, &err), HB_OK);
    cr_expect_str_eq(err.msg, "/dev/zero: not a regular file, expected a ratings file");
    { /* a FIFO with no writer: refused at once (an open without O_NONBLOCK would wait here) */
        char fd_dir[64], fifo[128], want_fifo[256];
        snprintf(fd_dir, sizeof fd_dir, "/tmp/hb_corpus_fifo.XXXXXX");
        cr_assert_not_null(mkdtemp(fd_dir));
        snprintf(fifo, sizeof fifo, "%s/ratings.csv", fd_dir);
        cr_assert_eq(mkfifo(fifo, 0600), 0);
        cr_expect_neq(hb_dataset_load(fifo, &o, &ds, &err), HB_OK);
        snprintf(want_fifo, sizeof want_fifo, "%s: not a regular file, expected a ratings file", fifo);
        cr_expect_str_eq(err.msg, want_fifo);
        unlink(fifo);
        rmdir(fd_dir);
    }
    /* 10 MB on one line */
    char dir[64], path[128], want[512];
    snprintf(dir, sizeof dir, "/tmp/hb_corpus_big.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/one_line.csv", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    static char chunk[1 << 20];
    memset(chunk, 'a', sizeof chunk);
    for (int k = 0; k < 10; k++) cr_assert_eq(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    fclose(f);
    cr_expect_neq(hb_dataset_load(path, &o, &ds, &err), HB_OK);
    snprintf(want, sizeof want, "%s:1: expected 4 comma-separated fields (user, item, rating, "
             "timestamp), got 1 field: \"%.80s...\"", path, chunk);
    cr_expect_str_eq(err.msg, want);
    cr_expect_null(ds);
    unlink(path);
    rmdir(dir);
}
