/* compare_read.h: what 'hogbench compare' reads (src/cli/compare_read.c) and decides and
 * reports on (src/cli/compare.c). */
#ifndef HB_COMPARE_READ_H
#define HB_COMPARE_READ_H

#include <stddef.h>
#include <stdint.h>

enum { HB_CMP_MAX_METRICS = 32, HB_CMP_MAX_KEY = 64, HB_CMP_MAX_IGNORE = 32 };

typedef struct hb_cmp_metric {
    char name[64];
    int higher;     /* 1: higher is better */
    int absolute;   /* 1: medians against an absolute tolerance (accuracy) */
    int time_ns;    /* JSON real_time/cpu_time: normalized to ns through time_unit */
    double tol;
    int tol_set;    /* --tolerance named it */
    int given;      /* named by --metric: missing from a file is an error */
    int col[2];     /* CSV column per side, -1 when absent */
    int present[2]; /* seen in the file */
} hb_cmp_metric;

typedef struct hb_cmp_known {
    const char *name;
    int higher, absolute;
} hb_cmp_known;

typedef struct hb_cmp_vals {
    double *v;
    size_t *row;    /* the group's row (0-based, every status counted) each value came from */
    size_t n, cap;
    size_t bad;     /* values present but not finite (nan, inf): a failure */
    char bad_msg[96];
} hb_cmp_vals;

typedef struct hb_cmp_group {
    uint64_t hash;
    char *key;                   /* match key text */
    char *ignored;               /* the ignored columns' values ("isa=avx2\n") */
    char *kv[HB_CMP_MAX_KEY];    /* CSV: value per run-key column (NULL when ignored) */
    size_t rows, failed, aggregates;
    char fail_msg[160];
    hb_cmp_vals vals[HB_CMP_MAX_METRICS];
    int other;                   /* index of the matching group on the other side, or -1 */
    char *label;
} hb_cmp_group;

typedef struct hb_cmp_side {
    const char *path;
    int json;
    hb_cmp_group *g;
    size_t ng, cap, rows;
    char sha[64], compiler[128], flags[160], host[128];
} hb_cmp_side;

typedef struct hb_cmp {
    hb_cmp_metric m[HB_CMP_MAX_METRICS];
    int nm;
    double threshold, alpha, tol;
    char ignore[HB_CMP_MAX_IGNORE][64];
    int nignore;
    double beta;    /* the sequential test's (and the repeats estimate's) miss rate */
    int method; /* 0 auto, 1 mwu, 2 mad */
    int require_all;
    int normalize;  /* divide NEW's timings by their median NEW/BASE ratio over all configs */
    int sequential; /* timings by the paired sequential test (--sequential, --rerun) */
    int unclear_fail;
    size_t min_pairs, max_pairs;
    const char *rerun[2]; /* --rerun: the commands that append one repetition to BASE, NEW */
    hb_cmp_side side[2];
    size_t common, only[2]; /* after matching */
    /* CSV scan state */
    int cur, ncols, keycol[HB_CMP_MAX_KEY], status_col, msg_col, sha_col, comp_col, flags_col,
        host_col;
    int error;
} hb_cmp;

/* The known metric name (direction, absolute or relative), or NULL. */
const hb_cmp_known *hb_cmp_find_known(const char *name);
/* A whole-string finite number. 0, or -1. */
int hb_cmp_number(const char *s, double *out);
/* "a=1\nb=2\n" -> "a=1 b=2", in place (one line for a message). */
void hb_cmp_oneline(char *s);
/* *json: 1 when path holds Google Benchmark JSON, 0 for CSV. 0, or -1 (printed). */
int hb_cmp_sniff(const char *path, int *json);
/* Reads both files (again), matches their configs and normalizes: the state every verdict is
 * computed from. -1 (message printed) on unreadable input. */
int hb_cmp_load(hb_cmp *c, int print);
/* Frees what reading both sides built (the options stay). */
void hb_cmp_free(hb_cmp *c);

#endif
