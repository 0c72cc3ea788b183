/* data.c: 'hogbench data gen|convert|info|fetch', the loader flags train shares, and data
 * resolution (--data, $HOGBENCH_DATA, ./data/ml-100k, synthetic). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cli.h"
#include "fetch.h"

/* ------------------------------------------------------------------ data resolution */

static const char *hb_cache_word(int c) {
    return c == HB_CACHE_HIT ? "read" : c == HB_CACHE_WRITTEN ? "written"
         : c == HB_CACHE_UNWRITABLE ? "not writable" : "none";
}

int hb_cli_load_data_opts(const char *data, const char *split, const hb_load_opts *opts,
                          hb_dataset **out, const char **used, int quiet) {
    hb_error err = {{0}};
    hb_load_opts o = opts ? *opts : hb_load_opts_default();
    if (!data) {
        const char *env = getenv("HOGBENCH_DATA");
        if (env && *env) data = env;
        else if (hb_is_dir("data/ml-100k")) data = "data/ml-100k";
    }
    if (!data) {
        if (!quiet)
            fprintf(stderr, "hogbench: no data given (--data DIR|FILE or HOGBENCH_DATA) or found "
                            "(./data/ml-100k): using synthetic data of ML-100K's shape\n");
        data = "synthetic";
    }
    if (split && hb_load_opts_set(&o, "split", split, &err) != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    const hb_status st = hb_dataset_load(data, &o, out, &err);
    if (st != HB_OK) { /* a bad option (a split the data cannot take, a bad spec) is usage */
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return st == HB_ERR_ARG ? 2 : 1;
    }
    if (used) *used = data;
    const hb_dataset *ds = *out;
    if (!quiet) {
        fprintf(stderr, "hogbench: data %s%s%s split %s: %u users, %u items, %zu train (of %zu), "
                        "%zu test (of %zu), ratings %g..%g, xxh3 %016llx\n",
                ds->name, strcmp(ds->name, data) ? " from " : "", strcmp(ds->name, data) ? data : "",
                ds->split, ds->n_users, ds->n_items, ds->n_train, ds->n_train_raw, ds->n_test,
                ds->n_test_raw, ds->r_min, ds->r_max, (unsigned long long)ds->xxh3);
        if (ds->n_duplicates || (ds->n_test_cold && !ds->notebook_filter))
            fprintf(stderr, "hogbench: %zu duplicate rows dropped (--duplicates); %zu test rows "
                            "dropped: %u users and %u items absent from train\n",
                    ds->n_duplicates, ds->n_test_cold, ds->n_cold_users, ds->n_cold_items);
        if (ds->load_seconds > 0.5)
            fprintf(stderr, "hogbench: loaded in %.2f s (cache %s)\n", ds->load_seconds,
                    hb_cache_word(ds->cache));
    }
    return 0;
}

/* ------------------------------------------------------------------ hogbench data */

static void hb_data_usage(FILE *f) {
    fprintf(f,
            "usage: hogbench data <gen|convert|info|fetch> ...\n\n"
            "  data gen SPEC --out FILE [--format csv|tsv|dat] [--threads T]\n"
            "        write synthetic:users=U,items=I,ratings=N,dim=K,seed=S[,zipf=A] as text\n"
            "        (csv: header userId,movieId,rating,timestamp; default by FILE's extension)\n"
            "  data convert FILE|DIR [loader flags]\n"
            "        parse once and write the binary cache FILE.hbcache (keyed by FILE's XXH3)\n"
            "  data info FILE|DIR|SPEC [--split S] [--seed S] [loader flags] [--threads T]\n"
            "        load, split and describe: counts, range, stars, duplicates, cold test rows,\n"
            "        load time and throughput, memory per rating, peak RSS\n"
            "  data fetch ml-100k|ml-1m|ml-10m|ml-20m|ml-25m|ml-latest-small [--dir DIR]\n"
            "             [--base-url URL] [--md5 HEX]\n"
            "        download from GroupLens (or URL, or $HOGBENCH_FETCH_BASE), check the MD5,\n"
            "        unpack into DIR (default: data)\n\n"
            "loader flags:\n%s",
            hb_cli_data_flags_help());
}

static hb_format hb_format_of(const char *path, const char *flag) {
    if (flag)
        return strcmp(flag, "tsv") == 0   ? HB_FORMAT_TSV
               : strcmp(flag, "dat") == 0 ? HB_FORMAT_DAT
                                          : HB_FORMAT_CSV;
    const size_t n = strlen(path);
    if (n >= 4 && strcmp(path + n - 4, ".dat") == 0) return HB_FORMAT_DAT;
    if ((n >= 4 && strcmp(path + n - 4, ".tsv") == 0) || (n >= 5 && strcmp(path + n - 5, ".data") == 0))
        return HB_FORMAT_TSV;
    return HB_FORMAT_CSV;
}

/* Pulls "--name VALUE" (or --name=VALUE) out of argv; NULL when absent. */
static const char *hb_take(int *argc, char **argv, const char *name, int *bad) {
    const size_t len = strlen(name);
    const char *v = NULL;
    int w = 1;
    for (int k = 1; k < *argc; k++) {
        if (strncmp(argv[k], name, len) == 0 && (argv[k][len] == '\0' || argv[k][len] == '=')) {
            if (argv[k][len] == '=') v = argv[k] + len + 1;
            else if (k + 1 < *argc) v = argv[++k];
            else {
                fprintf(stderr, "hogbench data: missing value for '%s'\n", name);
                *bad = 1;
            }
            continue;
        }
        argv[w++] = argv[k];
    }
    argv[w] = NULL;
    *argc = w;
    return v;
}

static int hb_data_gen(int argc, char **argv) {
    int bad = 0;
    const char *out = hb_take(&argc, argv, "--out", &bad), *fmt = hb_take(&argc, argv, "--format", &bad);
    const char *thr = hb_take(&argc, argv, "--threads", &bad);
    if (bad) return 2;
    if (argc != 2 || !out) {
        fprintf(stderr, "hogbench data gen: expected SPEC and --out FILE (see 'hogbench data --help')\n");
        return 2;
    }
    if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "tsv") && strcmp(fmt, "dat")) {
        fprintf(stderr, "hogbench: --format '%s': expected csv, tsv or dat\n", fmt);
        return 2;
    }
    uint32_t t = 0;
    if (thr && hb_cli_u32("--threads", thr, 1, 1024, &t) != 0) return 2;
    hb_synth_params p;
    hb_error err = {{0}};
    if (hb_synth_parse(argv[1], &p, &err) != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    const double t0 = hb_now();
    if (hb_synth_write(&p, out, hb_format_of(out, fmt), (int)t, &err) != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 1;
    }
    struct stat sb;
    const double dt = hb_now() - t0;
    printf("wrote %s: %llu ratings, %lld bytes in %.2f s (%.0f MB/s), peak_rss_kib=%ld\n", out,
           (unsigned long long)p.ratings, stat(out, &sb) == 0 ? (long long)sb.st_size : -1LL, dt,
           stat(out, &sb) == 0 ? (double)sb.st_size / 1e6 / dt : 0.0, hb_rss_peak_kib());
    return 0;
}

static int hb_data_convert(int argc, char **argv, hb_load_opts *o) {
    if (argc != 2) {
        fprintf(stderr, "hogbench data convert: expected one FILE or DIR\n");
        return 2;
    }
    hb_error err = {{0}};
    char cpath[4200];
    const double t0 = hb_now();
    const hb_status st = hb_dataset_convert(argv[1], o, cpath, sizeof cpath, &err);
    if (st != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return st == HB_ERR_ARG ? 2 : 1;
    }
    struct stat sb;
    printf("wrote %s (%lld bytes) in %.2f s, peak_rss_kib=%ld\n", cpath,
           stat(cpath, &sb) == 0 ? (long long)sb.st_size : -1LL, hb_now() - t0, hb_rss_peak_kib());
    return 0;
}

static int hb_data_info(int argc, char **argv, hb_load_opts *o) {
    int bad = 0;
    const char *split = hb_take(&argc, argv, "--split", &bad);
    const char *seed = hb_take(&argc, argv, "--seed", &bad);
    const char *thr = hb_take(&argc, argv, "--threads", &bad);
    if (bad) return 2;
    if (argc != 2) {
        fprintf(stderr, "hogbench data info: expected one FILE, DIR or synthetic spec\n");
        return 2;
    }
    hb_error err = {{0}};
    if ((seed && hb_load_opts_set(o, "seed", seed, &err) != HB_OK) ||
        (thr && hb_load_opts_set(o, "threads", thr, &err) != HB_OK)) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return 2;
    }
    hb_dataset *ds = NULL;
    const int rc = hb_cli_load_data_opts(argv[1], split, o, &ds, NULL, 1);
    if (rc != 0) return rc;
    size_t stars[12] = {0};
    for (size_t k = 0; k < ds->n_train; k++) {
        const double r = ds->train[k].r;
        const long s = lround(r * 2);
        stars[s >= 0 && s < 11 && fabs(r * 2 - (double)s) < 1e-6 ? s : 11]++;
    }
    const size_t n = ds->n_train + ds->n_test;
    const double mem = (double)n * sizeof(hb_rating) + ((double)ds->n_users + ds->n_items) * 8;
    printf("dataset=%s\nsplit=%s\nusers=%u\nitems=%u\ntrain=%zu\ntrain_raw=%zu\ntest=%zu\n"
           "test_raw=%zu\nrating_min=%g\nrating_max=%g\nxxh3=%016llx\nduplicates_dropped=%zu\n"
           "test_cold_rows=%zu\ntest_cold_users=%u\ntest_cold_items=%u\nseed_filter=%d\n"
           "cache=%s\nload_seconds=%.3f\n",
           ds->name, ds->split, ds->n_users, ds->n_items, ds->n_train, ds->n_train_raw,
           ds->n_test, ds->n_test_raw, ds->r_min, ds->r_max, (unsigned long long)ds->xxh3,
           ds->n_duplicates, ds->n_test_cold, ds->n_cold_users, ds->n_cold_items,
           ds->notebook_filter, hb_cache_word(ds->cache), ds->load_seconds);
    if (ds->source_bytes)
        printf("source_bytes=%llu\nparse_mb_per_s=%.0f\n", (unsigned long long)ds->source_bytes,
               (double)ds->source_bytes / 1e6 / ds->load_seconds);
    printf("bytes_per_rating=%.2f (ratings %zu B each, plus ids)\npeak_rss_kib=%ld\n",
           n ? mem / (double)n : 0.0, sizeof(hb_rating), hb_rss_peak_kib());
    printf("train_stars=");
    for (int s = 0; s <= 10; s++)
        if (stars[s]) printf("%s%g:%.3f", s ? " " : "", s / 2.0, (double)stars[s] / (double)ds->n_train);
    if (stars[11]) printf(" other:%.3f", (double)stars[11] / (double)ds->n_train);
    printf("\n");
    hb_dataset_free(&ds);
    return 0;
}

static int hb_data_fetch(int argc, char **argv) {
    int bad = 0;
    const char *dir = hb_take(&argc, argv, "--dir", &bad), *url = hb_take(&argc, argv, "--base-url", &bad);
    const char *md5 = hb_take(&argc, argv, "--md5", &bad);
    if (bad) return 2;
    if (argc != 2) {
        fprintf(stderr, "hogbench data fetch: expected one of ml-100k, ml-1m, ml-10m, ml-20m, "
                        "ml-25m, ml-latest-small\n");
        return 2;
    }
    hb_error err = {{0}};
    char where[4200];
    const hb_status st = hb_fetch(argv[1], dir ? dir : "data", url, md5, where, sizeof where, &err);
    if (st != HB_OK) {
        fprintf(stderr, "hogbench: %s\n", err.msg);
        return st == HB_ERR_ARG ? 2 : 1;
    }
    printf("%s\n", where);
    fprintf(stderr, "hogbench: ready: hogbench train --data %s\n", where);
    return 0;
}

int hb_cmd_data(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        hb_data_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    for (int k = 2; k < argc; k++)
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            hb_data_usage(stdout);
            return 0;
        }
    if (strcmp(sub, "gen") == 0) return hb_data_gen(argc - 1, argv + 1);
    if (strcmp(sub, "fetch") == 0) return hb_data_fetch(argc - 1, argv + 1);
    hb_load_opts o = hb_load_opts_default();
    int sargc = argc - 1;
    char **sargv = argv + 1;
    if (hb_cli_data_flags("data", &sargc, sargv, &o) != 0) return 2;
    for (int k = 1; k < sargc; k++)
        if (sargv[k][0] == '-' && sargv[k][1] == '-' && strcmp(sargv[k], "--split") &&
            strcmp(sargv[k], "--seed") && strcmp(sargv[k], "--threads") &&
            strncmp(sargv[k], "--split=", 8) && strncmp(sargv[k], "--seed=", 7) &&
            strncmp(sargv[k], "--threads=", 10)) {
            fprintf(stderr, "hogbench data %s: unknown option '%s' (see 'hogbench data --help')\n",
                    sub, sargv[k]);
            return 2;
        }
    if (strcmp(sub, "convert") == 0) return hb_data_convert(sargc, sargv, &o);
    if (strcmp(sub, "info") == 0) return hb_data_info(sargc, sargv, &o);
    fprintf(stderr, "hogbench data: unknown subcommand '%s' (expected gen, convert, info or fetch)\n", sub);
    return 2;
}
