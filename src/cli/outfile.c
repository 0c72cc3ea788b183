/* outfile.c: atomic whole-file writes that never replace a symlink or a non-regular file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

void hb_sb_put(hb_sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void hb_sb_puts(hb_sbuf *b, const char *s) { hb_sb_put(b, s, strlen(s)); }

void hb_sb_printf(hb_sbuf *b, const char *fmt, ...) {
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        hb_sb_put(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    hb_sb_put(b, big, (size_t)n);
    free(big);
}

void hb_sb_free(hb_sbuf *b) {
    free(b->s);
    memset(b, 0, sizeof *b);
}

hb_status hb_write_atomic(const char *path, const void *data, size_t len, hb_error *err) {
    hb_atomic out; /* src/files.c: the one place that replaces a user's file */
    hb_status st = hb_atomic_open(&out, "", path, err);
    if (st != HB_OK) return st;
    if (hb_write_all(out.fd, data, len) != 0) {
        st = hb_fail(err, HB_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        hb_atomic_abort(&out);
        return st;
    }
    return hb_atomic_commit(&out, err);
}

hb_status hb_out_dir(const char *dir, hb_error *err) {
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        if (errno != ENOENT) return hb_fail(err, HB_ERR_IO, "%s: %s", dir, strerror(errno));
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return hb_fail(err, HB_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
        if (lstat(dir, &sb) != 0) return hb_fail(err, HB_ERR_IO, "%s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode))
        return hb_fail(err, HB_ERR_IO, "%s: is %s, not a directory: refusing to write into it",
                       dir, S_ISLNK(sb.st_mode) ? "a symlink" : "something else");
    return HB_OK;
}
