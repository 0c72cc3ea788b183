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

static const char *hb_kind(mode_t m) {
    return S_ISLNK(m)    ? "symlink"
           : S_ISDIR(m)  ? "directory"
           : S_ISFIFO(m) ? "FIFO"
           : S_ISSOCK(m) ? "socket"
                         : "device";
}

hb_status hb_write_atomic(const char *path, const void *data, size_t len, hb_error *err) {
    struct stat sb;
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return hb_fail(err, HB_ERR_IO, "%s: is a %s, not a regular file: refusing to replace it",
                       path, hb_kind(sb.st_mode));
    const size_t pl = strlen(path);
    char *tmp = malloc(pl + 16), *dcopy = strdup(path);
    if (!tmp || !dcopy) {
        free(tmp);
        free(dcopy);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory");
    }
    snprintf(tmp, pl + 16, "%s.tmp.XXXXXX", path);
    hb_status st = HB_OK;
    const int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        st =
            hb_fail(err, HB_ERR_IO, "%s: cannot create a temporary file: %s", tmp, strerror(errno));
        goto out;
    }
    const char *p = data;
    size_t left = len;
    int bad = fchmod(fd, 0644) != 0;
    while (!bad && left) {
        const ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            bad = 1;
        else {
            p += w;
            left -= (size_t)w;
        }
    }
    if (!bad && fsync(fd) != 0) bad = 1;
    const int saved = errno;
    if (close(fd) != 0) bad = 1;
    /* checked again right before the rename: path must not have become something else */
    if (!bad && lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        unlink(tmp);
        st = hb_fail(err, HB_ERR_IO, "%s: is a %s, not a regular file: refusing to replace it",
                     path, hb_kind(sb.st_mode));
        goto out;
    }
    if (bad || rename(tmp, path) != 0) {
        st = hb_fail(err, HB_ERR_IO, "%s: write failed: %s", path, strerror(bad ? saved : errno));
        unlink(tmp);
        goto out;
    }
    const int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd) != 0) { /* the rename stands; durability of the entry is best effort */
        }
        close(dfd);
    }
out:
    free(tmp);
    free(dcopy);
    return st;
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
        return hb_fail(err, HB_ERR_IO, "%s: is a %s, not a directory: refusing to write into it",
                       dir, hb_kind(sb.st_mode));
    return HB_OK;
}
