/* flags_apply.c: which model and training flags have an effect on a run: train refuses one that
 * has none (it would only change the run key), sweep leaves it out of the runs it has none on. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* mf and mf_bias trained by per-sample SGD: the only runs that use the per-row L2 weights
 * (the sgd_mf_run path of src/hogwild.c). */
static int hb_per_sample_sgd(const hb_train_params *p) {
    return (p->model == HB_MODEL_MF || p->model == HB_MODEL_MF_BIAS) &&
           p->optimizer == HB_OPT_SGD && p->batch == 1;
}

/* The flags whose effect depends on the run, and their spelling. Every other flag applies to
 * every run (dim, epochs, threads, seed, lr, lr-decay, reg, optimizer, batch, init, schedule,
 * eval-every, eval-users) or is not a training parameter (data, split, isa, output). */
static const struct {
    int opt;
    const char *flag;
} hb_dependent[] = {
    {HB_O_ACT, "--activation"},   {HB_O_HIDDEN, "--hidden"},         {HB_O_LAYERS, "--layers"},
    {HB_O_GM, "--global-mean"},   {HB_O_NOGM, "--no-global-mean"},   {HB_O_REGB, "--reg-bias"},
    {HB_O_REGROWS, "--reg-rows"}, {HB_O_INITSTD, "--init-std"},      {HB_O_INITOFF, "--init-offset"},
    {HB_O_BLOCKS, "--blocks"},      {HB_O_ROUNDING, "--rounding"},
};
enum { HB_NDEP = sizeof hb_dependent / sizeof *hb_dependent };

/* 0 when flag opt with value val changes a run with parameters p; else 1 and why it does not. */
static int hb_unused(int opt, const char *val, const hb_train_params *p, char *why, size_t cap) {
    const char *m = hb_model_name(p->model);
    const int mlp = hb_model_is_mlp(p->model);
    switch (opt) {
    case HB_O_ACT:
    case HB_O_HIDDEN:
    case HB_O_LAYERS:
        if (mlp) return 0;
        snprintf(why, cap, "%s has no hidden layers (it applies to mlp and mlp_bin)", m);
        return 1;
    case HB_O_GM:
    case HB_O_NOGM: /* the mean term is added to mf_bias's rating only (src/model_mf.c) */
        if (p->model == HB_MODEL_MF_BIAS || p->model == HB_MODEL_SVDPP) return 0;
        snprintf(why, cap, "%s has no global mean term (it applies to mf_bias and svdpp)", m);
        return 1;
    case HB_O_REGB:
        if (p->model == HB_MODEL_MF_BIAS || p->model == HB_MODEL_MF_BIAS_BIN ||
            p->model == HB_MODEL_SVDPP)
            return 0;
        snprintf(why, cap, "%s has no biases (it applies to mf_bias, mf_bias_bin and svdpp)", m);
        return 1;
    case HB_O_REGROWS:
        if (hb_per_sample_sgd(p)) return 0;
        snprintf(why, cap, "%s with %s, batch %u is not per-sample SGD on mf or mf_bias (it "
                 "applies with --optimizer sgd --batch 1)", m, hb_optimizer_name(p->optimizer), p->batch);
        return 1;
    case HB_O_ROUNDING:
        if (p->storage != HB_STORAGE_F32) return 0;
        snprintf(why, cap, "f32 tables round nothing (it applies with --storage bf16 or f16)");
        return 1;
    case HB_O_INITSTD:
        if (p->init == HB_INIT_NORMAL || p->init == HB_INIT_UNIFORM) return 0;
        snprintf(why, cap, "%s's embeddings start keras-uniform (it applies with --init normal "
                 "or uniform)", m);
        return 1;
    case HB_O_INITOFF: /* src/model.c: mean moves MF factors or the rating MLP's output bias;
                          bias-dims needs two MF factors */
        if (strcmp(val, "mean") == 0 && p->model == HB_MODEL_MLP_BIN) {
            snprintf(why, cap, "mlp_bin's output is a probability (mean applies to mf, mf_bias, "
                     "mf_bias_bin and mlp)");
            return 1;
        }
        if (strcmp(val, "bias-dims") == 0 && (mlp || p->dim < 2)) {
            if (mlp) snprintf(why, cap, "%s has no MF factors to turn into biases (bias-dims "
                              "applies to mf, mf_bias and mf_bias_bin)", m);
            else snprintf(why, cap, "bias-dims needs two factors (--dim 2 or more; this run's is "
                          "%u)", p->dim);
            return 1;
        }
        return 0;
    case HB_O_BLOCKS:
        if (p->model == HB_MODEL_SVDPP) {
            snprintf(why, cap, "svdpp visits user by user (it sets the grid of the blocked "
                     "schedules)");
            return 1;
        }
        if (p->schedule != HB_SCHED_HOGWILD) return 0;
        snprintf(why, cap, "the schedule is hogwild (it sets the grid of the blocked schedules)");
        return 1;
    default:
        return 0;
    }
}

/* "--hidden 100" or "--reg-rows" */
static void hb_spell(int k, const char *val, char *buf, size_t cap) {
    if (val) snprintf(buf, cap, "%s %s", hb_dependent[k].flag, val);
    else snprintf(buf, cap, "%s", hb_dependent[k].flag);
}

int hb_cli_flags_check(const char *cmd, const hb_cli_args *a, const hb_train_params *p) {
    for (int k = 0; k < HB_NDEP; k++) {
        const int opt = hb_dependent[k].opt;
        char why[256], f[96];
        if (!a->seen[opt] || !hb_unused(opt, a->val[opt], p, why, sizeof why)) continue;
        hb_spell(k, a->val[opt], f, sizeof f);
        fprintf(stderr, "hogbench %s: %s does not apply to this run: %s\n", cmd, f, why);
        return 2;
    }
    return 0;
}

int hb_cli_config_params(hb_train_params *p, const char *preset, hb_model_kind model,
                         const hb_cli_args *a, const unsigned char *skip, int optimizer,
                         uint32_t dim, int threads, hb_cli_flag_use *use) {
    unsigned char drop[HB_O_END];
    memcpy(drop, skip, sizeof drop);
    int dropped = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (hb_cli_params(p, preset, model, a, drop) != 0) return 2;
        if (optimizer >= 0) p->optimizer = (hb_optimizer)optimizer;
        if (dim) p->dim = dim;
        if (threads) p->threads = threads;
        if (pass || !use) break;
        /* what a flag depends on (model, optimizer, batch, init, schedule, dim) is never
         * dropped, so the second pass sees the same conditions */
        for (int k = 0; k < HB_NDEP; k++) {
            const int opt = hb_dependent[k].opt;
            if (!a->seen[opt] || skip[opt]) continue;
            char why[256];
            if (hb_unused(opt, a->val[opt], p, why, sizeof why)) {
                drop[opt] = 1;
                dropped = 1;
                if (!use->why[opt][0]) snprintf(use->why[opt], sizeof use->why[opt], "%s", why);
            } else {
                use->applied[opt] = 1;
            }
        }
        if (!dropped) break;
    }
    return 0;
}

int hb_cli_flags_used(const char *cmd, const hb_cli_args *a, const unsigned char *skip,
                      const hb_cli_flag_use *use) {
    for (int k = 0; k < HB_NDEP; k++) {
        const int opt = hb_dependent[k].opt;
        if (!a->seen[opt] || skip[opt] || use->applied[opt]) continue;
        char f[96];
        hb_spell(k, a->val[opt], f, sizeof f);
        fprintf(stderr, "hogbench %s: %s applies to none of the swept runs: %s\n", cmd, f,
                use->why[opt]);
        return 2;
    }
    return 0;
}
