/* test_optim.c: the optimizers of src/optim.c: dense Nadam's semantics (every row's moments
 * decay, every row moves, one global step count) against a hand computation, its independence
 * of the thread count, the per-sample L2 of mini-batch steps (Nadam on embeddings trains), and
 * state allocated only for the optimizer in use. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model.h"
#include "planted.h"

static double mean_baseline(const hb_dataset *ds) {
    double s = 0, se = 0;
    for (size_t k = 0; k < ds->n_train; k++) s += ds->train[k].r;
    const double mu = s / (double)ds->n_train;
    for (size_t k = 0; k < ds->n_test; k++) se += (ds->test[k].r - mu) * (ds->test[k].r - mu);
    return sqrt(se / (double)ds->n_test);
}

static double hand_mu(double t) { return 0.9 * (1 - 0.5 * pow(0.96, 0.004 * t)); }

/* Two dense steps by hand (PyTorch's NAdam on a dense table): user row 0 has a gradient in
 * step 1 only; in step 2 its moments decay and it keeps moving on its momentum. Item row 1
 * never has a gradient and never moves. */
Test(optim, dense_nadam_moves_every_row_on_its_momentum) {
    hb_dataset *ds = planted(60, 80, 2000);
    hb_train_params p = hb_params_notebook(HB_MODEL_MF);
    cr_assert_eq(p.nadam, HB_NADAM_DENSE, "the seed preset is the notebook: dense Nadam");
    p.threads = 1;
    hb_model *m = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    cr_assert(m->gPd && m->gQd && !m->tu && !m->Gu, "dense state only");
    const uint32_t d = m->dim, ld = m->ld;
    double w0[64], q1[64], hm[64] = {0}, hv[64] = {0};
    float after1[64];
    for (uint32_t j = 0; j < d; j++) w0[j] = m->P[j], q1[j] = m->Q[ld + j];
    const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    double prod = 1;
    const uint32_t row0 = 0;
    for (int t = 1; t <= 2; t++) {
        double g[64];
        for (uint32_t j = 0; j < d; j++) g[j] = t == 1 ? 0.01 * (double)((int)j - 20) : 0.0;
        if (t == 1)
            for (uint32_t j = 0; j < d; j++) m->gPd[j] = (float)g[j];
        const uint64_t step = hb_optim_dense_emb_step(m, hb_kernels_for(HB_ISA_SCALAR), (float)lr,
                                                      &row0, t == 1 ? 1 : 0, NULL, 0, 1);
        cr_expect_eq(step, (uint64_t)t);
        const double mt = hand_mu(t), mt1 = hand_mu(t + 1);
        prod *= mt;
        for (uint32_t j = 0; j < d; j++) {
            hm[j] = b1 * hm[j] + (1 - b1) * g[j];
            hv[j] = b2 * hv[j] + (1 - b2) * g[j] * g[j];
            const double gh = g[j] / (1 - prod), mh = hm[j] / (1 - prod * mt1);
            const double vh = hv[j] / (1 - pow(b2, t));
            w0[j] -= lr * ((1 - mt) * gh + mt1 * mh) / (sqrt(vh) + eps);
            cr_expect(fabs(m->P[j] - w0[j]) <= 1e-6 * fabs(w0[j]) + 1e-8,
                      "step %d P[0][%u]: %.9g vs hand %.9g", t, j, m->P[j], w0[j]);
            cr_expect_eq(m->gPd[j], 0.0f, "the scattered gradient is cleared");
        }
        if (t == 2) /* moved in step 2 with no gradient of its own */
            for (uint32_t j = 0; j < d; j++)
                if (j != 20) cr_expect_neq(m->P[j], after1[j], "P[0][%u] did not move in step 2", j);
        if (t == 1)
            for (uint32_t j = 0; j < d; j++) after1[j] = m->P[j];
        for (uint32_t j = 0; j < d; j++)
            cr_expect_eq(m->Q[ld + j], (float)q1[j], "an item row without any gradient stays");
    }
    hb_model_free(&m);
    hb_dataset_free(&ds);
}

/* Dense Nadam runs one sequence of steps: the same parameters with 1 and 2 threads. */
Test(optim, dense_nadam_is_thread_count_independent) {
    hb_dataset *ds = planted(200, 300, 12000);
    uint64_t h[2];
    for (int t = 1; t <= 2; t++) {
        hb_train_params p = hb_params_notebook(HB_MODEL_MF_BIAS);
        p.threads = t;
        p.epochs = 2;
        hb_model *m = NULL;
        hb_error err;
        cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
        hb_train_result res;
        cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
        cr_expect_eq(res.blocks, 0, "no grid: one shuffled order");
        h[t - 1] = hb_model_hash(m);
        hb_model_free(&m);
    }
    cr_expect_eq(h[0], h[1], "dense Nadam, 1 vs 2 threads: %016llx vs %016llx",
                 (unsigned long long)h[0], (unsigned long long)h[1]);
    hb_dataset_free(&ds);
}

/* The stall of the issue: MF under lazy Nadam with batch 64 and reg 0.1 stayed at the mean
 * predictor's RMSE or worse when L2 was reg per step against a data gradient divided by the
 * batch size. With L2 per sample it must learn; dense must too. */
Test(optim, nadam_minibatch_mf_trains) {
    hb_dataset *ds = planted(500, 800, 60000);
    const double base = mean_baseline(ds);
    for (int mode = 0; mode < 2; mode++) {
        hb_train_params p = hb_params_default(HB_MODEL_MF);
        p.optimizer = HB_OPT_NADAM;
        p.nadam = mode ? HB_NADAM_DENSE : HB_NADAM_LAZY;
        p.batch = 64;
        p.lr = 0.003f;
        p.reg = 0.1f;
        p.lr_decay = 0;
        p.dim = 32;
        p.epochs = 12;
        p.threads = 2;
        hb_model *m = NULL;
        hb_error err;
        cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
        hb_train_result res;
        cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
        cr_expect(res.metrics.rmse < 0.9 * base, "%s Nadam: rmse %.4f vs mean baseline %.4f",
                  mode ? "dense" : "lazy", res.metrics.rmse, base);
        hb_model_free(&m);
    }
    hb_dataset_free(&ds);
}

/* Optimizer state exists only for the optimizer in use. */
Test(optim, state_only_for_the_optimizer_used) {
    hb_dataset *ds = planted(50, 60, 1500);
    hb_error err;
    const hb_optimizer opts[] = {HB_OPT_SGD, HB_OPT_NADAM, HB_OPT_ADAGRAD, HB_OPT_ADAGRAD_ROW};
    for (size_t o = 0; o < 4; o++) {
        hb_train_params p = hb_params_default(HB_MODEL_MF_BIAS);
        p.optimizer = opts[o];
        hb_model *m = NULL;
        cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
        const int nadam = opts[o] == HB_OPT_NADAM, ada = opts[o] >= HB_OPT_ADAGRAD;
        cr_expect_eq(m->Pm != NULL, nadam, "%s", hb_optimizer_name(opts[o]));
        cr_expect_eq(m->tu != NULL, nadam, "lazy Nadam's step counts");
        cr_expect(m->gPd == NULL, "no dense buffers for lazy Nadam or others");
        cr_expect_eq(m->Gu != NULL && m->Gbu != NULL, ada);
        if (opts[o] == HB_OPT_ADAGRAD_ROW) cr_expect(m->Gu[0] == 1.0f && m->Gbi[0] == 1.0f, "LIBMF starts G at 1");
        if (opts[o] == HB_OPT_ADAGRAD) cr_expect(m->Gu[0] == 0.0f, "AdaGrad starts G at 0");
        hb_model_free(&m);
    }
    hb_train_params p = hb_params_default(HB_MODEL_MLP);
    p.optimizer = HB_OPT_ADAGRAD_ROW;
    hb_model *m = NULL;
    cr_expect_eq(hb_model_create(&p, ds, &m, &err), HB_ERR_ARG, "AdaGrad is for mf/mf_bias batch 1");
    hb_dataset_free(&ds);
}

/* AdaGrad (both) end to end: learns the planted model, and every ISA's fused kernel trains to
 * the scalar table's RMSE (one thread, same seed). */
Test(optim, adagrad_trains_on_every_isa) {
    hb_dataset *ds = planted(300, 400, 20000);
    const double base = mean_baseline(ds);
    const hb_optimizer opts[] = {HB_OPT_ADAGRAD, HB_OPT_ADAGRAD_ROW};
    for (int o = 0; o < 2; o++) {
        double ref = NAN;
        for (int isa = 0; isa < HB_ISA_COUNT; isa++) {
            const hb_kernels *k = hb_kernels_for((hb_isa)isa);
            if (!k) continue;
            hb_train_params p = hb_params_default(HB_MODEL_MF_BIAS);
            p.isa = (hb_isa)isa;
            p.optimizer = opts[o];
            p.lr = opts[o] == HB_OPT_ADAGRAD ? 0.1f : 0.05f;
            p.reg = 0.05f;
            p.epochs = 15;
            p.threads = 1;
            hb_model *m = NULL;
            hb_error err;
            cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
            hb_train_result res;
            cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
            cr_expect(res.metrics.rmse < 0.85 * base, "%s on %s: rmse %.4f vs mean %.4f",
                      hb_optimizer_name(opts[o]), k->name, res.metrics.rmse, base);
            if (isa == HB_ISA_SCALAR) ref = res.metrics.rmse;
            else
                cr_expect(fabs(res.metrics.rmse - ref) < 1e-3, "%s: %s rmse %.6f vs scalar %.6f",
                          hb_optimizer_name(opts[o]), k->name, res.metrics.rmse, ref);
            hb_model_free(&m);
        }
    }
    hb_dataset_free(&ds);
}
