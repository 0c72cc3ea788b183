/* results.h: CSV rows appended atomically (one write, flushed, under an advisory lock), run
 * keys, reading rows back (resume), peak RSS, and machine/build metadata. */
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

/* The value of column key in r, or NULL. */
const char *hb_row_get(const hb_row *r, const char *key);

/* The run key covers the config: every column before this one, in row order. */
#define HB_RUN_KEY_END "data"

/* Those columns as this build writes them, in order (tests/test_sweep.c checks the match). */
extern const char *const hb_run_key_cols[];
extern const int hb_run_key_ncols;

/* XXH3-64 (seed 0) of "name=value\n" for every column of r before HB_RUN_KEY_END, in order,
 * value as written in the CSV before quoting. */
uint64_t hb_row_run_key(const hb_row *r);

/* CSV lines sharing one header, built in memory and appended in one write. */
typedef struct hb_csv_buf {
    char *head, *data;
    size_t head_len, len, cap;
} hb_csv_buf;

/* Formats r as one more line (the first row also fixes the header). HB_ERR_NOMEM on failure. */
hb_status hb_csv_buf_add(hb_csv_buf *b, const hb_row *r);
void hb_csv_buf_free(hb_csv_buf *b);

/* Appends b's lines to path: writes the header when the file is new or empty; refuses
 * (HB_ERR_PARSE) a file whose header differs or whose last line is incomplete. The lines go
 * out in one write() under flock(LOCK_EX), then fsync; a failed write is truncated away. */
hb_status hb_csv_buf_append(const char *path, const hb_csv_buf *b, hb_error *err);

/* One row: hb_csv_buf_append of a single line. */
hb_status hb_csv_append(const char *path, const hb_row *r, hb_error *err);

/* Makes path ready for rows shaped like r, before any work: a missing or empty file is fine;
 * a file whose first bytes are not r's header is refused (HB_ERR_PARSE, "PATH:1: not
 * hogbench's CSV header") and never touched; an incomplete last line (a writer killed mid-row,
 * or a header cut short) is removed under flock(LOCK_EX), *removed gets its length in bytes.
 * FIFOs, devices and directories are refused without blocking (hb_file_open). */
hb_status hb_csv_prepare(const char *path, const hb_row *r, size_t *removed, hb_error *err);

/* A run's rows as one unit. Under out's lock (curves' when out is NULL): repeat 0 becomes one
 * more than the largest repeat that file holds for run key key (hex), so concurrent writers
 * never share one; fn fills rows (for out) and curves (for curves) for that repeat; out's
 * header is checked, then the curve rows are appended and synced, then the row. A kill between
 * the two leaves curves without a row, which hb_csv_drop_orphan_curves removes and a rerun
 * writes again; a row is never without its curves. *used gets the repeat. */
typedef hb_status (*hb_csv_unit_fn)(uint32_t repeat, hb_csv_buf *rows, hb_csv_buf *curves,
                                    void *ctx);
hb_status hb_csv_append_unit(const char *out, const char *curves, const char *key,
                             uint32_t repeat, hb_csv_unit_fn fn, void *ctx, uint32_t *used,
                             hb_error *err);

/* When the last lines of curves belong to a (run_key, repeat) that has no row in out (a writer
 * killed between the two), cuts them off; *removed gets their length in bytes. Missing files:
 * nothing to do. */
hb_status hb_csv_drop_orphan_curves(const char *curves, const char *out, size_t *removed,
                                    hb_error *err);

/* Calls fn for every complete line of path (line 0 is the header) with its fields unquoted;
 * fn returns nonzero to stop. A trailing line without '\n' is not passed. A missing file, a
 * directory or anything but a regular file is HB_ERR_IO with no call; a line longer than
 * HB_LINE_MAX bytes is HB_ERR_PARSE naming it. Fields point into a buffer reused for the
 * next line. Never blocks (a FIFO is refused, not opened for reading). */
typedef int (*hb_csv_line_fn)(size_t line, int n, char **fields, void *ctx);
hb_status hb_csv_scan(const char *path, hb_csv_line_fn fn, void *ctx, hb_error *err);

/* Peak resident set size: hb_rss_reset() lowers the high-water mark to the current RSS
 * (/proc/self/clear_refs, Linux >= 4.0; a no-op elsewhere), hb_rss_peak_kib() reads it
 * (VmHWM, else getrusage's ru_maxrss, which is the process's peak). */
void hb_rss_reset(void);
long hb_rss_peak_kib(void);

/* Facts about this machine and build for the row (hostname, CPU, cores, caches, kernel,
 * compiler, flags, version, git sha, OpenMP binding, UTC timestamp). */
void hb_row_add_machine(hb_row *r);

#endif
