/* flags.h: option parsing shared by the subcommands (src/cli/flags.c, src/cli/flags_apply.c). */
#ifndef HB_CLI_FLAGS_H
#define HB_CLI_FLAGS_H

#include <getopt.h>
#include <stdint.h>

#include "hogbench/hogbench.h"

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
    HB_O_TARGET, HB_O_TARGETSTOP, HB_O_NADAM, HB_O_COLD, HB_O_STORAGE, HB_O_ROUNDING,
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
    {"nadam", 1, 0, HB_O_NADAM}, {"cold-rows", 1, 0, HB_O_COLD},                               \
    {"storage", 1, 0, HB_O_STORAGE}, {"rounding", 1, 0, HB_O_ROUNDING}

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
/* The model train and tune run when --model is not given: svdpp under the standard protocol
 * (README, "The standard protocol"), else mf_bias. */
hb_model_kind hb_cli_default_model(const char *preset);

/* Thread counts: a comma list of N, max (the logical CPUs) and ranges A-B (every count from A
 * to B; B may be max). Fills up to cap distinct counts in order; returns how many, or -1
 * (message naming flag printed). */
int hb_cli_threads(const char *flag, const char *s, int *out, int cap);

/* ---- loader flags ---- */

/* Takes the loader flags (--format, --columns, --header/--no-header, --ids, --rating-range,
 * --duplicates, --seed-filter/--no-seed-filter, --no-cache) out of argv into o, leaving the
 * rest for the command's own parser. Returns 0, or 2 with the error printed. */
int hb_cli_data_flags(const char *cmd, int *argc, char **argv, hb_load_opts *o);
/* Takes every "FLAG V" (or FLAG=V) out of argv, in order, calling take(flag, V, ctx) for each
 * (V NULL when the value is missing). Returns 0, or 2 as soon as take returns nonzero (take
 * prints why). */
int hb_cli_take(int *argc, char **argv, const char *flag,
                int (*take)(const char *flag, const char *v, void *ctx), void *ctx);
/* Takes "FLAG N" (or FLAG=N) out of argv into *out (lo..hi). Returns 0, or 2 (printed). */
int hb_cli_take_u32(const char *cmd, int *argc, char **argv, const char *flag, uint32_t lo,
                    uint32_t hi, uint32_t *out);
/* Help lines for those flags. */
const char *hb_cli_data_flags_help(void);

#endif
