/* mpi.c: hogbench under mpirun (HB_WITH_MPI): start-up, the distributed sweep (rank 0 hands
 * runs out and is the only writer) and the CLI side of distributed training (src/dist.c). */
#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hogbench/hogbench_mpi.h"

static int hb_rank, hb_size = 1, hb_inited;

void hb_mpi_init(int *argc, char ***argv) {
    /* only under a launcher: a plain 'hogbench train' stays one process, MPI or not */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK")) return;
    /* SIGINT/SIGTERM blocked before MPI starts its threads, so that they reach hogbench's
     * signal thread (which never lets one cut a row being written), not a thread of MPI */
    if (hb_cli_signals_install() != 0)
        fprintf(stderr, "hogbench: cannot watch for signals; a stop will not say what was kept\n");
    hb_cli_interrupt_note("");
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "hogbench: MPI_Init_thread failed\n");
        exit(1);
    }
    hb_inited = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &hb_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &hb_size);
    if (provided < MPI_THREAD_FUNNELED) {
        if (hb_rank == 0)
            fprintf(stderr, "hogbench: this MPI library gives no MPI_THREAD_FUNNELED (OpenMP "
                            "threads beside MPI calls); refusing to run\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

void hb_mpi_finalize(void) {
    if (hb_inited) MPI_Finalize();
    hb_inited = 0;
}

int hb_mpi_rank(void) { return hb_rank; }
int hb_mpi_size(void) { return hb_size; }

int hb_mpi_agree(int ok) {
    if (hb_size < 2) return ok;
    int all = ok;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all;
}

/* Waits for r, testing it and sleeping between tests: a blocking MPI wait spins a core, and
 * on an oversubscribed machine that core belongs to another rank's training threads. */
static void hb_mpi_wait(MPI_Request *r, MPI_Status *st) {
    int done = 0;
    for (long k = 0;; k++) {
        MPI_Test(r, &done, st ? st : MPI_STATUS_IGNORE);
        if (done) return;
        struct timespec ts = {0, k < 100 ? 20000 : 200000};
        nanosleep(&ts, NULL);
    }
}

static void hb_host(char *buf, size_t cap) {
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    if (MPI_Get_processor_name(name, &len) != MPI_SUCCESS) len = 0;
    name[len] = '\0';
    snprintf(buf, cap, "%s", len ? name : "?");
}

/* Every rank loaded the same data (dataset_xxh3 joins the run key): 1, or 0 with rank 0
 * naming the first rank and host whose data differ. */
static int hb_same_data(const hb_dataset *ds, const char *cmd) {
    unsigned long long mine = ds->xxh3, *all = calloc((size_t)hb_size, sizeof *all);
    char host[64], *hosts = calloc((size_t)hb_size, sizeof host);
    hb_host(host, sizeof host);
    int ok = all && hosts;
    if (!ok) MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, all, 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
    MPI_Allgather(host, sizeof host, MPI_CHAR, hosts, sizeof host, MPI_CHAR, MPI_COMM_WORLD);
    for (int r = 1; r < hb_size && ok; r++)
        if (all[r] != all[0]) {
            ok = 0;
            if (hb_rank == 0)
                fprintf(stderr, "hogbench %s: rank %d (host %s) loaded other data than rank 0 "
                                "(dataset_xxh3 %016llx, rank 0: %016llx): every node must "
                                "see the same --data\n",
                        cmd, r, hosts + (size_t)r * sizeof host, all[r], all[0]);
        }
    free(all);
    free(hosts);
    return ok;
}

/* Tests only: HOGBENCH_TEST_KILL=R:K:E makes rank R kill itself (SIGKILL, as kill -9 would)
 * after epoch E of its K-th run (train: K = 1). */
static int hb_kill_rank = -1, hb_kill_run, hb_kill_epoch, hb_runs_started;

static void hb_kill_parse(void) {
    const char *s = getenv("HOGBENCH_TEST_KILL");
    if (!s || sscanf(s, "%d:%d:%d", &hb_kill_rank, &hb_kill_run, &hb_kill_epoch) != 3)
        hb_kill_rank = -1;
}

static void hb_kill_check(uint32_t epoch) {
    if (hb_rank == hb_kill_rank && hb_runs_started == hb_kill_run && (int)epoch == hb_kill_epoch) {
        fprintf(stderr, "hogbench: rank %d: HOGBENCH_TEST_KILL: killing myself (SIGKILL) after "
                        "epoch %u of run %d\n", hb_rank, epoch, hb_runs_started);
        raise(SIGKILL);
    }
}

/* ------------------------------------------------------------ distributed training */

typedef struct {
    hb_epoch_cb cb;
    void *ctx;
} hb_train_wrap;

static void hb_train_on_epoch(const hb_epoch_stats *s, void *vctx) {
    const hb_train_wrap *w = vctx;
    hb_kill_check(s->epoch);
    if (w->cb) w->cb(s, w->ctx);
}

static hb_status hb_mpi_train(hb_model *m, const hb_dataset *ds, hb_epoch_cb cb, void *ctx,
                              hb_train_result *res, hb_error *err) {
    if (!hb_same_data(ds, "train")) {
        memset(res, 0, sizeof *res);
        return hb_fail(err, HB_ERR_ARG, "the ranks loaded different data");
    }
    hb_runs_started++;
    hb_cli_interrupt_note(hb_rank ? "" : "\nhogbench train: the MPI job was stopped during "
                          "training (Ctrl-C, or a rank died: mpirun's message names it); no "
                          "row was written for this run\n");
    hb_train_wrap w = {cb, ctx};
    return hb_train_mpi(m, ds, MPI_COMM_WORLD, hb_train_on_epoch, &w, res, err);
}

static hb_cli_dist hb_dist_cfg;

void hb_mpi_train_setup(hb_run_cfg *cfg) {
    if (hb_size < 2) return;
    hb_cli_dist *const d = &hb_dist_cfg;
    *d = (hb_cli_dist){.rank = hb_rank, .ranks = hb_size, .agree = hb_mpi_agree,
                       .train = hb_mpi_train};
    hb_kill_parse();
    cfg->dist = d;
    cfg->rank = 0; /* the row is rank 0's; ranks says how many trained */
    if (hb_rank) {
        cfg->quiet = 1;
        hb_cli_interrupt_note(""); /* rank 0 says what was kept */
    }
}

static hb_status hb_mpi_create(const hb_train_params *p, const hb_dataset *ds, hb_model **out,
                               hb_error *err) {
    return hb_model_create_mpi(p, ds, MPI_COMM_WORLD, out, err);
}

int hb_mpi_load_data(const char *data, const char *split, const hb_load_opts *opts,
                     hb_run_cfg *cfg, hb_dataset **out) {
    hb_error err = {{0}};
    hb_load_opts o = opts ? *opts : hb_load_opts_default();
    if (!data) { /* as hb_cli_load_data_opts resolves it */
        const char *env = getenv("HOGBENCH_DATA");
        if (env && *env) data = env;
        else if (hb_is_dir("data/ml-100k")) data = "data/ml-100k";
    }
    if (!data) data = "synthetic";
    if (split && hb_load_opts_set(&o, "split", split, &err) != HB_OK) {
        if (hb_rank == 0) fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    hb_mpi_load_info info;
    const hb_status st = hb_dataset_load_mpi(data, &o, cfg->p.seed, MPI_COMM_WORLD, out, &info, &err);
    if (st != HB_OK) { /* the rank that read the bad line says so; the others end quietly */
        hb_cli_interrupt_note(""); /* mpirun may stop the ranks still exiting: nothing to say */
        if (hb_rank == info.err_rank) {
            if (info.shard) fprintf(stderr, "hogbench: rank %d: %s\n", hb_rank, err.msg);
            else fprintf(stderr, "hogbench: %s\n", err.msg);
        }
        return st == HB_ERR_ARG ? 2 : 1;
    }
    cfg->data = data;
    hb_dist_cfg.shard = info.shard;
    hb_dist_cfg.create = info.shard ? hb_mpi_create : NULL;
    hb_dist_cfg.n_train = info.n_train;
    hb_dist_cfg.n_test = info.n_test;
    hb_dist_cfg.n_test_cold = info.n_test_cold;
    /* what each rank read: one line per rank from rank 0 */
    double mine[7] = {(double)info.bytes_parsed, (double)info.bytes_total, (double)info.rows_parsed,
                      info.parse_seconds, info.agree_seconds, info.exchange_seconds,
                      info.load_seconds};
    double *all = hb_rank == 0 ? malloc((size_t)hb_size * sizeof mine) : NULL;
    if (hb_rank == 0 && !all) MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Gather(mine, 7, MPI_DOUBLE, all, 7, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    const hb_dataset *ds = *out;
    if (hb_rank == 0 && !cfg->quiet) {
        fprintf(stderr, "hogbench: data %s%s%s split %s: %u users, %u items, %zu train (of %zu), "
                        "%zu test (of %zu), ratings %g..%g, xxh3 %016llx\n",
                ds->name, strcmp(ds->name, data) ? " from " : "", strcmp(ds->name, data) ? data : "",
                ds->split, ds->n_users, ds->n_items, info.n_train, ds->n_train_raw, info.n_test,
                ds->n_test_raw, ds->r_min, ds->r_max, (unsigned long long)ds->xxh3);
        if (!info.shard)
            fprintf(stderr, "hogbench: mpi load: every rank loaded the whole dataset (%s) in "
                            "%.3f s\n", info.fallback, info.load_seconds);
        else
            for (int r = 0; r < hb_size; r++) {
                const double *x = all + 7 * r;
                fprintf(stderr, "hogbench: mpi load: rank %d of %d parsed %.0f of %.0f bytes "
                                "(%.1f%%, %.0f ratings) in %.3f s; ids, duplicates, split, "
                                "filter, fingerprint %.3f s; exchange %.3f s; load %.3f s\n",
                        r, hb_size, x[0], x[1], x[1] > 0 ? 100.0 * x[0] / x[1] : 0.0, x[2], x[3],
                        x[4], x[5], x[6]);
            }
    }
    free(all);
    return 0;
}

/* -------------------------------------------------------------- distributed sweep */

enum { HB_TAG_READY = 1, HB_TAG_RESULT, HB_TAG_FAIL, HB_TAG_RUN, HB_TAG_STOP };

/* A worker's report: this header, then rows.head, rows.data, curves.head, curves.data, msg. */
typedef struct {
    int32_t run, status; /* status: 0 ok, 1 diverged, 2 error (as the row says) */
    uint64_t len[5];
} hb_result_head;

typedef struct {
    int run;
    char *buf; /* the message being sent */
    MPI_Request req;
} hb_worker_ctx;

static int hb_sink_send(const hb_csv_buf *rows, const hb_csv_buf *curves, const hb_run_out *o,
                        void *vctx) {
    hb_worker_ctx *w = vctx;
    hb_result_head h = {.run = w->run,
                        .status = o->st == HB_OK ? 0 : o->st == HB_ERR_DIVERGED ? 1 : 2,
                        .len = {rows->head_len, rows->len, curves->head_len, curves->len,
                                o->st == HB_OK ? 0 : strlen(o->msg)}};
    const size_t n = sizeof h + h.len[0] + h.len[1] + h.len[2] + h.len[3] + h.len[4];
    if (n > (size_t)1 << 30) {
        fprintf(stderr, "hogbench sweep: rank %d: a run's rows exceed 1 GiB\n", hb_rank);
        return 1;
    }
    char *b = malloc(n);
    if (!b) return 1;
    size_t at = 0;
    memcpy(b, &h, sizeof h);
    at += sizeof h;
    const char *src[5] = {rows->head, rows->data, curves->head, curves->data, o->msg};
    for (int k = 0; k < 5; k++) {
        if (h.len[k]) memcpy(b + at, src[k], h.len[k]);
        at += h.len[k];
    }
    w->buf = b;
    MPI_Isend(b, (int)n, MPI_BYTE, 0, HB_TAG_RESULT, MPI_COMM_WORLD, &w->req);
    return 0;
}

static void hb_sweep_on_epoch_mpi(const hb_epoch_stats *s, void *ctx) {
    (void)ctx;
    hb_kill_check(s->epoch);
}

/* A worker: asks for a run, trains it, sends its lines, asks again, until told to stop. */
static int hb_sweep_worker(const hb_run_cfg *const *cfgs, const int *run_cfg,
                           const uint32_t *run_rep, int nruns, const hb_dataset *ds) {
    hb_cli_interrupt_note(""); /* rank 0 says what was kept */
    MPI_Send(NULL, 0, MPI_BYTE, 0, HB_TAG_READY, MPI_COMM_WORLD);
    for (;;) {
        int32_t msg[2];
        MPI_Request r;
        MPI_Status st;
        MPI_Irecv(msg, 2, MPI_INT32_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &r);
        hb_mpi_wait(&r, &st);
        if (st.MPI_TAG == HB_TAG_STOP) return 0;
        const int run = msg[0];
        if (run < 0 || run >= nruns) MPI_Abort(MPI_COMM_WORLD, 1);
        hb_run_cfg cfg = *cfgs[run_cfg[run]];
        cfg.isa = (hb_isa)msg[1]; /* rank 0's table: "auto" is resolved there, once */
        cfg.repeat = run_rep[run];
        cfg.rank = hb_rank;
        cfg.on_epoch = hb_sweep_on_epoch_mpi;
        cfg.on_epoch_ctx = NULL;
        hb_worker_ctx w = {.run = run};
        cfg.sink = hb_sink_send;
        cfg.sink_ctx = &w;
        hb_runs_started++;
        hb_run_out o;
        const int x = hb_cli_execute(&cfg, ds, &o);
        if (w.buf) {
            hb_mpi_wait(&w.req, NULL);
            free(w.buf);
        }
        if (x != 0 || !o.written) { /* nothing to record (an ISA this node lacks, no memory) */
            char host[64], text[512];
            hb_host(host, sizeof host);
            snprintf(text, sizeof text, "rank %d (host %s) could not run it (exit %d; its "
                     "message is above)", hb_rank, host, x);
            MPI_Send(text, (int)strlen(text) + 1, MPI_CHAR, 0, HB_TAG_FAIL, MPI_COMM_WORLD);
        }
    }
}

static int hb_status_of(int32_t s) { return s >= 0 && s <= 2 ? s : 2; }

int hb_mpi_sweep(const hb_run_cfg *const *cfgs, const int *run_cfg, const uint32_t *run_rep,
                 const int *done, int nruns, const hb_dataset *ds, int *ran, int *diverged,
                 int *errors) {
    hb_kill_parse();
    if (!hb_same_data(ds, "sweep")) return 1;
    if (hb_rank != 0) return hb_sweep_worker(cfgs, run_cfg, run_rep, nruns, ds);

    /* rank 0: coordinator and the only writer; it trains nothing */
    const int workers = hb_size - 1;
    int *inflight = malloc((size_t)hb_size * sizeof *inflight);
    if (!inflight) MPI_Abort(MPI_COMM_WORLD, 1);
    for (int r = 0; r < hb_size; r++) inflight[r] = -1;
    int next = 0, active = workers, stop = 0, rc = 0, skipped = 0;
    for (int k = 0; k < nruns; k++) skipped += done[k];
    const char *out = cfgs[0]->out_csv;
    char note[4096];
    for (;;) {
        /* what a stop now would keep, and which runs it would drop */
        int at = snprintf(note, sizeof note, "hogbench sweep: stopped (Ctrl-C, or mpirun ended "
                          "the job because a rank died: mpirun's message names it); %s keeps "
                          "every finished row (%d written by this sweep, %d before)",
                          out, *ran, skipped);
        for (int r = 1, first = 1; r < hb_size && at < (int)sizeof note - 200; r++)
            if (inflight[r] >= 0) {
                const hb_run_cfg *c = cfgs[run_cfg[inflight[r]]];
                at += snprintf(note + at, sizeof note - (size_t)at, "%s rank %d: %s dim %u, %d "
                               "thr, repeat %u", first ? "; runs dropped:" : ",", r,
                               hb_model_name(c->p.model), c->p.dim, c->p.threads,
                               run_rep[inflight[r]]);
                first = 0;
            }
        snprintf(note + at, sizeof note - (size_t)at, "; rerun the same command to resume\n");
        hb_cli_interrupt_note(note);
        if (active == 0) break;

        int flag = 0;
        MPI_Status st;
        for (long k = 0; !flag; k++) {
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
            if (!flag) {
                struct timespec ts = {0, k < 100 ? 20000 : 200000};
                nanosleep(&ts, NULL);
            }
        }
        int n = 0;
        MPI_Get_count(&st, MPI_BYTE, &n);
        char *b = malloc(n > 0 ? (size_t)n : 1);
        if (!b) MPI_Abort(MPI_COMM_WORLD, 1);
        const int src = st.MPI_SOURCE;
        MPI_Recv(b, n, MPI_BYTE, src, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (st.MPI_TAG == HB_TAG_RESULT && (size_t)n >= sizeof(hb_result_head)) {
            hb_result_head h;
            memcpy(&h, b, sizeof h);
            size_t need = sizeof h;
            for (int k = 0; k < 5; k++) need += h.len[k];
            if (need != (size_t)n || h.run < 0 || h.run >= nruns || h.run != inflight[src]) {
                fprintf(stderr, "hogbench sweep: rank %d sent a malformed result\n", src);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            char *p = b + sizeof h;
            hb_csv_buf rows = {.head = p, .head_len = h.len[0], .data = p + h.len[0],
                               .len = h.len[1]};
            p += h.len[0] + h.len[1];
            hb_csv_buf curves = {.head = h.len[2] ? p : NULL, .head_len = h.len[2],
                                 .data = p + h.len[2], .len = h.len[3]};
            p += h.len[2] + h.len[3];
            const hb_run_cfg *c = cfgs[run_cfg[h.run]];
            static hb_row row;
            hb_cli_row_config(&row, c, ds, hb_isa_name(c->isa), 1);
            const uint64_t key = strtoull(hb_row_get(&row, "run_key"), NULL, 16);
            if (hb_cli_append_lines(c, key, run_rep[h.run], &rows, &curves) != 0) {
                fprintf(stderr, "hogbench sweep: stopping: the row of rank %d's run could not "
                                "be written\n", src);
                stop = 1;
                rc = 1;
            } else {
                ++*ran;
                const int s = hb_status_of(h.status);
                *diverged += s == 1;
                *errors += s == 2;
                if (s == 2)
                    fprintf(stderr, "hogbench sweep: %s dim %u, %d thr, repeat %u (rank %d): "
                                    "%.*s (recorded as error)\n",
                            hb_model_name(c->p.model), c->p.dim, c->p.threads,
                            run_rep[h.run], src, (int)h.len[4], p);
            }
            inflight[src] = -1;
        } else if (st.MPI_TAG == HB_TAG_FAIL) {
            const int r = inflight[src];
            fprintf(stderr, "hogbench sweep: stopped: run %s dim %u, repeat %u: %.*s\n",
                    r >= 0 ? hb_model_name(cfgs[run_cfg[r]]->p.model) : "?",
                    r >= 0 ? cfgs[run_cfg[r]]->p.dim : 0, r >= 0 ? run_rep[r] : 0, n, b);
            inflight[src] = -1;
            stop = 1;
            rc = 1;
        } else if (st.MPI_TAG != HB_TAG_READY) {
            fprintf(stderr, "hogbench sweep: rank %d sent an unexpected message (tag %d)\n", src,
                    st.MPI_TAG);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        free(b);
        while (next < nruns && done[next]) next++;
        if (!stop && next < nruns) {
            const int32_t m[2] = {next, (int32_t)cfgs[run_cfg[next]]->isa};
            inflight[src] = next++;
            MPI_Send(m, 2, MPI_INT32_T, src, HB_TAG_RUN, MPI_COMM_WORLD);
        } else {
            MPI_Send(NULL, 0, MPI_INT32_T, src, HB_TAG_STOP, MPI_COMM_WORLD);
            active--;
        }
    }
    free(inflight);
    hb_cli_interrupt_note(NULL);
    return rc;
}
