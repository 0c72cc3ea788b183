/* fuzz_config.c: libFuzzer target for configuration parsing: the train command line as the CLI
 * parses it (loader flags, --eval-users, every train flag applied to the parameters), loader
 * options by name, split specs, column specs and synthetic specs. The input is split at newline
 * bytes into arguments. The parsers print their refusals to stderr: run with -close_fd_mask=2
 * (libFuzzer keeps its own output and the sanitizer reports). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "parse.h"
#include "split.h"

#define HB_MAX_ARGS 64

/* glibc's getopt keeps a pointer into the last argv when a parse stops inside "-xyz", and only
 * optind = 0 resets it (hb_cli_parse sets 1, right for a process that parses once): start every
 * input from a clean getopt, or inputs would read each other's freed arguments. */
static void hb_getopt_reset(void) {
    static char arg0[] = "train";
    char *av[] = {arg0, NULL};
    static const struct option none[] = {{0, 0, 0, 0}};
    optind = 0;
    opterr = 0;
    while (getopt_long(1, av, "", none, NULL) != -1) {
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0 || size > 4096) return 0;
    hb_getopt_reset();
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[HB_MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "train";
    for (char *p = buf; argc < HB_MAX_ARGS && p <= buf + size;) {
        const size_t len = strcspn(p, "\n");
        p[len] = '\0';
        argv[argc++] = p;
        p += len + 1;
    }
    argv[argc] = NULL;
    hb_error err = {{0}};
    hb_synth_params sp;
    hb_split_spec ss;
    hb_parse_spec cs;
    hb_load_opts o = hb_load_opts_default();
    /* every argument through each spec parser */
    for (int k = 1; k < argc; k++) {
        if (hb_synth_parse(argv[k], &sp, &err) == HB_OK && (sp.users == 0 || sp.items == 0 || sp.dim == 0))
            abort();
        if (hb_split_parse(argv[k], &ss, &err) == HB_OK && ss.kind == HB_SPLIT_NONE) abort();
        memset(&cs, 0, sizeof cs);
        if (hb_columns_parse(argv[k], &cs, &err) == HB_OK && (cs.n_cols < 3 || cs.n_cols > HB_MAX_COLS))
            abort();
        char name[64];
        hb_split_name(&ss, name, sizeof name);
    }
    /* pairs as loader options by name */
    for (int k = 1; k + 1 < argc; k += 2) hb_load_opts_set(&o, argv[k], argv[k + 1], &err);
    /* the command line as 'hogbench train' takes it, up to the data loading */
    int n = argc;
    hb_load_opts lo = hb_load_opts_default();
    uint32_t eval_users = 0;
    if (hb_cli_data_flags("train", &n, argv, &lo) == 0 &&
        hb_cli_take_u32("train", &n, argv, "--eval-users", 1, UINT32_MAX, &eval_users) == 0) {
        static const struct option opts[] = {HB_CLI_TRAIN_OPTIONS, {0, 0, 0, 0}};
        static hb_cli_args a;
        if (hb_cli_parse("train", n, argv, opts, &a) == 0) {
            hb_train_params p;
            hb_model_kind model = HB_MODEL_MF_BIAS;
            if (a.val[HB_O_MODEL]) hb_model_parse(a.val[HB_O_MODEL], &model);
            if (hb_cli_params(&p, a.val[HB_O_PRESET] ? a.val[HB_O_PRESET] : "default", model, &a,
                              NULL) == 0)
                hb_params_check(&p, &err);
            if (a.val[HB_O_SPLIT]) hb_load_opts_set(&lo, "split", a.val[HB_O_SPLIT], &err);
        }
    }
    free(buf);
    return 0;
}
