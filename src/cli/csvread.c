/* csvread.c: bounded whole-file CSV reading by column name (regular files only). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"

static hb_status hb_read_fd(int fd, const char *path, size_t max, char **buf, size_t *len,
                            hb_error *err) {
    struct stat sb;
    if (fstat(fd, &sb) != 0) return hb_fail(err, HB_ERR_IO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return hb_fail(err, HB_ERR_IO, "%s: not a regular file (a %s): refusing to read it", path,
                       S_ISDIR(sb.st_mode)    ? "directory"
                       : S_ISFIFO(sb.st_mode) ? "FIFO"
                       : S_ISSOCK(sb.st_mode) ? "socket"
                                              : "device");
    if ((unsigned long long)sb.st_size > max)
        return hb_fail(err, HB_ERR_IO, "%s: %lld bytes, more than the %zu this reader takes", path,
                       (long long)sb.st_size, max);
    const int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    const size_t n = (size_t)sb.st_size;
    char *b = malloc(n + 1);
    if (!b) return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
    size_t got = 0;
    while (got < n) {
        const ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            free(b);
            return hb_fail(err, HB_ERR_IO, "%s: read failed: %s", path, strerror(errno));
        }
        if (r == 0) break; /* shrank while read: take what is there */
        got += (size_t)r;
    }
    b[got] = '\0';
    *buf = b;
    *len = got;
    return HB_OK;
}

/* O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it. */
static int hb_open_read(const char *path) {
    return open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
}

hb_status hb_read_regular(const char *path, size_t max, char **buf, size_t *len, hb_error *err) {
    *buf = NULL;
    *len = 0;
    const int fd = hb_open_read(path);
    if (fd < 0) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    const hb_status st = hb_read_fd(fd, path, max, buf, len, err);
    close(fd);
    return st;
}

/* Splits one line (no newline) in place into at most cap fields; returns the count (which may
 * exceed cap) or -1 for an unterminated quote. */
static int hb_csvr_split(char *s, char **f, int cap) {
    int n = 0;
    for (;;) {
        char *w = s;
        if (n < cap) f[n] = w;
        n++;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s) return -1;
                if (*s == '"') {
                    if (s[1] == '"')
                        s++;
                    else {
                        s++;
                        break;
                    }
                }
                *w++ = *s++;
            }
            while (*s && *s != ',') s++; /* text after the closing quote is dropped */
        } else {
            while (*s && *s != ',') *w++ = *s++;
        }
        const int more = *s == ',';
        if (*s) s++;
        *w = '\0';
        if (!more) return n;
    }
}

int hb_csvr_col(const hb_csvr *t, const char *name) {
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->head[c], name) == 0) return c;
    return -1;
}

void hb_csvr_free(hb_csvr *t) {
    free(t->path);
    free(t->buf);
    free(t->head);
    free(t->cell);
    free(t->line);
    memset(t, 0, sizeof *t);
}

hb_status hb_csvr_load(const char *path, hb_csvr *out, hb_error *err) {
    memset(out, 0, sizeof *out);
    const int fd = hb_open_read(path);
    if (fd < 0) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    hb_status st = HB_OK;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && flock(fd, LOCK_SH) != 0)
        st = hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", path, strerror(errno));
    size_t len = 0;
    if (st == HB_OK) st = hb_read_fd(fd, path, HB_CSVR_MAX_FILE, &out->buf, &len, err);
    close(fd);
    if (st != HB_OK) return st;
    if (!(out->path = strdup(path))) return hb_fail(err, HB_ERR_NOMEM, "out of memory");
    char *s = out->buf, *end = out->buf + len;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) s += 3;
    size_t lines = 0;
    for (char *p = s; p < end; p++) lines += *p == '\n';
    char **f = malloc(HB_CSVR_MAX_COLS * sizeof *f);
    if (!f) {
        hb_csvr_free(out);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory");
    }
    size_t no = 0;
    while (s < end) {
        no++;
        char *nl = memchr(s, '\n', (size_t)(end - s));
        const size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (ll > HB_CSVR_MAX_LINE) {
            st = hb_fail(err, HB_ERR_PARSE,
                         "%s:%zu: line longer than %zu bytes (not a results "
                         "file?)",
                         path, no, HB_CSVR_MAX_LINE);
            break;
        }
        if (!nl) { /* a last line without newline: a writer killed mid-row */
            if (no > 1)
                out->torn = 1;
            else
                st = hb_fail(err, HB_ERR_PARSE, "%s:1: the header line is incomplete", path);
            break;
        }
        *nl = '\0';
        if (ll && s[ll - 1] == '\r') s[ll - 1] = '\0';
        char *next = nl + 1;
        if (!*s) { /* blank line */
            if (no == 1) {
                st = hb_fail(err, HB_ERR_PARSE, "%s:1: expected a CSV header, found an empty line",
                             path);
                break;
            }
            s = next;
            continue;
        }
        const int n = hb_csvr_split(s, f, HB_CSVR_MAX_COLS);
        if (n < 0) {
            st = hb_fail(err, HB_ERR_PARSE, "%s:%zu: a quoted field is not closed on its line",
                         path, no);
            break;
        }
        if (n > HB_CSVR_MAX_COLS) {
            st = hb_fail(err, HB_ERR_PARSE, "%s:%zu: more than %d fields", path, no,
                         HB_CSVR_MAX_COLS);
            break;
        }
        if (no == 1) {
            out->ncols = n;
            out->head = malloc((size_t)n * sizeof *out->head);
            out->cell = malloc((lines + 1) * (size_t)n * sizeof *out->cell);
            out->line = malloc((lines + 1) * sizeof *out->line);
            if (!out->head || !out->cell || !out->line) {
                st = hb_fail(err, HB_ERR_NOMEM, "out of memory");
                break;
            }
            for (int c = 0; c < n; c++) {
                out->head[c] = f[c];
                if (!f[c][0]) {
                    st = hb_fail(err, HB_ERR_PARSE, "%s:1: header field %d is empty", path, c + 1);
                    break;
                }
                for (int k = 0; k < c; k++)
                    if (strcmp(f[k], f[c]) == 0) {
                        st = hb_fail(err, HB_ERR_PARSE, "%s:1: column '%s' appears twice", path,
                                     f[c]);
                        break;
                    }
                if (st != HB_OK) break;
            }
            if (st != HB_OK) break;
        } else {
            if (n != out->ncols) {
                st = hb_fail(err, HB_ERR_PARSE,
                             "%s:%zu: expected %d comma-separated fields (as "
                             "the header), got %d",
                             path, no, out->ncols, n);
                break;
            }
            memcpy(out->cell + out->nrows * (size_t)n, f, (size_t)n * sizeof *f);
            out->line[out->nrows++] = no;
        }
        s = next;
    }
    free(f);
    if (st == HB_OK && out->ncols == 0)
        st = hb_fail(err, HB_ERR_PARSE, "%s: empty file (expected a CSV header)", path);
    if (st != HB_OK) hb_csvr_free(out);
    return st;
}
