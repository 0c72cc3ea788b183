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

/* HB_OK when rows shaped like r could be appended to path (missing or empty file, or the
 * same header and a complete last line); otherwise the error hb_csv_append would give. */
hb_status hb_csv_check(const char *path, const hb_row *r, hb_error *err);

/* Removes an incomplete last line (no '\n': a writer killed mid-row) under flock(LOCK_EX);
 * *removed gets its length in bytes (0 when the file ends cleanly or does not exist). */
hb_status hb_csv_repair(const char *path, size_t *removed, hb_error *err);

/* Calls fn for every complete line of path (line 0 is the header) with its fields unquoted;
 * fn returns nonzero to stop. A trailing line without '\n' is not passed. A missing file, a
 * directory or anything but a regular file is HB_ERR_IO with no call; a line longer than
 * HB_CSV_MAX_LINE bytes is HB_ERR_PARSE naming it. Fields point into a buffer reused for the
 * next line. */
#define HB_CSV_MAX_LINE (1 << 20)
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
