/* outfile.h: text built in memory and written atomically (temp file, fsync, rename), never over
 * a symlink or a non-regular file; output directories checked the same way. */
#ifndef HB_OUTFILE_H
#define HB_OUTFILE_H

#include <stddef.h>

#include "internal.h"

/* A growable string. Appends never fail visibly: on out-of-memory the buffer is marked
 * (oom = 1) and later appends do nothing; hb_write_atomic refuses a marked buffer. */
typedef struct hb_sbuf {
    char *s;
    size_t len, cap;
    int oom;
} hb_sbuf;

void hb_sb_put(hb_sbuf *b, const char *s, size_t n);
void hb_sb_puts(hb_sbuf *b, const char *s);
void hb_sb_printf(hb_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hb_sb_free(hb_sbuf *b);

/* Writes len bytes to path atomically: a temp file in the same directory (mode 0644), fsync,
 * rename over path, fsync of the directory. Refuses (HB_ERR_IO, nothing written) when path
 * exists and is not a regular file: a symlink (never followed, never replaced), a FIFO, a
 * device or a directory. */
hb_status hb_write_atomic(const char *path, const void *data, size_t len, hb_error *err);

/* Makes sure dir is a directory to write into, creating it (one level, mode 0755) when
 * missing; refuses a symlink or anything else that is not a directory. */
hb_status hb_out_dir(const char *dir, hb_error *err);

#endif
