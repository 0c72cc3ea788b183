/* cache.c: the binary cache next to a ratings file (FILE.hbcache), keyed by the file's XXH3 and
 * the parse options; every section carries its own XXH3 and every index is checked on load. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "cache.h"

#define HB_CACHE_MAGIC "HBCACHE1"
#define HB_CACHE_VERSION 1u
enum { HB_CF_TS = 1, HB_CF_STRINGS = 2, HB_CF_TSCOL = 4 };

/* 160 bytes, little-endian (the cache is skipped on big-endian hosts). */
typedef struct hb_cache_hdr {
    char magic[8];
    uint32_t version, flags;
    uint64_t file_xxh3, file_size, spec_hash;
    uint64_t n;
    uint32_t n_users, n_items;
    float r_min, r_max;
    uint64_t n_dup;
    uint64_t user_bytes, item_bytes; /* names (strings only): NUL-terminated, by dense index */
    uint64_t h_r, h_ts, h_ids, h_names;
    uint64_t reserved[5];
} hb_cache_hdr;
_Static_assert(sizeof(hb_cache_hdr) == 160, "cache header layout");

void hb_cache_path(const char *path, char *buf, size_t cap) { snprintf(buf, cap, "%s.hbcache", path); }

static int hb_little_endian(void) { return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__; }

/* ------------------------------------------------------------------ reading */

typedef struct {
    int fd;
    const unsigned char *buf;
    size_t len, pos;
} hb_rd;

static int hb_rd_read(hb_rd *r, void *dst, uint64_t len) {
    if (r->buf) {
        if (len > r->len - r->pos) return -1;
        memcpy(dst, r->buf + r->pos, (size_t)len);
        r->pos += (size_t)len;
        return 0;
    }
    char *d = dst;
    while (len) {
        const size_t want = len > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)len;
        const ssize_t got = read(r->fd, d, want);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        d += got;
        len -= (uint64_t)got;
    }
    return 0;
}

static int hb_rd_skip(hb_rd *r, uint64_t len) {
    if (r->buf) {
        if (len > r->len - r->pos) return -1;
        r->pos += (size_t)len;
        return 0;
    }
    return lseek(r->fd, (off_t)len, SEEK_CUR) < 0 ? -1 : 0;
}

/* NUL-separated names -> a names block (pointer array then bytes); NULL if malformed. */
static char **hb_names_from_bytes(const char *b, uint64_t len, uint32_t n) {
    if (len == 0 || b[len - 1] != '\0') return NULL;
    uint64_t nul = 0;
    for (uint64_t k = 0; k < len; k++) nul += b[k] == '\0';
    if (nul != n) return NULL;
    char **v = malloc(((size_t)n + 1) * sizeof *v + (size_t)len);
    if (!v) return NULL;
    char *p = (char *)(v + n + 1);
    memcpy(p, b, (size_t)len);
    for (uint32_t k = 0; k < n; k++) {
        v[k] = p;
        p += strlen(p) + 1;
    }
    v[n] = NULL;
    return v;
}

static hb_status hb_cache_load(hb_rd *rd, uint64_t total, uint64_t file_xxh3, uint64_t file_size,
                               uint64_t spec_hash, int want_ts, hb_table *t, hb_error *err) {
    memset(t, 0, sizeof *t);
    if (!hb_little_endian()) return hb_fail(err, HB_ERR_IO, "cache: big-endian host");
    hb_cache_hdr h;
    if (total < sizeof h || hb_rd_read(rd, &h, sizeof h))
        return hb_fail(err, HB_ERR_IO, "cache: too short");
    if (memcmp(h.magic, HB_CACHE_MAGIC, 8) || h.version != HB_CACHE_VERSION)
        return hb_fail(err, HB_ERR_IO, "cache: not a hogbench cache of version %u", HB_CACHE_VERSION);
    if (h.file_xxh3 != file_xxh3 || h.file_size != file_size || h.spec_hash != spec_hash)
        return hb_fail(err, HB_ERR_IO, "cache: made from another file or other options");
    const int strings = (h.flags & HB_CF_STRINGS) != 0, has_ts = (h.flags & HB_CF_TS) != 0;
    if (h.n == 0 || h.n > (UINT64_MAX / 32) || h.n_users == 0 || h.n_items == 0 ||
        h.n_users > h.n || h.n_items > h.n || h.n_users == UINT32_MAX || h.n_items == UINT32_MAX ||
        h.user_bytes > total || h.item_bytes > total || (!strings && (h.user_bytes || h.item_bytes)))
        return hb_fail(err, HB_ERR_IO, "cache: inconsistent header");
    const uint64_t need = sizeof h + h.n * 12 + (has_ts ? h.n * 8 : 0) +
                          ((uint64_t)h.n_users + h.n_items) * 8 + h.user_bytes + h.item_bytes;
    if (need != total) return hb_fail(err, HB_ERR_IO, "cache: size %llu, expected %llu",
                                      (unsigned long long)total, (unsigned long long)need);
    t->n = (size_t)h.n;
    t->n_users = h.n_users;
    t->n_items = h.n_items;
    t->r = malloc(t->n * sizeof *t->r);
    t->user_ids = malloc((size_t)h.n_users * 8);
    t->item_ids = malloc((size_t)h.n_items * 8);
    char *names = NULL;
    if (!t->r || !t->user_ids || !t->item_ids) goto nomem;
    if (hb_rd_read(rd, t->r, h.n * 12)) goto bad;
    if (XXH3_64bits(t->r, t->n * 12) != h.h_r) goto bad;
    if (has_ts && want_ts) {
        t->ts = malloc(t->n * 8);
        if (!t->ts) goto nomem;
        if (hb_rd_read(rd, t->ts, h.n * 8) || XXH3_64bits(t->ts, t->n * 8) != h.h_ts) goto bad;
    } else if (has_ts && hb_rd_skip(rd, h.n * 8)) {
        goto bad;
    }
    if (hb_rd_read(rd, t->user_ids, (uint64_t)h.n_users * 8) ||
        hb_rd_read(rd, t->item_ids, (uint64_t)h.n_items * 8))
        goto bad;
    XXH3_state_t *s = XXH3_createState();
    if (!s) goto nomem;
    XXH3_64bits_reset(s);
    XXH3_64bits_update(s, t->user_ids, (size_t)h.n_users * 8);
    XXH3_64bits_update(s, t->item_ids, (size_t)h.n_items * 8);
    const uint64_t hid = XXH3_64bits_digest(s);
    XXH3_freeState(s);
    if (hid != h.h_ids) goto bad;
    if (strings) {
        names = malloc((size_t)(h.user_bytes + h.item_bytes) + 1);
        if (!names) goto nomem;
        if (hb_rd_read(rd, names, h.user_bytes + h.item_bytes) ||
            XXH3_64bits(names, (size_t)(h.user_bytes + h.item_bytes)) != h.h_names)
            goto bad;
        t->user_names = hb_names_from_bytes(names, h.user_bytes, h.n_users);
        t->item_names = hb_names_from_bytes(names + h.user_bytes, h.item_bytes, h.n_items);
        free(names);
        names = NULL;
        if (!t->user_names || !t->item_names) goto bad;
    }
    /* ids strictly ascending, every row in range: a cache can never index out of bounds */
    for (uint32_t k = 1; k < h.n_users && !strings; k++)
        if (t->user_ids[k] <= t->user_ids[k - 1]) goto bad;
    for (uint32_t k = 1; k < h.n_items && !strings; k++)
        if (t->item_ids[k] <= t->item_ids[k - 1]) goto bad;
    int oob = 0;
    const long n = (long)t->n;
    float lo = INFINITY, hi = -INFINITY;
#pragma omp parallel for schedule(static) reduction(| : oob) reduction(min : lo) reduction(max : hi)
    for (long k = 0; k < n; k++) {
        const hb_rating r = t->r[k];
        oob |= r.u >= h.n_users || r.i >= h.n_items || !isfinite(r.r);
        lo = r.r < lo ? r.r : lo;
        hi = r.r > hi ? r.r : hi;
    }
    if (oob || lo != h.r_min || hi != h.r_max) goto bad;
    t->r_min = lo;
    t->r_max = hi;
    t->n_duplicates = (size_t)h.n_dup;
    t->has_ts_column = (h.flags & HB_CF_TSCOL) != 0;
    return HB_OK;
nomem:
    free(names);
    hb_table_free(t);
    return hb_fail(err, HB_ERR_NOMEM, "cache: out of memory");
bad:
    free(names);
    hb_table_free(t);
    return hb_fail(err, HB_ERR_IO, "cache: corrupt (a section's checksum or contents)");
}

hb_status hb_cache_read(const char *cpath, uint64_t file_xxh3, uint64_t file_size,
                        uint64_t spec_hash, int want_ts, hb_table *t, hb_error *err) {
    struct stat sb;
    const int fd = open(cpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hb_fail(err, HB_ERR_IO, "%s: no cache", cpath);
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return hb_fail(err, HB_ERR_IO, "%s: not a regular file", cpath);
    }
    hb_rd rd = {fd, NULL, 0, 0};
    hb_status st = hb_cache_load(&rd, (uint64_t)sb.st_size, file_xxh3, file_size, spec_hash,
                                 want_ts, t, err);
    close(fd);
    return st;
}

hb_status hb_cache_read_buffer(const unsigned char *buf, size_t len, uint64_t file_xxh3,
                               uint64_t file_size, uint64_t spec_hash, int want_ts, hb_table *t,
                               hb_error *err) {
    hb_rd rd = {-1, buf, len, 0};
    return hb_cache_load(&rd, len, file_xxh3, file_size, spec_hash, want_ts, t, err);
}

/* ------------------------------------------------------------------ writing */

static uint64_t hb_names_bytes(char *const *v, uint32_t n) {
    uint64_t b = 0;
    for (uint32_t k = 0; k < n; k++) b += strlen(v[k]) + 1;
    return b;
}

hb_status hb_cache_write(const char *cpath, uint64_t file_xxh3, uint64_t file_size,
                         uint64_t spec_hash, const hb_table *t, hb_error *err) {
    if (!hb_little_endian()) return hb_fail(err, HB_ERR_UNSUPPORTED, "cache: big-endian host");
    const int strings = t->user_names != NULL;
    hb_cache_hdr h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, HB_CACHE_MAGIC, 8);
    h.version = HB_CACHE_VERSION;
    h.flags = (t->ts ? HB_CF_TS : 0) | (strings ? HB_CF_STRINGS : 0) | (t->has_ts_column ? HB_CF_TSCOL : 0);
    h.file_xxh3 = file_xxh3;
    h.file_size = file_size;
    h.spec_hash = spec_hash;
    h.n = t->n;
    h.n_users = t->n_users;
    h.n_items = t->n_items;
    h.r_min = t->r_min;
    h.r_max = t->r_max;
    h.n_dup = t->n_duplicates;
    h.h_r = XXH3_64bits(t->r, t->n * sizeof *t->r);
    h.h_ts = t->ts ? XXH3_64bits(t->ts, t->n * 8) : 0;
    XXH3_state_t *s = XXH3_createState();
    if (!s) return hb_fail(err, HB_ERR_NOMEM, "cache: out of memory");
    XXH3_64bits_reset(s);
    XXH3_64bits_update(s, t->user_ids, (size_t)t->n_users * 8);
    XXH3_64bits_update(s, t->item_ids, (size_t)t->n_items * 8);
    h.h_ids = XXH3_64bits_digest(s);
    if (strings) {
        h.user_bytes = hb_names_bytes(t->user_names, t->n_users);
        h.item_bytes = hb_names_bytes(t->item_names, t->n_items);
        XXH3_64bits_reset(s);
        for (uint32_t k = 0; k < t->n_users; k++)
            XXH3_64bits_update(s, t->user_names[k], strlen(t->user_names[k]) + 1);
        for (uint32_t k = 0; k < t->n_items; k++)
            XXH3_64bits_update(s, t->item_names[k], strlen(t->item_names[k]) + 1);
        h.h_names = XXH3_64bits_digest(s);
    }
    XXH3_freeState(s);
    hb_atomic out;
    hb_status st = hb_atomic_open(&out, "", cpath, err);
    if (st != HB_OK) return st;
    const int fd = out.fd;
    int bad = hb_write_all(fd, &h, sizeof h) || hb_write_all(fd, t->r, t->n * sizeof *t->r) ||
              (t->ts && hb_write_all(fd, t->ts, t->n * 8)) ||
              hb_write_all(fd, t->user_ids, (uint64_t)t->n_users * 8) ||
              hb_write_all(fd, t->item_ids, (uint64_t)t->n_items * 8);
    for (uint32_t k = 0; strings && !bad && k < t->n_users; k++)
        bad = hb_write_all(fd, t->user_names[k], strlen(t->user_names[k]) + 1);
    for (uint32_t k = 0; strings && !bad && k < t->n_items; k++)
        bad = hb_write_all(fd, t->item_names[k], strlen(t->item_names[k]) + 1);
    if (bad) {
        st = hb_fail(err, HB_ERR_IO, "%s: cannot write: %s", cpath, strerror(errno));
        hb_atomic_abort(&out);
        return st;
    }
    return hb_atomic_commit(&out, err);
}
