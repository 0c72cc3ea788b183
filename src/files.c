/* files.c: opening, checking and reading the files a user names, so that hogbench never
 * blocks on a FIFO, never reads a device or an endless line into memory, and never writes
 * over anything but a regular file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static const char *hb_file_kind(mode_t m) {
    if (S_ISDIR(m)) return "is a directory";
    if (S_ISFIFO(m)) return "is a FIFO, not a regular file";
    if (S_ISCHR(m)) return "is a character device, not a regular file";
    if (S_ISBLK(m)) return "is a block device, not a regular file";
    if (S_ISSOCK(m)) return "is a socket, not a regular file";
    if (S_ISLNK(m)) return "is a symbolic link";
    return "is not a regular file";
}

hb_status hb_file_open(const char *path, int flags, int follow, int *fd, hb_error *err) {
    *fd = -1;
    const int f = open(path, flags | O_CLOEXEC | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW), 0644);
    if (f < 0) {
        if (errno == ELOOP && !follow)
            return hb_fail(err, HB_ERR_IO, "%s: is a symbolic link; hogbench does not write "
                           "through it (name the file it points to)", path);
        if (errno == EISDIR) return hb_fail(err, HB_ERR_IO, "%s: is a directory", path);
        return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat sb;
    if (fstat(f, &sb) != 0) {
        const int e = errno;
        close(f);
        return hb_fail(err, HB_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(f);
        return hb_fail(err, HB_ERR_IO, "%s: %s", path, hb_file_kind(sb.st_mode));
    }
    const int fl = fcntl(f, F_GETFL);
    if (fl != -1) fcntl(f, F_SETFL, fl & ~O_NONBLOCK);
    *fd = f;
    return HB_OK;
}

hb_status hb_out_check(const char *flag, const char *path, hb_out_kind kind, hb_error *err) {
    if (!path || !*path) return hb_fail(err, HB_ERR_IO, "%s: an empty path", flag);
    char who[4200]; /* "--out PATH", or "PATH" where no flag names it */
    snprintf(who, sizeof who, "%s%s%s", flag, *flag ? " " : "", path);
    struct stat sb;
    if ((kind == HB_OUT_APPEND ? stat(path, &sb) : lstat(path, &sb)) == 0) {
        const int ok = kind == HB_OUT_DIR ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode);
        if (!ok) {
            if (kind == HB_OUT_DIR)
                return hb_fail(err, HB_ERR_IO, "%s: exists and is not a directory", who);
            if (S_ISLNK(sb.st_mode))
                return hb_fail(err, HB_ERR_IO, "%s: is a symbolic link; hogbench replaces "
                               "only regular files (name the file it points to)", who);
            return hb_fail(err, HB_ERR_IO, "%s: %s; hogbench writes only regular files",
                           who, hb_file_kind(sb.st_mode));
        }
        if (kind != HB_OUT_DIR && access(path, W_OK) != 0)
            return hb_fail(err, HB_ERR_IO, "%s: not writable: %s", who,
                           strerror(errno));
    } else if (errno != ENOENT) {
        return hb_fail(err, HB_ERR_IO, "%s: %s", who, strerror(errno));
    }
    /* the folder that holds it */
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf) return hb_fail(err, HB_ERR_IO, "%s: path too long", flag);
    strcpy(buf, path);
    const char *dir = dirname(buf);
    if (stat(dir, &sb) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: folder %s: %s", who, dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return hb_fail(err, HB_ERR_IO, "%s: %s is not a folder", who, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: folder %s is not writable: %s", who, dir,
                       strerror(errno));
    return HB_OK;
}

hb_status hb_atomic_open(hb_atomic *a, const char *flag, const char *path, hb_error *err) {
    a->fd = -1;
    a->tmp[0] = '\0';
    a->path = path;
    hb_status st = hb_out_check(flag, path, HB_OUT_REPLACE, err);
    if (st != HB_OK) return st;
    if (strlen(path) + 16 >= sizeof a->tmp) return hb_fail(err, HB_ERR_IO, "%s: path too long", path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp-XXXXXX", path);
    a->fd = mkostemp(a->tmp, O_CLOEXEC);
    if (a->fd < 0) {
        a->tmp[0] = '\0';
        return hb_fail(err, HB_ERR_IO, "%s: cannot create a file beside it: %s", path,
                       strerror(errno));
    }
    fchmod(a->fd, 0644);
    return HB_OK;
}

hb_status hb_atomic_commit(hb_atomic *a, hb_error *err) {
    int bad = fsync(a->fd) != 0;
    int e = errno;
    if (close(a->fd) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    a->fd = -1;
    struct stat sb; /* checked again right before the rename: path must still be a file */
    if (!bad && lstat(a->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        hb_atomic_abort(a);
        return hb_fail(err, HB_ERR_IO, "%s: %s; hogbench writes only regular files", a->path,
                       hb_file_kind(sb.st_mode));
    }
    if (!bad && rename(a->tmp, a->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        hb_atomic_abort(a);
        return hb_fail(err, HB_ERR_IO, "%s: cannot write: %s", a->path, strerror(e));
    }
    a->tmp[0] = '\0';
    char dir[4200]; /* the new entry survives a crash too (best effort: the rename stands) */
    snprintf(dir, sizeof dir, "%s", a->path);
    const int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd) != 0) { /* best effort */ }
        close(dfd);
    }
    return HB_OK;
}

void hb_atomic_abort(hb_atomic *a) {
    if (a->fd >= 0) close(a->fd);
    a->fd = -1;
    if (a->tmp[0]) unlink(a->tmp);
    a->tmp[0] = '\0';
}

void hb_line_reader_init(hb_line_reader *r, int fd) {
    memset(r, 0, sizeof *r);
    r->fd = fd;
}

void hb_line_reader_free(hb_line_reader *r) {
    free(r->buf);
    r->buf = NULL;
    r->cap = r->start = r->end = 0;
}

int hb_line_read(hb_line_reader *r, char **line, size_t *len) {
    size_t scan = r->start; /* bytes before scan hold no newline */
    for (;;) {
        char *nl = r->end > scan ? memchr(r->buf + scan, '\n', r->end - scan) : NULL;
        if (nl) {
            const size_t n = (size_t)(nl - (r->buf + r->start));
            if (n + 1 > HB_LINE_MAX) return -2;
            *nl = '\0';
            *line = r->buf + r->start;
            *len = n;
            r->start += n + 1;
            return 1;
        }
        if (r->end - r->start > HB_LINE_MAX) return -2;
        if (r->eof) {
            if (r->end == r->start) return 0;
            r->buf[r->end] = '\0'; /* cap > end always */
            *line = r->buf + r->start;
            *len = r->end - r->start;
            r->start = r->end;
            return 2;
        }
        /* make room: drop what was consumed, then grow */
        if (r->start > 0) {
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        scan = r->end;
        if (r->cap - r->end < 65536 + 1) {
            const size_t cap = r->cap ? r->cap * 2 : 65536 * 2;
            char *b = realloc(r->buf, cap);
            if (!b) {
                errno = ENOMEM;
                return -1;
            }
            r->buf = b;
            r->cap = cap;
        }
        const ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end - 1);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (got == 0) r->eof = 1;
        r->end += (size_t)got;
    }
}

int hb_write_all(int fd, const void *p, uint64_t len) {
    const char *s = p;
    while (len) {
        const size_t want = len > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)len;
        const ssize_t got = write(fd, s, want);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        s += got;
        len -= (uint64_t)got;
    }
    return 0;
}

int hb_is_dir(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int hb_is_file(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}
