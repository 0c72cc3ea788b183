/* eval_bench.c: times the notebook's evaluation (full-ranking NDCG@10/20/30/100 plus RMSE/MAE)
 * of a trained MF model, median of repeated runs, for 1..T threads.
 * Usage: eval_bench [ml-100k dir|synthetic[:...]] [split=u1] [reps=30] [threads=2] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hogbench/hogbench.h"
#include "internal.h"

static int cmp_d(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    hb_omp_passive_reexec(argv);
    const char *data = argc > 1 ? argv[1] : "synthetic";
    const char *split = argc > 2 ? argv[2] : "u1";
    const int reps = argc > 3 ? atoi(argv[3]) : 30, tmax = argc > 4 ? atoi(argv[4]) : 2;
    hb_error err;
    hb_dataset *ds = NULL;
    hb_status st;
    if (strncmp(data, "synthetic", 9) == 0) {
        hb_synth_params sp;
        st = hb_synth_parse(data, &sp, &err);
        if (st == HB_OK) st = hb_dataset_synthetic(&sp, &ds, &err);
    } else {
        hb_load_opts o = hb_load_opts_default();
        snprintf(o.split, sizeof o.split, "%s", split);
        st = hb_dataset_load(data, &o, &ds, &err);
    }
    if (st != HB_OK || reps < 1 || tmax < 1) {
        fprintf(stderr, "eval_bench: %s\n", st != HB_OK ? err.msg : "bad reps or threads");
        return 1;
    }
    hb_train_params p = hb_params_default(HB_MODEL_MF_BIAS);
    p.epochs = 2;
    p.isa = hb_kernels_get()->isa; /* $HOGBENCH_ISA or the best, passed in */
    p.dim = 64;
    hb_model *m = NULL;
    hb_train_result res;
    if (hb_model_create(&p, ds, &m, &err) != HB_OK || hb_train(m, ds, NULL, NULL, &res, &err) != HB_OK) {
        fprintf(stderr, "eval_bench: %s\n", err.msg);
        return 1;
    }
    double *t = malloc((size_t)reps * sizeof *t);
    printf("dataset %s: %u users x %u items, %zu test ratings, mf_bias dim 64, isa %s\n", ds->name,
           ds->n_users, ds->n_items, ds->n_test, hb_kernels_get()->name);
    for (int th = 1; th <= tmax; th++) {
        hb_metrics mt;
        for (int r = 0; r < reps; r++) {
            hb_evaluate(m, ds, th, &mt, &err);
            t[r] = mt.eval_seconds;
        }
        qsort(t, (size_t)reps, sizeof *t, cmp_d);
        printf("threads %d: eval median %.3f ms (min %.3f, max %.3f) over %d runs; ndcg@10 %.4f\n",
               th, 1e3 * t[reps / 2], 1e3 * t[0], 1e3 * t[reps - 1], reps, mt.ndcg[0]);
        if (getenv("HB_EVAL_BENCH_EXACT")) /* every digit, to compare two builds' results */
            printf("  rmse %.17g mae %.17g ndcg@10 %.17g @20 %.17g @30 %.17g @100 %.17g\n", mt.rmse,
                   mt.mae, mt.ndcg[0], mt.ndcg[1], mt.ndcg[2], mt.ndcg[3]);
    }
    free(t);
    hb_model_free(&m);
    hb_dataset_free(&ds);
    return 0;
}
