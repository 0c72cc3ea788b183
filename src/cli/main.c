/* main.c: the hogbench command line: dispatches to subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "internal.h"

static void hb_usage(FILE *f) {
    fprintf(f,
            "hogbench %s: Hogwild recommender training benchmarks (MF, biased MF, MLP)\n\n"
            "usage: hogbench <command> [options]\n\n"
            "commands:\n"
            "  train     train and evaluate one model, optionally append a CSV row\n"
            "  tune      choose lr, reg, dim and epochs on a validation split carved from the\n"
            "            training data, then train and evaluate with them (tuned=1)\n"
            "  sweep     train every combination of models, sizes, threads and ISAs, repeated;\n"
            "            one CSV row per run, resumable\n"
            "  compare   compare two results files (CSV or benchmark JSON) config by config;\n"
            "            exits 1 on a significant regression (CI gating)\n"
            "  data      generate, convert, describe or fetch rating data (gen|convert|info|fetch)\n"
            "  isa       list the kernel ISAs this binary and CPU support\n"
            "  version   print the version\n"
            "  help      this text; 'hogbench <command> --help' for a command's options\n",
            HB_VERSION);
}

int main(int argc, char **argv) {
    hb_omp_passive_reexec(argv);
    if (argc < 2) {
        hb_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "train") == 0) return hb_cmd_train(argc - 1, argv + 1);
    if (strcmp(cmd, "tune") == 0) return hb_cmd_tune(argc - 1, argv + 1);
    if (strcmp(cmd, "data") == 0) return hb_cmd_data(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0) return hb_cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0) return hb_cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        hb_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("hogbench %s\n", HB_VERSION);
        return 0;
    }
    if (strcmp(cmd, "isa") == 0) {
        for (int i = 0; i < HB_ISA_COUNT; i++)
            printf("%-7s %s\n", hb_isa_name((hb_isa)i),
                   hb_isa_supported((hb_isa)i) ? "supported" : "not supported");
        printf("best    %s\n", hb_isa_name(hb_isa_best()));
        return 0;
    }
    fprintf(stderr, "hogbench: unknown command '%s' (try 'hogbench help')\n", cmd);
    return 2;
}
