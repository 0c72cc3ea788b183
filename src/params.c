/* params.c: training parameters: the presets (the notebook's, hogbench's tuned defaults, the
 * standard protocol's) and their checks. */
#include <math.h>

#include "model.h"

hb_train_params hb_params_notebook(hb_model_kind k) {
    return (hb_train_params){
        .model = k, .dim = 50, .epochs = 10, .threads = 2, .optimizer = HB_OPT_NADAM,
        .lr = 1e-3f, .lr_decay = 0, .reg = 0, .reg_bias = 0,
        .batch = k == HB_MODEL_MF_BIAS_BIN ? 512 : 128, .seed = 42, .global_mean = 0,
        .activation = HB_ACT_LINEAR, .hidden = 50, .n_hidden = 3, .init = HB_INIT_KERAS,
        .init_std = 0.05f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f, .eval_every = 0,
        .nadam = HB_NADAM_DENSE, .isa = HB_ISA_AUTO,
        /* 16-bit storage rounds stochastically: to nearest, bf16 stalls (README, "16-bit
         * embeddings": ML-100K u1, mf, test RMSE +0.062 against f32; stochastic +0.004) */
        .storage = HB_STORAGE_F32, .rounding = HB_ROUND_STOCHASTIC};
}

/* Tuned on validation data only, never on u1.test: bench/tune/mimic_split.py carves three
 * folds shaped like u1 under the notebook's protocol out of u1.base, and bench/tune/tune.py
 * searched grids on them with 2 threads (README: "How the defaults were chosen"). */
hb_train_params hb_params_default(hb_model_kind k) {
    hb_train_params p = hb_params_notebook(k);
    p.nadam = HB_NADAM_LAZY; /* the fast one; the tuned Nadam defaults were chosen with it */
    switch (k) {
    case HB_MODEL_MF: /* per-sample SGD from a tiny non-negative uniform start, no offsets (p.q
                       * grows the mean first, then the factors L2 lets through);
                       * bench/tune/notebook_mf.sh round 5: val 0.9399, NDCG@10 0.080 */
        p.optimizer = HB_OPT_SGD;
        p.dim = 1024;
        p.epochs = 130;
        p.lr = 0.005f;
        p.lr_decay = 0.02f;
        p.reg = 0.04f;
        p.batch = 1;
        p.init = HB_INIT_UNIFORM;
        p.init_std = 0.015f;
        break;
    case HB_MODEL_MF_BIAS: /* no global mean and L2 per row: rare items shrink and rank low */
        p.optimizer = HB_OPT_SGD;
        p.dim = 128;
        p.epochs = 65;
        p.lr = 0.01f;
        p.reg = 0.15f;
        p.reg_bias = 0.05f;
        p.reg_rows = 1;
        p.batch = 1;
        p.init = HB_INIT_NORMAL;
        p.init_std = 0.1f;
        break;
    case HB_MODEL_MF_BIAS_BIN: /* tuned for NDCG@10 */
        p.optimizer = HB_OPT_NADAM;
        p.dim = 32;
        p.epochs = 4;
        p.lr = 0.002f;
        p.batch = 64;
        break;
    case HB_MODEL_MLP: /* output starts at the train mean; light L2; lr decays per epoch */
        p.dim = 32;
        p.epochs = 11;
        p.lr = 0.002f;
        p.lr_decay = 0.2f;
        p.reg = 0.003f;
        p.batch = 256;
        p.init_offset = 1;
        p.activation = HB_ACT_RELU;
        break;
    case HB_MODEL_MLP_BIN:
        p.dim = 32;
        p.epochs = 3;
        p.batch = 64;
        p.activation = HB_ACT_RELU;
        break;
    case HB_MODEL_SVDPP: /* not tuned for this protocol: the standard protocol's (below) */
        p = hb_params_standard(k);
        break;
    default:
        break;
    }
    return p;
}

/* Chosen on validation only: 10% of each of u1.base..u5.base (ML-100K, no seed filter) held out,
 * the validation RMSE averaged over the five (bench/tune/standard_grid.sh; README). */
hb_train_params hb_params_standard(hb_model_kind k) {
    if (k == HB_MODEL_SVDPP) { /* the standard protocol's default model: mf_bias's standard
                                * settings but for these; y's L2 reg x sqrt(|N(u)|);
                                * bench/tune/svdpp_grid.sh, validation 0.8976 */
        hb_train_params p = hb_params_standard(HB_MODEL_MF_BIAS);
        p.model = k;
        p.batch = 1;
        p.epochs = 30;
        p.reg = 0.07f;
        p.init_std = 0.02f;
        return p;
    }
    hb_train_params p = hb_params_default(k);
    p.model = k;
    switch (k) {
    case HB_MODEL_MF_BIAS: /* per-sample SGD from a tiny init; mean validation RMSE 0.9044 */
        p.optimizer = HB_OPT_SGD;
        p.global_mean = 1;
        p.reg_rows = 0;
        p.dim = 512;
        p.epochs = 50;
        p.lr = 0.01f;
        p.lr_decay = 0.02f;
        p.reg = 0.06f;
        p.reg_bias = 0.05f;
        p.init = HB_INIT_NORMAL;
        p.init_std = 0.005f;
        break;
    default:
        break;
    }
    return p;
}

hb_status hb_params_check(const hb_train_params *p, hb_error *err) {
    if ((unsigned)p->model >= HB_MODEL_COUNT) return hb_fail(err, HB_ERR_ARG, "unknown model");
    if (p->dim < 1 || p->dim > 4096)
        return hb_fail(err, HB_ERR_ARG, "--dim %u: expected 1..4096", p->dim);
    if (p->epochs < 1 || p->epochs > 100000)
        return hb_fail(err, HB_ERR_ARG, "--epochs %u: expected 1..100000", p->epochs);
    if (p->threads < 1 || p->threads > 1024)
        return hb_fail(err, HB_ERR_ARG, "--threads %d: expected 1..1024", p->threads);
    if (!(p->lr > 0) || !isfinite(p->lr))
        return hb_fail(err, HB_ERR_ARG, "--lr %g: expected a positive number", p->lr);
    if (!(p->reg >= 0) || !isfinite(p->reg) || !(p->reg_bias >= 0) || !isfinite(p->reg_bias))
        return hb_fail(err, HB_ERR_ARG, "--reg: expected a non-negative number");
    if (!(p->lr_decay >= 0) || !isfinite(p->lr_decay))
        return hb_fail(err, HB_ERR_ARG, "--lr-decay %g: expected a non-negative number",
                       p->lr_decay);
    if (p->batch < 1 || p->batch > 1u << 20)
        return hb_fail(err, HB_ERR_ARG, "--batch %u: expected 1..1048576", p->batch);
    if (p->hidden < 1 || p->hidden > 4096 || p->n_hidden < 1 ||
        p->n_hidden > HB_MLP_MAX_LAYERS - 1)
        return hb_fail(err, HB_ERR_ARG, "--hidden/--layers: expected 1..4096 units and 1..%d "
                       "hidden layers", HB_MLP_MAX_LAYERS - 1);
    if (!(p->beta1 >= 0 && p->beta1 < 1) || !(p->beta2 >= 0 && p->beta2 < 1) || !(p->eps > 0))
        return hb_fail(err, HB_ERR_ARG, "Nadam: expected 0 <= beta1, beta2 < 1 and eps > 0");
    if ((unsigned)p->optimizer >= HB_OPT_COUNT) return hb_fail(err, HB_ERR_ARG, "unknown optimizer");
    if ((p->optimizer == HB_OPT_ADAGRAD || p->optimizer == HB_OPT_ADAGRAD_ROW) &&
        (p->batch != 1 || !(p->model == HB_MODEL_MF || p->model == HB_MODEL_MF_BIAS)))
        return hb_fail(err, HB_ERR_ARG, "--optimizer %s: implemented in the fused per-sample "
                       "kernels: mf and mf_bias with --batch 1 (got %s, batch %u)",
                       hb_optimizer_name(p->optimizer), hb_model_name(p->model), p->batch);
    if (p->model == HB_MODEL_SVDPP && (p->optimizer != HB_OPT_SGD || p->batch != 1))
        return hb_fail(err, HB_ERR_ARG, "svdpp trains by per-sample SGD only (--optimizer sgd "
                       "--batch 1; got %s, batch %u)", hb_optimizer_name(p->optimizer), p->batch);
    if (p->model == HB_MODEL_SVDPP && p->reg_rows)
        return hb_fail(err, HB_ERR_ARG, "svdpp has no per-row L2 weights (--reg-rows)");
    if ((unsigned)p->nadam > HB_NADAM_DENSE) return hb_fail(err, HB_ERR_ARG, "unknown --nadam mode");
    if ((unsigned)p->target >= HB_TARGET_COUNT || !(p->target_value >= 0) ||
        !isfinite(p->target_value))
        return hb_fail(err, HB_ERR_ARG, "--target: unknown metric or value");
    if ((p->target == HB_TARGET_LOGLOSS || p->target == HB_TARGET_AUC) &&
        !hb_model_is_binary(p->model))
        return hb_fail(err, HB_ERR_ARG, "--target %s: only the binary models (mf_bias_bin, "
                       "mlp_bin) have one; expected rmse, mae or ndcg_at_10 for %s",
                       hb_target_name(p->target), hb_model_name(p->model));
    if ((unsigned)p->storage >= HB_STORAGE_COUNT) return hb_fail(err, HB_ERR_ARG, "unknown --storage");
    if ((unsigned)p->rounding >= HB_ROUND_COUNT) return hb_fail(err, HB_ERR_ARG, "unknown --rounding");
    if (p->storage != HB_STORAGE_F32 &&
        !((p->model == HB_MODEL_MF || p->model == HB_MODEL_MF_BIAS) && p->batch == 1 &&
          (p->optimizer == HB_OPT_SGD || p->optimizer == HB_OPT_ADAGRAD_ROW)))
        return hb_fail(err, HB_ERR_ARG, "--storage %s: 16-bit embeddings are implemented in the "
                       "fused per-sample kernels: mf and mf_bias with --optimizer sgd or "
                       "adagrad-row and --batch 1 (got %s, %s, batch %u); use --storage f32",
                       hb_storage_name(p->storage), hb_model_name(p->model),
                       hb_optimizer_name(p->optimizer), p->batch);
    if ((unsigned)p->init > HB_INIT_UNIFORM) return hb_fail(err, HB_ERR_ARG, "unknown --init");
    if (p->init != HB_INIT_KERAS && !(p->init_std > 0))
        return hb_fail(err, HB_ERR_ARG, "--init-std %g: expected a positive number", p->init_std);
    return HB_OK;
}

const char *hb_storage_name(hb_storage s) {
    static const char *const names[HB_STORAGE_COUNT] = {"f32", "bf16", "f16"};
    return (unsigned)s < HB_STORAGE_COUNT ? names[s] : "?";
}

const char *hb_rounding_name(hb_rounding r) {
    static const char *const names[HB_ROUND_COUNT] = {"nearest", "stochastic"};
    return (unsigned)r < HB_ROUND_COUNT ? names[r] : "?";
}
