/* common.c: flag-value parsing, data resolution and one reported training run. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int hb_cli_u32(const char *flag, const char *s, uint32_t lo, uint32_t hi, uint32_t *out) {
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (!*s || *e || errno || s[0] == '-' || v < lo || v > hi) {
        fprintf(stderr, "hogbench: %s '%s': expected an integer in %u..%u\n", flag, s, lo, hi);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int hb_cli_u64(const char *flag, const char *s, uint64_t *out) {
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (!*s || *e || errno || s[0] == '-') {
        fprintf(stderr, "hogbench: %s '%s': expected a non-negative integer\n", flag, s);
        return -1;
    }
    *out = v;
    return 0;
}

int hb_cli_float(const char *flag, const char *s, float lo, float hi, float *out) {
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (!*s || *e || errno || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "hogbench: %s '%s': expected a number in [%g, %g]\n", flag, s, lo, hi);
        return -1;
    }
    *out = (float)v;
    return 0;
}

static int hb_is_dir(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int hb_cli_load_data(const char *data, const char *split, hb_dataset **out, int quiet) {
    hb_error err = {{0}};
    hb_status st;
    const char *src = "--data";
    if (!data) {
        const char *env = getenv("HOGBENCH_DATA");
        if (env && *env) {
            data = env;
            src = "HOGBENCH_DATA";
        } else if (hb_is_dir("data/ml-100k")) {
            data = "data/ml-100k";
            src = "./data/ml-100k";
        }
    }
    if (!data) {
        if (!quiet)
            fprintf(stderr, "hogbench: no MovieLens directory given (--data DIR or HOGBENCH_DATA)"
                            " or found (./data/ml-100k): using synthetic data of ML-100K's shape\n");
        data = "synthetic";
    }
    if (strncmp(data, "synthetic", 9) == 0) {
        hb_synth_params sp;
        st = hb_synth_parse(data, &sp, &err);
        if (st == HB_OK) st = hb_dataset_synthetic(&sp, out, &err);
    } else {
        if (!hb_is_dir(data)) {
            fprintf(stderr, "hogbench: %s '%s': not a directory (expected MovieLens 100K's "
                            "ml-100k folder with %s.base and %s.test, or synthetic[:...])\n",
                    src, data, split, split);
            return -1;
        }
        st = hb_dataset_load_ml100k(data, split, out, &err);
    }
    if (st != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return -1;
    }
    const hb_dataset *ds = *out;
    if (!quiet)
        fprintf(stderr, "hogbench: data %s%s%s split %s: %u users, %u items, %zu train (of %zu), "
                        "%zu test (of %zu), ratings %g..%g, xxh3 %016llx\n",
                ds->name, strcmp(ds->name, "ml-100k") == 0 ? " from " : "",
                strcmp(ds->name, "ml-100k") == 0 ? data : "", ds->split, ds->n_users,
                ds->n_items, ds->n_train, ds->n_train_raw, ds->n_test, ds->n_test_raw,
                ds->r_min, ds->r_max, (unsigned long long)ds->xxh3);
    return 0;
}

typedef struct {
    const hb_run_cfg *cfg;
    const hb_dataset *ds;
} hb_progress_ctx;

static void hb_progress(const hb_epoch_stats *s, void *vctx) {
    const hb_progress_ctx *c = vctx;
    if (c->cfg->quiet) return;
    fprintf(stderr, "epoch %3u/%u  loss %.5f  elapsed %7.3fs  %6.2fM upd/s", s->epoch,
            c->cfg->p.epochs, s->loss, s->elapsed, s->updates_per_second / 1e6);
    if (s->evaluated)
        fprintf(stderr, "  test rmse %.4f mae %.4f ndcg@10 %.4f", s->metrics.rmse,
                s->metrics.mae, s->metrics.ndcg[0]);
    fputc('\n', stderr);
}

static void hb_fill_row(hb_row *r, const hb_run_cfg *cfg, const hb_dataset *ds,
                        const hb_kernels *k, const hb_train_result *res, hb_status st,
                        const char *msg) {
    const hb_train_params *p = &cfg->p;
    const int ok = st == HB_OK;
    hb_row_add(r, "model", "%s", hb_model_name(p->model));
    hb_row_add(r, "optimizer", "%s", p->optimizer == HB_OPT_SGD ? "sgd" : "nadam");
    hb_row_add(r, "lr", "%.9g", p->lr);
    hb_row_add(r, "lr_decay", "%.9g", p->lr_decay);
    hb_row_add(r, "reg", "%.9g", p->reg);
    hb_row_add(r, "reg_bias", "%.9g", p->reg_bias);
    hb_row_add(r, "batch", "%u", p->batch);
    hb_row_add(r, "epochs", "%u", p->epochs);
    hb_row_add(r, "dim", "%u", p->dim);
    hb_row_add(r, "threads", "%d", p->threads);
    hb_row_add(r, "seed", "%llu", (unsigned long long)p->seed);
    hb_row_add(r, "isa", "%s", k ? k->name : "?");
    hb_row_add(r, "schedule", "%s", hb_schedule_name(p->schedule));
    hb_row_add(r, "blocks", "%u", res->blocks);
    hb_row_add(r, "preset", "%s", cfg->preset);
    hb_row_add(r, "global_mean", "%d", p->global_mean);
    hb_row_add(r, "activation", "%s", p->activation == HB_ACT_RELU ? "relu" : "linear");
    hb_row_add(r, "hidden", "%u", p->hidden);
    hb_row_add(r, "layers", "%u", p->n_hidden);
    hb_row_add(r, "init", "%s", p->init == HB_INIT_KERAS ? "keras" : "normal");
    hb_row_add(r, "init_std", "%.9g", p->init_std);
    hb_row_add(r, "init_mean", "%d", p->init_mean);
    hb_row_add(r, "dataset", "%s", ds->name);
    hb_row_add(r, "split", "%s", ds->split);
    hb_row_add(r, "dataset_xxh3", "%016llx", (unsigned long long)ds->xxh3);
    hb_row_add(r, "n_train", "%zu", ds->n_train);
    hb_row_add(r, "n_test", "%zu", ds->n_test);
    hb_row_add(r, "train_seconds", "%.6f", res->train_seconds);
    hb_row_add(r, "seconds_per_epoch", "%.6f",
               res->epochs_done ? res->train_seconds / res->epochs_done : 0.0);
    hb_row_add(r, "updates_per_second", "%.0f", res->updates_per_second);
    hb_row_add(r, "eval_seconds", "%.6f", ok ? res->metrics.eval_seconds : 0.0);
    hb_row_add(r, "final_loss", "%.6g", res->final_loss);
    hb_row_add(r, "rmse", ok ? "%.6f" : "", res->metrics.rmse);
    hb_row_add(r, "mae", ok ? "%.6f" : "", res->metrics.mae);
    static const char *const nk[HB_NDCG_KS] = {"ndcg_at_10", "ndcg_at_20", "ndcg_at_30", "ndcg_at_100"};
    for (int q = 0; q < HB_NDCG_KS; q++) hb_row_add(r, nk[q], ok ? "%.6f" : "", res->metrics.ndcg[q]);
    hb_row_add(r, "ndcg_protocol", "seed-full-ranking");
    hb_row_add(r, "status", "%s", ok ? "ok" : st == HB_ERR_DIVERGED ? "diverged" : "error");
    hb_row_add(r, "message", "%s", msg ? msg : "");
    hb_row_add_machine(r);
}

int hb_cli_run(const hb_run_cfg *cfg, const hb_dataset *ds, hb_train_result *res) {
    hb_error err = {{0}};
    const hb_kernels *k = cfg->isa == HB_ISA_COUNT ? hb_kernels_get() : hb_kernels_select(cfg->isa);
    if (!k) {
        fprintf(stderr, "hogbench: ISA %s is not supported by this CPU or build (see "
                        "'hogbench isa')\n", cfg->isa == HB_ISA_COUNT ? getenv("HOGBENCH_ISA")
                                                                       : hb_isa_name(cfg->isa));
        return 2;
    }
    hb_model *m = NULL;
    hb_status st = hb_model_create(&cfg->p, ds, &m, &err);
    if (st == HB_ERR_ARG) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    if (!cfg->quiet)
        fprintf(stderr, "hogbench: %s dim %u, %s lr %g reg %g batch %u, %u epochs, %d threads, "
                        "isa %s, schedule %s, seed %llu, preset %s\n",
                hb_model_name(cfg->p.model), cfg->p.dim,
                cfg->p.optimizer == HB_OPT_SGD ? "sgd" : "nadam", cfg->p.lr, cfg->p.reg,
                cfg->p.batch, cfg->p.epochs, cfg->p.threads, k->name, hb_schedule_name(cfg->p.schedule),
                (unsigned long long)cfg->p.seed, cfg->preset);
    hb_progress_ctx ctx = {cfg, ds};
    memset(res, 0, sizeof *res);
    if (st == HB_OK) st = hb_train(m, ds, hb_progress, &ctx, res, &err);
    if (st == HB_OK && cfg->save_dir) {
        hb_error e2 = {{0}};
        if (hb_model_save(m, ds, cfg->save_dir, &e2) != HB_OK) {
            fprintf(stderr, "hogbench: %s\n", e2.msg);
            hb_model_free(&m);
            return 1;
        }
        if (!cfg->quiet) fprintf(stderr, "hogbench: model saved to %s\n", cfg->save_dir);
    }
    if (st != HB_OK) fprintf(stderr, "hogbench: %s\n", err.msg);
    if (st == HB_OK || st == HB_ERR_DIVERGED) {
        printf("model=%s isa=%s threads=%d epochs=%u train_seconds=%.4f seconds_per_epoch=%.5f "
               "updates_per_second=%.0f\n",
               hb_model_name(cfg->p.model), k->name, cfg->p.threads, res->epochs_done,
               res->train_seconds, res->epochs_done ? res->train_seconds / res->epochs_done : 0,
               res->updates_per_second);
        if (st == HB_OK)
            printf("rmse=%.4f mae=%.4f ndcg@10=%.4f ndcg@20=%.4f ndcg@30=%.4f ndcg@100=%.4f "
                   "eval_seconds=%.4f ndcg_protocol=seed-full-ranking\n",
                   res->metrics.rmse, res->metrics.mae, res->metrics.ndcg[0], res->metrics.ndcg[1],
                   res->metrics.ndcg[2], res->metrics.ndcg[3], res->metrics.eval_seconds);
        if (cfg->out_csv) {
            static hb_row row;
            memset(&row, 0, sizeof row);
            hb_fill_row(&row, cfg, ds, k, res, st, st == HB_OK ? NULL : err.msg);
            hb_error e3 = {{0}};
            if (hb_csv_append(cfg->out_csv, &row, &e3) != HB_OK) {
                fprintf(stderr, "hogbench: %s\n", e3.msg);
                hb_model_free(&m);
                return 1;
            }
        }
    }
    hb_model_free(&m);
    return st == HB_OK ? 0 : 1;
}
