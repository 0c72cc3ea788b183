/* test_protocol.c: what a run is scored on: the split's own seed (independent of the training
 * seed), recorded in the row. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cli_run.h"

/* A ratings file without predefined splits: random:F splits it. */
static const char *ratings_file(void) {
    static char path[] = "/tmp/hb_test_protocol_ratings.csv";
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "userId,movieId,rating,timestamp\n");
    for (int u = 1; u <= 60; u++)
        for (int i = 1; i <= 40; i++)
            if ((u * 7 + i * 13) % 5 < 3) fprintf(f, "%d,%d,%d,%d\n", u, i, 1 + (u * i) % 5, u * 100 + i);
    fclose(f);
    return path;
}

static void col(const char *csv, const char *name, char *out, size_t cap) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "python3 -c \"import csv; print(' '.join(x['%s'] for x in "
             "csv.DictReader(open('%s'))))\"", name, csv);
    cr_assert_eq(run(out, cap, "%s", cmd), 0, "%s", out);
    out[strcspn(out, "\n")] = '\0';
}

/* --seed 1 and --seed 2 train differently but are scored on the same test set; the split spec's
 * seed moves the test set, and the split column records it. */
Test(protocol, split_seed_is_independent_of_the_training_seed) {
    const char *data = ratings_file(), *csv = "/tmp/hb_test_protocol.csv";
    remove(csv);
    char out[8192];
    for (int s = 1; s <= 2; s++)
        cr_assert_eq(run(out, sizeof out, "%s train --data %s --model mf_bias --epochs 2 "
                         "--threads 1 --seed %d --quiet --out %s", HB_BIN, data, s, csv), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "%s train --data %s --split random:0.2:7 --model mf_bias "
                     "--epochs 2 --threads 1 --seed 1 --quiet --out %s", HB_BIN, data, csv), 0,
                 "%s", out);
    char x[256], sp[256], rm[256];
    col(csv, "dataset_xxh3", x, sizeof x);
    col(csv, "split", sp, sizeof sp);
    col(csv, "rmse", rm, sizeof rm);
    char a[3][32];
    cr_assert_eq(sscanf(x, "%31s %31s %31s", a[0], a[1], a[2]), 3, "%s", x);
    cr_expect_str_eq(a[0], a[1], "seeds 1 and 2 must share the split: %s", x);
    cr_expect_str_neq(a[0], a[2], "another split seed must move the test set: %s", x);
    cr_expect_str_eq(sp, "random:0.2:42 random:0.2:42 random:0.2:7", "%s", sp);
    char r[2][32];
    cr_assert_eq(sscanf(rm, "%31s %31s", r[0], r[1]), 2);
    cr_expect_str_neq(r[0], r[1], "different training seeds train different models: %s", rm);
    remove(csv);
    remove(data);
}
