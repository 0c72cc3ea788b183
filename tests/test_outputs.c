/* test_outputs.c: what hogbench promises about the files a user names (README, "What
 * hogbench promises"): nothing but the named output changes, a foreign file is never touched,
 * FIFOs/devices/symlinks are refused without blocking, readers are bounded, a run's row and
 * curves are one unit, repeats are unique under concurrency, outputs are checked before any
 * work, and a finite blow-up is not status=ok. Each test reproduces a case of issue 10. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli_run.h"
#include "csv_test.h"

#define SYN "synthetic:users=500,items=300,ratings=20000"
#define D "--data " SYN " --epochs 1 --threads 1 --quiet"
/* a hang is a failure, not a stuck CI: every command that could block runs under timeout(1) */
#define TO "timeout 20 "

static char *tmpdir(void) {
    static char d[64];
    snprintf(d, sizeof d, "/tmp/hbout.XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

static void write_file(const char *path, const char *s) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(s, f);
    fclose(f);
}

/* The whole file (at most cap-1 bytes) into buf; its length. */
static size_t read_file(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    const size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

/* Values of column name, in row order; how many. */
static int column(const char *path, const char *name, char vals[][64], int cap) {
    const csv_t c = csv_read(path);
    int n = 0;
    for (int r = 0; r < c.nrows && n < cap; r++) snprintf(vals[n++], 64, "%s", cell(&c, r, name));
    return n;
}

/* 1: sweep --out on a file that is not hogbench's: refused, the file byte-identical. */
Test(outputs, foreign_file_is_never_touched) {
    char out[16384], path[128], after[256];
    const char *dir = tmpdir();
    const char *cases[] = {"{\"a\": 1}", "line one\nline two without newline",
                           "\x7f" "ELF\x01\x02\x03 binary tail"};
    for (int c = 0; c < 3; c++) {
        snprintf(path, sizeof path, "%s/f%d.json", dir, c);
        write_file(path, cases[c]);
        const int rc = run(out, sizeof out, TO "%s sweep --data %s --models mf --dims 8 --epochs 1 "
                           "--threads 1 --out %s", HB_BIN, SYN, path);
        cr_expect_eq(rc, 1, "case %d: %s", c, out);
        cr_expect(strstr(out, "not hogbench's CSV header"), "%s", out);
        read_file(path, after, sizeof after);
        cr_expect_str_eq(after, cases[c], "case %d: the file changed", c);
        /* train --out and --curves go through the same check */
        cr_expect_eq(run(out, sizeof out, TO "%s train " D " --out %s", HB_BIN, path), 1, "%s", out);
        cr_expect_eq(run(out, sizeof out, TO "%s train " D " --curves %s", HB_BIN, path), 1, "%s", out);
        read_file(path, after, sizeof after);
        cr_expect_str_eq(after, cases[c], "case %d: the file changed", c);
    }
}

/* 1: a torn last row of hogbench's own file is still repaired (and a cut-short header). */
Test(outputs, torn_hogbench_file_is_repaired) {
    char out[16384], csv[128];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    cr_assert_eq(run(out, sizeof out, "%s train " D " --out %s", HB_BIN, csv), 0, "%s", out);
    FILE *f = fopen(csv, "a");
    fputs("mf_bias,default,sg", f);
    fclose(f);
    cr_assert_eq(run(out, sizeof out, "%s train " D " --out %s", HB_BIN, csv), 0, "%s", out);
    cr_expect(strstr(out, "incomplete last line"), "%s", out);
    cr_expect_eq(count_lines(csv), 3);
    /* a header cut short: the file's first write was interrupted */
    write_file(csv, "model,preset,optimi");
    cr_assert_eq(run(out, sizeof out, "%s train " D " --out %s", HB_BIN, csv), 0, "%s", out);
    cr_expect_eq(count_lines(csv), 2);
}

/* 2: data gen --out never replaces a device, FIFO, symlink or directory. */
Test(outputs, data_gen_replaces_only_regular_files) {
    char out[16384], p[128], target[128];
    const char *dir = tmpdir();
    struct stat sb;
    snprintf(p, sizeof p, "%s/fifo", dir);
    cr_assert_eq(mkfifo(p, 0644), 0);
    cr_expect_eq(run(out, sizeof out, TO "%s data gen %s --out %s", HB_BIN, SYN, p), 1, "%s", out);
    cr_expect(strstr(out, "FIFO"), "%s", out);
    cr_expect(lstat(p, &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO was replaced");

    snprintf(target, sizeof target, "%s/target.txt", dir);
    write_file(target, "keep me\n");
    snprintf(p, sizeof p, "%s/link.csv", dir);
    cr_assert_eq(symlink(target, p), 0);
    cr_expect_eq(run(out, sizeof out, TO "%s data gen %s --out %s", HB_BIN, SYN, p), 1, "%s", out);
    cr_expect(strstr(out, "symbolic link"), "%s", out);
    cr_expect(lstat(p, &sb) == 0 && S_ISLNK(sb.st_mode), "the symlink was replaced");
    cr_expect_eq(count_lines(target), 1);

    snprintf(p, sizeof p, "%s/sub", dir);
    cr_assert_eq(mkdir(p, 0755), 0);
    cr_expect_eq(run(out, sizeof out, TO "%s data gen %s --out %s", HB_BIN, SYN, p), 1, "%s", out);
    cr_expect(strstr(out, "directory"), "%s", out);

    /* a device node of our own (root only; /dev/full itself is never put at risk) */
    snprintf(p, sizeof p, "%s/full", dir);
    if (mknod(p, S_IFCHR | 0666, makedev(1, 7)) == 0) {
        cr_expect_eq(run(out, sizeof out, TO "%s data gen %s --out %s", HB_BIN, SYN, p), 1, "%s",
                     out);
        cr_expect(strstr(out, "character device"), "%s", out);
        cr_expect(lstat(p, &sb) == 0 && S_ISCHR(sb.st_mode), "the device was replaced");
    } else {
        cr_log_warn("mknod not permitted here: the device case is covered by FIFO/symlink only");
    }
    /* a regular file is replaced whole, and nothing is left beside it */
    snprintf(p, sizeof p, "%s/ok.csv", dir);
    write_file(p, "old\n");
    cr_expect_eq(run(out, sizeof out, "%s data gen %s --out %s", HB_BIN, SYN, p), 0, "%s", out);
    cr_expect_eq(count_lines(p), 20001);
    cr_expect_eq(run(out, sizeof out, "ls %s | grep -c tmp", dir), 1, "%s", out);
}

/* 3 and 4: a device or a FIFO as --out is refused at once (no read of /dev/full's endless
 * zeros, no open() that blocks), under a bounded address space. */
Test(outputs, devices_and_fifos_are_refused_without_reading_or_blocking) {
    char out[16384], p[128];
    const char *dir = tmpdir();
    cr_expect_eq(run(out, sizeof out, "ulimit -v 2000000; " TO "%s train " D " --out /dev/full",
                     HB_BIN), 1, "%s", out);
    cr_expect(strstr(out, "character device"), "%s", out);
    snprintf(p, sizeof p, "%s/f", dir);
    cr_assert_eq(mkfifo(p, 0644), 0);
    cr_expect_eq(run(out, sizeof out, TO "%s train " D " --out %s", HB_BIN, p), 1, "%s", out);
    cr_expect(strstr(out, "FIFO"), "%s", out);
    cr_expect_eq(run(out, sizeof out, TO "%s train " D " --curves %s", HB_BIN, p), 1, "%s", out);
    cr_expect_eq(run(out, sizeof out, TO "%s sweep --data %s --models mf --dims 8 --epochs 1 "
                     "--threads 1 --out %s", HB_BIN, SYN, p), 1, "%s", out);
    cr_expect(strstr(out, "FIFO"), "%s", out);
}

/* 3: a results file with an endless line is refused, not read into memory. */
Test(outputs, endless_line_is_bounded) {
    char out[16384], p[160];
    const char *dir = tmpdir();
    snprintf(p, sizeof p, "%s/big.csv", dir);
    /* hogbench's header, then a 64 MiB line: resume and repeat scans must stop at 1 MiB */
    cr_assert_eq(run(out, sizeof out, "%s train " D " --out %s", HB_BIN, p), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "{ head -c 67108864 /dev/zero | tr '\\0' x; echo; } >> %s",
                     p), 0);
    cr_expect_eq(run(out, sizeof out, "ulimit -v 600000; " TO "%s sweep --data %s --models mf "
                     "--dims 8 --epochs 1 --threads 1 --out %s", HB_BIN, SYN, p), 1, "%s", out);
    cr_expect(strstr(out, "longer than"), "%s", out);
}

/* 9: a kill -9 between the curves and the row leaves curves without a row; the next run
 * removes them and writes both again: a row never lacks its curves, curves never repeat. */
Test(outputs, kill_between_curves_and_row) {
    char out[16384], csv[128], cur[128], keys[64][64], ckeys[64][64];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    snprintf(cur, sizeof cur, "%s/c.csv", dir);
    const char *args = "--models mf,mf_bias --dims 4 --epochs 3 --threads 1";
    cr_assert_eq(run(out, sizeof out, "HOGBENCH_TEST_CRASH=after-curves %s sweep --data %s %s "
                     "--out %s --curves %s", HB_BIN, SYN, args, csv, cur), 137, "%s", out);
    cr_expect_eq(count_lines(cur), 1 + 3, "the killed run's curves are on disk");
    cr_expect(count_lines(csv) <= 0, "no row was written");
    cr_assert_eq(run(out, sizeof out, "%s sweep --data %s %s --out %s --curves %s", HB_BIN, SYN,
                     args, csv, cur), 0, "%s", out);
    cr_expect(strstr(out, "removed the curve rows"), "%s", out);
    const int nr = column(csv, "run_key", keys, 64), nc = column(cur, "run_key", ckeys, 64);
    cr_expect_eq(nr, 2);
    cr_expect_eq(nc, 2 * 3, "each run's curves exactly once");
    for (int r = 0; r < nr; r++) {
        int n = 0;
        for (int c = 0; c < nc; c++) n += strcmp(keys[r], ckeys[c]) == 0;
        cr_expect_eq(n, 3, "run %s has %d curve rows", keys[r], n);
    }
}

/* 10: concurrent train --out on one file: every repeat distinct. */
Test(outputs, concurrent_trains_get_distinct_repeats) {
    char out[16384], csv[128], reps[16][64];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    cr_assert_eq(run(out, sizeof out, "for k in 1 2 3 4 5 6; do %s train " D " --out %s & done; "
                     "wait", HB_BIN, csv), 0, "%s", out);
    const int n = column(csv, "repeat", reps, 16);
    cr_assert_eq(n, 6);
    int seen[7] = {0};
    for (int k = 0; k < n; k++) {
        const int r = atoi(reps[k]);
        cr_expect(r >= 1 && r <= 6, "repeat %s", reps[k]);
        if (r >= 1 && r <= 6) seen[r]++;
    }
    for (int r = 1; r <= 6; r++) cr_expect_eq(seen[r], 1, "repeat %d appears %d times", r, seen[r]);
}

/* 11: bad output paths fail before the first epoch; --save-model replaces a model folder
 * whole and refuses one holding anything else. */
Test(outputs, output_paths_are_checked_before_training) {
    char out[16384];
    const char *dir = tmpdir();
    const char *flags[] = {"--out %s/nodir/x.csv", "--curves %s/nodir/c.csv",
                           "--save-model %s/nodir/m"};
    for (int k = 0; k < 3; k++) {
        char flag[200];
        snprintf(flag, sizeof flag, flags[k], dir);
        cr_expect_eq(run(out, sizeof out, "%s train --data %s --epochs 2 --threads 1 %s", HB_BIN,
                         SYN, flag), 1, "%s", out);
        cr_expect(strstr(out, "nodir"), "%s", out);
        cr_expect_null(strstr(out, "epoch "), "trained before failing: %s", out);
    }
    cr_expect_eq(run(out, sizeof out, "%s sweep --data %s --models mf --dims 4,8 --epochs 1 "
                     "--threads 1 --out %s/nodir/x.csv", HB_BIN, SYN, dir), 1, "%s", out);
    cr_expect_null(strstr(out, "run 1/"), "%s", out);
}

Test(outputs, save_model_replaces_the_folder_whole) {
    char out[16384], m[160], p[200];
    const char *dir = tmpdir();
    snprintf(m, sizeof m, "%s/model", dir);
    cr_assert_eq(run(out, sizeof out, "%s train " D " --model mlp --save-model %s", HB_BIN, m), 0,
                 "%s", out);
    snprintf(p, sizeof p, "%s/dense0_W.npy", m);
    cr_assert_eq(access(p, F_OK), 0);
    /* an MF model into the MLP's folder: no dense*.npy of the old model survives */
    cr_assert_eq(run(out, sizeof out, "%s train " D " --model mf_bias --save-model %s", HB_BIN, m),
                 0, "%s", out);
    cr_expect_neq(access(p, F_OK), 0, "a stale file of the old model is still there");
    snprintf(p, sizeof p, "%s/user_bias.npy", m);
    cr_expect_eq(access(p, F_OK), 0);
    cr_expect_eq(run(out, sizeof out, "ls %s | grep -c tmp", dir), 1, "%s", out);
    /* a folder that holds a user's file is refused before training, untouched */
    snprintf(p, sizeof p, "%s/notes.txt", m);
    write_file(p, "mine\n");
    cr_expect_eq(run(out, sizeof out, "%s train " D " --model mf --save-model %s", HB_BIN, m), 1,
                 "%s", out);
    cr_expect(strstr(out, "notes.txt"), "%s", out);
    cr_expect_eq(count_lines(p), 1);
}

/* 8: a finite blow-up is diverged, with exit 1, and recorded as such. */
Test(outputs, finite_blow_up_is_diverged) {
    char out[16384], csv[128], st[4][64];
    const char *dir = tmpdir();
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    cr_expect_eq(run(out, sizeof out, "%s train --data %s --model mlp --optimizer nadam --lr 1000 "
                     "--epochs 3 --threads 1 --quiet --out %s", HB_BIN, SYN, csv), 1, "%s", out);
    cr_expect(strstr(out, "diverged"), "%s", out);
    cr_assert_eq(column(csv, "status", st, 4), 1);
    cr_expect_str_eq(st[0], "diverged");
    /* and the defaults of every model are not */
    const char *models[] = {"mf", "mf_bias", "mlp", "mf_bias_bin", "mlp_bin"};
    for (int k = 0; k < 5; k++)
        cr_expect_eq(run(out, sizeof out, "%s train --data %s --model %s --threads 1 --quiet",
                         HB_BIN, SYN, models[k]), 0, "%s: %s", models[k], out);
}
