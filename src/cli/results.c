/* results.c: CSV rows (atomic append under an advisory lock), run keys, reading rows back,
 * peak RSS, and machine/build metadata. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "hb_git_sha.h" /* generated at build time (cmake/git_sha.cmake) */
#include "results.h"

void hb_row_add(hb_row *r, const char *key, const char *fmt, ...) {
    if (r->n >= HB_CSV_MAX_COLS) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->val[r->n], sizeof r->val[r->n], fmt, ap);
    va_end(ap);
    r->key[r->n++] = key;
}

/* First line of a file that starts with key, value after ':' trimmed. */
static void hb_file_field(const char *path, const char *key, char *out, size_t cap) {
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    char buf[1024];
    const size_t kl = strlen(key);
    while (fgets(buf, sizeof buf, f))
        if (strncmp(buf, key, kl) == 0) {
            char *c = strchr(buf, ':');
            if (!c) continue;
            c++;
            while (*c == ' ' || *c == '\t') c++;
            c[strcspn(c, "\n")] = '\0';
            snprintf(out, cap, "%s", c);
            break;
        }
    fclose(f);
}

const char *hb_row_get(const hb_row *r, const char *key) {
    for (int c = 0; c < r->n; c++)
        if (strcmp(r->key[c], key) == 0) return r->val[c];
    return NULL;
}

const char *const hb_run_key_cols[] = {
    "model", "preset", "optimizer", "lr", "lr_decay", "reg", "reg_bias", "reg_rows", "batch",
    "epochs", "dim", "threads", "ranks", "isa", "schedule", "blocks", "seed", "global_mean",
    "activation", "hidden", "layers", "init", "init_std", "init_offset", "beta1", "beta2", "eps",
    "eval_every", "eval_users", "dataset", "split", "dataset_xxh3", "target_metric",
    "target_value", "target_stop", "nadam", "cold_rows", "tuned", "storage", "rounding"};
const int hb_run_key_ncols = (int)(sizeof hb_run_key_cols / sizeof *hb_run_key_cols);

uint64_t hb_row_run_key(const hb_row *r) {
    char buf[HB_CSV_MAX_COLS * 300];
    size_t at = 0;
    for (int c = 0; c < r->n && strcmp(r->key[c], HB_RUN_KEY_END) != 0; c++) {
        int w = snprintf(buf + at, sizeof buf - at, "%s=%s\n", r->key[c], r->val[c]);
        if (w < 0 || (size_t)w >= sizeof buf - at) break; /* cannot happen: 256-byte values */
        at += (size_t)w;
    }
    return XXH3_64bits(buf, at);
}

/* Appends s to buf as one CSV field (quoted when it holds a comma, quote or newline). */
static size_t hb_csv_field(char *buf, size_t at, size_t cap, const char *s) {
    const int q = strpbrk(s, ",\"\r\n") != NULL;
    if (q && at < cap) buf[at++] = '"';
    for (; *s && at + 2 < cap; s++) {
        if (*s == '"') buf[at++] = '"';
        buf[at++] = (*s == '\n' || *s == '\r') ? ' ' : *s;
    }
    if (q && at < cap) buf[at++] = '"';
    return at;
}

static size_t hb_csv_line(char *buf, size_t cap, const hb_row *r, int header) {
    size_t at = 0;
    for (int c = 0; c < r->n; c++) {
        if (c && at < cap) buf[at++] = ',';
        at = hb_csv_field(buf, at, cap, header ? r->key[c] : r->val[c]);
    }
    if (at < cap) buf[at++] = '\n';
    return at;
}

hb_status hb_csv_buf_add(hb_csv_buf *b, const hb_row *r) {
    static char line[HB_CSV_MAX_COLS * 600];
    if (!b->head) {
        const size_t hn = hb_csv_line(line, sizeof line, r, 1);
        if (!(b->head = malloc(hn))) return HB_ERR_NOMEM;
        memcpy(b->head, line, hn);
        b->head_len = hn;
    }
    const size_t n = hb_csv_line(line, sizeof line, r, 0);
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) return HB_ERR_NOMEM;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, line, n);
    b->len += n;
    return HB_OK;
}

void hb_csv_buf_free(hb_csv_buf *b) {
    free(b->head);
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* With fd locked: HB_OK when the file is empty (*empty = 1) or starts with head and ends with
 * a newline. */
static hb_status hb_csv_check_fd(int fd, const char *path, const char *head, size_t hn,
                                 int *empty, off_t *size, hb_error *err) {
    struct stat sb;
    if (fstat(fd, &sb) != 0) return hb_fail(err, HB_ERR_IO, "%s: %s", path, strerror(errno));
    *size = sb.st_size;
    *empty = sb.st_size == 0;
    if (*empty) return HB_OK;
    char *have = malloc(hn);
    if (!have) return hb_fail(err, HB_ERR_NOMEM, "out of memory");
    ssize_t got = pread(fd, have, hn, 0);
    const int same = got == (ssize_t)hn && memcmp(have, head, hn) == 0;
    free(have);
    if (!same)
        return hb_fail(err, HB_ERR_PARSE, "%s:1: expected hogbench's CSV header (%.*s...); "
                       "write to a new file", path, 60, head);
    char last;
    if (pread(fd, &last, 1, sb.st_size - 1) != 1 || last != '\n') /* killed mid-write */
        return hb_fail(err, HB_ERR_PARSE, "%s: the last line is incomplete (an interrupted "
                       "write?); fix or move the file", path);
    return HB_OK;
}

static hb_status hb_csv_write_fd(int fd, const char *path, const hb_csv_buf *b, hb_error *err);

hb_status hb_csv_buf_append(const char *path, const hb_csv_buf *b, hb_error *err) {
    if (!b->head) return HB_OK;
    int fd;
    hb_status st = hb_file_open(path, O_RDWR | O_CREAT | O_APPEND, 1, &fd, err);
    if (st != HB_OK) return st;
    if (flock(fd, LOCK_EX) != 0) {
        close(fd);
        return hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", path, strerror(errno));
    }
    st = hb_csv_write_fd(fd, path, b, err);
    flock(fd, LOCK_UN);
    close(fd);
    return st;
}

/* With fd locked (LOCK_EX, O_APPEND): checks the header and the last line, then appends b's
 * lines (with the header when the file is empty) in one write, then fsync; a failed write is
 * truncated away. */
static hb_status hb_csv_write_fd(int fd, const char *path, const hb_csv_buf *b, hb_error *err) {
    int empty = 0;
    off_t size = 0;
    hb_status st = hb_csv_check_fd(fd, path, b->head, b->head_len, &empty, &size, err);
    if (st == HB_OK) {
        /* header and rows in one write when the file is new */
        int bad;
        if (empty) {
            char *all = malloc(b->head_len + b->len);
            if (!all) {
                st = hb_fail(err, HB_ERR_NOMEM, "out of memory");
                goto out;
            }
            memcpy(all, b->head, b->head_len);
            memcpy(all + b->head_len, b->data, b->len);
            bad = hb_write_all(fd, all, b->head_len + b->len) != 0;
            free(all);
        } else {
            bad = hb_write_all(fd, b->data, b->len) != 0;
        }
        if (bad || fsync(fd) != 0) {
            st = hb_fail(err, HB_ERR_IO, "%s: write failed: %s", path, strerror(errno));
            if (ftruncate(fd, size) != 0) { /* leave no partial row behind */ }
        }
    }
out:
    return st;
}

hb_status hb_csv_append(const char *path, const hb_row *r, hb_error *err) {
    hb_csv_buf b = {0};
    hb_status st = hb_csv_buf_add(&b, r);
    if (st != HB_OK) st = hb_fail(err, st, "out of memory");
    else st = hb_csv_buf_append(path, &b, err);
    hb_csv_buf_free(&b);
    return st;
}

hb_status hb_csv_prepare(const char *path, const hb_row *r, size_t *removed, hb_error *err) {
    *removed = 0;
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT) return HB_OK;
    int fd;
    hb_status st = hb_file_open(path, O_RDWR, 1, &fd, err);
    if (st != HB_OK) return st;
    hb_csv_buf b = {0};
    char *have = NULL;
    if (hb_csv_buf_add(&b, r) != HB_OK) {
        st = hb_fail(err, HB_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (flock(fd, LOCK_EX) != 0 || fstat(fd, &sb) != 0) {
        st = hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", path, strerror(errno));
        goto out;
    }
    if (sb.st_size == 0) goto out;
    const size_t hn = b.head_len;
    const size_t n = (size_t)sb.st_size < hn ? (size_t)sb.st_size : hn;
    if (!(have = malloc(n))) {
        st = hb_fail(err, HB_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (pread(fd, have, n, 0) != (ssize_t)n) {
        st = hb_fail(err, HB_ERR_IO, "%s: read failed: %s", path, strerror(errno));
        goto out;
    }
    off_t keep = -1; /* where to cut: -1 nothing */
    if (memcmp(have, b.head, n) != 0) {
        /* not hogbench's: never touched */
        st = hb_fail(err, HB_ERR_PARSE, "%s:1: not hogbench's CSV header (expected \"%.*s...\"); "
                     "hogbench appends only to a results file it wrote: name a new file", path,
                     60, b.head);
        goto out;
    }
    if (n < hn) {
        keep = 0; /* a header cut short: the first write was interrupted */
    } else {
        char last;
        if (pread(fd, &last, 1, sb.st_size - 1) != 1) {
            st = hb_fail(err, HB_ERR_IO, "%s: read failed: %s", path, strerror(errno));
            goto out;
        }
        if (last != '\n') { /* a row cut short: back to just after the last newline */
            char buf[4096];
            off_t end = sb.st_size;
            while (end > (off_t)hn) {
                const off_t from = end - (off_t)sizeof buf > (off_t)hn ? end - (off_t)sizeof buf
                                                                       : (off_t)hn;
                const ssize_t got = pread(fd, buf, (size_t)(end - from), from);
                if (got != end - from) {
                    st = hb_fail(err, HB_ERR_IO, "%s: read failed: %s", path, strerror(errno));
                    goto out;
                }
                ssize_t k = got;
                while (k > 0 && buf[k - 1] != '\n') k--;
                if (k > 0) {
                    end = from + k;
                    break;
                }
                end = from;
            }
            keep = end; /* at least the header, which ends in '\n' */
        }
    }
    if (keep >= 0) {
        if (ftruncate(fd, keep) != 0 || fsync(fd) != 0)
            st = hb_fail(err, HB_ERR_IO, "%s: cannot truncate: %s", path, strerror(errno));
        else
            *removed = (size_t)(sb.st_size - keep);
    }
out:
    free(have);
    hb_csv_buf_free(&b);
    close(fd); /* releases the lock */
    return st;
}

/* Splits one CSV line (no newline) in place; returns the number of fields. */
static int hb_csv_split(char *s, char **f, int cap) {
    int n = 0;
    for (;;) {
        char *w = s;
        if (n < cap) f[n] = w;
        n++;
        if (*s == '"') { /* quoted: "" is a quote */
            s++;
            for (; *s; s++) {
                if (*s == '"') {
                    if (s[1] == '"') s++;
                    else {
                        s++;
                        break;
                    }
                }
                *w++ = *s;
            }
            while (*s && *s != ',') s++; /* junk after the closing quote */
        } else {
            while (*s && *s != ',') *w++ = *s++;
        }
        const int more = *s == ',';
        if (*s) s++;
        *w = '\0';
        if (!more) break;
    }
    return n;
}

/* hb_csv_scan on an open, locked descriptor, from its first byte; *end (if non-NULL) gets the
 * offset just past the last complete line passed. */
static hb_status hb_csv_scan_fd(int fd, const char *path, hb_csv_line_fn fn, void *ctx,
                                hb_error *err) {
    if (lseek(fd, 0, SEEK_SET) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: cannot seek: %s", path, strerror(errno));
    hb_status st = HB_OK;
    hb_line_reader rd;
    hb_line_reader_init(&rd, fd);
    char *line, *fields[HB_CSV_MAX_COLS * 2];
    size_t len;
    for (size_t no = 0;; no++) {
        const int got = hb_line_read(&rd, &line, &len);
        if (got == 0 || got == 2) break; /* the end, or an incomplete last line */
        if (got == -2) {
            st = hb_fail(err, HB_ERR_PARSE, "%s:%zu: a line longer than %zu bytes: not a "
                         "hogbench CSV", path, no + 1, HB_LINE_MAX);
            break;
        }
        if (got < 0) {
            st = hb_fail(err, HB_ERR_IO, "%s: read failed: %s", path, strerror(errno));
            break;
        }
        if (len > 0 && line[len - 1] == '\r') line[len - 1] = '\0';
        int n = hb_csv_split(line, fields, HB_CSV_MAX_COLS * 2);
        if (n > HB_CSV_MAX_COLS * 2) n = HB_CSV_MAX_COLS * 2;
        if (fn(no, n, fields, ctx)) break;
    }
    hb_line_reader_free(&rd);
    return st;
}

hb_status hb_csv_scan(const char *path, hb_csv_line_fn fn, void *ctx, hb_error *err) {
    int fd;
    hb_status st = hb_file_open(path, O_RDONLY, 1, &fd, err);
    if (st != HB_OK) return st;
    if (flock(fd, LOCK_SH) != 0) /* a writer's row is never seen half-written */
        st = hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", path, strerror(errno));
    else
        st = hb_csv_scan_fd(fd, path, fn, ctx, err);
    close(fd);
    return st;
}

/* ------------------------------------------------------- a run's rows as one unit */

typedef struct {
    const char *key;
    int kcol, rcol;
    uint32_t max_rep;
    int found; /* with want_rep: a line with key and that repeat */
    uint32_t want_rep;
} hb_key_scan;

static int hb_key_line(size_t line, int n, char **f, void *vctx) {
    hb_key_scan *c = vctx;
    if (line == 0) {
        for (int k = 0; k < n; k++) {
            if (strcmp(f[k], "run_key") == 0) c->kcol = k;
            if (strcmp(f[k], "repeat") == 0) c->rcol = k;
        }
        return c->kcol < 0 || c->rcol < 0;
    }
    if (c->kcol < n && c->rcol < n && strcmp(f[c->kcol], c->key) == 0) {
        const unsigned long v = strtoul(f[c->rcol], NULL, 10);
        if (v > c->max_rep && v < UINT32_MAX) c->max_rep = (uint32_t)v;
        if (c->want_rep && v == c->want_rep) c->found = 1;
    }
    return 0;
}

hb_status hb_csv_append_unit(const char *out, const char *curves, const char *key,
                             uint32_t repeat, hb_csv_unit_fn fn, void *ctx, uint32_t *used,
                             hb_error *err) {
    const char *auth = out ? out : curves; /* the file whose lock orders the repeats */
    hb_csv_buf rows = {0}, cbuf = {0};
    int fd = -1, cfd = -1;
    hb_status st = HB_OK;
    if (auth) {
        st = hb_file_open(auth, O_RDWR | O_CREAT | O_APPEND, 1, &fd, err);
        if (st != HB_OK) return st;
        if (flock(fd, LOCK_EX) != 0) {
            st = hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", auth, strerror(errno));
            goto out;
        }
        if (repeat == 0) { /* one more than the file holds for this key, decided under the lock */
            hb_key_scan c = {key, -1, -1, 0, 0, 0};
            if ((st = hb_csv_scan_fd(fd, auth, hb_key_line, &c, err)) != HB_OK) goto out;
            repeat = c.max_rep + 1;
        }
    }
    if (repeat == 0) repeat = 1;
    if ((st = fn(repeat, &rows, &cbuf, ctx)) != HB_OK) {
        st = hb_fail(err, st, "out of memory for the rows");
        goto out;
    }
    if (out && rows.head) { /* a foreign or torn results file: refused before any curve row */
        int empty;
        off_t size;
        if ((st = hb_csv_check_fd(fd, out, rows.head, rows.head_len, &empty, &size, err)) != HB_OK)
            goto out;
    }
    if (curves && cbuf.head) { /* the curves first: a row in out means its curves are there */
        if (out) {
            if ((st = hb_file_open(curves, O_RDWR | O_CREAT | O_APPEND, 1, &cfd, err)) != HB_OK)
                goto out;
            if (flock(cfd, LOCK_EX) != 0) {
                st = hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", curves, strerror(errno));
                goto out;
            }
            st = hb_csv_write_fd(cfd, curves, &cbuf, err);
        } else {
            st = hb_csv_write_fd(fd, curves, &cbuf, err);
        }
        if (st != HB_OK) goto out;
    }
    {
        const char *crash = getenv("HOGBENCH_TEST_CRASH"); /* tests: a kill -9 between the two */
        if (crash && strcmp(crash, "after-curves") == 0) raise(SIGKILL);
    }
    if (out && rows.head) st = hb_csv_write_fd(fd, out, &rows, err);
out:
    if (cfd >= 0) close(cfd);
    if (fd >= 0) close(fd);
    hb_csv_buf_free(&rows);
    hb_csv_buf_free(&cbuf);
    if (used) *used = repeat;
    return st;
}

typedef struct {
    int kcol, rcol;
    char key[64];
    uint32_t rep;
    off_t at, start; /* the current line's offset; where the last (key, repeat) run starts */
} hb_tail_scan;

hb_status hb_csv_drop_orphan_curves(const char *curves, const char *out, size_t *removed,
                                    hb_error *err) {
    *removed = 0;
    struct stat sb;
    if (!curves || !out || stat(curves, &sb) != 0 || stat(out, &sb) != 0) return HB_OK;
    int ofd = -1, cfd = -1;
    hb_status st = hb_file_open(out, O_RDONLY, 1, &ofd, err); /* out's lock first, as writers */
    if (st != HB_OK) return st;
    if (flock(ofd, LOCK_SH) != 0) {
        st = hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", out, strerror(errno));
        goto done;
    }
    if ((st = hb_file_open(curves, O_RDWR, 1, &cfd, err)) != HB_OK) goto done;
    if (flock(cfd, LOCK_EX) != 0 || fstat(cfd, &sb) != 0) {
        st = hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", curves, strerror(errno));
        goto done;
    }
    /* the last run of lines sharing one (run_key, repeat), and where it starts */
    hb_tail_scan t = {-1, -1, "", 0, 0, 0};
    hb_line_reader rd;
    hb_line_reader_init(&rd, cfd);
    char *line, *f[HB_CSV_MAX_COLS * 2];
    size_t len;
    int got;
    for (size_t no = 0; (got = hb_line_read(&rd, &line, &len)) == 1; no++) {
        const off_t at = t.at;
        t.at += (off_t)len + 1;
        if (len > 0 && line[len - 1] == '\r') line[len - 1] = '\0';
        const int n = hb_csv_split(line, f, HB_CSV_MAX_COLS * 2);
        if (no == 0) {
            for (int k = 0; k < n && k < HB_CSV_MAX_COLS * 2; k++) {
                if (strcmp(f[k], "run_key") == 0) t.kcol = k;
                if (strcmp(f[k], "repeat") == 0) t.rcol = k;
            }
            if (t.kcol < 0 || t.rcol < 0) break;
            continue;
        }
        if (t.kcol >= n || t.rcol >= n) continue;
        const uint32_t rep = (uint32_t)strtoul(f[t.rcol], NULL, 10);
        if (strcmp(f[t.kcol], t.key) != 0 || rep != t.rep) {
            snprintf(t.key, sizeof t.key, "%s", f[t.kcol]);
            t.rep = rep;
            t.start = at;
        }
    }
    hb_line_reader_free(&rd);
    if (got == -2) {
        st = hb_fail(err, HB_ERR_PARSE, "%s: a line longer than %zu bytes: not a hogbench CSV",
                     curves, HB_LINE_MAX);
        goto done;
    }
    if (got == -1) {
        st = hb_fail(err, HB_ERR_IO, "%s: read failed: %s", curves, strerror(errno));
        goto done;
    }
    if (!t.key[0] || t.rep == 0) goto done;
    hb_key_scan c = {t.key, -1, -1, 0, 0, t.rep};
    if ((st = hb_csv_scan_fd(ofd, out, hb_key_line, &c, err)) != HB_OK) goto done;
    if (!c.found && t.start > 0 && t.at <= sb.st_size) {
        if (ftruncate(cfd, t.start) != 0 || fsync(cfd) != 0)
            st = hb_fail(err, HB_ERR_IO, "%s: cannot truncate: %s", curves, strerror(errno));
        else
            *removed = (size_t)(sb.st_size - t.start);
    }
done:
    if (cfd >= 0) close(cfd);
    if (ofd >= 0) close(ofd);
    return st;
}

void hb_rss_reset(void) {
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (write(fd, "5", 1) != 1) { /* older kernels: the peak stays the process's */ }
    close(fd);
}

long hb_rss_peak_kib(void) {
    char v[64];
    hb_file_field("/proc/self/status", "VmHWM", v, sizeof v);
    long kib = v[0] ? strtol(v, NULL, 10) : 0;
    if (kib > 0) return kib;
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/* Distinct (physical id, core id) pairs in /proc/cpuinfo: physical cores over all sockets;
 * 0 when the file does not say (then "cpu cores", per socket, is used). */
static int hb_physical_cores(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return 0;
    enum { MAX = 4096 };
    static long seen[MAX];
    int n = 0;
    long phys = -1;
    char buf[512];
    while (fgets(buf, sizeof buf, f)) {
        const char *c = strchr(buf, ':');
        if (!c) continue;
        if (strncmp(buf, "physical id", 11) == 0) phys = strtol(c + 1, NULL, 10);
        else if (strncmp(buf, "core id", 7) == 0 && phys >= 0) {
            const long id = phys * 65536 + strtol(c + 1, NULL, 10);
            int dup = 0;
            for (int k = 0; k < n && !dup; k++) dup = seen[k] == id;
            if (!dup && n < MAX) seen[n++] = id;
        }
    }
    fclose(f);
    return n;
}

static long hb_cache_size(int index) {
    char path[128], buf[64] = "";
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    if (!fgets(buf, sizeof buf, f)) buf[0] = '\0';
    fclose(f);
    long v = strtol(buf, NULL, 10);
    if (strchr(buf, 'M')) v *= 1024;
    return v; /* KiB */
}

void hb_row_add_machine(hb_row *r) {
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    char cpu[256];
    hb_file_field("/proc/cpuinfo", "model name", cpu, sizeof cpu);
    if (!cpu[0]) hb_file_field("/proc/cpuinfo", "CPU part", cpu, sizeof cpu);
    char cores[32];
    hb_file_field("/proc/cpuinfo", "cpu cores", cores, sizeof cores);
    struct utsname u;
    uname(&u);
    char isas[64] = "";
    for (int i = 1; i < HB_ISA_COUNT; i++)
        if (hb_isa_supported((hb_isa)i)) {
            if (isas[0]) strcat(isas, " ");
            strcat(isas, hb_isa_name((hb_isa)i));
        }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *bind = getenv("OMP_PROC_BIND"), *places = getenv("OMP_PLACES");
    hb_row_add(r, "hostname", "%s", host);
    hb_row_add(r, "cpu_model", "%s", cpu[0] ? cpu : "unknown");
    hb_row_add(r, "logical_cpus", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    const int phys = hb_physical_cores();
    if (phys > 0) hb_row_add(r, "physical_cores", "%d", phys);
    else hb_row_add(r, "physical_cores", "%s", cores[0] ? cores : "");
    hb_row_add(r, "isa_supported", "scalar%s%s", isas[0] ? " " : "", isas);
    hb_row_add(r, "l1d_kib", "%ld", hb_cache_size(0));
    hb_row_add(r, "l2_kib", "%ld", hb_cache_size(2));
    hb_row_add(r, "l3_kib", "%ld", hb_cache_size(3));
    hb_row_add(r, "os_kernel", "%s %s %s", u.sysname, u.release, u.machine);
    hb_row_add(r, "compiler", "%s", HB_COMPILER);
    hb_row_add(r, "build_flags", "%s", HB_BUILD_FLAGS);
    hb_row_add(r, "hogbench_version", "%s", HB_VERSION);
    hb_row_add(r, "git_sha", "%s", HB_GIT_SHA);
    hb_row_add(r, "omp_proc_bind", "%s", bind ? bind : "");
    hb_row_add(r, "omp_places", "%s", places ? places : "");
    const char *wait = getenv("OMP_WAIT_POLICY");
    hb_row_add(r, "omp_wait_policy", "%s", wait ? wait : "");
    hb_row_add(r, "timestamp_utc", "%s", ts);
}
