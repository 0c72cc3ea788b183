/* results.h: CSV rows appended atomically (one write, flushed, under an advisory lock). */
#ifndef HB_RESULTS_H
#define HB_RESULTS_H

#include "internal.h"

#define HB_CSV_MAX_COLS 128

typedef struct hb_row {
    int n;
    const char *key[HB_CSV_MAX_COLS];
    char val[HB_CSV_MAX_COLS][256];
} hb_row;

/* Adds a column (printf-style value). Silently ignores columns past HB_CSV_MAX_COLS. */
void hb_row_add(hb_row *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends r to path: writes the header when the file is new or empty; refuses (HB_ERR_PARSE)
 * a file whose header differs. The row goes out in one write() under flock, then fsync. */
hb_status hb_csv_append(const char *path, const hb_row *r, hb_error *err);

/* Facts about this machine and build for the row (hostname, CPU, cores, caches, kernel,
 * compiler, flags, version, git sha, OpenMP binding, UTC timestamp). */
void hb_row_add_machine(hb_row *r);

#endif
