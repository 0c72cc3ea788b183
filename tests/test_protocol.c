/* test_protocol.c: what a run is scored on: the split's own seed (independent of the training
 * seed), recorded in the row. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "model.h"

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

/* --cold-rows score: the cold test rows are kept apart with their unknown side HB_COLD, and the
 * scored RMSE is the warm rows' squared errors plus the cold rows' against the train mean plus
 * the known side's bias (the unknown side's: the mean of its biases), recomputed here by hand. */

Test(protocol, cold_rows_are_scored_with_the_known_bias) {
    const char *path = "/tmp/hb_test_protocol_cold.csv";
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "userId,movieId,rating,timestamp\n");
    for (int u = 1; u <= 80; u++)
        for (int i = 1; i <= 50; i++)
            if ((u * 7 + i * 13) % 5 < 2) fprintf(f, "%d,%d,%d,%d\n", u, i, 1 + (u + i) % 5, u + i);
    /* users and items with one rating each: in test, they are cold */
    for (int j = 0; j < 40; j++) fprintf(f, "%d,%d,%d,%d\n", 1001 + j, 1 + j % 40, 1 + j % 5, j);
    for (int j = 0; j < 40; j++) fprintf(f, "%d,%d,%d,%d\n", 1 + j % 70, 2001 + j, 1 + (j + 2) % 5, j);
    fclose(f);
    hb_load_opts o = hb_load_opts_default();
    hb_error err;
    cr_assert_eq(hb_load_opts_set(&o, "split", "random:0.3:5", &err), HB_OK, "%s", err.msg);
    cr_assert_eq(hb_load_opts_set(&o, "seed-filter", "no", &err), HB_OK, "%s", err.msg);
    hb_dataset *ds = NULL;
    cr_assert_eq(hb_dataset_load(path, &o, &ds, &err), HB_OK, "%s", err.msg);
    /* about 30% of the single ratings land in test: cold rows, else the test proves nothing */
    cr_assert(ds->n_test_cold > 0 && ds->test_cold, "cold rows %zu", ds->n_test_cold);
    hb_train_params p = hb_params_default(HB_MODEL_MF_BIAS);
    p.threads = 1;
    p.epochs = 5;
    hb_model *m = NULL;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    hb_train_result res;
    cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
    hb_metrics warm, all;
    cr_assert_eq(hb_evaluate(m, ds, 1, &warm, NULL), HB_OK);
    m->p.cold_rows = 1;
    cr_assert_eq(hb_evaluate(m, ds, 1, &all, NULL), HB_OK);
    double mean = 0, mbu = 0, mbi = 0, se = 0;
    for (size_t k = 0; k < ds->n_train; k++) mean += ds->train[k].r;
    mean /= (double)ds->n_train;
    for (uint32_t u = 0; u < ds->n_users; u++) mbu += m->bu[u];
    for (uint32_t i = 0; i < ds->n_items; i++) mbi += m->bi[i];
    mbu /= ds->n_users;
    mbi /= ds->n_items;
    for (size_t k = 0; k < ds->n_test_cold; k++) {
        const hb_rating r = ds->test_cold[k];
        cr_assert(r.u == HB_COLD || r.i == HB_COLD, "a cold row has an unknown side");
        cr_assert(r.u == HB_COLD || r.u < ds->n_users);
        cr_assert(r.i == HB_COLD || r.i < ds->n_items);
        const double pred = r.u == HB_COLD && r.i == HB_COLD
                                ? mean
                                : (r.u == HB_COLD ? mbu : m->bu[r.u]) + (r.i == HB_COLD ? mbi : m->bi[r.i]);
        se += (pred - r.r) * (pred - r.r);
    }
    const double want = sqrt((warm.rmse * warm.rmse * (double)ds->n_test + se) /
                             (double)(ds->n_test + ds->n_test_cold));
    cr_expect(fabs(all.rmse - want) < 1e-5, "scored rmse %.6f, by hand %.6f", all.rmse, want);
    cr_expect(all.rmse != warm.rmse);
    hb_model_free(&m);
    hb_dataset_free(&ds);
    remove(path);
}

/* --no-seed-filter selects the standard protocol's defaults (preset standard); an explicit
 * --preset wins. */
Test(protocol, no_seed_filter_selects_the_standard_defaults) {
    const char *csv = "/tmp/hb_test_protocol_std.csv";
    remove(csv);
    char out[8192];
    const char *d = "--data synthetic:users=150,items=200,ratings=6000 --model mf_bias --threads 1 "
                    "--epochs 2 --quiet";
    cr_assert_eq(run(out, sizeof out, "%s train %s --no-seed-filter --out %s", HB_BIN, d, csv), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "%s train %s --out %s", HB_BIN, d, csv), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "%s train %s --no-seed-filter --preset default --out %s", HB_BIN, d, csv), 0, "%s", out);
    char v[512];
    col(csv, "preset", v, sizeof v);
    cr_expect_str_eq(v, "standard default default");
    col(csv, "global_mean", v, sizeof v);
    const hb_train_params s = hb_params_standard(HB_MODEL_MF_BIAS), p = hb_params_default(HB_MODEL_MF_BIAS);
    char want[64];
    snprintf(want, sizeof want, "%d %d %d", s.global_mean, p.global_mean, p.global_mean);
    cr_expect_str_eq(v, want);
    remove(csv);
}

/* The standard protocol's default model is svdpp (README); --model mf_bias still trains mf_bias
 * with its own standard defaults, and the other presets keep mf_bias as the default. */
Test(protocol, standard_protocol_defaults_to_svdpp) {
    const char *csv = "/tmp/hb_test_protocol_svdpp.csv";
    remove(csv);
    char out[8192];
    const char *d = "--data synthetic:users=150,items=200,ratings=6000 --threads 1 --epochs 2 "
                    "--dim 8 --quiet";
    cr_assert_eq(run(out, sizeof out, "%s train %s --no-seed-filter --out %s", HB_BIN, d, csv), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "%s train %s --no-seed-filter --model mf_bias --out %s", HB_BIN, d, csv), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "%s train %s --out %s", HB_BIN, d, csv), 0, "%s", out);
    /* tune picks its model as train does */
    cr_assert_eq(run(out, sizeof out, "%s tune %s --no-seed-filter --trials 1 --out %s", HB_BIN, d, csv), 0, "%s", out);
    cr_assert_eq(run(out, sizeof out, "%s tune %s --trials 1 --out %s", HB_BIN, d, csv), 0, "%s", out);
    char v[512];
    col(csv, "model", v, sizeof v);
    cr_expect_str_eq(v, "svdpp mf_bias mf_bias svdpp mf_bias");
    col(csv, "preset", v, sizeof v);
    cr_expect_str_eq(v, "standard standard default standard default");
    col(csv, "reg", v, sizeof v);
    const hb_train_params s = hb_params_standard(HB_MODEL_SVDPP), m = hb_params_standard(HB_MODEL_MF_BIAS);
    char want[128];
    snprintf(want, sizeof want, "%.9g %.9g", s.reg, m.reg);
    cr_expect(strncmp(v, want, strlen(want)) == 0, "reg column '%s', expected to start '%s'", v, want);
    remove(csv);
}

/* hogbench tune: the validation split is carved from train only (the test split is never
 * read),
 * the progress lines and the chosen values are printed, and the row says tuned=1 with them. */
Test(protocol, tune_chooses_on_validation_and_marks_the_row) {
    const char *csv = "/tmp/hb_test_protocol_tune.csv";
    remove(csv);
    char out[16384];
    const int rc = run(out, sizeof out, "%s tune --data synthetic:users=200,items=300,ratings=12000 "
                       "--model mf_bias --epochs 6 --trials 3 --threads 1 --out %s", HB_BIN, csv);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "tune: trial  1/3") && strstr(out, "tune: trial  3/3"), "%s", out);
    const char *ch = strstr(out, "tune: chosen lr=");
    cr_assert_not_null(ch, "%s", out);
    float lr, reg;
    unsigned dim, ep;
    cr_assert_eq(sscanf(ch, "tune: chosen lr=%f reg=%f dim=%u epochs=%u", &lr, &reg, &dim, &ep), 4, "%s", ch);
    cr_expect(ep >= 1 && ep <= 9, "epochs within 1.5x the preset's: %u", ep);
    char v[256];
    col(csv, "tuned", v, sizeof v);
    cr_expect_str_eq(v, "1");
    col(csv, "epochs", v, sizeof v);
    cr_expect_eq((unsigned)atoi(v), ep);
    col(csv, "dim", v, sizeof v);
    cr_expect_eq((unsigned)atoi(v), dim);
    /* the validation split: carved from train, same index space, disjoint, warm */
    hb_synth_params sp = hb_synth_default();
    sp.users = 200, sp.items = 300, sp.ratings = 12000;
    hb_dataset *ds = NULL, *vd = NULL;
    hb_error err;
    cr_assert_eq(hb_dataset_synthetic(&sp, &ds, &err), HB_OK);
    cr_assert_eq(hb_dataset_holdout(ds, 0.1, 1, &vd, &err), HB_OK, "%s", err.msg);
    cr_expect(vd->n_train + vd->n_test <= ds->n_train && vd->n_test > ds->n_train / 20);
    cr_expect_eq(vd->n_users, ds->n_users);
    size_t found = 0;
    for (size_t k = 0; k < vd->n_test && k < 50; k++)
        for (size_t j = 0; j < ds->n_train; j++)
            if (ds->train[j].u == vd->test[k].u && ds->train[j].i == vd->test[k].i) {
                found++;
                break;
            }
    cr_expect_eq(found, vd->n_test < 50 ? vd->n_test : 50, "validation rows come from train");
    hb_dataset_free(&vd);
    hb_dataset_free(&ds);
    remove(csv);
}
