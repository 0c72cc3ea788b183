/* train.c: 'hogbench train': one model, trained by Hogwild workers, evaluated like the notebook. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void hb_train_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench train [options]\n\n"
        "Trains one model on a MovieLens 100K split (or synthetic data) with Hogwild workers and\n"
        "reports test RMSE, MAE and NDCG@10/20/30/100 (the notebook's full-ranking protocol).\n\n"
        "data:\n"
        "  --data DIR|FILE|synthetic[:k=v,...]  MovieLens folder (ml-100k, ml-1m, ml-10m, ml-20m,\n"
        "                        ml-25m, ...), a ratings file, or synthetic data (default:\n"
        "                        $HOGBENCH_DATA, ./data/ml-100k, else synthetic). synthetic keys:\n"
        "                        users, items, ratings, dim, seed, zipf, test\n"
        "  --split S             u1..u5, ua, ub (ML-100K; default u1), random:F[:SEED],\n"
        "                        kfold:N:K[:SEED], per-user:F[:SEED], time:F (default random:0.2\n"
        "                        for data without splits). SEED is the split's own (default 42),\n"
        "                        independent of --seed; the row's split column records it\n"
        "  (loader flags, see 'hogbench data --help': --format --columns --header --ids\n"
        "   --rating-range --duplicates --seed-filter --no-cache)\n"
        "model:\n"
        "  --model M             mf | mf_bias | mlp | mf_bias_bin | mlp_bin | svdpp (default mf_bias;\n"
        "                        svdpp with the standard preset)\n"
        "  --preset P            default (tuned for the notebook's protocol) | standard (tuned for\n"
        "                        the standard protocol; the default with --no-seed-filter) | seed\n"
        "                        (the notebook: dense Nadam 1e-3, 10 epochs, dim 50, batch 128, 512\n"
        "                        for mf_bias_bin). Flags below override the preset.\n"
        "  --tune                choose lr, reg, dim, epochs on validation first ('hogbench tune')\n"
        "  --dim N               embedding size\n"
        "  --activation A        linear | relu (MLP hidden layers)\n"
        "  --hidden N --layers N MLP hidden width (50) and hidden layers (3)\n"
        "  --global-mean | --no-global-mean   mf_bias: add the train mean to predictions\n"
        "  --init keras|normal|uniform  keras: uniform(+-0.05) embeddings, glorot dense; normal:\n"
        "                        N(0, std); uniform: uniform(0, std), LIBMF's non-negative start\n"
        "  --init-std X          std for --init normal, upper bound for --init uniform\n"
        "  --init-offset O       none | mean: factor 0 of every row starts at sqrt(train mean), so\n"
        "                        p.q starts at the mean (mlp: the output bias starts at the mean)\n"
        "                        | bias-dims: item factor 0 and user factor 1 start at 0 against\n"
        "                        a 1 on the other side (learnable biases)\n"
        "training:\n"
        "  --optimizer sgd|nadam|adagrad|adagrad-row --lr X --reg X --reg-bias X --lr-decay X\n"
        "                        (lr/(1+decay*epoch)); adagrad: per coordinate; adagrad-row:\n"
        "                        LIBMF's row-wise adaptive SGD (both: mf, mf_bias, --batch 1)\n"
        "  --nadam dense|lazy    Nadam on embeddings: dense = Keras' (every row's moments decay\n"
        "                        and every row moves at every step; the seed preset's), lazy =\n"
        "                        only the rows a step touches (fast on large data; default)\n"
        "  --reg-rows            SGD batch 1: L2 per sample scaled by mean/row count (each row\n"
        "                        regularized ~reg per epoch: rare rows shrink more)\n"
        "  --batch B             samples per optimizer step per worker (1: classic Hogwild)\n"
        "  --epochs N --threads T|max --seed S\n"
        "  --schedule S          blocked (default): G x G user x item blocks, workers take\n"
        "                        blocks sharing no row; inside a block the order is\n"
        "                        blocked-shuffle (reshuffled every epoch) or blocked-sorted (by\n"
        "                        user, 4 interleaved streams; LIBMF's order, cache-friendly);\n"
        "                        blocked picks sorted for SGD batch 1 mf/mf_bias when G >= 4.\n"
        "                        hogwild: one shuffled order, rows shared\n"
        "  --blocks G            grid size for --schedule blocked (default: max(2T, rows/1 MiB))\n"
        "  --isa auto|scalar|avx2|avx512|neon   kernel table (also $HOGBENCH_ISA)\n"
        "  --eval-every N        evaluate on the test split every N epochs (and after the last)\n"
        "  --target METRIC=V     time to quality: check METRIC (rmse, mae, ndcg_at_10; binary\n"
        "                        models also logloss, auc) on the test split every --eval-every\n"
        "                        epochs (every epoch by default) and record the first epoch and\n"
        "                        the seconds it took to reach V (rmse/mae/logloss: <= V, else\n"
        "                        >= V); status target_missed when the epochs ran out first\n"
        "  --target-stop         stop training at the first check that meets the target\n"
        "  --cold-rows drop|score  test rows whose user or item train lacks (no seed filter):\n"
        "                        drop (default), or score them in RMSE/MAE with the train mean\n"
        "                        plus the known side's bias (mf_bias), as the literature does\n"
        "  --eval-users N        NDCG over N users drawn from --seed (RMSE/MAE still use every test\n"
        "                        row; protocol seed-full-ranking-sampled:N); for large data\n"
        "  --storage f32|bf16|f16  embedding tables while training: f32 (default), or 16 bits\n"
        "                        (bf16, IEEE binary16) computed in f32: half the bytes per step;\n"
        "                        mf/mf_bias with --optimizer sgd or adagrad-row, --batch 1 only\n"
        "  --rounding stochastic|nearest  16-bit writes: stochastic (default; unbiased: keeps\n"
        "                        updates below half an ulp) or to nearest even\n"
        "output:\n"
        "  --out FILE.csv        append one CSV row (header written when the file is new; schema in\n"
        "                        results/SCHEMA.md); the row's repeat is one more than FILE holds\n"
        "                        for the same run key\n"
        "  --curves FILE.csv     append one row per epoch: elapsed seconds, train loss, and test\n"
        "                        RMSE/MAE/NDCG@10 at the epochs --eval-every evaluates\n"
        "  --save-model DIR      write every parameter as .npy plus model.json\n"
        "  --quiet               no progress lines\n"
        "  --help\n");
}

int hb_cmd_train(int argc, char **argv) {
    for (int k = 1; k < argc; k++) /* train --tune: the validation search first (tune.c) */
        if (strcmp(argv[k], "--tune") == 0) {
            memmove(argv + k, argv + k + 1, (size_t)(argc - k) * sizeof *argv);
            return hb_cmd_tune(argc - 1, argv);
        }
    static const struct option opts[] = {HB_CLI_TRAIN_OPTIONS, {0, 0, 0, 0}};
    static hb_cli_args a;
    hb_load_opts load = hb_load_opts_default(); /* data loader flags, --eval-users: out first */
    uint32_t eval_users = 0;
    if (hb_cli_data_flags("train", &argc, argv, &load) != 0 ||
        hb_cli_take_u32("train", &argc, argv, "--eval-users", 1, UINT32_MAX, &eval_users) != 0)
        return 2;
    if (hb_cli_parse("train", argc, argv, opts, &a) != 0) return 2;
    if (a.seen[HB_O_HELP]) {
        hb_train_usage(stdout);
        return 0;
    }
    /* --no-seed-filter is the standard protocol: it selects that protocol's defaults */
    const char *preset = hb_cli_preset_for(a.val[HB_O_PRESET], &load);
    hb_model_kind model = hb_cli_default_model(preset);
    if (a.val[HB_O_MODEL] && hb_model_parse(a.val[HB_O_MODEL], &model) != 0) {
        fprintf(stderr, "hogbench: --model '%s': expected mf, mf_bias, mlp, mf_bias_bin, mlp_bin or svdpp\n",
                a.val[HB_O_MODEL]);
        return 2;
    }
    hb_run_cfg cfg = {.isa = HB_ISA_COUNT, .preset = preset};
    int bad = hb_cli_params(&cfg.p, preset, model, &a, NULL) != 0 ||
              hb_cli_flags_check("train", &a, &cfg.p) != 0; /* no flag without effect */
    if (a.val[HB_O_ISA] && hb_isa_parse(a.val[HB_O_ISA], &cfg.isa) != 0) {
        fprintf(stderr, "hogbench: --isa '%s': expected auto, scalar, avx2, avx512 or neon\n",
                a.val[HB_O_ISA]);
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
    cfg.p.eval_users = eval_users;
    hb_error err = {{0}};
    if (hb_params_check(&cfg.p, &err) != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    cfg.out_csv = a.val[HB_O_OUT];
    cfg.save_dir = a.val[HB_O_SAVE];
    cfg.curves = a.val[HB_O_CURVES];
    cfg.quiet = a.seen[HB_O_QUIET];
    if (hb_cli_signals_install() == 0)
        hb_cli_interrupt_note("\nhogbench train: interrupted; no row was written for this run\n");
#ifdef HB_WITH_MPI
    hb_mpi_train_setup(&cfg); /* under mpirun -np N > 1: one model across the ranks */
#endif
    hb_dataset *ds = NULL;
    /* the split's seed is its own (the spec's :SEED, else the loader's fixed default),
     * never the training --seed: repeats with other seeds share the test set */
    if (a.val[HB_O_SPLIT] && hb_load_opts_set(&load, "split", a.val[HB_O_SPLIT], &err) != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
#ifdef HB_WITH_MPI
    const int lrc = cfg.dist ? hb_mpi_load_data(a.val[HB_O_DATA], a.val[HB_O_SPLIT], &load, &cfg, &ds)
                             : hb_cli_load_data_opts(a.val[HB_O_DATA], a.val[HB_O_SPLIT], &load,
                                                     &ds, &cfg.data, cfg.quiet);
#else
    const int lrc = hb_cli_load_data_opts(a.val[HB_O_DATA], a.val[HB_O_SPLIT], &load, &ds,
                                          &cfg.data, cfg.quiet);
#endif
    if (lrc != 0) return lrc; /* 2: a split or spec the data cannot take */
    hb_train_result res;
    int rc = hb_cli_run(&cfg, ds, &res);
    hb_dataset_free(&ds);
    return rc;
}
