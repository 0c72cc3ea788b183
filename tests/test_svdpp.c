/* test_svdpp.c: SVD++ (src/model_svdpp.c): the fold of the implicit term into P against values
 * worked by hand, training on planted data, one-thread reproducibility, evaluation between
 * epochs leaving training untouched, and the refusals of what it does not implement. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model.h"
#include "planted.h"

static hb_model *svdpp_model(const hb_dataset *ds, uint32_t dim) {
    hb_train_params p = hb_params_standard(HB_MODEL_SVDPP);
    p.dim = dim;
    p.threads = 1;
    hb_model *m = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    return m;
}

/* P_eff = p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j, worked by hand for three users (two items,
 * none, one) at dim 3; every other user has no items and keeps p_u. */
Test(svdpp, fold_matches_hand_computed) {
    hb_dataset *ds = planted(40, 60, 800);
    hb_model *m = svdpp_model(ds, 3);
    const size_t ld = m->ld, nu = m->n_users, ni = m->n_items;
    float *p = calloc(nu * ld, sizeof *p), *y = calloc(ni * ld, sizeof *y);
    uint32_t *off = calloc(nu + 1, sizeof *off);
    cr_assert(p && y && off);
    for (size_t u = 0; u < nu; u++)
        for (size_t f = 0; f < 3; f++) p[u * ld + f] = (float)(0.1 * (double)u + (double)f);
    const float y1[3] = {4, 0, -2}, y2[3] = {0, 2, 2}, y7[3] = {-1, 0.5f, 3};
    memcpy(y + 1 * ld, y1, sizeof y1);
    memcpy(y + 2 * ld, y2, sizeof y2);
    memcpy(y + 7 * ld, y7, sizeof y7);
    y[5 * ld] = 100; /* in nobody's N(u): must not show */
    const uint32_t items[] = {1, 2, 7};
    off[1] = 2, off[2] = 2; /* user 0: {1, 2}, user 1: {} */
    for (size_t u = 3; u <= nu; u++) off[u] = 3; /* user 2: {7}, the rest: {} */
    hb_svdpp_fold(m, p, y, off, items, 1);
    const double r2 = 1 / sqrt(2.0);
    const double want[3][3] = {{0 + 4 * r2, 1 + 2 * r2, 2 + 0 * r2},
                               {0.1, 1.1, 2.1},
                               {0.2 - 1, 1.2 + 0.5, 2.2 + 3}};
    for (size_t u = 0; u < nu; u++)
        for (size_t f = 0; f < 3; f++) {
            const double w = u < 3 ? want[u][f] : 0.1 * (double)u + (double)f;
            cr_expect(fabs(m->P[u * ld + f] - w) < 1e-5, "user %zu factor %zu: %g, expected %g", u,
                      f, m->P[u * ld + f], w);
        }
    free(p);
    free(y);
    free(off);
    hb_model_free(&m);
    hb_dataset_free(&ds);
}

static double mean_baseline(const hb_dataset *ds) {
    double s = 0, se = 0;
    for (size_t k = 0; k < ds->n_train; k++) s += ds->train[k].r;
    const double mu = s / (double)ds->n_train;
    for (size_t k = 0; k < ds->n_test; k++) se += (ds->test[k].r - mu) * (ds->test[k].r - mu);
    return sqrt(se / (double)ds->n_test);
}

static void train(const hb_train_params *p, const hb_dataset *ds, hb_train_result *res,
                  uint64_t *hash) {
    hb_model *m = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(p, ds, &m, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(hb_train(m, ds, NULL, NULL, res, &err), HB_OK, "%s", err.msg);
    *hash = hb_model_hash(m);
    hb_model_free(&m);
}

/* It learns (well under the mean predictor), one thread is bit-for-bit reproducible, another
 * seed differs, and evaluating every epoch (which reads the folded P) changes nothing. */
Test(svdpp, learns_and_is_reproducible) {
    hb_dataset *ds = planted(300, 400, 20000);
    const double base = mean_baseline(ds);
    hb_train_params p = hb_params_standard(HB_MODEL_SVDPP);
    p.dim = 32;
    p.epochs = 20;
    p.lr = 0.03f; /* the standard preset's 0.01 is slow on planted data */
    p.threads = 1;
    hb_train_result r1, r2, r3, r4;
    uint64_t h1, h2, h3, h4;
    train(&p, ds, &r1, &h1);
    train(&p, ds, &r2, &h2);
    p.eval_every = 1;
    train(&p, ds, &r3, &h3);
    p.eval_every = 0;
    p.seed = 7;
    train(&p, ds, &r4, &h4);
    cr_expect(r1.metrics.rmse < 0.85 * base, "rmse %.4f vs mean baseline %.4f", r1.metrics.rmse,
              base);
    cr_expect_eq(h1, h2, "two 1-thread runs differ");
    cr_expect_eq(r1.metrics.rmse, r2.metrics.rmse);
    cr_expect_eq(h1, h3, "evaluating every epoch changed the model");
    cr_expect_eq(r1.metrics.rmse, r3.metrics.rmse);
    cr_expect_neq(h1, h4, "another seed gave the same model");
    /* 2 threads (Hogwild over users) learn as well */
    p.seed = 42;
    p.threads = 2;
    train(&p, ds, &r4, &h4);
    cr_expect(r4.metrics.rmse < 0.85 * base, "2 threads: rmse %.4f vs mean baseline %.4f",
              r4.metrics.rmse, base);
    hb_dataset_free(&ds);
}

Test(svdpp, refuses_other_optimizers_and_batches) {
    hb_error err;
    hb_train_params p = hb_params_standard(HB_MODEL_SVDPP);
    p.optimizer = HB_OPT_NADAM;
    cr_expect_eq(hb_params_check(&p, &err), HB_ERR_ARG);
    cr_expect(strstr(err.msg, "svdpp trains by per-sample SGD only"), "%s", err.msg);
    p = hb_params_standard(HB_MODEL_SVDPP);
    p.batch = 8;
    cr_expect_eq(hb_params_check(&p, &err), HB_ERR_ARG);
    p = hb_params_standard(HB_MODEL_SVDPP);
    p.reg_rows = 1;
    cr_expect_eq(hb_params_check(&p, &err), HB_ERR_ARG);
    p = hb_params_notebook(HB_MODEL_SVDPP); /* the notebook's Nadam: the seed preset has no svdpp */
    cr_expect_eq(hb_params_check(&p, &err), HB_ERR_ARG);
    p = hb_params_default(HB_MODEL_SVDPP);
    cr_expect_eq(hb_params_check(&p, &err), HB_OK, "%s", err.msg);
}
