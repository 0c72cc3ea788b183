/* cli.h: shared pieces of hogbench's subcommands (option parsing, data resolution, one run). */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "hogbench/hogbench.h"
#include "kernels.h"
#include "results.h"

/* Strict number parsing for flag values: whole string, in range; prints the error. */
int hb_cli_u32(const char *flag, const char *s, uint32_t lo, uint32_t hi, uint32_t *out);
int hb_cli_u64(const char *flag, const char *s, uint64_t *out);
int hb_cli_float(const char *flag, const char *s, float lo, float hi, float *out);

/* The flags of 'train', which 'sweep' shares (its list flags reuse the same codes). */
enum hb_cli_opt {
    HB_O_DATA = 256, HB_O_SPLIT, HB_O_MODEL, HB_O_PRESET, HB_O_DIM, HB_O_ACT, HB_O_HIDDEN,
    HB_O_LAYERS, HB_O_GM, HB_O_NOGM, HB_O_INIT, HB_O_INITSTD, HB_O_INITOFF, HB_O_REGROWS,
    HB_O_OPT, HB_O_LR, HB_O_REG, HB_O_REGB, HB_O_DECAY, HB_O_BATCH, HB_O_EPOCHS, HB_O_THREADS,
    HB_O_SEED, HB_O_ISA, HB_O_SCHED, HB_O_BLOCKS, HB_O_EVAL, HB_O_OUT, HB_O_SAVE, HB_O_CURVES,
    HB_O_QUIET, HB_O_HELP,
    HB_O_TARGET, HB_O_TARGETSTOP, HB_O_NADAM, HB_O_COLD, /* issue 12 */
    HB_O_REPEATS, /* sweep only */
    HB_O_END
};

/* getopt_long entries for train's flags (an initializer list: add sweep's, then {0}). */
#define HB_CLI_TRAIN_OPTIONS                                                                    \
    {"data", 1, 0, HB_O_DATA}, {"split", 1, 0, HB_O_SPLIT}, {"model", 1, 0, HB_O_MODEL},        \
    {"preset", 1, 0, HB_O_PRESET}, {"dim", 1, 0, HB_O_DIM}, {"activation", 1, 0, HB_O_ACT},    \
    {"hidden", 1, 0, HB_O_HIDDEN}, {"layers", 1, 0, HB_O_LAYERS},                              \
    {"global-mean", 0, 0, HB_O_GM}, {"no-global-mean", 0, 0, HB_O_NOGM},                       \
    {"init", 1, 0, HB_O_INIT}, {"init-std", 1, 0, HB_O_INITSTD},                               \
    {"init-offset", 1, 0, HB_O_INITOFF}, {"reg-rows", 0, 0, HB_O_REGROWS},                 \
    {"optimizer", 1, 0, HB_O_OPT}, {"lr", 1, 0, HB_O_LR}, {"reg", 1, 0, HB_O_REG},             \
    {"reg-bias", 1, 0, HB_O_REGB}, {"lr-decay", 1, 0, HB_O_DECAY},                             \
    {"batch", 1, 0, HB_O_BATCH}, {"epochs", 1, 0, HB_O_EPOCHS},                                \
    {"threads", 1, 0, HB_O_THREADS}, {"seed", 1, 0, HB_O_SEED}, {"isa", 1, 0, HB_O_ISA},       \
    {"schedule", 1, 0, HB_O_SCHED}, {"blocks", 1, 0, HB_O_BLOCKS},                             \
    {"eval-every", 1, 0, HB_O_EVAL}, {"out", 1, 0, HB_O_OUT}, {"save-model", 1, 0, HB_O_SAVE}, \
    {"curves", 1, 0, HB_O_CURVES}, {"quiet", 0, 0, HB_O_QUIET}, {"help", 0, 0, HB_O_HELP},    \
    {"target", 1, 0, HB_O_TARGET}, {"target-stop", 0, 0, HB_O_TARGETSTOP},                    \
    {"nadam", 1, 0, HB_O_NADAM}, {"cold-rows", 1, 0, HB_O_COLD}

#define HB_CLI_MAX_FLAGS 256

/* A parsed command line: the last value of each flag, and every flag in command-line order
 * (so that later flags override earlier ones, as for train). */
typedef struct hb_cli_args {
    const char *val[HB_O_END];
    int seen[HB_O_END];
    int n;
    int opt[HB_CLI_MAX_FLAGS];
    const char *arg[HB_CLI_MAX_FLAGS];
} hb_cli_args;

/* getopt_long over opts ('-h' is --help); no positional arguments. Returns 0, or prints
 * "hogbench CMD: ..." and returns 2. */
int hb_cli_parse(const char *cmd, int argc, char **argv, const struct option *opts,
                 hb_cli_args *a);

/* Applies one model or training flag to p. Returns 0, -1 for a bad value (printed), or 1 when
 * opt is not such a flag (data, split, model, preset, isa, output flags). */
int hb_cli_apply_flag(hb_train_params *p, int opt, const char *val);

/* p = the preset ("default" or "seed") for model, then every flag of a in order except those
 * with skip[opt] set (skip may be NULL). Returns 0 or 2 (message printed). */
int hb_cli_params(hb_train_params *p, const char *preset, hb_model_kind model,
                  const hb_cli_args *a, const unsigned char *skip);

/* Flags whose effect depends on the run (src/cli/flags_apply.c): MLP-only (--activation,
 * --hidden, --layers), mf_bias-only (--global-mean, --no-global-mean), bias models only
 * (--reg-bias), per-sample SGD on mf/mf_bias only (--reg-rows), --init normal only
 * (--init-std), --init-offset mean (not mlp_bin) and bias-dims (MF models, dim >= 2), blocked
 * schedules only (--blocks). Such a flag on a run it does nothing for would only change the
 * run key. */

/* train: 0 when every flag of a has an effect on p (the preset's, every flag applied); else
 * prints "hogbench CMD: FLAG does not apply to this run: why" and returns 2. */
int hb_cli_flags_check(const char *cmd, const hb_cli_args *a, const hb_train_params *p);

/* sweep: which flags applied to at least one config, and why not (from one it did not). */
typedef struct hb_cli_flag_use {
    unsigned char applied[HB_O_END];
    char why[HB_O_END][256];
} hb_cli_flag_use;

/* sweep: p for one config: hb_cli_params (skip: the list flags), then the list values
 * (optimizer < 0, dim 0, threads 0: the preset's); a flag without effect on this config is
 * left out of it (its run key is the one without the flag) and noted in use. 0, or 2. */
int hb_cli_config_params(hb_train_params *p, const char *preset, hb_model_kind model,
                         const hb_cli_args *a, const unsigned char *skip, int optimizer,
                         uint32_t dim, int threads, hb_cli_flag_use *use);

/* sweep, after every config: 0, or prints "FLAG applies to none of the swept runs: why" for a
 * flag that had no effect on any and returns 2. */
int hb_cli_flags_used(const char *cmd, const hb_cli_args *a, const unsigned char *skip,
                      const hb_cli_flag_use *use);
/* The preset a command runs: the one given, else "standard" when the loader flags turned the
 * notebook's filtering off (--no-seed-filter: the standard protocol), else "default". */
const char *hb_cli_preset_for(const char *given, const hb_load_opts *load);

/* Thread counts: a comma list of N, max (the logical CPUs) and ranges A-B (every count from A
 * to B; B may be max). Fills up to cap distinct counts in order; returns how many, or -1
 * (message naming flag printed). */
int hb_cli_threads(const char *flag, const char *s, int *out, int cap);

/* Resolves --data (NULL: $HOGBENCH_DATA, then ./data/ml-100k, then synthetic) and loads it,
 * saying on stderr which data it uses. *used (if non-NULL) gets the directory or synthetic
 * spec loaded. Returns 0, or prints the error and returns the exit code (2 usage, 1 data). */
int hb_cli_load_data(const char *data, const char *split, hb_dataset **out, const char **used,
                     int quiet);

/* A run trained across MPI ranks (src/cli/mpi.c, HB_WITH_MPI): every rank calls
 * hb_cli_execute; rank 0 alone checks and writes the outputs and prints. */
typedef struct hb_cli_dist {
    int rank, ranks;
    int (*agree)(int ok); /* collective: 1 when ok is 1 on every rank */
    hb_status (*train)(hb_model *m, const hb_dataset *ds, hb_epoch_cb cb, void *ctx,
                       hb_train_result *res, hb_error *err);
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
    const char *preset;    /* "seed" or "default" */
    const char *data;      /* the directory or synthetic spec loaded (the "data" column) */
    const char *out_csv;   /* NULL: no row */
    const char *save_dir;  /* NULL: no export */
    const char *curves;    /* NULL: no per-epoch rows */
    uint32_t repeat;       /* 1-based repetition; 0: one more than out_csv holds for this key */
    int quiet;             /* no progress lines */
    int record_errors;     /* a model that cannot be built gets an error row (sweep) */
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

/* ---- data loading (src/cli/data.c; issue 5) ---- */

/* Takes the loader flags (--format, --columns, --header/--no-header, --ids, --rating-range,
 * --duplicates, --seed-filter/--no-seed-filter, --no-cache) out of argv into o, leaving the
 * rest for the command's own parser. Returns 0, or 2 with the error printed. */
int hb_cli_data_flags(const char *cmd, int *argc, char **argv, hb_load_opts *o);
/* Takes "FLAG N" (or FLAG=N) out of argv into *out (lo..hi). Returns 0, or 2 (printed). */
int hb_cli_take_u32(const char *cmd, int *argc, char **argv, const char *flag, uint32_t lo,
                    uint32_t hi, uint32_t *out);
/* Help lines for those flags. */
const char *hb_cli_data_flags_help(void);
/* hb_cli_load_data with loader options (NULL: defaults) and any data: ML folders, ratings
 * files, synthetic specs. split NULL: the data's own (u1 for ML-100K, else random:0.2 seeded
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
