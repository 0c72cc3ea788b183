/* flags.c: option parsing: strict numbers, getopt over train's flags, their effect on the
 * parameters and the presets, thread lists, and the loader flags every command takes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flags.h"

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

int hb_cli_parse(const char *cmd, int argc, char **argv, const struct option *opts,
                 hb_cli_args *a) {
    memset(a, 0, sizeof *a);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') c = HB_O_HELP;
        if (c == '?' || c == ':' || c < HB_O_DATA || c >= HB_O_END) {
            const char *bad = argv[optind - 1];
            fprintf(stderr, "hogbench %s: %s '%s' (see 'hogbench %s --help')\n", cmd,
                    c == ':' || (optopt && optopt != '?') ? "missing value for" : "unknown option",
                    bad, cmd);
            return 2;
        }
        if (a->n == HB_CLI_MAX_FLAGS) {
            fprintf(stderr, "hogbench %s: more than %d flags\n", cmd, HB_CLI_MAX_FLAGS);
            return 2;
        }
        a->val[c] = optarg;
        a->seen[c] = 1;
        a->opt[a->n] = c;
        a->arg[a->n++] = optarg;
    }
    if (optind < argc) {
        fprintf(stderr, "hogbench %s: unexpected argument '%s'\n", cmd, argv[optind]);
        return 2;
    }
    return 0;
}

/* Matches val against names[0..n); prints "flag 'val': expected ..." when it is none. */
static int hb_cli_enum(const char *flag, const char *val, const char *const *names, int n,
                       int *out) {
    for (int k = 0; k < n; k++)
        if (strcmp(val, names[k]) == 0) {
            *out = k;
            return 0;
        }
    fprintf(stderr, "hogbench: %s '%s': expected %s", flag, val, names[0]);
    for (int k = 1; k < n; k++) fprintf(stderr, "%s%s", k == n - 1 ? " or " : ", ", names[k]);
    fputc('\n', stderr);
    return -1;
}

int hb_cli_apply_flag(hb_train_params *p, int opt, const char *val) {
    static const char *const opts[] = {"sgd", "nadam", "adagrad", "adagrad-row"},
                             *const nadams[] = {"lazy", "dense"}, *const acts[] = {"linear", "relu"},
                             *const inits[] = {"keras", "normal", "uniform"},
                             *const scheds[] = {"blocked", "hogwild", "blocked-shuffle", "blocked-sorted"};
    int e = 0, t;
    switch (opt) {
    case HB_O_DIM: return hb_cli_u32("--dim", val, 1, 4096, &p->dim);
    case HB_O_HIDDEN: return hb_cli_u32("--hidden", val, 1, 4096, &p->hidden);
    case HB_O_LAYERS: return hb_cli_u32("--layers", val, 1, HB_MLP_MAX_LAYERS - 1, &p->n_hidden);
    case HB_O_EPOCHS: return hb_cli_u32("--epochs", val, 1, 100000, &p->epochs);
    case HB_O_BATCH: return hb_cli_u32("--batch", val, 1, 1u << 20, &p->batch);
    case HB_O_EVAL: return hb_cli_u32("--eval-every", val, 0, 100000, &p->eval_every);
    case HB_O_BLOCKS: return hb_cli_u32("--blocks", val, 1, 4096, &p->blocks);
    case HB_O_SEED: return hb_cli_u64("--seed", val, &p->seed);
    case HB_O_LR: return hb_cli_float("--lr", val, 1e-12f, 1e3f, &p->lr);
    case HB_O_REG: return hb_cli_float("--reg", val, 0, 1e3f, &p->reg);
    case HB_O_REGB: return hb_cli_float("--reg-bias", val, 0, 1e3f, &p->reg_bias);
    case HB_O_DECAY: return hb_cli_float("--lr-decay", val, 0, 1e6f, &p->lr_decay);
    case HB_O_INITSTD: return hb_cli_float("--init-std", val, 1e-9f, 10.0f, &p->init_std);
    case HB_O_THREADS:
        if (strpbrk(val, ",-")) {
            fprintf(stderr, "hogbench: --threads '%s': expected one count, N or max (lists and "
                            "ranges are for 'hogbench sweep')\n", val);
            return -1;
        }
        if (hb_cli_threads("--threads", val, &t, 1) != 1) return -1;
        p->threads = t;
        return 0;
    case HB_O_INITOFF: {
        static const char *const offs[] = {"none", "mean", "bias-dims"};
        int t;
        const int e = hb_cli_enum("--init-offset", val, offs, 3, &t);
        if (!e) p->init_offset = (int)t;
        return e;
    }
    case HB_O_TARGET:
        if (hb_target_parse(val, &p->target, &p->target_value) != 0) {
            fprintf(stderr, "hogbench: --target '%s': expected METRIC=VALUE with METRIC rmse, "
                            "mae, ndcg_at_10, logloss or auc and VALUE >= 0\n", val);
            return -1;
        }
        return 0;
    case HB_O_TARGETSTOP: p->target_stop = 1; return 0;
    case HB_O_REGROWS: p->reg_rows = 1; return 0;
    case HB_O_GM: p->global_mean = 1; return 0;
    case HB_O_NOGM: p->global_mean = 0; return 0;
    case HB_O_OPT:
        e = hb_cli_enum("--optimizer", val, opts, HB_OPT_COUNT, &t);
        if (!e) p->optimizer = (hb_optimizer)t;
        return e;
    case HB_O_COLD: {
        static const char *const colds[] = {"drop", "score"};
        e = hb_cli_enum("--cold-rows", val, colds, 2, &t);
        if (!e) p->cold_rows = t;
        return e;
    }
    case HB_O_STORAGE: {
        static const char *const stores[] = {"f32", "bf16", "f16"};
        e = hb_cli_enum("--storage", val, stores, HB_STORAGE_COUNT, &t);
        if (!e) p->storage = (hb_storage)t;
        return e;
    }
    case HB_O_ROUNDING: {
        static const char *const rounds[] = {"nearest", "stochastic"};
        e = hb_cli_enum("--rounding", val, rounds, HB_ROUND_COUNT, &t);
        if (!e) p->rounding = (hb_rounding)t;
        return e;
    }
    case HB_O_NADAM:
        e = hb_cli_enum("--nadam", val, nadams, 2, &t);
        if (!e) p->nadam = (hb_nadam_mode)t;
        return e;
    case HB_O_ACT:
        e = hb_cli_enum("--activation", val, acts, 2, &t);
        if (!e) p->activation = (hb_activation)t;
        return e;
    case HB_O_INIT:
        e = hb_cli_enum("--init", val, inits, 3, &t);
        if (!e) p->init = (hb_init)t;
        return e;
    case HB_O_SCHED:
        e = hb_cli_enum("--schedule", val, scheds, 4, &t);
        if (!e) p->schedule = (hb_schedule)t;
        return e;
    default: return 1;
    }
}

const char *hb_cli_preset_for(const char *given, const hb_load_opts *load) {
    if (given) return given;
    return load && load->notebook_filter == 0 ? "standard" : "default";
}

hb_model_kind hb_cli_default_model(const char *preset) {
    return strcmp(preset, "standard") == 0 ? HB_MODEL_SVDPP : HB_MODEL_MF_BIAS;
}

int hb_cli_params(hb_train_params *p, const char *preset, hb_model_kind model,
                  const hb_cli_args *a, const unsigned char *skip) {
    if (strcmp(preset, "seed") == 0) *p = hb_params_notebook(model);
    else if (strcmp(preset, "default") == 0) *p = hb_params_default(model);
    else if (strcmp(preset, "standard") == 0) *p = hb_params_standard(model);
    else {
        fprintf(stderr, "hogbench: --preset '%s': expected seed, default or standard\n", preset);
        return 2;
    }
    int bad = 0;
    for (int k = 0; k < a->n; k++)
        if (!(skip && skip[a->opt[k]]) && hb_cli_apply_flag(p, a->opt[k], a->arg[k]) < 0) bad = 1;
    return bad ? 2 : 0;
}

/* One count: N or max. */
static int hb_cli_count(const char *flag, const char *s, size_t len, long ncpu, int *out) {
    char tok[32];
    if (len == 0 || len >= sizeof tok) {
        fprintf(stderr, "hogbench: %s: empty or overlong thread count\n", flag);
        return -1;
    }
    memcpy(tok, s, len);
    tok[len] = '\0';
    if (strcmp(tok, "max") == 0) {
        *out = (int)ncpu;
        return 0;
    }
    uint32_t v;
    if (hb_cli_u32(flag, tok, 1, 1024, &v) != 0) return -1;
    *out = (int)v;
    return 0;
}

int hb_cli_threads(const char *flag, const char *s, int *out, int cap) {
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1) ncpu = 1;
    if (ncpu > 1024) ncpu = 1024;
    int n = 0;
    const char *p = s;
    for (;;) {
        size_t len = strcspn(p, ",");
        const char *dash = memchr(p, '-', len);
        int lo, hi;
        if (hb_cli_count(flag, p, dash ? (size_t)(dash - p) : len, ncpu, &lo) != 0 ||
            hb_cli_count(flag, dash ? dash + 1 : p, dash ? len - (size_t)(dash - p) - 1 : len,
                         ncpu, &hi) != 0)
            return -1;
        if (hi < lo) {
            fprintf(stderr, "hogbench: %s '%s': range %d-%d is empty\n", flag, s, lo, hi);
            return -1;
        }
        for (int t = lo; t <= hi; t++) {
            int dup = 0;
            for (int k = 0; k < n; k++) dup |= out[k] == t;
            if (dup) continue;
            if (n == cap) {
                fprintf(stderr, "hogbench: %s '%s': more than %d counts\n", flag, s, cap);
                return -1;
            }
            out[n++] = t;
        }
        if (!p[len]) break;
        p += len + 1;
    }
    return n;
}

/* ------------------------------------------------------------------ loader flags */

static const struct {
    const char *flag, *key, *fixed; /* fixed: the value of a flag that takes none */
} hb_data_flags[] = {
    {"--format", "format", NULL},         {"--columns", "columns", NULL},
    {"--header", "header", "yes"},        {"--no-header", "header", "no"},
    {"--ids", "ids", NULL},               {"--rating-range", "rating-range", NULL},
    {"--duplicates", "duplicates", NULL}, {"--seed-filter", "seed-filter", "yes"},
    {"--no-seed-filter", "seed-filter", "no"}, {"--no-cache", "cache", "no"},
};

int hb_cli_data_flags(const char *cmd, int *argc, char **argv, hb_load_opts *o) {
    int w = 1;
    for (int k = 1; k < *argc; k++) {
        const char *a = argv[k];
        int hit = -1;
        size_t len = 0;
        for (size_t f = 0; f < sizeof hb_data_flags / sizeof *hb_data_flags && hit < 0; f++) {
            len = strlen(hb_data_flags[f].flag);
            if (strncmp(a, hb_data_flags[f].flag, len) == 0 && (a[len] == '\0' || a[len] == '='))
                hit = (int)f;
        }
        if (hit < 0 || strcmp(a, "--") == 0) {
            argv[w++] = argv[k];
            continue;
        }
        const char *val = hb_data_flags[hit].fixed;
        if (val && a[len] == '=') {
            fprintf(stderr, "hogbench %s: %s takes no value\n", cmd, hb_data_flags[hit].flag);
            return 2;
        }
        if (!val) {
            if (a[len] == '=') val = a + len + 1;
            else if (k + 1 < *argc) val = argv[++k];
            else {
                fprintf(stderr, "hogbench %s: missing value for '%s' (see 'hogbench %s --help')\n",
                        cmd, a, cmd);
                return 2;
            }
        }
        hb_error err = {{0}};
        if (hb_load_opts_set(o, hb_data_flags[hit].key, val, &err) != HB_OK) {
            fprintf(stderr, "hogbench: %s\n", err.msg);
            return 2;
        }
    }
    argv[w] = NULL;
    *argc = w;
    return 0;
}

int hb_cli_take(int *argc, char **argv, const char *flag,
                int (*take)(const char *flag, const char *v, void *ctx), void *ctx) {
    const size_t len = strlen(flag);
    int w = 1;
    for (int k = 1; k < *argc; k++) {
        const char *a = argv[k];
        if (strncmp(a, flag, len) != 0 || (a[len] != '\0' && a[len] != '=')) {
            argv[w++] = argv[k];
            continue;
        }
        const char *v = a[len] == '=' ? a + len + 1 : k + 1 < *argc ? argv[++k] : NULL;
        if (take(flag, v, ctx) != 0) return 2;
    }
    argv[w] = NULL;
    *argc = w;
    return 0;
}

typedef struct {
    const char *cmd;
    uint32_t lo, hi, *out;
} hb_take_u32_ctx;

static int hb_take_u32_one(const char *flag, const char *v, void *vctx) {
    const hb_take_u32_ctx *c = vctx;
    if (!v) {
        fprintf(stderr, "hogbench %s: missing value for '%s'\n", c->cmd, flag);
        return 2;
    }
    return hb_cli_u32(flag, v, c->lo, c->hi, c->out) != 0 ? 2 : 0;
}

int hb_cli_take_u32(const char *cmd, int *argc, char **argv, const char *flag, uint32_t lo,
                    uint32_t hi, uint32_t *out) {
    hb_take_u32_ctx c = {cmd, lo, hi, out};
    return hb_cli_take(argc, argv, flag, hb_take_u32_one, &c);
}

const char *hb_cli_data_flags_help(void) {
    return "  --format csv|tsv|dat  delimiter (default: from the folder's files, the extension, then\n"
           "                        the first line); ML-1M/10M ratings.dat is dat ('::')\n"
           "  --columns LIST        column order, e.g. user,item,rating[,timestamp]; - skips one\n"
           "  --header | --no-header  the first line names the columns (ratings.csv: yes)\n"
           "  --ids int|string      ids: non-negative integers (default) or any text\n"
           "  --rating-range LO:HI  declared range: ratings outside it are errors (default:\n"
           "                        MovieLens' scale for its files, 1..5 whole stars for ML-100K\n"
           "                        and ML-1M, 0.5..5 half stars for ML-10M+; else the data's)\n"
           "  --duplicates error|first|last  a repeated (user, item) pair: fail (default) or keep\n"
           "                        one occurrence\n"
           "  --seed-filter | --no-seed-filter  the notebook's filtering (default: on for ML-100K's\n"
           "                        u1..ub and synthetic data, off otherwise: test rows whose user\n"
           "                        or item is not in train are dropped and counted)\n"
           "  --no-cache            never read or write FILE.hbcache (the binary cache)\n";
}
