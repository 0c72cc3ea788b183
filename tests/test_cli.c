/* test_cli.c: the hogbench binary: flag errors, --help, CSV rows, .npy export. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli_run.h"

#define SYN "synthetic:users=120,items=150,ratings=4000"

static char *tmpdir(void) {
    static char d[64];
    snprintf(d, sizeof d, "/tmp/hbcli.XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

Test(cli, help_and_version) {
    char out[8192];
    cr_expect_eq(run(out, sizeof out, "%s train --help", HB_BIN), 0);
    cr_expect(strstr(out, "--model") && strstr(out, "--preset") && strstr(out, "--out"), "%s", out);
    cr_expect_eq(run(out, sizeof out, "%s --version", HB_BIN), 0);
    cr_expect(strstr(out, "hogbench "), "%s", out);
    cr_expect_eq(run(out, sizeof out, "%s frobnicate", HB_BIN), 2);
    cr_expect(strstr(out, "unknown command"), "%s", out);
}

Test(cli, bad_flag_values_are_refused) {
    static const struct {
        const char *args, *expect;
    } cases[] = {
        {"--dim 0", "--dim"},          {"--dim abc", "--dim"},
        {"--epochs -3", "--epochs"},   {"--lr nan", "--lr"},
        {"--lr -1", "--lr"},           {"--threads 0", "--threads"},
        {"--model svd", "--model"},    {"--optimizer adam", "--optimizer"},
        {"--preset fast", "--preset"}, {"--isa sse9", "--isa"},
        {"--batch 0", "--batch"},      {"--bogus", "unknown option"},
        {"--dim", "missing value"},    {"--activation tanh", "--activation"},
        {"--schedule random", "--schedule"},
    };
    char out[8192];
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        int rc = run(out, sizeof out, "%s train --data %s %s", HB_BIN, SYN, cases[c].args);
        cr_expect_eq(rc, 2, "'%s' exited %d: %s", cases[c].args, rc, out);
        cr_expect(strstr(out, cases[c].expect), "'%s': message lacks '%s': %s", cases[c].args,
                  cases[c].expect, out);
    }
}

Test(cli, bad_data_directory_is_refused_without_writing) {
    char out[8192], csv[128];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    int rc = run(out, sizeof out, "%s train --data /nonexistent/ml --out %s", HB_BIN, csv);
    cr_expect_neq(rc, 0);
    cr_expect(strstr(out, "/nonexistent/ml"), "%s", out);
    cr_expect_neq(access(csv, F_OK), 0, "a results file was written for a failed run");
}

Test(cli, csv_rows_append_with_one_header) {
    char out[16384], csv[128];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir());
    for (int k = 0; k < 2; k++) {
        int rc = run(out, sizeof out, "%s train --data %s --model mf --epochs 2 --threads 1 "
                     "--out %s --quiet", HB_BIN, SYN, csv);
        cr_assert_eq(rc, 0, "%s", out);
    }
    FILE *f = fopen(csv, "r");
    cr_assert_not_null(f);
    char line[16384];
    int lines = 0, headers = 0;
    char header[16384] = "";
    while (fgets(line, sizeof line, f)) {
        lines++;
        if (strncmp(line, "model,", 6) == 0) {
            headers++;
            strcpy(header, line);
        }
    }
    fclose(f);
    cr_expect_eq(lines, 3);
    cr_expect_eq(headers, 1);
    static const char *const cols[] = {
        "model", "optimizer", "lr", "reg", "batch", "epochs", "dim", "threads", "seed", "isa",
        "preset", "dataset", "split", "dataset_xxh3", "train_seconds", "updates_per_second",
        "eval_seconds", "rmse", "mae", "ndcg_at_10", "ndcg_at_20", "ndcg_at_30", "ndcg_at_100",
        "ndcg_protocol", "status", "schedule", "git_sha", "cpu_model"};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
        char needle[64];
        snprintf(needle, sizeof needle, ",%s,", cols[c]);
        char padded[16400];
        snprintf(padded, sizeof padded, ",%s", header);
        padded[strcspn(padded, "\n")] = ',';
        cr_expect(strstr(padded, needle), "column %s missing from %s", cols[c], header);
    }
}

Test(cli, save_model_writes_npy) {
    char out[16384], dir[128];
    snprintf(dir, sizeof dir, "%s/m", tmpdir());
    int rc = run(out, sizeof out, "%s train --data %s --model mlp --epochs 1 --threads 1 "
                 "--save-model %s --quiet", HB_BIN, SYN, dir);
    cr_assert_eq(rc, 0, "%s", out);
    static const char *const files[] = {"user_factors.npy", "item_factors.npy", "users.npy",
                                        "items.npy", "dense0_W.npy", "dense3_b.npy", "model.json"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[k]);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "%s missing", path);
        unsigned char magic[10] = {0};
        size_t n = fread(magic, 1, 10, f);
        fclose(f);
        if (strstr(files[k], ".npy")) {
            cr_expect(n == 10 && magic[0] == 0x93 && memcmp(magic + 1, "NUMPY", 5) == 0, "%s", path);
            cr_expect_eq((10 + magic[8] + 256 * magic[9]) % 64, 0, "%s: header not 64-aligned", path);
        }
    }
}

/* isa, version and help take no flags: an unknown one is a usage error, not ignored. */
Test(cli, isa_version_and_help_refuse_unknown_flags) {
    static const char *const cmds[] = {"isa --foo", "version --foo", "version extra", "help --foo",
                                       "isa --threads 2"};
    char out[8192];
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        cr_expect_eq(run(out, sizeof out, "%s %s", HB_BIN, cmds[k]), 2, "'%s': %s", cmds[k], out);
        cr_expect(strstr(out, "takes no arguments"), "'%s': %s", cmds[k], out);
    }
    cr_expect_eq(run(out, sizeof out, "%s isa --foo", HB_BIN), 2);
    cr_expect_str_eq(out, "hogbench isa: unknown option '--foo' (it takes no arguments; see "
                          "'hogbench help')\n");
    cr_expect_eq(run(out, sizeof out, "%s isa", HB_BIN), 0, "%s", out);
    cr_expect(strstr(out, "scalar") && strstr(out, "best"), "%s", out);
    cr_expect_eq(run(out, sizeof out, "%s version", HB_BIN), 0, "%s", out);
    cr_expect_eq(run(out, sizeof out, "%s isa --help", HB_BIN), 0, "%s", out);
}

/* Every flag whose effect depends on the model, optimizer, batch, init or schedule is refused
 * where it has none (it would only change the run key), with the reason; where it has one it is
 * accepted. The list is every case of src/cli/flags_apply.c. */
Test(cli, flags_that_do_not_apply_are_refused) {
    static const struct {
        const char *args, *msg;
    } bad[] = {
        {"--model mf --hidden 100", "--hidden 100 does not apply to this run: mf has no hidden "
         "layers (it applies to mlp and mlp_bin)"},
        {"--model mf_bias --activation relu", "--activation relu does not apply to this run: "
         "mf_bias has no hidden layers (it applies to mlp and mlp_bin)"},
        {"--model mf_bias_bin --layers 2", "--layers 2 does not apply to this run: mf_bias_bin has "
         "no hidden layers (it applies to mlp and mlp_bin)"},
        {"--model mlp --global-mean", "--global-mean does not apply to this run: mlp has no global "
         "mean term (it applies to mf_bias and svdpp)"},
        {"--model mf_bias_bin --no-global-mean", "--no-global-mean does not apply to this run: "
         "mf_bias_bin has no global mean term (it applies to mf_bias and svdpp)"},
        {"--model mf --reg-bias 0.1", "--reg-bias 0.1 does not apply to this run: mf has no biases "
         "(it applies to mf_bias, mf_bias_bin and svdpp)"},
        {"--model mlp_bin --reg-bias 0", "--reg-bias 0 does not apply to this run: mlp_bin has no "
         "biases (it applies to mf_bias, mf_bias_bin and svdpp)"},
        {"--model mf_bias --optimizer nadam --reg-rows", "--reg-rows does not apply to this run: "
         "mf_bias with nadam, batch 1 is not per-sample SGD on mf or mf_bias (it applies with "
         "--optimizer sgd --batch 1)"},
        {"--model mf --batch 16 --reg-rows", "--reg-rows does not apply to this run: mf with sgd, "
         "batch 16 is not per-sample SGD on mf or mf_bias (it applies with --optimizer sgd --batch 1)"},
        {"--model mf_bias_bin --optimizer sgd --batch 1 --reg-rows", "--reg-rows does not apply to "
         "this run: mf_bias_bin with sgd, batch 1 is not per-sample SGD on mf or mf_bias (it "
         "applies with --optimizer sgd --batch 1)"},
        {"--model mlp --init-std 0.1", "--init-std 0.1 does not apply to this run: mlp's "
         "embeddings start keras-uniform (it applies with --init normal "
         "or uniform)"},
        {"--model mf --init keras --init-std 0.1", "--init-std 0.1 does not apply to this run: "
         "mf's embeddings start keras-uniform (it applies with --init normal "
         "or uniform)"},
        {"--model mlp_bin --init-offset mean", "--init-offset mean does not apply to this run: "
         "mlp_bin's output is a probability (mean applies to mf, mf_bias, mf_bias_bin and mlp)"},
        {"--model mlp --init-offset bias-dims", "--init-offset bias-dims does not apply to this run: "
         "mlp has no MF factors to turn into biases (bias-dims applies to mf, mf_bias and "
         "mf_bias_bin)"},
        {"--model mf_bias --dim 1 --init-offset bias-dims", "--init-offset bias-dims does not apply "
         "to this run: bias-dims needs two factors (--dim 2 or more; this run's is 1)"},
        {"--schedule hogwild --blocks 8", "--blocks 8 does not apply to this run: the schedule is "
         "hogwild (it sets the grid of the blocked schedules)"},
        {"--model mf --rounding nearest", "--rounding nearest does not apply to this run: f32 "
         "tables round nothing (it applies with --storage bf16 or f16)"},
        {"--model svdpp --blocks 2", "--blocks 2 does not apply to this run: svdpp visits user by "
         "user (it sets the grid of the blocked schedules)"},
        {"--model svdpp --reg-rows", "--reg-rows does not apply to this run: svdpp with sgd, batch "
         "1 is not per-sample SGD on mf or mf_bias (it applies with --optimizer sgd --batch 1)"},
        {"--model mf --optimizer adagrad-row --reg-rows", "--reg-rows does not apply to this run: "
         "mf with adagrad-row, batch 1 is not per-sample SGD on mf or mf_bias (it applies with "
         "--optimizer sgd --batch 1)"},
    };
    char out[8192], csv[160], want[512];
    const char *dir = tmpdir();
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        snprintf(csv, sizeof csv, "%s/r%zu.csv", dir, k);
        int rc = run(out, sizeof out, "%s train --data %s %s --epochs 1 --threads 1 --out %s",
                     HB_BIN, SYN, bad[k].args, csv);
        cr_expect_eq(rc, 2, "'%s' exited %d: %s", bad[k].args, rc, out);
        snprintf(want, sizeof want, "hogbench train: %s\n", bad[k].msg);
        cr_expect_str_eq(out, want, "'%s'", bad[k].args);
        cr_expect_neq(access(csv, F_OK), 0, "'%s' wrote a row", bad[k].args);
    }
    static const char *const good[] = {
        "--model mlp --activation linear --hidden 8 --layers 1 --init-offset none",
        "--model mlp_bin --hidden 8 --init normal --init-std 0.1",
        "--model mf --init uniform --init-std 0.13", /* LIBMF's uniform(0, std) start */
        "--model mf_bias --global-mean --reg-bias 0.01 --reg-rows --init-offset mean",
        "--model mf --init-offset bias-dims --dim 2 --reg-rows",
        "--model mf_bias_bin --reg-bias 0.01 --init-offset bias-dims",
        "--model mlp --init-offset mean --schedule blocked-shuffle --blocks 2",
        "--model mf_bias --storage bf16 --rounding nearest",
        "--model mf --storage f16 --optimizer adagrad-row --rounding stochastic",
    };
    for (size_t k = 0; k < sizeof good / sizeof *good; k++) {
        int rc = run(out, sizeof out, "%s train --data %s %s --epochs 1 --threads 1 --quiet",
                     HB_BIN, SYN, good[k]);
        cr_expect_eq(rc, 0, "'%s' exited %d: %s", good[k], rc, out);
    }
}

/* Bad usage exits 2 in every command, a data error 1. */
Test(cli, usage_errors_exit_2_everywhere) {
    static const char *const cmds[] = {
        "data info --split foo " SYN, "data info " SYN " --split u1", "train --data " SYN " --split foo",
        "train --data " SYN " --split u1", "train --data synthetic:users=abc", "data info synthetic:bogus=1",
    };
    char out[8192];
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        const int rc = run(out, sizeof out, "%s %s", HB_BIN, cmds[k]);
        cr_expect_eq(rc, 2, "'%s' exited %d: %s", cmds[k], rc, out);
    }
    cr_expect_eq(run(out, sizeof out, "%s data info /nonexistent/ratings.csv", HB_BIN), 1, "%s", out);
}

/* svdpp trains by per-sample SGD on one process: other optimizers and mini-batches are refused
 * before any data is read, with what it takes. */
Test(cli, svdpp_refuses_what_it_does_not_implement) {
    static const struct {
        const char *args, *msg;
    } bad[] = {
        {"--optimizer nadam", "hogbench: svdpp trains by per-sample SGD only (--optimizer sgd "
         "--batch 1; got nadam, batch 1)\n"},
        {"--batch 64", "hogbench: svdpp trains by per-sample SGD only (--optimizer sgd --batch 1; "
         "got sgd, batch 64)\n"},
        {"--optimizer adagrad", "hogbench: --optimizer adagrad: implemented in the fused "
         "per-sample kernels: mf and mf_bias with --batch 1 (got svdpp, batch 1)\n"},
    };
    char out[8192], csv[160];
    const char *dir = tmpdir();
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        snprintf(csv, sizeof csv, "%s/s%zu.csv", dir, k);
        int rc = run(out, sizeof out, "%s train --data %s --model svdpp %s --epochs 1 --threads 1 "
                     "--out %s", HB_BIN, SYN, bad[k].args, csv);
        cr_expect_eq(rc, 2, "'%s' exited %d: %s", bad[k].args, rc, out);
        cr_expect_str_eq(out, bad[k].msg, "'%s'", bad[k].args);
        cr_expect_neq(access(csv, F_OK), 0, "'%s' wrote a row", bad[k].args);
    }
    /* and trains with the rest, 1 or 2 threads */
    for (int t = 1; t <= 2; t++) {
        snprintf(csv, sizeof csv, "%s/s_ok%d.csv", dir, t);
        int rc = run(out, sizeof out, "%s train --data %s --model svdpp --dim 8 --epochs 2 "
                     "--threads %d --quiet --out %s", HB_BIN, SYN, t, csv);
        cr_expect_eq(rc, 0, "svdpp, %d threads, exited %d: %s", t, rc, out);
        cr_expect_eq(access(csv, F_OK), 0, "svdpp, %d threads: no row", t);
    }
}
