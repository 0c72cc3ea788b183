/* report.h: 'hogbench report' inside: the rows and probes it reads, how it groups them
 * (machines, configs, cells of both), and the document it writes (HTML + Markdown + SVG). */
#ifndef HB_REPORT_H
#define HB_REPORT_H

#include <stddef.h>

#include "cost.h"
#include "csvread.h"
#include "json.h"
#include "outfile.h"

/* ------------------------------------------------------------------ memory */

/* Blocks freed together at the end. Out of memory ends the command (message, exit 1). */
typedef struct rp_block rp_block;
typedef struct rp_arena {
    rp_block *head;
} rp_arena;
void *rp_alloc(rp_arena *a, size_t n);
char *rp_strdup(rp_arena *a, const char *s);
char *rp_printf(rp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_arena_free(rp_arena *a);

/* ------------------------------------------------------------------ inputs */

typedef struct rp_gather {
    double table_bytes, row_bytes, read, update; /* rows/s */
    int threads;
    const char *level;
} rp_gather;

typedef struct rp_fma {
    const char *isa;
    int threads;
    double gflops;
} rp_fma;

typedef struct rp_probe {
    const char *path, *host, *cpu, *topo_source, *stream_level;
    int threads_all, packages, numa, cores, pus, quick;
    long long mem_kib;
    double stream_bytes, copy1, copyN, triad1, triadN, seconds; /* GB/s */
    char caches[160];
    int ng, nf;
    rp_gather *g;
    rp_fma *f;
} rp_probe;

typedef struct rp_machine {
    /* the metadata columns of its first row */
    const char *host, *cpu, *isa, *compiler, *flags, *sha, *logical, *physical, *isa_supported,
        *l1, *l2, *l3, *os, *version;
    char *key;
    char label[160];
    int probe;  /* index into probes, -1 */
    int group;  /* machines equal but for the ISA share a group (ISA speed-ups) */
    size_t nrows, nok;
} rp_machine;

typedef struct rp_config {
    char *key;  /* "name=value\n" of the run-key columns, less those that make a machine */
    int npairs;
    const char **name, **value;
    const char *model, *optimizer, *dataset, *isa; /* isa: NULL when it makes machines */
    unsigned dim, threads, batch, hidden, layers;
    int model_rank;
    char *label; /* dim, threads and whatever else varies among this model's configs */
} rp_config;

typedef struct rp_row {
    int file, machine, config, next; /* next: the next row of the same cell, -1 */
    size_t line;
    int ok;                          /* status ok or target_missed: a finished run */
    const char *status, *message;
    double ups, rmse, mae, ndcg10;
    const char *rmse_s, *mae_s, *ndcg10_s;  /* as written: bit-identity checks */
    double ttq, ttq_eval, ttq_epochs;       /* NAN when absent or missed */
    int missed;
    const char *tmetric, *tvalue;
} rp_row;

typedef struct rp {
    rp_arena A;
    int nfiles;
    hb_csvr *files;
    unsigned char *skipped; /* learning-curves files among the inputs */
    int nprobes;
    rp_probe *probes;
    rp_row *rows;
    size_t nrows, caprows;
    rp_machine *m;
    int nm, capm;
    rp_config *c;
    int nc, capc;
    int *cell;         /* nc x nm: first row of the cell, -1 */
    int *mo, *co;      /* display order of machines and configs */
    int baseline;      /* machine index */
    int by_host, by_cpu, by_isa, by_build;
    double tol;
    int has_ttq, flagged, strict, torn;
    const char *title, *out;
    size_t nskipped;   /* rows left out: not ok (listed) */
} rp;

/* Median, min and max of the values of a cell (ok rows; field: offset of a double in rp_row).
 * Returns the count. */
int rp_cell_stats(const rp *r, int config, int machine, size_t field, double *med, double *lo,
                  double *hi);

/* Sort rank of an ISA name: scalar, avx2, avx512, neon, then others. */
int rp_isa_rank(const char *isa);

/* The roof in updates/s for config c on machine m (its probe), with the bound that sets it
 * ("FMA" or "memory") and a note; NAN when there is no probe or cost. */
double rp_roof(const rp *r, int c, int m, const char **bound, char *why, size_t cap);

/* ------------------------------------------------------------------ output */

typedef struct rp_doc {
    hb_sbuf html, md;
    const char *dir;
    int nfig, failed;
    hb_error err;
    int in_row, col;
} rp_doc;

void doc_h2(rp_doc *d, const char *id, const char *title);
void doc_h3(rp_doc *d, const char *title);
void doc_p(rp_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_table(rp_doc *d, int ncols, const char *const *head);
void doc_tr(rp_doc *d);
void doc_td(rp_doc *d, const char *cls, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void doc_table_end(rp_doc *d);
/* An SVG figure: inline in the HTML; NAME.svg next to the Markdown, which links it. */
void doc_svg(rp_doc *d, const char *name, const hb_sbuf *svg, const char *caption);

/* The sections (report_out.c). */
void rp_render(rp *r, rp_doc *d);

/* ------------------------------------------------------------------ charts (svg.c) */

#define RP_PALETTE 8
extern const char *const rp_colors[RP_PALETTE];

typedef struct rp_series {
    const char *name;
    int color, n;
    const double *x, *y;
} rp_series;

/* Lines with markers over linear axes from 0 (and the y = x diagonal when ideal). */
void svg_lines(hb_sbuf *o, const char *title, const char *xl, const char *yl, int ns,
               const rp_series *s, int ideal);

/* Grouped bars: ng groups of nb bars (v[g * nb + b], NAN = none), a dashed line at y = 1. */
void svg_bars(hb_sbuf *o, const char *title, const char *yl, int ng, const char *const *groups,
              int nb, const char *const *bars, const double *v);

/* A roofline: log-log, arithmetic intensity (flop/byte) against GFLOP/s; horizontal roofs
 * (name, GFLOP/s), bandwidth roofs (name, GB/s), points (series: x = intensity, y = GFLOP/s). */
void svg_roofline(hb_sbuf *o, const char *title, int nh, const char *const *hname,
                  const double *hval, int nb, const char *const *bname, const double *bval,
                  int ns, const rp_series *s);

#endif
