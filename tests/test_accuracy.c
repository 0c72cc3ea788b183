/* test_accuracy.c: hogbench's defaults against the seed notebook on MovieLens 100K u1 (needs
 * HOGBENCH_DATA). The bars are ../shared/reference/seed-reference-u1.csv, the notebook's five
 * models replayed in PyTorch (2 threads, 10 epochs, the seed's hyperparameters):
 *   mf 0.9673 / 0.1130, mf_bias 0.9595 / 0.1307, mlp 0.9650 / 0.0215 (RMSE / NDCG@10),
 *   mf_bias_bin NDCG@10 0.1967, mlp_bin NDCG@10 0.0091. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "hogbench/hogbench.h"

/* One thread: the MF models are bit-identical run to run at any thread count, but 2-thread MLP
 * runs apply their dense steps in whatever order the threads reach the lock, so their RMSE
 * depends on the machine's load (u1: 0.952-0.961 quiet, 0.969 with 5 other builds running);
 * a test must give one answer. The 2-thread figures are in README's defaults table. */
static hb_train_result run_params(hb_train_params p, int standard) {
    const char *dir = getenv("HOGBENCH_DATA");
    if (!dir || !*dir) cr_skip_test("HOGBENCH_DATA is not set: skipping the MovieLens accuracy test");
    hb_dataset *ds = NULL;
    hb_error err;
    hb_load_opts o = hb_load_opts_default(); /* the one loader: ML-100K's predefined u1 */
    snprintf(o.split, sizeof o.split, "u1");
    o.notebook_filter = !standard; /* the standard protocol: every u1.base rating, no filter */
    cr_assert_eq(hb_dataset_load(dir, &o, &ds, &err), HB_OK, "%s", err.msg);
    p.threads = 1;
    hb_model *m = NULL;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    hb_train_result res;
    cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
    hb_model_free(&m);
    hb_dataset_free(&ds);
    return res;
}
static hb_train_result run_preset(hb_model_kind k, int standard) {
    return run_params(standard ? hb_params_standard(k) : hb_params_default(k), standard);
}
static hb_train_result run_default(hb_model_kind k) { return run_preset(k, 0); }

Test(accuracy_u1, mf_beats_the_seed) {
    hb_train_result r = run_default(HB_MODEL_MF);
    cr_expect(r.metrics.rmse < 0.9673, "rmse %.4f", r.metrics.rmse);
    cr_expect(r.metrics.ndcg[0] > 0.1130, "ndcg@10 %.4f", r.metrics.ndcg[0]);
}

/* Issue #12's bar for a validation-tuned plain p.q model on u1: 0.9420. The defaults (SGD from a
 * uniform start) reach 0.9418-0.9424 over seeds 42, 1, 2, 3; LIBMF's recipe (row-wise AdaGrad from a tiny non-negative uniform start, no offsets),
 * chosen on bench/tune/notebook_mf.sh's validation folds only (round 4: 0.9378 there), reaches
 * it (0.9391-0.9407 over seeds 42, 1, 2, 3). It is not the default: its NDCG@10 (0.056-0.061)
 * is under the seed's 0.1130, which mf_beats_the_seed holds the defaults above. */
Test(accuracy_u1, mf_libmf_recipe_meets_the_issue_bar) {
    hb_train_params p = hb_params_default(HB_MODEL_MF);
    p.optimizer = HB_OPT_ADAGRAD_ROW;
    p.init = HB_INIT_UNIFORM;
    p.init_std = 0.015f;
    p.init_offset = 0;
    p.lr = 0.02f;
    p.lr_decay = 0;
    p.reg = 0.05f;
    p.dim = 512;
    p.epochs = 50;
    hb_train_result r = run_params(p, 0);
    cr_expect(r.metrics.rmse <= 0.9420, "rmse %.4f", r.metrics.rmse);
}

Test(accuracy_u1, mf_bias_beats_the_seed) {
    hb_train_result r = run_default(HB_MODEL_MF_BIAS);
    cr_expect(r.metrics.rmse < 0.9595, "rmse %.4f", r.metrics.rmse);
    cr_expect(r.metrics.ndcg[0] > 0.1307, "ndcg@10 %.4f", r.metrics.ndcg[0]);
}

Test(accuracy_u1, mlp_beats_the_seed) {
    hb_train_result r = run_default(HB_MODEL_MLP);
    cr_expect(r.metrics.ndcg[0] > 0.0215, "ndcg@10 %.4f", r.metrics.ndcg[0]);
    cr_expect(r.metrics.rmse < 0.9650, "rmse %.4f", r.metrics.rmse);
}

Test(accuracy_u1, mlp_bin_ranks_better_than_the_seed) {
    hb_train_result r = run_default(HB_MODEL_MLP_BIN);
    cr_expect(r.metrics.ndcg[0] > 0.0091, "ndcg@10 %.4f", r.metrics.ndcg[0]);
}

Test(accuracy_u1, mf_bias_bin_ranks_better_than_the_seed) {
    hb_train_result r = run_default(HB_MODEL_MF_BIAS_BIN);
    cr_expect(r.metrics.ndcg[0] > 0.1967, "ndcg@10 %.4f", r.metrics.ndcg[0]);
}

/* The standard protocol (no filter, 80K training ratings): tuned LIBMF reaches 0.9150 on u1
 * (README, "The standard protocol"); its defaults must stay ahead of it. */
Test(accuracy_u1, standard_mf_bias_beats_tuned_libmf) {
    hb_train_result r = run_preset(HB_MODEL_MF_BIAS, 1);
    cr_expect(r.metrics.rmse < 0.9150, "rmse %.4f", r.metrics.rmse);
}

/* The standard protocol's default model, svdpp: issue #12's bar, u1 <= 0.912 (measured 0.9057,
 * seeds 1-3 0.9048-0.9056; results/standard-protocol-u1-u5.csv). */
Test(accuracy_u1, standard_svdpp_meets_the_u1_bar) {
    hb_train_result r = run_preset(HB_MODEL_SVDPP, 1);
    cr_expect(r.metrics.rmse <= 0.912, "rmse %.4f", r.metrics.rmse);
}
