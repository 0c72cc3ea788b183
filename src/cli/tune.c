/* tune.c: 'hogbench tune' (and 'train --tune'): a small seeded random search over lr, reg, dim
 * and epochs on a validation split carved from the training ratings (never the test), then one
 * run with the chosen values on the full training data, evaluated on the test split like
 * 'train' (its row says tuned=1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

static void hb_tune_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench tune [train's options] [--trials N] [--val-frac F] [--tune-seed S]\n"
        "       hogbench train --tune [the same]\n\n"
        "Chooses lr, reg, dim and epochs for one model on any data: carves a validation split\n"
        "from the training ratings (a fraction F, default 0.1, seeded by --tune-seed, default 1;\n"
        "the test split is never read), runs N trials (default 12; the first is the preset with\n"
        "your flags, the others draw lr in [lr/2.8, 2.8 lr], reg in [reg/4, 4 reg], dim in\n"
        "{dim/2, dim, 2 dim}), each for 1.5x the preset's epochs with the validation RMSE (binary\n"
        "models: logloss) checked every epoch, and keeps the best (trial, epoch). A progress line\n"
        "per trial goes to stderr. Then it trains once with the chosen values on all the training\n"
        "data and evaluates on the test split as 'hogbench train' does (--out: its row, tuned=1).\n"
        "Budget: N x 1.5 x epochs epochs on 1-F of the training data, plus the final run.\n");
}

/* --val-frac X: a number in [lo, hi] (hb_cli_take's callback). */
typedef struct {
    double lo, hi, *out;
} hb_take_double_ctx;

static int hb_take_double_one(const char *flag, const char *v, void *vctx) {
    const hb_take_double_ctx *c = vctx;
    char *e = NULL;
    const double x = v ? strtod(v, &e) : NAN;
    if (!v || *e || !(x >= c->lo && x <= c->hi)) {
        fprintf(stderr, "hogbench tune: %s '%s': expected a number in [%g, %g]\n", flag,
                v ? v : "", c->lo, c->hi);
        return 2;
    }
    *c->out = x;
    return 0;
}

typedef struct {
    double best;
    uint32_t best_epoch;
} hb_trial_ctx;

static void hb_trial_epoch(const hb_epoch_stats *s, void *vctx) {
    hb_trial_ctx *c = vctx;
    if (!s->evaluated) return;
    const double v = isfinite(s->metrics.logloss) ? s->metrics.logloss : s->metrics.rmse;
    if (isfinite(v) && v < c->best) {
        c->best = v;
        c->best_epoch = s->epoch;
    }
}

static double hb_draw(hb_rng *r, double lo, double hi) { return lo + (hi - lo) * hb_rng_double(r); }

/* A trial's lr, reg and dim drawn around the preset's p0: lr within 2^+-1.5, reg within
 * 2^+-2 (or 0 or 10^-3..10^-1 when p0's is 0), dim halved, kept or doubled (4..1024). */
static void hb_tune_draw(hb_rng *rng, const hb_train_params *p0, hb_train_params *p) {
    p->lr = (float)(p0->lr * pow(2.0, hb_draw(rng, -1.5, 1.5)));
    p->reg = p0->reg > 0 ? (float)(p0->reg * pow(2.0, hb_draw(rng, -2, 2)))
                         : (float)(hb_rng_double(rng) < 0.5 ? 0.0 : pow(10.0, hb_draw(rng, -3, -1)));
    const double dm = (double)p0->dim * pow(2.0, (double)((int)hb_rng_below(rng, 3) - 1));
    p->dim = (uint32_t)(dm < 4 ? 4 : dm > 1024 ? 1024 : dm);
}

/* What every trial runs: emax epochs, the validation metric checked every epoch (pointwise),
 * no stop at a target, quiet. */
static void hb_tune_trial_params(hb_train_params *p, uint32_t emax, int binary) {
    p->epochs = emax;
    p->target = binary ? HB_TARGET_LOGLOSS : HB_TARGET_RMSE;
    p->target_value = 0;
    p->target_stop = 0;
    p->eval_every = 1;
}

int hb_cmd_tune(int argc, char **argv) {
    static const struct option opts[] = {HB_CLI_TRAIN_OPTIONS, {0, 0, 0, 0}};
    static hb_cli_args a;
    hb_load_opts load = hb_load_opts_default();
    uint32_t eval_users = 0, trials = 12, tseed = 1;
    double frac = 0.1;
    if (hb_cli_data_flags("tune", &argc, argv, &load) != 0 ||
        hb_cli_take_u32("tune", &argc, argv, "--eval-users", 1, UINT32_MAX, &eval_users) != 0 ||
        hb_cli_take_u32("tune", &argc, argv, "--trials", 1, 1000, &trials) != 0 ||
        hb_cli_take_u32("tune", &argc, argv, "--tune-seed", 0, UINT32_MAX, &tseed) != 0 ||
        hb_cli_take(&argc, argv, "--val-frac", hb_take_double_one,
                    &(hb_take_double_ctx){0.01, 0.5, &frac}) != 0)
        return 2;
    if (hb_cli_parse("tune", argc, argv, opts, &a) != 0) return 2;
    if (a.seen[HB_O_HELP]) {
        hb_tune_usage(stdout);
        return 0;
    }
    const char *preset = hb_cli_preset_for(a.val[HB_O_PRESET], &load);
    hb_model_kind model = hb_cli_default_model(preset); /* as train's */
    if (a.val[HB_O_MODEL] && hb_model_parse(a.val[HB_O_MODEL], &model) != 0) {
        fprintf(stderr, "hogbench tune: --model '%s': unknown\n", a.val[HB_O_MODEL]);
        return 2;
    }
    hb_run_cfg cfg = {.isa = HB_ISA_COUNT, .preset = preset};
    if (hb_cli_params(&cfg.p, preset, model, &a, NULL) != 0) return 2;
    if (a.val[HB_O_ISA] && (hb_isa_parse(a.val[HB_O_ISA], &cfg.isa) != 0 ||
                            (cfg.isa != HB_ISA_COUNT && !hb_isa_supported(cfg.isa)))) {
        fprintf(stderr, "hogbench tune: --isa '%s': unknown or not supported here\n", a.val[HB_O_ISA]);
        return 2;
    }
    cfg.p.eval_users = eval_users;
    hb_error err = {{0}};
    if (hb_params_check(&cfg.p, &err) != HB_OK) {
        fprintf(stderr, "hogbench tune: %s\n", err.msg);
        return 2;
    }
    cfg.out_csv = a.val[HB_O_OUT];
    cfg.save_dir = a.val[HB_O_SAVE];
    cfg.curves = a.val[HB_O_CURVES];
    cfg.quiet = a.seen[HB_O_QUIET];
    if (a.val[HB_O_SPLIT] && hb_load_opts_set(&load, "split", a.val[HB_O_SPLIT], &err) != HB_OK) {
        fprintf(stderr, "hogbench tune: %s\n", err.msg);
        return 2;
    }
    if (hb_cli_signals_install() == 0)
        hb_cli_interrupt_note("\nhogbench tune: interrupted; no row was written\n");
    hb_dataset *ds = NULL, *vds = NULL;
    if (hb_cli_load_data_opts(a.val[HB_O_DATA], a.val[HB_O_SPLIT], &load, &ds, &cfg.data, cfg.quiet) != 0)
        return 1;
    if (hb_dataset_holdout(ds, frac, tseed, &vds, &err) != HB_OK) {
        fprintf(stderr, "hogbench tune: %s\n", err.msg);
        hb_dataset_free(&ds);
        return 1;
    }
    const hb_kernels *k = cfg.isa == HB_ISA_AUTO ? hb_kernels_get() : hb_kernels_for(cfg.isa);
    if (!k) {
        fprintf(stderr, "hogbench tune: no usable kernel table\n");
        return 2;
    }
    cfg.isa = k->isa; /* the trials and the final run: one table, passed in their params */
    cfg.p.isa = k->isa;
    const hb_train_params p0 = cfg.p;
    const int binary = hb_model_is_binary(model);
    const char *mname = binary ? "logloss" : "rmse";
    const uint32_t emax = p0.epochs * 3 / 2 > 5 ? p0.epochs * 3 / 2 : 5;
    fprintf(stderr, "hogbench tune: %s on %s: %u trials x up to %u epochs on %zu training ratings, "
            "validation %zu ratings (%.0f%% carved from train, seed %u); the test split is not read\n",
            hb_model_name(model), ds->name, trials, emax, vds->n_train, vds->n_test, 100 * frac, tseed);
    hb_rng rng;
    hb_rng_seed(&rng, 0x74756e65ULL ^ tseed);
    hb_train_params best_p = p0;
    double best = INFINITY, base_val = NAN;
    const double t0 = hb_now();
    for (uint32_t t = 0; t < trials; t++) {
        hb_train_params p = p0;
        if (t > 0) hb_tune_draw(&rng, &p0, &p); /* the first trial is the preset as given */
        hb_tune_trial_params(&p, emax, binary);
        hb_trial_ctx c = {INFINITY, 0};
        hb_model *m = NULL;
        hb_train_result res;
        hb_status st = hb_model_create(&p, vds, &m, &err);
        if (st == HB_OK) st = hb_train(m, vds, hb_trial_epoch, &c, &res, &err);
        hb_model_free(&m);
        if (t == 0) base_val = c.best;
        if (st == HB_OK && c.best < best) {
            best = c.best;
            best_p = p;
            best_p.epochs = c.best_epoch;
        }
        const double el = hb_now() - t0;
        char val[32];
        if (st == HB_OK) snprintf(val, sizeof val, "%.4f at epoch %u", c.best, c.best_epoch);
        else snprintf(val, sizeof val, "failed (%s)", hb_status_str(st));
        fprintf(stderr, "tune: trial %2u/%u  lr %-9.4g reg %-9.4g dim %-4u  val %s %s  (best %.4f)"
                "  %.1f s, ~%.0f s left\n", t + 1, trials, p.lr, p.reg, p.dim, mname, val, best, el,
                el / (t + 1) * (trials - t - 1));
    }
    hb_dataset_free(&vds);
    if (!isfinite(best)) {
        fprintf(stderr, "hogbench tune: every trial failed\n");
        hb_dataset_free(&ds);
        return 1;
    }
    best_p.target = p0.target;
    best_p.target_value = p0.target_value;
    best_p.target_stop = p0.target_stop;
    best_p.eval_every = p0.eval_every;
    best_p.tuned = 1;
    printf("tune: chosen lr=%.6g reg=%.6g dim=%u epochs=%u (validation %s %.4f; the preset as "
           "given: %.4f)\n", best_p.lr, best_p.reg, best_p.dim, best_p.epochs, mname, best, base_val);
    cfg.p = best_p;
    hb_train_result res;
    const int rc = hb_cli_run(&cfg, ds, &res);
    hb_dataset_free(&ds);
    return rc;
}
