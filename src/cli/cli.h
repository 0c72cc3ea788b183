/* cli.h: shared pieces of hogbench's subcommands (data resolution, one run, signals, MPI). */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <stdint.h>

#include "flags.h"
#include "kernels.h"
#include "results.h"

/* A run trained across MPI ranks (src/cli/mpi.c, HB_WITH_MPI): every rank calls
 * hb_cli_execute; rank 0 alone checks and writes the outputs and prints. */
typedef struct hb_cli_dist {
    int rank, ranks;
    int (*agree)(int ok); /* collective: 1 when ok is 1 on every rank */
    hb_status (*train)(hb_model *m, const hb_dataset *ds, hb_epoch_cb cb, void *ctx,
                       hb_train_result *res, hb_error *err);
    /* ds is this rank's shard (hb_dataset_load_mpi): the model is made by create (the whole
     * dataset's mean) and the row counts the whole dataset's n_train, n_test, n_test_cold */
    int shard;
    hb_status (*create)(const hb_train_params *p, const hb_dataset *ds, hb_model **out,
                        hb_error *err);
    size_t n_train, n_test, n_test_cold;
} hb_cli_dist;

/* Where a worker rank of a distributed sweep sends its run's lines (the row, and the curve
 * rows) instead of writing them: rank 0 writes them (src/cli/mpi.c). Returns 0 or 1. */
struct hb_run_out;
typedef int (*hb_rows_sink)(const hb_csv_buf *rows, const hb_csv_buf *curves,
                            const struct hb_run_out *o, void *ctx);

/* One configured run: what the CSV row needs besides the params. */
typedef struct hb_run_cfg {
    hb_train_params p;
    hb_isa isa;            /* HB_ISA_COUNT: auto */
    const char *preset;    /* "seed" (the notebook's), "default" or "standard" */
    const char *data;      /* the directory or synthetic spec loaded (the "data" column) */
    const char *out_csv;   /* NULL: no row */
    const char *save_dir;  /* NULL: no export */
    const char *curves;    /* NULL: no per-epoch rows */
    uint32_t repeat;       /* 1-based repetition; 0: one more than out_csv holds for this key */
    int quiet;             /* no progress lines */
    int record_errors;     /* a model that cannot be built gets an error row (sweep) */
    int outputs_checked;   /* hb_cli_outputs_check already ran for these files (sweep checks
                              once before run 1, not before every run) */
    hb_epoch_cb on_epoch;  /* called after every epoch too (sweep's progress), with ctx */
    void *on_epoch_ctx;
    /* MPI (src/cli/mpi.c); zero for one process */
    int rank;              /* the rank that runs it (the row's rank column) */
    const hb_cli_dist *dist; /* one model trained by every rank (row: ranks) */
    hb_rows_sink sink;     /* a sweep's worker rank: lines to rank 0, no file touched */
    void *sink_ctx;
} hb_run_cfg;

/* The outcome of hb_cli_execute. */
typedef struct hb_run_out {
    hb_train_result res;
    hb_status st;          /* training's status: HB_OK, HB_ERR_DIVERGED, ... */
    char msg[1024];        /* its message when not HB_OK */
    const char *isa;       /* the kernel table used */
    uint64_t key;          /* run key */
    uint32_t repeat;
    long peak_rss_kib;
    int written;           /* the row (and curve rows) reached out_csv (and curves) */
    int rank;              /* cfg->rank (the row's rank column) */
    int cfg_target;        /* the run had a --target (status target_missed when not met) */
} hb_run_out;

/* The config columns of cfg's row (with run_key and repeat) into r, for isa. */
void hb_cli_row_config(hb_row *r, const hb_run_cfg *cfg, const hb_dataset *ds, const char *isa,
                       uint32_t repeat);

/* A complete row with an empty outcome, to check an existing file's header. */
void hb_cli_row_sample(hb_row *r, const hb_run_cfg *cfg, const hb_dataset *ds);
/* Likewise for the curves file. */
void hb_cli_curve_row_sample(hb_row *r);

/* Checks every output of cfg before any work (hb_out_check; hb_csv_prepare, which repairs a
 * torn last line and refuses a foreign file untouched; orphan curve rows dropped; the model
 * folder). Returns 0, or 1 with "hogbench CMD: ..." printed. */
int hb_cli_outputs_check(const hb_run_cfg *cfg, const hb_dataset *ds, const char *cmd);

/* Trains and evaluates once and appends the row (and curve rows), with SIGINT/SIGTERM held
 * off while they are written. Returns 0 when the run ended (o->st says how), 2 for a bad
 * ISA or model config (nothing written unless record_errors), 1 when a row could not be
 * written (message printed). */
int hb_cli_execute(const hb_run_cfg *cfg, const hb_dataset *ds, hb_run_out *o);

/* Trains and evaluates once, printing progress and a summary; appends the CSV row.
 * Returns the process exit code (0 ok, 1 run failed or diverged, 2 usage). */
int hb_cli_run(const hb_run_cfg *cfg, const hb_dataset *ds, hb_train_result *res);

/* Ctrl-C and SIGTERM: the process exits at once (128 + signal) after printing the note set
 * with hb_cli_interrupt_note (what was kept), but never while hb_cli_execute writes rows.
 * Install before any OpenMP region (it blocks the signals in every thread created later and
 * waits for them in its own thread). Returns 0, or -1 if the thread cannot start. */
int hb_cli_signals_install(void);
void hb_cli_interrupt_note(const char *note);

int hb_cmd_train(int argc, char **argv);
/* 'hogbench tune' (also 'train --tune'): validation search, then one run (src/cli/tune.c). */
int hb_cmd_tune(int argc, char **argv);
int hb_cmd_sweep(int argc, char **argv);
/* 'hogbench compare BASE NEW': exit 0 no regression, 1 regression, 2 usage, 3 nothing compared. */
int hb_cmd_compare(int argc, char **argv);
int hb_cmd_probe(int argc, char **argv);  /* src/cli/probe.c */
int hb_cmd_report(int argc, char **argv); /* src/cli/report.c */

/* ---- data loading (src/cli/data.c) ---- */

/* Resolves --data (NULL: $HOGBENCH_DATA, then ./data/ml-100k, then synthetic) and loads it with
 * loader options o (NULL: defaults), saying on stderr which data it uses; *used (if non-NULL)
 * gets the directory or synthetic spec loaded. Any data: ML folders, ratings files, synthetic
 * specs. split NULL: the data's own (u1 for ML-100K, else random:0.2 seeded
 * by o->seed). Returns 0, or prints the error and returns the exit code: 2 for bad usage (a
 * split or spec the data cannot take: HB_ERR_ARG), 1 for data that cannot be loaded. */
int hb_cli_load_data_opts(const char *data, const char *split, const hb_load_opts *o,
                          hb_dataset **out, const char **used, int quiet);
int hb_cmd_data(int argc, char **argv);

/* ---- MPI (src/cli/mpi.c, built with HB_WITH_MPI; one process otherwise) ---- */
#ifdef HB_WITH_MPI
/* MPI_Init_thread when started by an MPI launcher (mpirun sets OMPI_COMM_WORLD_SIZE, PMI_SIZE
 * or PMIX_RANK), else nothing: a plain run stays one process. */
void hb_mpi_init(int *argc, char ***argv);
void hb_mpi_finalize(void);
int hb_mpi_rank(void);
int hb_mpi_size(void);
/* Collective over every rank: 1 when ok is 1 on all of them. */
int hb_mpi_agree(int ok);
/* train under mpirun -np N > 1: cfg trains one model across the ranks. */
void hb_mpi_train_setup(hb_run_cfg *cfg);
/* hb_cli_load_data_opts for train across the ranks (after hb_mpi_train_setup): each rank
 * parses its share of the file(s) and keeps its users' ratings (hb_dataset_load_mpi with
 * cfg's seed); cfg->dist learns the whole dataset's counts. A parse error is printed by the
 * rank that read the line; every rank returns the same exit code. */
int hb_mpi_load_data(const char *data, const char *split, const hb_load_opts *o, hb_run_cfg *cfg,
                     hb_dataset **out);
/* The distributed sweep: rank 0 hands runs[0..nruns) (cfg index, repeat; done[] already in
 * the file) to the worker ranks as they ask, and appends the lines they send back; the
 * workers train. Returns the exit code; *ran, *diverged, *errors count rows written now. */
int hb_mpi_sweep(const hb_run_cfg *const *cfgs, const int *run_cfg, const uint32_t *run_rep,
                 const int *done, int nruns, const hb_dataset *ds, int *ran, int *diverged,
                 int *errors);
#else
static inline int hb_mpi_rank(void) { return 0; }
static inline int hb_mpi_size(void) { return 1; }
static inline int hb_mpi_agree(int ok) { return ok; }
#endif

/* Appends lines a worker rank built (a distributed sweep) to cfg's files as one unit, with
 * the signal thread held off (hb_csv_append_unit). 0, or 1 with the message printed. */
int hb_cli_append_lines(const hb_run_cfg *cfg, uint64_t key, uint32_t repeat,
                        const hb_csv_buf *rows, const hb_csv_buf *curves);

#endif
