/* csvread.h: whole-file CSV tables for the harness's readers (report): regular files only,
 * bounded sizes and line lengths, columns looked up by header name, messages naming file:line. */
#ifndef HB_CSVREAD_H
#define HB_CSVREAD_H

#include <stddef.h>

#include "internal.h"

#define HB_CSVR_MAX_LINE ((size_t)1 << 18) /* bytes per line: results rows are ~1 KiB */
#define HB_CSVR_MAX_FILE ((size_t)1 << 30) /* bytes per file */
#define HB_CSVR_MAX_COLS 1024

typedef struct hb_csvr {
    char *path;
    char *buf; /* the file's text, split in place */
    int ncols;
    char **head; /* ncols header names */
    size_t nrows;
    char **cell;  /* nrows x ncols fields, unquoted */
    size_t *line; /* 1-based line number of each row */
    int torn;     /* a last line without '\n' (a writer killed mid-row) was left out */
} hb_csvr;

/* Reads path into *out. Refuses (HB_ERR_IO) anything but a regular file (a FIFO, device,
 * socket or directory: opened without blocking, then checked), files over HB_CSVR_MAX_FILE,
 * and (HB_ERR_PARSE, "path:LINE: ...") lines over HB_CSVR_MAX_LINE, an empty file, a header
 * with an empty or repeated name, and rows whose field count differs from the header's.
 * Takes a shared flock while reading (hogbench's writers hold an exclusive one). Accepts CRLF
 * endings, a UTF-8 BOM and RFC 4180 quoting; a quoted field may not span lines. */
hb_status hb_csvr_load(const char *path, hb_csvr *out, hb_error *err);

/* Index of column name, or -1. */
int hb_csvr_col(const hb_csvr *t, const char *name);

/* Field (row, col); "" when col < 0. */
static inline const char *hb_csvr_get(const hb_csvr *t, size_t row, int col) {
    return col < 0 ? "" : t->cell[row * (size_t)t->ncols + (size_t)col];
}

void hb_csvr_free(hb_csvr *t);

/* Reads a whole regular file (same refusals as hb_csvr_load) of at most max bytes into a
 * NUL-terminated malloc'd buffer. */
hb_status hb_read_regular(const char *path, size_t max, char **buf, size_t *len, hb_error *err);

#endif
