/* cli.h: shared pieces of hogbench's subcommands (option parsing, data resolution, one run). */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <stdint.h>

#include "hogbench/hogbench.h"
#include "kernels.h"
#include "results.h"

/* Strict number parsing for flag values: whole string, in range; prints the error. */
int hb_cli_u32(const char *flag, const char *s, uint32_t lo, uint32_t hi, uint32_t *out);
int hb_cli_u64(const char *flag, const char *s, uint64_t *out);
int hb_cli_float(const char *flag, const char *s, float lo, float hi, float *out);

/* Resolves --data (NULL: $HOGBENCH_DATA, then ./data/ml-100k, then synthetic) and loads it,
 * saying on stderr which data it uses. Returns 0 or prints the error and returns -1. */
int hb_cli_load_data(const char *data, const char *split, hb_dataset **out, int quiet);

/* One configured run: what the CSV row needs besides the params. */
typedef struct hb_run_cfg {
    hb_train_params p;
    hb_isa isa;            /* HB_ISA_COUNT: auto */
    const char *preset;    /* "seed" or "default" */
    const char *out_csv;   /* NULL: no row */
    const char *save_dir;  /* NULL: no export */
    const char *curves;    /* NULL: no per-epoch rows */
    int quiet;
} hb_run_cfg;

/* Trains and evaluates once, printing progress and a summary; appends the CSV row.
 * Returns the process exit code (0 ok, 1 run failed or diverged, 2 usage). */
int hb_cli_run(const hb_run_cfg *cfg, const hb_dataset *ds, hb_train_result *res);

int hb_cmd_train(int argc, char **argv);

#endif
