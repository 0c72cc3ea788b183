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
typedef struct hb_rp_block hb_rp_block;
typedef struct hb_rp_arena {
    hb_rp_block *head;
} hb_rp_arena;
void *hb_rp_alloc(hb_rp_arena *a, size_t n);
char *hb_rp_strdup(hb_rp_arena *a, const char *s);
char *hb_rp_printf(hb_rp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hb_rp_arena_free(hb_rp_arena *a);

/* ------------------------------------------------------------------ inputs */

typedef struct hb_rp_gather {
    double table_bytes, row_bytes, read, update; /* rows/s */
    int threads;
    const char *level;
} hb_rp_gather;

typedef struct hb_rp_fma {
    const char *isa;
    int threads;
    double gflops;
} hb_rp_fma;

typedef struct hb_rp_probe {
    const char *path, *host, *cpu, *topo_source, *stream_level;
    int threads_all, packages, numa, cores, pus, quick;
    long long mem_kib;
    double stream_bytes, copy1, copyN, triad1, triadN, seconds; /* GB/s */
    char caches[160];
    int ng, nf;
    hb_rp_gather *g;
    hb_rp_fma *f;
} hb_rp_probe;

typedef struct hb_rp_machine {
    /* the metadata columns of its first row */
    const char *host, *cpu, *isa, *compiler, *flags, *sha, *logical, *physical, *isa_supported, *l1,
        *l2, *l3, *os, *version;
    char *key;
    char label[160];
    int probe; /* index into probes, -1 */
    int group; /* machines equal but for the ISA share a group (ISA speed-ups) */
    size_t nrows, nok;
} hb_rp_machine;

typedef struct hb_rp_config {
    char *key; /* "name=value\n" of the run-key columns, less those that make a machine */
    int npairs;
    const char **name, **value;
    const char *model, *optimizer, *dataset, *isa; /* isa: NULL when it makes machines */
    unsigned dim, threads, batch, hidden, layers;
    hb_activation activation; /* the MLP's hidden layers (column `activation`; relu if absent) */
    int model_rank;
    char *label; /* dim, threads and whatever else varies among this model's configs */
} hb_rp_config;

typedef struct hb_rp_row {
    int file, machine, config, next; /* next: the next row of the same cell, -1 */
    size_t line;
    int ok; /* status ok or target_missed: a finished run */
    const char *status, *message;
    double ups, rmse, mae, ndcg10;
    const char *rmse_s, *mae_s, *ndcg10_s; /* as written: bit-identity checks */
    double ttq, ttq_eval, ttq_epochs;      /* NAN when absent or missed */
    int missed;
    const char *tmetric, *tvalue;
} hb_rp_row;

typedef struct hb_rp {
    hb_rp_arena A;
    int nfiles;
    hb_csvr *files;
    unsigned char *skipped; /* learning-curves files among the inputs */
    int nprobes;
    hb_rp_probe *probes;
    hb_rp_row *rows;
    size_t nrows, caprows;
    hb_rp_machine *m;
    int nm, capm;
    hb_rp_config *c;
    int nc, capc;
    int *cell;    /* nc x nm: first row of the cell, -1 */
    int *mo, *co; /* display order of machines and configs */
    int baseline; /* machine index */
    int by_host, by_cpu, by_isa, by_build;
    double tol;
    int has_ttq, flagged, strict, torn;
    const char *title, *out;
    size_t nskipped; /* rows left out: not ok (listed) */
} hb_rp;

/* Median, min and max of the values of a cell (ok rows; field: offset of a double in hb_rp_row).
 * Returns the count. */
int hb_rp_cell_stats(const hb_rp *r, int config, int machine, size_t field, double *med, double *lo,
                     double *hi);

/* Sort rank of an ISA name: scalar, avx2, avx512, neon, then others. */
int hb_rp_isa_rank(const char *isa);

/* The roof in updates/s for config c on machine m (its probe), with the bound that sets it
 * ("FMA" or "memory") and a note; NAN when there is no probe or cost. */
double hb_rp_roof(const hb_rp *r, int c, int m, const char **bound, char *why, size_t cap);

/* ------------------------------------------------------------------ output */

typedef struct hb_rp_doc {
    hb_sbuf html, md;
    const char *dir;
    int nfig, failed;
    hb_error err;
    int in_row, col;
} hb_rp_doc;

/* s with &, <, > and " escaped, for HTML text and attributes and for SVG. */
void hb_html_esc(hb_sbuf *o, const char *s);
void hb_doc_h2(hb_rp_doc *d, const char *id, const char *title);
void hb_doc_h3(hb_rp_doc *d, const char *title);
void hb_doc_p(hb_rp_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hb_doc_table(hb_rp_doc *d, int ncols, const char *const *head);
void hb_doc_tr(hb_rp_doc *d);
void hb_doc_td(hb_rp_doc *d, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hb_doc_table_end(hb_rp_doc *d);
/* An SVG figure: inline in the HTML; NAME.svg next to the Markdown, which links it. */
void hb_doc_svg(hb_rp_doc *d, const char *name, const hb_sbuf *svg, const char *caption);

/* The sections (report_out.c). */
void hb_rp_render(hb_rp *r, hb_rp_doc *d);

/* ------------------------------------------------------------------ charts (svg.c) */

#define RP_PALETTE 8
extern const char *const hb_rp_colors[RP_PALETTE];

typedef struct hb_rp_series {
    const char *name;
    int color, n;
    const double *x, *y;
} hb_rp_series;

/* Lines with markers over linear axes from 0 (and the y = x diagonal when ideal). */
void hb_svg_lines(hb_sbuf *o, const char *title, const char *xl, const char *yl, int ns,
                  const hb_rp_series *s, int ideal);

/* Grouped bars: ng groups of nb bars (v[g * nb + b], NAN = none), a dashed line at y = 1. */
void hb_svg_bars(hb_sbuf *o, const char *title, const char *yl, int ng, const char *const *groups,
                 int nb, const char *const *bars, const double *v);

/* A roofline: log-log, arithmetic intensity (flop/byte) against GFLOP/s; horizontal roofs
 * (name, GFLOP/s), bandwidth roofs (name, GB/s), points (series: x = intensity, y = GFLOP/s). */
void hb_svg_roofline(hb_sbuf *o, const char *title, int nh, const char *const *hname,
                     const double *hval, int nb, const char *const *bname, const double *bval,
                     int ns, const hb_rp_series *s);

#endif
