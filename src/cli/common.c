/* common.c: signals, and one run (train, evaluate, append its row and curve rows). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------ signals */

static pthread_mutex_t hb_sig_lock = PTHREAD_MUTEX_INITIALIZER; /* held while rows are written */
static char hb_sig_note[2048];

static void *hb_sig_thread(void *arg) {
    const sigset_t *set = arg;
    int sig = 0;
    while (sigwait(set, &sig) != 0) {
    }
    pthread_mutex_lock(&hb_sig_lock); /* a row being written is finished first */
    const size_t n = strlen(hb_sig_note);
    if (n && write(STDERR_FILENO, hb_sig_note, n) < 0) { /* nothing more to do */ }
    _exit(128 + sig);
    return NULL;
}

int hb_cli_signals_install(void) {
    static int installed; /* once per process (the MPI start-up installs it early) */
    if (installed) return 0;
    static sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    pthread_t th;
    if (pthread_create(&th, NULL, hb_sig_thread, &set) != 0) {
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        return -1;
    }
    pthread_detach(th);
    installed = 1;
    return 0;
}

void hb_cli_interrupt_note(const char *note) {
    pthread_mutex_lock(&hb_sig_lock);
    snprintf(hb_sig_note, sizeof hb_sig_note, "%s", note ? note : "");
    pthread_mutex_unlock(&hb_sig_lock);
}

/* --------------------------------------------------------------------- rows */

static const char *hb_opt_name(hb_optimizer o) { return hb_optimizer_name(o); }

/* Every column before "data" is config and goes into the run key (results/SCHEMA.md): add a
 * parameter here, before "data", and the key covers it. */
void hb_cli_row_config(hb_row *r, const hb_run_cfg *cfg, const hb_dataset *ds, const char *isa,
                       uint32_t repeat) {
    const hb_train_params *p = &cfg->p;
    r->n = 0;
    hb_row_add(r, "model", "%s", hb_model_name(p->model));
    hb_row_add(r, "preset", "%s", cfg->preset);
    hb_row_add(r, "optimizer", "%s", hb_opt_name(p->optimizer));
    hb_row_add(r, "lr", "%.9g", p->lr);
    hb_row_add(r, "lr_decay", "%.9g", p->lr_decay);
    hb_row_add(r, "reg", "%.9g", p->reg);
    hb_row_add(r, "reg_bias", "%.9g", p->reg_bias);
    hb_row_add(r, "reg_rows", "%d", p->reg_rows);
    hb_row_add(r, "batch", "%u", p->batch);
    hb_row_add(r, "epochs", "%u", p->epochs);
    hb_row_add(r, "dim", "%u", p->dim);
    hb_row_add(r, "threads", "%d", p->threads);
    hb_row_add(r, "ranks", "%d", cfg->dist ? cfg->dist->ranks : 1); /* MPI ranks, one model */
    hb_row_add(r, "isa", "%s", isa);
    hb_row_add(r, "schedule", "%s", hb_schedule_name(p->schedule));
    hb_row_add(r, "blocks", "%u", p->blocks);
    hb_row_add(r, "seed", "%llu", (unsigned long long)p->seed);
    hb_row_add(r, "global_mean", "%d", p->global_mean);
    hb_row_add(r, "activation", "%s", p->activation == HB_ACT_RELU ? "relu" : "linear");
    hb_row_add(r, "hidden", "%u", p->hidden);
    hb_row_add(r, "layers", "%u", p->n_hidden);
    hb_row_add(r, "init", "%s", p->init == HB_INIT_KERAS ? "keras" : p->init == HB_INIT_NORMAL ? "normal" : "uniform");
    hb_row_add(r, "init_std", "%.9g", p->init_std);
    hb_row_add(r, "init_offset", "%s",
               p->init_offset == 1 ? "mean" : p->init_offset == 2 ? "bias-dims" : "none");
    hb_row_add(r, "beta1", "%.9g", p->beta1);
    hb_row_add(r, "beta2", "%.9g", p->beta2);
    hb_row_add(r, "eps", "%.9g", p->eps);
    hb_row_add(r, "eval_every", "%u", p->eval_every);
    hb_row_add(r, "eval_users", "%u", p->eval_users);
    hb_row_add(r, "dataset", "%s", ds->name);
    hb_row_add(r, "split", "%s", ds->split);
    hb_row_add(r, "dataset_xxh3", "%016llx", (unsigned long long)ds->xxh3);
    hb_row_add(r, "target_metric", "%s", hb_target_name(p->target));
    hb_row_add(r, "target_value", p->target ? "%.9g" : "", p->target_value);
    hb_row_add(r, "target_stop", "%d", p->target_stop);
    hb_row_add(r, "nadam", "%s", p->optimizer != HB_OPT_NADAM ? "" : p->nadam == HB_NADAM_DENSE ? "dense" : "lazy");
    hb_row_add(r, "cold_rows", "%s", p->cold_rows ? "score" : "drop");
    hb_row_add(r, "tuned", "%d", p->tuned);
    hb_row_add(r, "storage", "%s", hb_storage_name(p->storage));
    hb_row_add(r, "rounding", "%s", p->storage == HB_STORAGE_F32 ? "" : hb_rounding_name(p->rounding));
    hb_row_add(r, HB_RUN_KEY_END, "%s", cfg->data ? cfg->data : ""); /* "data" */
    hb_row_add(r, "run_key", "%016llx", (unsigned long long)hb_row_run_key(r));
    hb_row_add(r, "repeat", "%u", repeat);
}

static void hb_row_outcome(hb_row *r, const hb_run_cfg *cfg, const hb_dataset *ds,
                           const hb_run_out *o) {
    const hb_train_result *res = &o->res;
    const int ok = o->st == HB_OK;
    const hb_cli_dist *sh = cfg->dist && cfg->dist->shard ? cfg->dist : NULL; /* ds: a shard */
    hb_row_add(r, "blocks_used", "%u", res->blocks);
    hb_row_add(r, "n_train", "%zu", sh ? sh->n_train : ds->n_train);
    hb_row_add(r, "n_test", "%zu", sh ? sh->n_test : ds->n_test);
    hb_row_add(r, "epochs_done", "%u", res->epochs_done);
    hb_row_add(r, "train_seconds", "%.6f", res->train_seconds);
    hb_row_add(r, "seconds_per_epoch", "%.6f",
               res->epochs_done ? res->train_seconds / res->epochs_done : 0.0);
    hb_row_add(r, "updates_per_second", "%.0f", res->updates_per_second);
    hb_row_add(r, "eval_seconds", "%.6f", ok ? res->metrics.eval_seconds : 0.0);
    hb_row_add(r, "peak_rss_kib", "%ld", o->peak_rss_kib);
    hb_row_add(r, "final_loss", "%.6g", res->final_loss);
    hb_row_add(r, "rmse", ok ? "%.6f" : "", res->metrics.rmse);
    hb_row_add(r, "mae", ok ? "%.6f" : "", res->metrics.mae);
    static const char *const nk[HB_NDCG_KS] = {"ndcg_at_10", "ndcg_at_20", "ndcg_at_30",
                                               "ndcg_at_100"};
    for (int q = 0; q < HB_NDCG_KS; q++)
        hb_row_add(r, nk[q], ok ? "%.6f" : "", res->metrics.ndcg[q]);
    char proto[64];
    hb_row_add(r, "ndcg_protocol", "%s", hb_ndcg_protocol(&res->metrics, proto, sizeof proto));
    const int missed = ok && o->cfg_target && !res->epochs_to_target;
    hb_row_add(r, "status", "%s", missed ? "target_missed" : ok ? "ok"
                                   : o->st == HB_ERR_DIVERGED ? "diverged" : "error");
    hb_row_add(r, "message", "%s", ok ? "" : o->msg);
    /* MPI: who trained it, and what training across ranks sent (0 for one process) */
    hb_row_add(r, "rank", "%d", o->rank);
    hb_row_add(r, "hosts", "%d", res->hosts > 0 ? res->hosts : 1);
    hb_row_add(r, "comm_seconds", "%.6f", res->comm_seconds);
    hb_row_add(r, "comm_bytes_per_epoch", "%.0f", res->comm_bytes_per_epoch);
    const int hit = ok && res->epochs_to_target;
    hb_row_add(r, "epochs_to_target", hit ? "%u" : "", res->epochs_to_target);
    hb_row_add(r, "seconds_to_target", hit ? "%.6f" : "", res->seconds_to_target);
    hb_row_add(r, "seconds_to_target_with_eval", hit ? "%.6f" : "",
               res->seconds_to_target_with_eval);
    hb_row_add(r, "n_test_cold", "%zu", sh ? sh->n_test_cold : ds->n_test_cold); /* scored
                                                                        when cold_rows is score */
}

void hb_cli_row_sample(hb_row *r, const hb_run_cfg *cfg, const hb_dataset *ds) {
    hb_run_out o;
    memset(&o, 0, sizeof o);
    hb_cli_row_config(r, cfg, ds, "scalar", 1);
    hb_row_outcome(r, cfg, ds, &o);
    hb_row_add_machine(r);
}

/* One learning-curve row; s NULL: the header's sample. */
static void hb_curve_row(hb_row *r, const hb_run_cfg *cfg, const hb_dataset *ds,
                         const hb_run_out *o, const hb_epoch_stats *s, int last) {
    r->n = 0;
    const int have = cfg && ds && o && s;
    const int ev = have && (s->evaluated || (last && o->st == HB_OK));
    const hb_metrics *m = have ? (s->evaluated ? &s->metrics : &o->res.metrics) : NULL;
    hb_row_add(r, "run_key", have ? "%016llx" : "", have ? (unsigned long long)o->key : 0ULL);
    hb_row_add(r, "repeat", have ? "%u" : "", have ? o->repeat : 0);
    hb_row_add(r, "model", "%s", have ? hb_model_name(cfg->p.model) : "");
    hb_row_add(r, "optimizer", "%s", have ? hb_opt_name(cfg->p.optimizer) : "");
    hb_row_add(r, "dim", have ? "%u" : "", have ? cfg->p.dim : 0);
    hb_row_add(r, "threads", have ? "%d" : "", have ? cfg->p.threads : 0);
    hb_row_add(r, "isa", "%s", have ? o->isa : "");
    hb_row_add(r, "dataset", "%s", have ? ds->name : "");
    hb_row_add(r, "split", "%s", have ? ds->split : "");
    hb_row_add(r, "epoch", have ? "%u" : "", have ? s->epoch : 0);
    hb_row_add(r, "elapsed_seconds", have ? "%.6f" : "", have ? s->elapsed : 0.0);
    hb_row_add(r, "epoch_updates_per_second", have ? "%.0f" : "",
               have ? s->updates_per_second : 0.0);
    hb_row_add(r, "train_loss", have ? "%.6g" : "", have ? s->loss : 0.0);
    hb_row_add(r, "test_rmse", ev ? "%.6f" : "", ev ? m->rmse : 0.0);
    hb_row_add(r, "test_mae", ev ? "%.6f" : "", ev ? m->mae : 0.0);
    const int nd = ev && isfinite(m->ndcg[0]); /* a pointwise target check has no NDCG */
    hb_row_add(r, "test_ndcg_at_10", nd ? "%.6f" : "", nd ? m->ndcg[0] : 0.0);
}

void hb_cli_curve_row_sample(hb_row *r) { hb_curve_row(r, NULL, NULL, NULL, NULL, 0); }

/* --------------------------------------------------------------------- runs */

typedef struct {
    const hb_run_cfg *cfg;
    hb_epoch_stats *stats; /* one per epoch, for the curves */
    uint32_t n;
} hb_progress_ctx;

static void hb_progress(const hb_epoch_stats *s, void *vctx) {
    hb_progress_ctx *c = vctx;
    if (c->stats && c->n < c->cfg->p.epochs) c->stats[c->n++] = *s;
    if (c->cfg->on_epoch) c->cfg->on_epoch(s, c->cfg->on_epoch_ctx);
    if (c->cfg->quiet) return;
    fprintf(stderr, "epoch %3u/%u  loss %.5f  elapsed %7.3fs  %6.2fM upd/s", s->epoch,
            c->cfg->p.epochs, s->loss, s->elapsed, s->updates_per_second / 1e6);
    if (s->evaluated && s->metrics.pointwise && isfinite(s->metrics.auc))
        fprintf(stderr, "  test rmse %.4f logloss %.4f auc %.4f", s->metrics.rmse,
                s->metrics.logloss, s->metrics.auc);
    else if (s->evaluated && s->metrics.pointwise)
        fprintf(stderr, "  test rmse %.4f mae %.4f", s->metrics.rmse, s->metrics.mae);
    else if (s->evaluated)
        fprintf(stderr, "  test rmse %.4f mae %.4f ndcg@10 %.4f", s->metrics.rmse,
                s->metrics.mae, s->metrics.ndcg[0]);
    fputc('\n', stderr);
}

typedef struct {
    const hb_run_cfg *cfg;
    const hb_dataset *ds;
    hb_run_out *o;
    const hb_progress_ctx *ctx;
} hb_unit_ctx;

/* The row and the curve rows for the repeat hb_csv_append_unit decided. */
static hb_status hb_unit_rows(uint32_t repeat, hb_csv_buf *rows, hb_csv_buf *curves, void *vctx) {
    hb_unit_ctx *u = vctx;
    static hb_row row, cr;
    u->o->repeat = repeat;
    hb_status st = HB_OK;
    if (u->cfg->out_csv) {
        hb_cli_row_config(&row, u->cfg, u->ds, u->o->isa, repeat);
        hb_row_outcome(&row, u->cfg, u->ds, u->o);
        hb_row_add_machine(&row);
        st = hb_csv_buf_add(rows, &row);
    }
    if (u->cfg->curves)
        for (uint32_t e = 0; e < u->ctx->n && st == HB_OK; e++) {
            hb_curve_row(&cr, u->cfg, u->ds, u->o, &u->ctx->stats[e], e + 1 == u->ctx->n);
            st = hb_csv_buf_add(curves, &cr);
        }
    return st;
}

/* Appends the curve rows, then the result row, as one unit (hb_csv_append_unit), with the
 * signal thread held off. */
static int hb_write_rows(const hb_run_cfg *cfg, const hb_dataset *ds, hb_run_out *o,
                         const hb_progress_ctx *ctx) {
    char key[17];
    snprintf(key, sizeof key, "%016llx", (unsigned long long)o->key);
    hb_unit_ctx u = {cfg, ds, o, ctx};
    hb_error err = {{0}};
    if (cfg->sink) { /* a sweep's worker rank: the lines go to rank 0, which writes them */
        hb_csv_buf rows = {0}, curves = {0};
        int rc = hb_unit_rows(cfg->repeat, &rows, &curves, &u) != HB_OK ||
                 cfg->sink(&rows, &curves, o, cfg->sink_ctx) != 0;
        hb_csv_buf_free(&rows);
        hb_csv_buf_free(&curves);
        o->written = !rc;
        return rc;
    }
    pthread_mutex_lock(&hb_sig_lock);
    const hb_status st = hb_csv_append_unit(cfg->out_csv, cfg->curves, key, cfg->repeat,
                                            hb_unit_rows, &u, &o->repeat, &err);
    pthread_mutex_unlock(&hb_sig_lock);
    if (st != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 1;
    }
    o->written = 1;
    return 0;
}

int hb_cli_outputs_check(const hb_run_cfg *cfg, const hb_dataset *ds, const char *cmd) {
    hb_error err = {{0}};
    static hb_row sample;
    size_t removed = 0;
    hb_status st = HB_OK;
    if (cfg->out_csv && (st = hb_out_check("--out", cfg->out_csv, HB_OUT_APPEND, &err)) == HB_OK) {
        hb_cli_row_sample(&sample, cfg, ds);
        if ((st = hb_csv_prepare(cfg->out_csv, &sample, &removed, &err)) == HB_OK && removed)
            fprintf(stderr, "hogbench %s: %s: removed an incomplete last line (%zu bytes) left "
                            "by an interrupted writer\n", cmd, cfg->out_csv, removed);
    }
    if (st == HB_OK && cfg->curves &&
        (st = hb_out_check("--curves", cfg->curves, HB_OUT_APPEND, &err)) == HB_OK) {
        hb_cli_curve_row_sample(&sample);
        if ((st = hb_csv_prepare(cfg->curves, &sample, &removed, &err)) == HB_OK && removed)
            fprintf(stderr, "hogbench %s: %s: removed an incomplete last line (%zu bytes) left "
                            "by an interrupted writer\n", cmd, cfg->curves, removed);
        if (st == HB_OK &&
            (st = hb_csv_drop_orphan_curves(cfg->curves, cfg->out_csv, &removed, &err)) == HB_OK &&
            removed)
            fprintf(stderr, "hogbench %s: %s: removed the curve rows (%zu bytes) of a run killed "
                            "before its row reached %s; it runs again\n", cmd, cfg->curves,
                    removed, cfg->out_csv);
    }
    if (st == HB_OK && cfg->save_dir &&
        (st = hb_out_check("--save-model", cfg->save_dir, HB_OUT_DIR, &err)) == HB_OK)
        st = hb_model_dir_check(cfg->save_dir, &err);
    if (st != HB_OK) {
        fprintf(stderr, "hogbench %s: %s\n", cmd, err.msg);
        return 1;
    }
    return 0;
}

int hb_cli_execute(const hb_run_cfg *cfg, const hb_dataset *ds, hb_run_out *o) {
    memset(o, 0, sizeof *o);
    hb_error err = {{0}};
    /* the ISA is a parameter: --isa, else $HOGBENCH_ISA or the best, resolved here */
    const hb_kernels *k = cfg->isa == HB_ISA_AUTO ? hb_kernels_get() : hb_kernels_for(cfg->isa);
    if (!k) {
        fprintf(stderr, "hogbench: ISA %s is not supported by this CPU or build (see "
                        "'hogbench isa')\n", cfg->isa == HB_ISA_COUNT ? getenv("HOGBENCH_ISA")
                                                                       : hb_isa_name(cfg->isa));
        return 2;
    }
    o->isa = k->name;
    o->rank = cfg->rank;
    o->cfg_target = cfg->p.target != HB_TARGET_NONE;
    static hb_row row;
    hb_cli_row_config(&row, cfg, ds, k->name, 1);
    o->key = strtoull(hb_row_get(&row, "run_key"), NULL, 16);
    o->repeat = cfg->repeat; /* 0: decided when the row is written */
    /* the files: checked by their writer (rank 0 under MPI; every rank learns the verdict) */
    int bad = !cfg->sink && !cfg->outputs_checked && !(cfg->dist && cfg->dist->rank) &&
              hb_cli_outputs_check(cfg, ds, cfg->record_errors ? "sweep" : "train") != 0;
    if (cfg->dist) bad = !cfg->dist->agree(!bad);
    if (bad) return 1;
    hb_model *m = NULL;
    hb_train_params p = cfg->p;
    p.isa = k->isa;
    o->st = cfg->dist && cfg->dist->create ? cfg->dist->create(&p, ds, &m, &err)
                                           : hb_model_create(&p, ds, &m, &err);
    if (o->st == HB_ERR_ARG && !cfg->record_errors) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    if (!cfg->quiet)
        fprintf(stderr, "hogbench: %s dim %u, %s lr %g reg %g batch %u, %u epochs, %d threads, "
                        "isa %s, schedule %s, seed %llu, preset %s\n",
                hb_model_name(cfg->p.model), cfg->p.dim, hb_opt_name(cfg->p.optimizer),
                cfg->p.lr, cfg->p.reg, cfg->p.batch, cfg->p.epochs, cfg->p.threads, k->name,
                hb_schedule_name(cfg->p.schedule), (unsigned long long)cfg->p.seed, cfg->preset);
    hb_progress_ctx ctx = {cfg, NULL, 0};
    if (cfg->curves && !(ctx.stats = calloc(cfg->p.epochs, sizeof *ctx.stats))) {
        fprintf(stderr, "hogbench: out of memory for the learning curve\n");
        hb_model_free(&m);
        return 1;
    }
    hb_rss_reset();
    /* hb_progress and the commands' on_epoch read only the epoch's stats */
    if (o->st == HB_OK) hb_model_set_epoch_overlap(m, 1);
    if (o->st == HB_OK)
        o->st = cfg->dist ? cfg->dist->train(m, ds, hb_progress, &ctx, &o->res, &err)
                          : hb_train(m, ds, hb_progress, &ctx, &o->res, &err);
    const int writer = !(cfg->dist && cfg->dist->rank); /* MPI: rank 0 saves and writes */
    o->peak_rss_kib = hb_rss_peak_kib();
    int rc = 0;
    if (o->st != HB_OK) snprintf(o->msg, sizeof o->msg, "%s", err.msg);
    if (o->st == HB_OK && cfg->save_dir && writer) {
        hb_error e2 = {{0}};
        if (hb_model_save(m, ds, cfg->save_dir, &e2) != HB_OK) {
            fprintf(stderr, "hogbench: %s\n", e2.msg);
            rc = 1;
        } else if (!cfg->quiet) {
            fprintf(stderr, "hogbench: model saved to %s\n", cfg->save_dir);
        }
    }
    hb_model_free(&m);
    if (rc == 0 && writer && (cfg->out_csv || cfg->curves)) rc = hb_write_rows(cfg, ds, o, &ctx);
    free(ctx.stats);
    return rc;
}

int hb_cli_run(const hb_run_cfg *cfg, const hb_dataset *ds, hb_train_result *res) {
    static hb_run_out o;
    int rc = hb_cli_execute(cfg, ds, &o);
    *res = o.res;
    if (cfg->dist && cfg->dist->rank) return rc ? rc : o.st == HB_OK ? 0 : 1; /* rank 0 reports */
    if (rc == 2 || !o.isa || (rc && res->epochs_done == 0)) return rc; /* nothing ran */
    if (o.st != HB_OK) fprintf(stderr, "hogbench: %s\n", o.msg);
    if (o.st == HB_OK || o.st == HB_ERR_DIVERGED) {
        char proto[64];
        printf("model=%s isa=%s threads=%d epochs=%u train_seconds=%.4f seconds_per_epoch=%.5f "
               "updates_per_second=%.0f\n",
               hb_model_name(cfg->p.model), o.isa, cfg->p.threads, res->epochs_done,
               res->train_seconds, res->epochs_done ? res->train_seconds / res->epochs_done : 0,
               res->updates_per_second);
        if (o.st == HB_OK)
            printf("rmse=%.4f mae=%.4f ndcg@10=%.4f ndcg@20=%.4f ndcg@30=%.4f ndcg@100=%.4f "
                   "eval_seconds=%.4f ndcg_protocol=%s\n",
                   res->metrics.rmse, res->metrics.mae, res->metrics.ndcg[0], res->metrics.ndcg[1],
                   res->metrics.ndcg[2], res->metrics.ndcg[3], res->metrics.eval_seconds,
                   hb_ndcg_protocol(&res->metrics, proto, sizeof proto));
        if (o.st == HB_OK && o.cfg_target && res->epochs_to_target)
            printf("target %s=%g reached: epochs_to_target=%u seconds_to_target=%.4f "
                   "seconds_to_target_with_eval=%.4f\n", hb_target_name(cfg->p.target),
                   cfg->p.target_value, res->epochs_to_target, res->seconds_to_target,
                   res->seconds_to_target_with_eval);
        else if (o.st == HB_OK && o.cfg_target)
            printf("target %s=%g missed in %u epochs (status target_missed)\n",
                   hb_target_name(cfg->p.target), cfg->p.target_value, res->epochs_done);
    }
    if (rc) return rc;
    return o.st == HB_OK ? 0 : 1;
}

/* ------------------------------------------------------ lines from another rank */

typedef struct {
    const hb_csv_buf *rows, *curves;
} hb_lines_ctx;

static hb_status hb_copy_lines(uint32_t repeat, hb_csv_buf *rows, hb_csv_buf *curves, void *vctx) {
    (void)repeat;
    const hb_lines_ctx *c = vctx;
    const hb_csv_buf *src[2] = {c->rows, c->curves};
    hb_csv_buf *dst[2] = {rows, curves};
    for (int k = 0; k < 2; k++) {
        if (!src[k] || !src[k]->head) continue;
        dst[k]->head = malloc(src[k]->head_len);
        dst[k]->data = malloc(src[k]->len ? src[k]->len : 1);
        if (!dst[k]->head || !dst[k]->data) return HB_ERR_NOMEM;
        memcpy(dst[k]->head, src[k]->head, src[k]->head_len);
        memcpy(dst[k]->data, src[k]->data, src[k]->len);
        dst[k]->head_len = src[k]->head_len;
        dst[k]->len = dst[k]->cap = src[k]->len;
    }
    return HB_OK;
}

int hb_cli_append_lines(const hb_run_cfg *cfg, uint64_t key, uint32_t repeat,
                        const hb_csv_buf *rows, const hb_csv_buf *curves) {
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)key);
    hb_lines_ctx c = {rows, curves};
    hb_error err = {{0}};
    pthread_mutex_lock(&hb_sig_lock);
    const hb_status st = hb_csv_append_unit(cfg->out_csv, cfg->curves, hex, repeat,
                                            hb_copy_lines, &c, NULL, &err);
    pthread_mutex_unlock(&hb_sig_lock);
    if (st != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 1;
    }
    return 0;
}
