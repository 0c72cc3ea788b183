/* data.c: MovieLens 100K loader, the notebook's filtering protocol, re-indexing, fingerprints. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "internal.h"

void hb_dataset_free(hb_dataset **ds) {
    if (!ds || !*ds) return;
    free((*ds)->train);
    free((*ds)->test);
    free((*ds)->user_ids);
    free((*ds)->item_ids);
    free(*ds);
    *ds = NULL;
}

uint64_t hb_dataset_fingerprint(const hb_dataset *ds) {
    XXH3_state_t *st = XXH3_createState();
    if (!st) return 0;
    XXH3_64bits_reset(st);
    if (ds->n_train) XXH3_64bits_update(st, ds->train, ds->n_train * sizeof *ds->train);
    if (ds->n_test) XXH3_64bits_update(st, ds->test, ds->n_test * sizeof *ds->test);
    uint64_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
}

static int hb_cmp_i64(const void *a, const void *b) {
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorted unique ids of one column (col 0: user, 1: item). Returns count, or -1 on OOM. */
static long hb_unique_ids(const hb_raw_rating *r, size_t n, int col, int64_t **out) {
    int64_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return -1;
    for (size_t k = 0; k < n; k++) v[k] = col ? r[k].i : r[k].u;
    qsort(v, n, sizeof *v, hb_cmp_i64);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || v[m - 1] != v[k]) v[m++] = v[k];
    *out = v;
    return (long)m;
}

/* Index of id in sorted ids[0..n), or -1. */
static long hb_find_id(const int64_t *ids, long n, int64_t id) {
    long lo = 0, hi = n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (ids[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return (lo < n && ids[lo] == id) ? lo : -1;
}

hb_status hb_dataset_from_raw(const hb_raw_rating *train, size_t n_train,
                              const hb_raw_rating *test, size_t n_test, hb_dataset **out,
                              hb_error *err) {
    *out = NULL;
    hb_status st = HB_ERR_NOMEM;
    int64_t *tu = NULL, *ti = NULL, *fu = NULL, *fi = NULL;
    hb_raw_rating *ftrain = NULL;
    hb_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) goto fail;
    ds->n_train_raw = n_train;
    ds->n_test_raw = n_test;

    /* 1. train rows whose user and item occur in test */
    long ntu = hb_unique_ids(test, n_test, 0, &tu), nti = hb_unique_ids(test, n_test, 1, &ti);
    if (ntu < 0 || nti < 0) goto fail;
    ftrain = malloc((n_train ? n_train : 1) * sizeof *ftrain);
    if (!ftrain) goto fail;
    size_t nf = 0;
    for (size_t k = 0; k < n_train; k++)
        if (hb_find_id(tu, ntu, train[k].u) >= 0 && hb_find_id(ti, nti, train[k].i) >= 0)
            ftrain[nf++] = train[k];
    if (nf == 0) {
        st = hb_fail(err, HB_ERR_PARSE,
                     "no train rating has both its user and its item in the test split");
        goto fail;
    }
    /* 2. users and items of the filtered train, ascending: the dense indices */
    long nfu = hb_unique_ids(ftrain, nf, 0, &fu), nfi = hb_unique_ids(ftrain, nf, 1, &fi);
    if (nfu < 0 || nfi < 0) goto fail;
    if ((uint64_t)nfu > UINT32_MAX || (uint64_t)nfi > UINT32_MAX) {
        st = hb_fail(err, HB_ERR_ARG, "more than 2^32 users or items");
        goto fail;
    }
    ds->n_users = (uint32_t)nfu;
    ds->n_items = (uint32_t)nfi;
    ds->train = malloc(nf * sizeof *ds->train);
    ds->test = malloc((n_test ? n_test : 1) * sizeof *ds->test);
    if (!ds->train || !ds->test) goto fail;
    ds->r_min = INFINITY;
    ds->r_max = -INFINITY;
    for (size_t k = 0; k < nf; k++) {
        ds->train[k] = (hb_rating){(uint32_t)hb_find_id(fu, nfu, ftrain[k].u),
                                   (uint32_t)hb_find_id(fi, nfi, ftrain[k].i), ftrain[k].r};
        if (ftrain[k].r < ds->r_min) ds->r_min = ftrain[k].r;
        if (ftrain[k].r > ds->r_max) ds->r_max = ftrain[k].r;
    }
    ds->n_train = nf;
    /* 3. test rows whose user and item occur in the filtered train */
    size_t nt = 0;
    for (size_t k = 0; k < n_test; k++) {
        long u = hb_find_id(fu, nfu, test[k].u), i = hb_find_id(fi, nfi, test[k].i);
        if (u >= 0 && i >= 0) ds->test[nt++] = (hb_rating){(uint32_t)u, (uint32_t)i, test[k].r};
    }
    ds->n_test = nt;
    ds->user_ids = fu;
    ds->item_ids = fi;
    fu = fi = NULL;
    ds->xxh3 = hb_dataset_fingerprint(ds);
    free(tu);
    free(ti);
    free(ftrain);
    *out = ds;
    return HB_OK;
fail:
    if (st == HB_ERR_NOMEM) hb_fail(err, st, "out of memory while filtering ratings");
    free(tu);
    free(ti);
    free(fu);
    free(fi);
    free(ftrain);
    hb_dataset_free(&ds);
    return st;
}

/* Reads a whole file; NUL-terminated. */
static hb_status hb_read_file(const char *path, char **buf, size_t *len, hb_error *err) {
    struct stat sb;
    if (stat(path, &sb) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return hb_fail(err, HB_ERR_IO, "%s: is a directory, expected a ratings file", path);
    FILE *f = fopen(path, "rb");
    if (!f) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096, n = 0;
    char *b = malloc(cap + 1);
    if (!b) {
        fclose(f);
        return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
    }
    for (;;) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
        if (n == cap) {
            char *nb = realloc(b, 2 * cap + 1);
            if (!nb) {
                free(b);
                fclose(f);
                return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
            }
            b = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return hb_fail(err, HB_ERR_IO, "%s: read error", path);
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return HB_OK;
}

/* Parses one unsigned decimal field ending at a tab/newline/end; advances *p. */
static int hb_parse_u64(const char **p, const char *end, uint64_t *out) {
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || *s < '0' || *s > '9') return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
        s++;
    }
    *p = s;
    *out = v;
    return 0;
}

/* Parses a GroupLens 100K file: user \t item \t rating \t timestamp per line. */
static hb_status hb_parse_ml100k(const char *path, hb_raw_rating **out, size_t *n_out,
                                 hb_error *err) {
    char *buf = NULL;
    size_t len = 0;
    hb_status st = hb_read_file(path, &buf, &len, err);
    if (st != HB_OK) return st;
    if (len == 0) {
        free(buf);
        return hb_fail(err, HB_ERR_PARSE,
                       "%s: empty file, expected lines of user<TAB>item<TAB>rating<TAB>timestamp",
                       path);
    }
    size_t cap = 1;
    for (size_t k = 0; k < len; k++) cap += buf[k] == '\n';
    hb_raw_rating *r = malloc(cap * sizeof *r);
    if (!r) {
        free(buf);
        return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t n = 0, line = 0;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *le = eol;
        if (le > p && le[-1] == '\r') le--;
        if (le == p) { /* blank line: only allowed as trailing whitespace */
            p = eol + 1;
            continue;
        }
        uint64_t f[4];
        const char *q = p;
        int nf = 0;
        const char *what = NULL;
        for (; nf < 4; nf++) {
            if (nf == 2) { /* rating: a decimal number */
                char *e;
                errno = 0;
                /* strtod skips leading blanks: an empty field must not borrow the next one */
                const int blank = q >= le || *q == '\t' || *q == ' ' || *q == '\r';
                double v = blank ? 0 : strtod(q, &e);
                if (blank || e == q || e > le || errno || !isfinite(v)) {
                    what = "a finite numeric rating in field 3";
                    break;
                }
                r[n].r = (float)v;
                q = e;
                f[2] = 0;
            } else if (hb_parse_u64(&q, le, &f[nf]) != 0 || (nf < 2 && f[nf] > INT64_MAX)) {
                static const char *const names[] = {"a non-negative integer user id in field 1",
                                                     "a non-negative integer item id in field 2",
                                                     "", "an integer timestamp in field 4"};
                what = names[nf];
                break;
            }
            if (nf < 3) {
                if (q >= le || *q != '\t') {
                    what = "4 tab-separated fields (user, item, rating, timestamp)";
                    break;
                }
                q++;
            }
        }
        if (!what && q != le) what = "4 tab-separated fields (user, item, rating, timestamp)";
        if (what) {
            int show = (int)(le - p < 60 ? le - p : 60);
            hb_fail(err, HB_ERR_PARSE, "%s:%zu: expected %s, got \"%.*s\"", path, line, what,
                    show, p);
            free(buf);
            free(r);
            return HB_ERR_PARSE;
        }
        r[n].u = (int64_t)f[0];
        r[n].i = (int64_t)f[1];
        n++;
        p = eol + 1;
    }
    free(buf);
    if (n == 0) {
        free(r);
        return hb_fail(err, HB_ERR_PARSE, "%s: no ratings, expected user<TAB>item<TAB>rating"
                       "<TAB>timestamp lines", path);
    }
    *out = r;
    *n_out = n;
    return HB_OK;
}

hb_status hb_dataset_load_ml100k(const char *dir, const char *split, hb_dataset **out,
                                 hb_error *err) {
    *out = NULL;
    static const char *const ok[] = {"u1", "u2", "u3", "u4", "u5", "ua", "ub"};
    int known = 0;
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) known |= strcmp(split, ok[k]) == 0;
    if (!known)
        return hb_fail(err, HB_ERR_ARG, "split '%s': expected one of u1..u5, ua, ub", split);
    char pb[4096], pt[4096];
    snprintf(pb, sizeof pb, "%s/%s.base", dir, split);
    snprintf(pt, sizeof pt, "%s/%s.test", dir, split);
    hb_raw_rating *tr = NULL, *te = NULL;
    size_t ntr = 0, nte = 0;
    hb_status st = hb_parse_ml100k(pb, &tr, &ntr, err);
    if (st == HB_OK) st = hb_parse_ml100k(pt, &te, &nte, err);
    if (st == HB_OK) st = hb_dataset_from_raw(tr, ntr, te, nte, out, err);
    free(tr);
    free(te);
    if (st != HB_OK) return st;
    snprintf((*out)->name, sizeof (*out)->name, "ml-100k");
    snprintf((*out)->split, sizeof (*out)->split, "%s", split);
    return HB_OK;
}
