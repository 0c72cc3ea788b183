/* train.c: 'hogbench train': one model, trained by Hogwild workers, evaluated like the notebook. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void hb_train_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench train [options]\n\n"
        "Trains one model on a MovieLens 100K split (or synthetic data) with Hogwild workers and\n"
        "reports test RMSE, MAE and NDCG@10/20/30/100 (the notebook's full-ranking protocol).\n\n"
        "data:\n"
        "  --data DIR|synthetic[:k=v,...]  ml-100k folder (default: $HOGBENCH_DATA, ./data/ml-100k,\n"
        "                        else synthetic). synthetic keys: users, items, ratings, dim, seed, zipf\n"
        "  --split S             u1..u5, ua, ub (default u1)\n"
        "model:\n"
        "  --model M             mf | mf_bias | mlp | mf_bias_bin | mlp_bin (default mf_bias)\n"
        "  --preset P            default (tuned) | seed (the notebook: Nadam 1e-3, 10 epochs, dim 50,\n"
        "                        batch 128, 512 for mf_bias_bin). Flags below override the preset.\n"
        "  --dim N               embedding size\n"
        "  --activation A        linear | relu (MLP hidden layers)\n"
        "  --hidden N --layers N MLP hidden width (50) and hidden layers (3)\n"
        "  --global-mean | --no-global-mean   mf_bias: add the train mean to predictions\n"
        "  --init keras|normal   keras: uniform(+-0.05) embeddings, glorot dense; normal: N(0, std)\n"
        "  --init-std X          std for --init normal\n"
        "  --init-mean           start factor 0 of every row at sqrt(train mean) (mf: p.q starts at\n"
        "                        the mean rating)\n"
        "training:\n"
        "  --optimizer sgd|nadam --lr X --reg X --reg-bias X --lr-decay X (SGD: lr/(1+decay*epoch))\n"
        "  --batch B             samples per optimizer step per worker (1: classic Hogwild)\n"
        "  --epochs N --threads T --seed S\n"
        "  --schedule blocked|hogwild   blocked (default): G x G user x item blocks, workers take\n"
        "                        blocks sharing no row; hogwild: one shuffled order, rows shared\n"
        "  --blocks G            grid size for --schedule blocked (default: max(2T, rows/1 MiB))\n"
        "  --isa auto|scalar|avx2|avx512|neon   kernel table (also $HOGBENCH_ISA)\n"
        "  --eval-every N        evaluate on the test split every N epochs\n"
        "output:\n"
        "  --out FILE.csv        append one CSV row (header written when the file is new)\n"
        "  --save-model DIR      write every parameter as .npy plus model.json\n"
        "  --quiet               no progress lines\n"
        "  --help\n");
}

enum {
    O_DATA = 256, O_SPLIT, O_MODEL, O_PRESET, O_DIM, O_ACT, O_HIDDEN, O_LAYERS, O_GM, O_NOGM,
    O_INIT, O_INITSTD, O_INITMEAN, O_INITBD, O_OPT, O_LR, O_REG, O_REGB, O_DECAY, O_BATCH, O_EPOCHS, O_THREADS,
    O_SEED, O_ISA, O_SCHED, O_BLOCKS, O_EVAL, O_OUT, O_SAVE, O_QUIET, O_HELP, O_END
};

int hb_cmd_train(int argc, char **argv) {
    static const struct option opts[] = {
        {"data", 1, 0, O_DATA}, {"split", 1, 0, O_SPLIT}, {"model", 1, 0, O_MODEL},
        {"preset", 1, 0, O_PRESET}, {"dim", 1, 0, O_DIM}, {"activation", 1, 0, O_ACT},
        {"hidden", 1, 0, O_HIDDEN}, {"layers", 1, 0, O_LAYERS}, {"global-mean", 0, 0, O_GM},
        {"no-global-mean", 0, 0, O_NOGM}, {"init", 1, 0, O_INIT}, {"init-std", 1, 0, O_INITSTD}, {"init-mean", 0, 0, O_INITMEAN}, {"init-bias-dims", 0, 0, O_INITBD},
        {"optimizer", 1, 0, O_OPT}, {"lr", 1, 0, O_LR}, {"reg", 1, 0, O_REG},
        {"reg-bias", 1, 0, O_REGB}, {"lr-decay", 1, 0, O_DECAY}, {"batch", 1, 0, O_BATCH},
        {"epochs", 1, 0, O_EPOCHS}, {"threads", 1, 0, O_THREADS}, {"seed", 1, 0, O_SEED},
        {"isa", 1, 0, O_ISA}, {"schedule", 1, 0, O_SCHED}, {"blocks", 1, 0, O_BLOCKS}, {"eval-every", 1, 0, O_EVAL}, {"out", 1, 0, O_OUT},
        {"save-model", 1, 0, O_SAVE}, {"quiet", 0, 0, O_QUIET}, {"help", 0, 0, O_HELP},
        {0, 0, 0, 0}};
    const char *val[O_END] = {0};
    int seen[O_END] = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h' || c == O_HELP) {
            hb_train_usage(stdout);
            return 0;
        }
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1];
            fprintf(stderr, "hogbench train: %s '%s' (see 'hogbench train --help')\n",
                    c == ':' || (optopt && optopt != '?') ? "missing value for" : "unknown option",
                    bad);
            return 2;
        }
        val[c] = optarg;
        seen[c] = 1;
    }
    if (optind < argc) {
        fprintf(stderr, "hogbench train: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    hb_model_kind model = HB_MODEL_MF_BIAS;
    if (val[O_MODEL] && hb_model_parse(val[O_MODEL], &model) != 0) {
        fprintf(stderr, "hogbench: --model '%s': expected mf, mf_bias, mlp, mf_bias_bin or mlp_bin\n",
                val[O_MODEL]);
        return 2;
    }
    const char *preset = val[O_PRESET] ? val[O_PRESET] : "default";
    hb_run_cfg cfg = {.isa = HB_ISA_COUNT, .preset = preset};
    if (strcmp(preset, "seed") == 0) cfg.p = hb_params_seed(model);
    else if (strcmp(preset, "default") == 0) cfg.p = hb_params_default(model);
    else {
        fprintf(stderr, "hogbench: --preset '%s': expected seed or default\n", preset);
        return 2;
    }
    hb_train_params *p = &cfg.p;
    uint32_t u32;
    int bad = 0;
    if (val[O_DIM]) bad |= hb_cli_u32("--dim", val[O_DIM], 1, 4096, &p->dim);
    if (val[O_HIDDEN]) bad |= hb_cli_u32("--hidden", val[O_HIDDEN], 1, 4096, &p->hidden);
    if (val[O_LAYERS]) bad |= hb_cli_u32("--layers", val[O_LAYERS], 1, HB_MLP_MAX_LAYERS - 1, &p->n_hidden);
    if (val[O_EPOCHS]) bad |= hb_cli_u32("--epochs", val[O_EPOCHS], 1, 100000, &p->epochs);
    if (val[O_BATCH]) bad |= hb_cli_u32("--batch", val[O_BATCH], 1, 1u << 20, &p->batch);
    if (val[O_EVAL]) bad |= hb_cli_u32("--eval-every", val[O_EVAL], 0, 100000, &p->eval_every);
    if (val[O_THREADS]) {
        bad |= hb_cli_u32("--threads", val[O_THREADS], 1, 1024, &u32);
        p->threads = (int)u32;
    }
    if (val[O_SEED]) bad |= hb_cli_u64("--seed", val[O_SEED], &p->seed);
    if (val[O_LR]) bad |= hb_cli_float("--lr", val[O_LR], 1e-12f, 1e3f, &p->lr);
    if (val[O_REG]) bad |= hb_cli_float("--reg", val[O_REG], 0, 1e3f, &p->reg);
    if (val[O_REGB]) bad |= hb_cli_float("--reg-bias", val[O_REGB], 0, 1e3f, &p->reg_bias);
    if (val[O_DECAY]) bad |= hb_cli_float("--lr-decay", val[O_DECAY], 0, 1e6f, &p->lr_decay);
    if (val[O_INITSTD]) bad |= hb_cli_float("--init-std", val[O_INITSTD], 1e-9f, 10.0f, &p->init_std);
    if (seen[O_INITMEAN]) p->init_mean = 1;
    if (seen[O_INITBD]) p->init_mean = 2;
    if (seen[O_GM]) p->global_mean = 1;
    if (seen[O_NOGM]) p->global_mean = 0;
    if (val[O_OPT]) {
        if (strcmp(val[O_OPT], "sgd") == 0) p->optimizer = HB_OPT_SGD;
        else if (strcmp(val[O_OPT], "nadam") == 0) p->optimizer = HB_OPT_NADAM;
        else {
            fprintf(stderr, "hogbench: --optimizer '%s': expected sgd or nadam\n", val[O_OPT]);
            bad = 1;
        }
    }
    if (val[O_ACT]) {
        if (strcmp(val[O_ACT], "linear") == 0) p->activation = HB_ACT_LINEAR;
        else if (strcmp(val[O_ACT], "relu") == 0) p->activation = HB_ACT_RELU;
        else {
            fprintf(stderr, "hogbench: --activation '%s': expected linear or relu\n", val[O_ACT]);
            bad = 1;
        }
    }
    if (val[O_INIT]) {
        if (strcmp(val[O_INIT], "keras") == 0) p->init = HB_INIT_KERAS;
        else if (strcmp(val[O_INIT], "normal") == 0) p->init = HB_INIT_NORMAL;
        else {
            fprintf(stderr, "hogbench: --init '%s': expected keras or normal\n", val[O_INIT]);
            bad = 1;
        }
    }
    if (val[O_BLOCKS]) bad |= hb_cli_u32("--blocks", val[O_BLOCKS], 1, 4096, &p->blocks);
    if (val[O_SCHED]) {
        if (strcmp(val[O_SCHED], "blocked") == 0) p->schedule = HB_SCHED_BLOCKED;
        else if (strcmp(val[O_SCHED], "hogwild") == 0) p->schedule = HB_SCHED_HOGWILD;
        else {
            fprintf(stderr, "hogbench: --schedule '%s': expected blocked or hogwild\n", val[O_SCHED]);
            bad = 1;
        }
    }
    if (val[O_ISA] && hb_isa_parse(val[O_ISA], &cfg.isa) != 0) {
        fprintf(stderr, "hogbench: --isa '%s': expected auto, scalar, avx2, avx512 or neon\n",
                val[O_ISA]);
        bad = 1;
    }
    if (bad) return 2;
    if (cfg.isa != HB_ISA_COUNT && !hb_isa_supported(cfg.isa)) {
        fprintf(stderr, "hogbench: --isa %s: this CPU or build cannot run it (best: %s)\n",
                hb_isa_name(cfg.isa), hb_isa_name(hb_isa_best()));
        return 2;
    }
    if (cfg.isa == HB_ISA_COUNT && !hb_kernels_get()) {
        fprintf(stderr, "hogbench: HOGBENCH_ISA '%s': unknown or not supported by this CPU "
                        "(best: %s)\n", getenv("HOGBENCH_ISA"), hb_isa_name(hb_isa_best()));
        return 2;
    }
    hb_error err = {{0}};
    if (hb_params_check(p, &err) != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    cfg.out_csv = val[O_OUT];
    cfg.save_dir = val[O_SAVE];
    cfg.quiet = seen[O_QUIET];
    hb_dataset *ds = NULL;
    if (hb_cli_load_data(val[O_DATA], val[O_SPLIT] ? val[O_SPLIT] : "u1", &ds, cfg.quiet) != 0)
        return 1;
    hb_train_result res;
    int rc = hb_cli_run(&cfg, ds, &res);
    hb_dataset_free(&ds);
    return rc;
}
