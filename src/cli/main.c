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
            "  probe     measure this machine's limits (bandwidth, random rows, peak FMA) into a\n"
            "            machine profile for 'report'\n"
            "  report    one HTML + Markdown report that puts machines, builds or ISAs side by side\n"
            "  data      generate, convert, describe or fetch rating data (gen|convert|info|fetch)\n"
            "  isa       list the kernel ISAs this binary and CPU support\n"
            "  version   print the version\n"
            "  help      this text; 'hogbench <command> --help' for a command's options\n",
            HB_VERSION);
}

/* isa, version and help take no arguments but --help: anything else is a usage error (exit 2).
 * Returns -1 to go on, or the exit code. */
static int hb_no_args(const char *cmd, int argc, char **argv, const char *help) {
    for (int k = 2; k < argc; k++) {
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            printf("usage: hogbench %s\n\n%s\n", cmd, help);
            return 0;
        }
    }
    if (argc > 2) {
        fprintf(stderr, "hogbench %s: %s '%s' (it takes no arguments; see 'hogbench help')\n",
                cmd, argv[2][0] == '-' ? "unknown option" : "unexpected argument", argv[2]);
        return 2;
    }
    return -1;
}

static int hb_main(int argc, char **argv) {
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
    if (strcmp(cmd, "probe") == 0) return hb_cmd_probe(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0) return hb_cmd_report(argc - 1, argv + 1);
    int rc;
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if ((rc = hb_no_args(cmd, argc, argv, "Lists the commands.")) >= 0) return rc;
        hb_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if ((rc = hb_no_args(cmd, argc, argv, "Prints hogbench's version.")) >= 0) return rc;
        printf("hogbench %s\n", HB_VERSION);
        return 0;
    }
    if (strcmp(cmd, "isa") == 0) {
        if ((rc = hb_no_args(cmd, argc, argv, "Lists the kernel ISAs and whether this binary and "
                             "CPU run them, then the best\n(chosen unless --isa or HOGBENCH_ISA "
                             "says otherwise).")) >= 0)
            return rc;
        for (int i = 0; i < HB_ISA_COUNT; i++)
            printf("%-7s %s\n", hb_isa_name((hb_isa)i),
                   hb_isa_supported((hb_isa)i) ? "supported" : "not supported");
        printf("best    %s\n", hb_isa_name(hb_isa_best()));
        return 0;
    }
    fprintf(stderr, "hogbench: unknown command '%s' (try 'hogbench help')\n", cmd);
    return 2;
}

int main(int argc, char **argv) {
    hb_omp_passive_reexec(argv);
#ifdef HB_WITH_MPI
    /* under mpirun, train and sweep run across the ranks (src/cli/mpi.c) */
    if (argc >= 2 && (strcmp(argv[1], "train") == 0 || strcmp(argv[1], "sweep") == 0))
        hb_mpi_init(&argc, &argv);
    const int rc = hb_main(argc, argv);
    hb_mpi_finalize();
    return rc;
#else
    return hb_main(argc, argv);
#endif
}
