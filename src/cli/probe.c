/* probe.c: 'hogbench probe': a short, seeded measurement of the limits that bound this
 * workload on this machine (memory bandwidth, random-row gather rates from L1 to DRAM, FMA
 * throughput per kernel table) and the cost of one update of each model, written as a JSON
 * machine profile that 'hogbench report' places result rows against. */
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cost.h"
#include "outfile.h"
#include "peak.h"
#include "topo.h"

// clang-format off
static void hb_probe_usage(FILE *f) {
    fprintf(f,
        "usage: hogbench probe [--out FILE.json] [options]\n\n"
        "Measures, in under 30 s, what bounds training on this machine, and prints it:\n"
        "  memory bandwidth      STREAM copy and triad (doubles; bytes counted as STREAM does:\n"
        "                        copy 16, triad 24 per element, no write-allocate), 1 thread and\n"
        "                        all threads, over 3 arrays (see --max-mib)\n"
        "  random rows           rows/s read (dot) and updated (row += a v: read + write) at random,\n"
        "                        as SGD touches embedding rows (one loop, rows prefetched ahead as\n"
        "                        in sgd_mf_run), for tables from L1 to DRAM size and\n"
        "                        rows of 64..512 bytes, 1 thread and all threads (seeded order)\n"
        "  peak FMA              GFLOP/s of register-only multiply-adds per kernel table (scalar,\n"
        "                        avx2, avx512, neon: those this CPU runs), 1 thread and all threads\n"
        "  update costs          flops, bytes and random rows per update of each model at --dims\n"
        "                        (its default optimizer and batch), derived from the kernels\n"
        "and the machine's metadata (as results rows carry it) and topology (hwloc when built with\n"
        "it, else /sys). 'hogbench report --probe FILE.json' uses it for roofline placement.\n\n"
        "options:\n"
        "  --out FILE.json       write the profile (atomically; never over a symlink or non-file)\n"
        "  --quick               small arrays and short timings (~2 s; the figures are rougher and\n"
        "                        the 'DRAM' sizes may fit in the last-level cache: levels say so)\n"
        "  --threads N           'all threads' means N (default: the logical CPUs)\n"
        "  --max-mib N           cap each STREAM array (and the largest table) at N MiB (default:\n"
        "                        4x the last-level cache, within 64..512 MiB)\n"
        "  --dims N,...          dims for the update costs (default 16,32,50,64,128)\n"
        "  --seed N              the random row order (default 42)\n");
}
// clang-format on

/* ------------------------------------------------------------------ JSON text */

static void hb_js_str(hb_sbuf *b, const char *s) {
    hb_sb_put(b, "\"", 1);
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            hb_sb_put(b, e, 2);
        } else if (c < 0x20) {
            hb_sb_printf(b, "\\u%04x", c);
        } else {
            hb_sb_put(b, s, 1);
        }
    }
    hb_sb_put(b, "\"", 1);
}

/* ------------------------------------------------------------------ measurements */

typedef struct hb_probe {
    int threads, quick;
    uint64_t seed;
    size_t arr_bytes; /* one STREAM array */
    double *a, *b, *c;
    uint32_t *idx; /* random 32-bit words: the row order */
    size_t nidx;   /* a power of two */
    const hb_kernels *k;
    hb_rows_run_fn rows; /* the best ISA's random-row kernel */
    long long l1_kib, l2_kib, l3_total_kib;
    double min_time; /* seconds per timed window */
    int windows;     /* timed windows per measurement, the best kept */
} hb_probe;

static volatile float hb_sink;

static const char *hb_level(const hb_probe *p, double bytes) {
    const double kib = bytes / 1024.0;
    if (p->l1_kib && kib <= (double)p->l1_kib) return "L1";
    if (p->l2_kib && kib <= (double)p->l2_kib) return "L2";
    if (p->l3_total_kib && kib <= (double)p->l3_total_kib) return "L3";
    return "DRAM";
}

static void *hb_big_alloc(size_t bytes) {
    void *p = NULL;
    if (posix_memalign(&p, (size_t)2 << 20, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

/* Best GB/s of reps runs of copy (c = a) or triad (a = b + s c) with threads threads. */
static double hb_stream(const hb_probe *p, int triad, int threads, int reps) {
    const long n = (long)(p->arr_bytes / sizeof(double));
    double *restrict a = p->a, *restrict b = p->b, *restrict c = p->c;
    const double s = 3.0, bytes = (triad ? 24.0 : 16.0) * (double)n;
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        const double t0 = hb_now();
        if (triad) {
#pragma omp parallel for num_threads(threads) schedule(static)
            for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
        } else {
#pragma omp parallel for num_threads(threads) schedule(static)
            for (long i = 0; i < n; i++) c[i] = a[i];
        }
        const double t = hb_now() - t0;
        if (t < best) best = t;
    }
    return bytes / best / 1e9;
}

/* Rows/s over a table of nrows rows of ld floats at the start of p->a: each access picks a row
 * from the seeded order and reads it (dot with a vector) or updates it (row += a v: read and
 * write), through the best ISA's rows kernel (one loop, rows prefetched ahead, as sgd_mf_run
 * does). With several threads each reads anywhere but updates its own interleaved share of the
 * rows (as the blocked schedule keeps workers apart). Calibrated to windows of at least
 * p->min_time; the best of p->windows windows (short windows, the best kept: on a shared
 * machine some windows run without being descheduled). */
static double hb_gather(const hb_probe *p, size_t nrows, size_t ld, int update, int threads) {
    float *tab = (float *)p->a;
    double best = 0.0;
    size_t n = 2048;
    for (int round = 0, timed = 0; round < 60 && timed < p->windows; round++) {
        double sink = 0.0;
        const double t0 = hb_now();
#pragma omp parallel num_threads(threads) reduction(+ : sink)
        {
            const int t = omp_get_thread_num(), T = omp_get_num_threads();
            float v[128] __attribute__((aligned(64)));
            for (size_t j = 0; j < ld; j++) v[j] = 1e-3f * (float)(j + 1);
            const size_t share = update ? nrows / (size_t)T : nrows;
            const hb_rows_args a = {.ld = ld,
                                    .stride = update ? (size_t)T : 1,
                                    .off = update ? (size_t)t : 0,
                                    .pos = ((size_t)t * 0x9e3779b1u) & (p->nidx - 1),
                                    .mask = p->nidx - 1,
                                    .share = share,
                                    .rnd = p->idx,
                                    .v = v,
                                    .a = 1e-12f,
                                    .T = tab};
            if (share) sink += p->rows(n, &a, update);
        }
        const double el = hb_now() - t0;
        hb_sink = (float)sink;
        if (el < p->min_time) {
            n *= el > 0 ? (size_t)(p->min_time / el * 1.3) + 2 : 8;
            continue;
        }
        const double rate = (double)n * threads / el;
        if (rate > best) best = rate;
        timed++;
    }
    return best;
}

/* Best GFLOP/s of the FMA kernel with threads threads (windows as hb_gather's). */
static double hb_fma(const hb_probe *p, hb_fma_peak_fn fn, int threads) {
    size_t n = 1 << 12;
    double best = 0.0;
    for (int round = 0, timed = 0; round < 60 && timed < p->windows; round++) {
        double flops = 0.0, sink = 0.0;
        const double t0 = hb_now();
#pragma omp parallel num_threads(threads) reduction(+ : flops, sink)
        {
            double f = 0.0;
            sink += fn(n, 0.9999999f, &f);
            flops += f;
        }
        const double el = hb_now() - t0;
        hb_sink = (float)sink;
        if (el < p->min_time) {
            n *= el > 0 ? (size_t)(p->min_time / el * 1.3) + 2 : 8;
            continue;
        }
        const double g = flops / el / 1e9;
        if (g > best) best = g;
        timed++;
    }
    return best;
}

/* ------------------------------------------------------------------ the command */

static int hb_parse_dims(const char *s, unsigned *dims, int cap) {
    int n = 0;
    const char *q = s;
    for (;;) {
        char *e;
        errno = 0;
        const long v = strtol(q, &e, 10);
        if (e == q || errno || v < 1 || v > 4096 || (*e && *e != ',') || n == cap) {
            fprintf(stderr,
                    "hogbench probe: --dims '%s': expected up to %d sizes in 1..4096, "
                    "comma-separated\n",
                    s, cap);
            return -1;
        }
        dims[n++] = (unsigned)v;
        if (!*e) return n;
        q = e + 1;
    }
}

/* The STREAM arrays' size in p->arr_bytes. */
static void hb_probe_size(hb_probe *p, const hb_topo *topo, uint32_t max_mib) {
    /* arrays: 4x the last-level cache, within 64..512 MiB (3 x 512 MiB is already 6x this
     * VM's 260 MiB L3; faulting in more pages took longer than the measurement), at most an
     * eighth of the free memory each (three of them), --max-mib; --quick: 32 MiB */
    const long long llc =
        p->l3_total_kib ? p->l3_total_kib : p->l2_kib * (topo->cores ? topo->cores : 1);
    double want = 4.0 * (double)llc * 1024.0;
    if (want < 64.0 * (1 << 20)) want = 64.0 * (1 << 20);
    long long avail = 0;
    {
        FILE *f = fopen("/proc/meminfo", "r");
        char line[256];
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "MemAvailable:", 13) == 0)
                avail = strtoll(line + 13, NULL, 10) * 1024;
        if (f) fclose(f);
    }
    if (want > 512.0 * (1 << 20)) want = 512.0 * (1 << 20);
    if (avail > 0 && want > (double)avail / 8.0) want = (double)avail / 8.0;
    if (p->quick && want > 32.0 * (1 << 20)) want = 32.0 * (1 << 20);
    if (max_mib && want > (double)max_mib * (1 << 20)) want = (double)max_mib * (1 << 20);
    p->arr_bytes = ((size_t)want) & ~(((size_t)2 << 20) - 1);
    if (p->arr_bytes < ((size_t)2 << 20)) p->arr_bytes = (size_t)2 << 20;
}

/* The three arrays (filled) and the seeded random row order. 0, or -1 (printed). */
static int hb_probe_buffers(hb_probe *p) {
    p->nidx = (size_t)1 << 20;
    p->a = hb_big_alloc(p->arr_bytes);
    p->b = hb_big_alloc(p->arr_bytes);
    p->c = hb_big_alloc(p->arr_bytes);
    p->idx = malloc(p->nidx * sizeof *p->idx);
    if (!p->a || !p->b || !p->c || !p->idx) {
        fprintf(stderr, "hogbench probe: out of memory for 3 x %zu MiB\n", p->arr_bytes >> 20);
        free(p->a), free(p->b), free(p->c), free(p->idx);
        return -1;
    }
    {
        const long n = (long)(p->arr_bytes / sizeof(double));
        double *a = p->a, *b = p->b, *cc = p->c;
#pragma omp parallel for num_threads(p->threads) schedule(static)
        for (long i = 0; i < n; i++) {
            a[i] = 1e-3;
            b[i] = 2e-3;
            cc[i] = 0.0;
        }
        hb_rng rng;
        hb_rng_seed(&rng, p->seed);
        for (size_t i = 0; i < p->nidx; i++) p->idx[i] = (uint32_t)(hb_rng_next(&rng) >> 32);
    }
    return 0;
}

/* The JSON's head: the seed, the machine, the kernel table and the topology. */
static void hb_probe_head(hb_sbuf *j, const hb_probe *p, const hb_topo *topo,
                          const hb_row *mrow) {
    hb_sb_printf(j, "{\n  \"hogbench_probe\": 1,\n  \"seed\": %llu,\n  \"quick\": %s,\n",
                 (unsigned long long)p->seed, p->quick ? "true" : "false");
    hb_sb_puts(j, "  \"machine\": {");
    for (int k = 0; k < mrow->n; k++) {
        hb_sb_printf(j, "%s\n    ", k ? "," : "");
        hb_js_str(j, mrow->key[k]);
        hb_sb_puts(j, ": ");
        hb_js_str(j, mrow->val[k]);
    }
    hb_sb_printf(j, "\n  },\n  \"threads_all\": %d,\n  \"kernel_table\": \"%s\",\n", p->threads,
                 p->k->name);
    hb_sb_puts(j, "  \"topology\": {\"source\": ");
    hb_js_str(j, topo->source);
    hb_sb_printf(j,
                 ", \"packages\": %d, \"numa_nodes\": %d, \"cores\": %d, \"pus\": %d, "
                 "\"memory_total_kib\": %lld, \"caches\": [",
                 topo->packages, topo->numa_nodes, topo->cores, topo->pus, topo->mem_total_kib);
    for (int k = 0; k < topo->ncache; k++)
        hb_sb_printf(j, "%s{\"level\": %d, \"type\": \"%s\", \"size_kib\": %lld, \"count\": %d}",
                     k ? ", " : "", topo->cache[k].level, topo->cache[k].type, topo->cache[k].size_kib,
                     topo->cache[k].count);
    hb_sb_puts(j, "]},\n");

}

/* STREAM copy and triad, best of reps, at each thread count. */
static void hb_probe_stream(hb_probe *p, hb_sbuf *j, const int *thr_of, int nthr, int reps) {
    hb_sb_printf(j,
                 "  \"stream\": {\"array_bytes\": %zu, \"level\": \"%s\", \"element\": \"double\", "
                 "\"reps\": %d, \"convention\": \"STREAM: best of reps; copy counts 16 bytes and "
                 "triad 24 bytes per element (no write-allocate traffic)\", \"results\": [",
                 p->arr_bytes, hb_level(p, (double)p->arr_bytes), reps);
    printf("stream: 3 arrays of %zu MiB (%s), best of %d\n", p->arr_bytes >> 20,
           hb_level(p, (double)p->arr_bytes), reps);
    int first = 1;
    for (int ti = 0; ti < nthr; ti++)
        for (int triad = 0; triad < 2; triad++) {
            const double g = hb_stream(p, triad, thr_of[ti], reps);
            hb_sb_printf(j, "%s\n    {\"kernel\": \"%s\", \"threads\": %d, \"gb_per_s\": %.3f}",
                         first ? "" : ",", triad ? "triad" : "copy", thr_of[ti], g);
            first = 0;
            printf("  %-6s %3d thread%s %8.2f GB/s\n", triad ? "triad" : "copy", thr_of[ti],
                   thr_of[ti] > 1 ? "s" : " ", g);
        }
    hb_sb_puts(j, "\n  ]},\n");

}

/* Random rows read and updated: tables from 16 KiB up by 8x, then the array size. */
static void hb_probe_rows(hb_probe *p, hb_sbuf *j, const int *thr_of, int nthr) {
    size_t sizes[24];
    int nsz = 0;
    for (size_t s = 16 << 10; s < p->arr_bytes && nsz < 23; s *= 8) sizes[nsz++] = s;
    sizes[nsz++] = p->arr_bytes;
    static const size_t rowb[] = {64, 128, 256, 512};
    hb_sb_printf(
        j,
        "  \"gather\": {\"kernel_table\": \"%s\", \"order_seed\": %llu, \"note\": \"rows/s: "
        "read = a dot of the row with a vector, update = row += a v (read + write), in "
        "one loop with rows prefetched 16 accesses ahead; random rows from a seeded "
        "order; threads > 1 update disjoint interleaved shares\", \"results\": [",
        p->k->name, (unsigned long long)p->seed);
    printf("random rows (Mrows/s, %s kernels; read / update):\n  %-10s %-5s", p->k->name, "table",
           "level");
    for (int ti = 0; ti < nthr; ti++)
        for (size_t r = 0; r < sizeof rowb / sizeof *rowb; r++)
            printf(" %4zuB x%-3d    ", rowb[r], thr_of[ti]);
    printf("\n");
    int first = 1;
    for (int s = 0; s < nsz; s++) {
        printf("  %7.1f MiB %-5s", (double)sizes[s] / (1 << 20), hb_level(p, (double)sizes[s]));
        for (int ti = 0; ti < nthr; ti++)
            for (size_t r = 0; r < sizeof rowb / sizeof *rowb; r++) {
                const size_t ld = rowb[r] / 4, nrows = sizes[s] / rowb[r];
                const double rd = hb_gather(p, nrows, ld, 0, thr_of[ti]);
                const double up = hb_gather(p, nrows, ld, 1, thr_of[ti]);
                hb_sb_printf(
                    j,
                    "%s\n    {\"table_bytes\": %zu, \"level\": \"%s\", \"row_bytes\": %zu, "
                    "\"threads\": %d, \"read_rows_per_s\": %.4g, \"update_rows_per_s\": %.4g}",
                    first ? "" : ",", sizes[s], hb_level(p, (double)sizes[s]), rowb[r], thr_of[ti],
                    rd, up);
                first = 0;
                printf(" %6.1f/%-6.1f ", rd / 1e6, up / 1e6);
            }
        printf("\n");
        fflush(stdout);
    }
    hb_sb_puts(j, "\n  ]},\n");

}

/* Peak multiply-add of every ISA this build and CPU run. */
static void hb_probe_fma(hb_probe *p, hb_sbuf *j, const int *thr_of, int nthr) {
    hb_sb_puts(j, "  \"fma\": [");
    printf("peak multiply-add (GFLOP/s):");
    int first = 1;
    for (int i = 0; i < HB_ISA_COUNT; i++) {
        const hb_fma_peak_fn fn = hb_fma_peak_for((hb_isa)i);
        if (!fn) continue;
        for (int ti = 0; ti < nthr; ti++) {
            const double g = hb_fma(p, fn, thr_of[ti]);
            hb_sb_printf(j, "%s\n    {\"isa\": \"%s\", \"threads\": %d, \"gflops\": %.3f}",
                         first ? "" : ",", hb_isa_name((hb_isa)i), thr_of[ti], g);
            first = 0;
            printf("  %s x%d %.1f", hb_isa_name((hb_isa)i), thr_of[ti], g);
        }
    }
    printf("\n");
    hb_sb_puts(j, "\n  ],\n");

}

/* Flops, bytes and random rows per update of each model (src/cli/cost.c) at each dim. */
static void hb_probe_costs(hb_sbuf *j, const unsigned *dims, int ndims) {
    hb_sb_puts(j, "  \"update_costs\": [");
    printf("per update (default optimizer and batch): flops / bytes / random rows\n");
    int first = 1;
    for (int m = 0; m < HB_MODEL_COUNT; m++) {
        const hb_train_params d = hb_params_default((hb_model_kind)m);
        printf("  %-12s", hb_model_name((hb_model_kind)m));
        for (int k = 0; k < ndims; k++) {
            hb_update_cost uc;
            if (hb_update_cost_of((hb_model_kind)m, d.optimizer, dims[k], d.batch, d.hidden,
                                  d.n_hidden, d.activation, &uc) != 0)
                continue;
            hb_sb_printf(
                j,
                "%s\n    {\"model\": \"%s\", \"optimizer\": \"%s\", \"batch\": %u, "
                "\"dim\": %u, \"path\": \"%s\", \"flops\": %.0f, \"bytes\": %.0f, \"rows\": %.0f, "
                "\"row_bytes\": %.0f, \"dense_bytes\": %.0f}",
                first ? "" : ",", hb_model_name((hb_model_kind)m),
                d.optimizer == HB_OPT_SGD ? "sgd" : "nadam", d.batch, dims[k], uc.path, uc.flops,
                uc.bytes, uc.rows, uc.row_bytes, uc.dense_bytes);
            first = 0;
            printf("  d%-3u %6.0f/%5.0f/%.0f", dims[k], uc.flops, uc.bytes, uc.rows);
        }
        printf("\n");
    }
}

int hb_cmd_probe(int argc, char **argv) {
    static const struct option opts[] = {
        {"out", 1, 0, 'o'},  {"quick", 0, 0, 'q'}, {"threads", 1, 0, 't'}, {"max-mib", 1, 0, 'm'},
        {"dims", 1, 0, 'd'}, {"seed", 1, 0, 's'},  {"help", 0, 0, 'h'},    {0, 0, 0, 0}};
    const char *out = NULL;
    hb_probe p = {.seed = 42};
    uint32_t max_mib = 0, thr = 0;
    unsigned dims[16] = {16, 32, 50, 64, 128};
    int ndims = 5;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'q': p.quick = 1; break;
        case 't':
            if (hb_cli_u32("--threads", optarg, 1, 1024, &thr) != 0) return 2;
            break;
        case 'm':
            if (hb_cli_u32("--max-mib", optarg, 1, 1u << 20, &max_mib) != 0) return 2;
            break;
        case 'd':
            if ((ndims = hb_parse_dims(optarg, dims, 16)) < 0) return 2;
            break;
        case 's':
            if (hb_cli_u64("--seed", optarg, &p.seed) != 0) return 2;
            break;
        case 'h': hb_probe_usage(stdout); return 0;
        default:
            fprintf(stderr, "hogbench probe: %s '%s' (see 'hogbench probe --help')\n",
                    c == ':' || (optopt && optopt != '?') ? "missing value for" : "unknown option",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hogbench probe: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (out) { /* refuse a bad destination before measuring */
        struct stat sb;
        if (lstat(out, &sb) == 0 && !S_ISREG(sb.st_mode)) {
            fprintf(stderr, "hogbench probe: %s: not a regular file: refusing to replace it\n",
                    out);
            return 2;
        }
    }
    const double t_start = hb_now();
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    p.threads = thr ? (int)thr : (int)(ncpu > 0 ? ncpu : 1);
    p.min_time = p.quick ? 0.001 : 0.003;
    p.windows = p.quick ? 3 : 5;
    p.k = hb_kernels_for(hb_isa_best());
    p.rows = hb_rows_run_for(hb_isa_best());
    hb_topo topo;
    hb_topo_read(&topo);
    p.l1_kib = hb_topo_cache_kib(&topo, 1, 0);
    p.l2_kib = hb_topo_cache_kib(&topo, 2, 0);
    p.l3_total_kib = hb_topo_cache_kib(&topo, 3, 1);
    hb_probe_size(&p, &topo, max_mib);
    if (hb_probe_buffers(&p) != 0) return 1;
    const int nthr = p.threads > 1 ? 2 : 1, thr_of[2] = {1, p.threads};
    const int reps = p.quick ? 2 : 5;

    hb_sbuf j = {0};
    hb_row mrow;
    mrow.n = 0;
    hb_row_add_machine(&mrow);
    hb_probe_head(&j, &p, &topo, &mrow);

    char host[64];
    snprintf(host, sizeof host, "%s", hb_row_get(&mrow, "hostname"));
    printf("probe: %s, %s, %d threads, caches L1d %lld KiB, L2 %lld KiB, L3 %lld KiB (total), "
           "memory %lld MiB; topology from %s\n",
           host, hb_row_get(&mrow, "cpu_model"), p.threads, p.l1_kib, p.l2_kib, p.l3_total_kib,
           topo.mem_total_kib / 1024, topo.source);

    hb_probe_stream(&p, &j, thr_of, nthr, reps);
    hb_probe_rows(&p, &j, thr_of, nthr);
    hb_probe_fma(&p, &j, thr_of, nthr);
    hb_probe_costs(&j, dims, ndims);
    const double secs = hb_now() - t_start;
    hb_sb_printf(&j, "\n  ],\n  \"seconds\": %.2f\n}\n", secs);
    printf("probe: %.1f s\n", secs);
    free(p.a), free(p.b), free(p.c), free(p.idx);
    int rc = 0;
    if (out) {
        hb_error err = {{0}};
        if (j.oom) {
            fprintf(stderr, "hogbench probe: out of memory\n");
            rc = 1;
        } else if (hb_write_atomic(out, j.s, j.len, &err) != HB_OK) {
            fprintf(stderr, "hogbench probe: %s\n", err.msg);
            rc = 1;
        } else {
            printf("probe: wrote %s\n", out);
        }
    }
    hb_sb_free(&j);
    return rc;
}
