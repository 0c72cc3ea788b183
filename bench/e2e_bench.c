/* e2e_bench.c: end-to-end suite over gbench.h: one training epoch per iteration for each model
 * at the notebook's (seed) and hogbench's default settings, one full evaluation, one data
 * load. On MovieLens 100K u1 when HOGBENCH_DATA names its folder, else on synthetic data of
 * its shape (the JSON context says which). `hogbench compare` reads its JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbench.h"
#include "hogbench/hogbench.h"
#include "kernels.h"

#include "hb_git_sha.h" /* generated at build time (cmake/git_sha.cmake) */

static const char *data_dir; /* HOGBENCH_DATA, or NULL: synthetic */
static hb_dataset *ds;        /* loaded once for the training and evaluation benchmarks */

static hb_status load(hb_dataset **out, hb_error *err) {
    if (data_dir) { /* the one loader, with ML-100K's u1 as hb_dataset_load_ml100k read it */
        hb_load_opts o = hb_load_opts_default();
        o.format = HB_FORMAT_TSV;
        o.header = 0;
        o.notebook_filter = 1;
        snprintf(o.split, sizeof o.split, "u1");
        return hb_dataset_load(data_dir, &o, out, err);
    }
    const hb_synth_params sp = hb_synth_default();
    return hb_dataset_synthetic(&sp, out, err);
}

/* arg: model kind * 2 + (1: seed preset). One epoch per iteration; the iteration's time is
 * the epoch's training time (hb_train also evaluates, which is left out). */
static void bm_epoch(hb_gb_state *st, void *arg) {
    const int a = (int)(intptr_t)arg;
    const hb_model_kind kind = (hb_model_kind)(a / 2);
    hb_train_params p = a % 2 ? hb_params_notebook(kind) : hb_params_default(kind);
    p.epochs = 1;
    p.isa = hb_kernels_get() ? hb_kernels_get()->isa : HB_ISA_AUTO; /* $HOGBENCH_ISA */
    p.eval_every = 0;
    p.eval_users = 50; /* the evaluation hb_train ends with is not timed: keep it short */
    hb_model *m = NULL;
    hb_error err = {{0}};
    if (hb_model_create(&p, ds, &m, &err) != HB_OK) {
        hb_gb_skip(st, err.msg);
        return;
    }
    double seconds = 0;
    while (hb_gb_run_batch(st, 1)) {
        hb_train_result res;
        if (hb_train(m, ds, NULL, NULL, &res, &err) != HB_OK) {
            hb_gb_skip(st, err.msg);
            break;
        }
        hb_gb_set_iteration_time(st, res.train_seconds);
        seconds += res.train_seconds;
    }
    hb_gb_items_processed(st, hb_gb_iterations(st) * (int64_t)ds->n_train); /* updates/s */
    (void)seconds;
    char label[96];
    snprintf(label, sizeof label, "%s dim %u batch %u threads %d", p.optimizer == HB_OPT_SGD ? "sgd" : "nadam",
             p.dim, p.batch, p.threads);
    hb_gb_label(st, label);
    hb_model_free(&m);
}

/* One full evaluation (RMSE, MAE, NDCG@10..100 over every user) of a default mf_bias model
 * trained for its default epochs once, outside the timing. */
static void bm_eval(hb_gb_state *st, void *arg) {
    const hb_model_kind kind = (hb_model_kind)(intptr_t)arg;
    hb_train_params p = hb_params_default(kind);
    p.isa = hb_kernels_get() ? hb_kernels_get()->isa : HB_ISA_AUTO; /* $HOGBENCH_ISA */
    hb_model *m = NULL;
    hb_error err = {{0}};
    hb_train_result res;
    if (hb_model_create(&p, ds, &m, &err) != HB_OK || hb_train(m, ds, NULL, NULL, &res, &err) != HB_OK) {
        hb_gb_skip(st, err.msg);
        hb_model_free(&m);
        return;
    }
    while (hb_gb_run_batch(st, 1)) {
        hb_metrics met;
        if (hb_evaluate(m, ds, p.threads, &met, &err) != HB_OK) {
            hb_gb_skip(st, "evaluation failed");
            break;
        }
        hb_gb_keep(met.rmse);
    }
    hb_model_free(&m);
}

static void bm_load(hb_gb_state *st, void *arg) {
    (void)arg;
    while (hb_gb_run_batch(st, 1)) {
        hb_dataset *d = NULL;
        hb_error err = {{0}};
        if (load(&d, &err) != HB_OK) {
            hb_gb_skip(st, err.msg);
            break;
        }
        hb_dataset_free(&d);
    }
}

int main(int argc, char **argv) {
    /* libgomp's idle workers spin unless told otherwise, and it reads the policy once, when
     * loaded: as hogbench does, re-execute once with OMP_WAIT_POLICY=passive (README) */
    if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT")) {
        setenv("OMP_WAIT_POLICY", "passive", 1);
        execv("/proc/self/exe", argv);
    }
    data_dir = getenv("HOGBENCH_DATA");
    if (data_dir && !*data_dir) data_dir = NULL;
    hb_error err = {{0}};
    if (load(&ds, &err) != HB_OK) {
        fprintf(stderr, "e2e_bench: %s\n", err.msg);
        return 1;
    }
    hb_gb_context("git_sha", HB_GIT_SHA);
    hb_gb_context("data", data_dir ? "ml-100k u1 (HOGBENCH_DATA)" : "synthetic, ML-100K's shape");
    char name[96];
    for (int k = 0; k < HB_MODEL_COUNT; k++)
        for (int seed = 0; seed < 2; seed++) {
            snprintf(name, sizeof name, "epoch/%s/%s", hb_model_name((hb_model_kind)k), seed ? "seed" : "default");
            hb_gb_bench *b = hb_gb_register(name, bm_epoch, (void *)(intptr_t)(k * 2 + seed));
            hb_gb_manual_time(b);
            hb_gb_unit_ms(b);
        }
    hb_gb_unit_ms(hb_gb_register("eval/mf_bias", bm_eval, (void *)(intptr_t)HB_MODEL_MF_BIAS));
    hb_gb_unit_ms(hb_gb_register("eval/mlp", bm_eval, (void *)(intptr_t)HB_MODEL_MLP));
    hb_gb_unit_ms(hb_gb_register(data_dir ? "load/ml-100k-u1" : "load/synthetic-ml-100k-shape", bm_load, NULL));
    const int rc = hb_gb_main(argc, argv);
    hb_dataset_free(&ds);
    return rc;
}
