/* parse.c: the delimited ratings parser: maps the file, cuts it at line boundaries, parses the
 * pieces in parallel without per-line allocation and remaps ids through per-thread id tables. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "idmap.h"
#include "parse.h"

#define HB_WINDOW ((size_t)8 << 20) /* mapped bytes released (MADV_DONTNEED) behind the parser */
#define HB_PAR_MIN ((size_t)1 << 20) /* below this, one thread */

const char *hb_excerpt(const char *s, size_t len, size_t max, char *buf, size_t cap) {
    size_t o = 0;
    for (size_t k = 0; k < len && k < max && o + 5 < cap; k++) {
        const unsigned char c = (unsigned char)s[k];
        if (c == '\t') {
            buf[o++] = '\\';
            buf[o++] = 't';
        } else if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    if (len > max && o + 4 < cap) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o < cap ? o : cap - 1] = '\0';
    return buf;
}

/* ------------------------------------------------------------------ column specs */

static const char *const hb_col_names[] = {"-", "user", "item", "rating", "timestamp"};

hb_status hb_columns_parse(const char *s, hb_parse_spec *sp, hb_error *err) {
    int n = 0, seen[5] = {0};
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, ',');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        int c = -1;
        for (int k = 0; k < 5; k++)
            if (strlen(hb_col_names[k]) == len && strncmp(p, hb_col_names[k], len) == 0) c = k;
        if (len == 4 && strncmp(p, "time", 4) == 0) c = HB_COL_TIME;
        if (len == 4 && strncmp(p, "skip", 4) == 0) c = HB_COL_SKIP;
        if (c < 0)
            return hb_fail(err, HB_ERR_ARG, "--columns '%s': unknown column '%.*s' (expected "
                           "user, item, rating, timestamp or - to skip)", s, (int)(len < 40 ? len : 40), p);
        if (n >= HB_MAX_COLS)
            return hb_fail(err, HB_ERR_ARG, "--columns '%s': more than %d columns", s, HB_MAX_COLS);
        if (c != HB_COL_SKIP && seen[c]++)
            return hb_fail(err, HB_ERR_ARG, "--columns '%s': '%s' given twice", s, hb_col_names[c]);
        sp->col[n++] = (uint8_t)c;
        if (!e) break;
        p = e + 1;
    }
    if (!seen[HB_COL_USER] || !seen[HB_COL_ITEM] || !seen[HB_COL_RATING])
        return hb_fail(err, HB_ERR_ARG, "--columns '%s': expected user, item and rating (and "
                       "optionally timestamp) in file order, e.g. user,item,rating,timestamp", s);
    sp->n_cols = n;
    return HB_OK;
}

static const char *hb_delim_word(const hb_parse_spec *sp) {
    if (sp->delim_len == 1 && sp->delim[0] == '\t') return "tab";
    if (sp->delim_len == 1 && sp->delim[0] == ',') return "comma";
    if (sp->delim_len == 2 && sp->delim[0] == ':' && sp->delim[1] == ':') return "'::'";
    return "delimiter";
}

void hb_spec_describe(const hb_parse_spec *sp, char *buf, size_t cap) {
    size_t o = (size_t)snprintf(buf, cap, "%d %s-separated fields (", sp->n_cols, hb_delim_word(sp));
    for (int k = 0; k < sp->n_cols && o < cap; k++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", k ? ", " : "",
                              sp->col[k] == HB_COL_SKIP ? "any" : hb_col_names[sp->col[k]]);
    if (o < cap) snprintf(buf + o, cap - o, ")");
}

/* "user<TAB>item<TAB>rating<TAB>timestamp" */
static void hb_spec_usage(const hb_parse_spec *sp, char *buf, size_t cap) {
    const char *d = sp->delim[0] == '\t' ? "<TAB>" : sp->delim;
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < sp->n_cols && o < cap; k++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", k ? d : "",
                              sp->col[k] == HB_COL_SKIP ? "any" : hb_col_names[sp->col[k]]);
}

uint64_t hb_spec_hash(const hb_parse_spec *sp) {
    char b[256];
    int n = snprintf(b, sizeof b, "hb-parse-v1|%.*s|%d|", (int)sp->delim_len, sp->delim, sp->n_cols);
    for (int k = 0; k < sp->n_cols; k++) n += snprintf(b + n, sizeof b - (size_t)n, "%d,", sp->col[k]);
    n += snprintf(b + n, sizeof b - (size_t)n, "|h%d|s%d|r%d:%a:%a|d%d", sp->header, sp->strings,
                  sp->has_range, sp->has_range ? sp->r_lo : 0.0, sp->has_range ? sp->r_hi : 0.0,
                  (int)sp->dups);
    if (sp->has_range && sp->r_grid) /* appended: caches of ungridded specs keep their key */
        n += snprintf(b + n, sizeof b - (size_t)n, "|g%d", sp->r_grid);
    return XXH3_64bits(b, (size_t)n);
}

/* ------------------------------------------------------------------ one piece of the file */

typedef struct hb_piece {
    const char *a, *b;    /* [a, b): whole lines */
    size_t line0;         /* lines before a */
    size_t cap, row0, n;  /* row capacity, first output row, rows written */
    hb_idmap um, im;
    uint32_t *uxl, *ixl;  /* local id -> final id */
    int64_t bkey[HB_IDMAP_BATCH]; /* item keys of fast-path rows not yet resolved */
    uint32_t bid[HB_IDMAP_BATCH];
    size_t brow[HB_IDMAP_BATCH];
    size_t nb;
    float rmin, rmax;
    int failed;           /* 1: parse error in msg; 2: out of memory */
    char msg[1024];
} hb_piece;

typedef struct hb_pctx {
    const char *name;
    const hb_parse_spec *sp;
    hb_rating *r;
    int64_t *ts;
    const char *map_base; /* non-NULL: release mapped pages behind the parser */
    const char *first;    /* the first data line (messages hint at an undeclared header there) */
} hb_pctx;

static void hb_release(const hb_pctx *c, const char *from, const char *to) {
    if (!c->map_base) return;
    const uintptr_t pg = 4096, a = ((uintptr_t)from + pg - 1) & ~(pg - 1), b = (uintptr_t)to & ~(pg - 1);
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}

static inline int hb_digit(char ch) { return (unsigned)(ch - '0') < 10u; }

/* A rating the declared range (and its star grid) admits; any finite value without one. */
static inline int hb_rating_ok(const hb_parse_spec *sp, float v) {
    if (!sp->has_range) return 1;
    if (v < sp->r_lo || v > sp->r_hi) return 0;
    const float s = v * (float)sp->r_grid; /* exact: r_grid is 1 or 2 */
    return !sp->r_grid || s == nearbyintf(s);
}

static inline int hb_is_delim(const hb_parse_spec *sp, const char *q, const char *le) {
    if (sp->delim_len == 1) return q < le && *q == sp->delim[0];
    return q + 1 < le && q[0] == sp->delim[0] && q[1] == sp->delim[1];
}

static const char *hb_next_delim(const hb_parse_spec *sp, const char *q, const char *le) {
    if (sp->delim_len == 1) {
        const char *e = memchr(q, sp->delim[0], (size_t)(le - q));
        return e ? e : le;
    }
    while (q < le && !hb_is_delim(sp, q, le)) q++;
    return q;
}

static int hb_count_fields(const hb_parse_spec *sp, const char *p, const char *le) {
    int n = 1;
    for (const char *q = hb_next_delim(sp, p, le); q < le; q = hb_next_delim(sp, q, le)) {
        n++;
        q += sp->delim_len;
    }
    return n;
}

static const double hb_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The general case of hb_parse_number: exponents and long mantissas through strtod. */
static __attribute__((noinline)) const char *hb_parse_number_slow(const char *q, const char *le,
                                                                   double *out) {
    const char *s = q;
    if (s < le && (*s == '-' || *s == '+')) s++;
    int nd = 0;
    while (s < le && hb_digit(*s)) s++, nd++;
    if (s < le && *s == '.') {
        s++;
        while (s < le && hb_digit(*s)) s++, nd++;
    }
    if (nd == 0) return NULL;
    if (s < le && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < le && (*s == '-' || *s == '+')) s++;
        if (s >= le || !hb_digit(*s)) return NULL;
        while (s < le && hb_digit(*s)) s++;
    }
    char tmp[128];
    const size_t len = (size_t)(s - q);
    if (len >= sizeof tmp) return NULL;
    memcpy(tmp, q, len);
    tmp[len] = '\0';
    char *e;
    errno = 0;
    const double v = strtod(tmp, &e);
    if ((size_t)(e - tmp) != len || !isfinite(v)) return NULL;
    *out = v;
    return s;
}

/* A decimal number [+-]digits[.digits][e[+-]digits] ending where the digits end; no inf, nan
 * or hex. Returns the end or NULL. Same value as strtod for every accepted spelling: up to 15
 * digits the mantissa and the power of ten are exact doubles, so one division rounds right. */
static inline const char *hb_parse_number(const char *q, const char *le, double *out) {
    const char *s = q;
    int neg = 0;
    if (s < le && (*s == '-' || *s == '+')) neg = *s++ == '-';
    uint64_t m = 0;
    int nd = 0, fd = 0;
    while (s < le && hb_digit(*s) && nd < 16) {
        m = m * 10 + (uint64_t)(*s++ - '0');
        nd++;
    }
    if (s < le && *s == '.') {
        s++;
        while (s < le && hb_digit(*s) && nd < 16) {
            m = m * 10 + (uint64_t)(*s++ - '0');
            nd++;
            fd++;
        }
    }
    if (nd == 0 || nd > 15 || (s < le && (hb_digit(*s) || *s == 'e' || *s == 'E' || *s == '.')))
        return hb_parse_number_slow(q, le, out);
    const double v = (double)m / hb_pow10[fd];
    *out = neg ? -v : v;
    return s;
}

/* Writes "name:line: expected WHAT, got "excerpt"HINT" into pc->msg. */
static void hb_piece_fail(hb_piece *pc, const hb_pctx *c, size_t line, const char *what,
                          const char *p, const char *le, const char *hint) {
    char ex[400];
    hb_excerpt(p, (size_t)(le - p), 80, ex, sizeof ex);
    const size_t wl = strlen(what);
    snprintf(pc->msg, sizeof pc->msg, "%s:%zu: expected %s%s \"%s\"%s", c->name, line, what,
             wl && what[wl - 1] == ':' ? "" : ", got", ex, hint ? hint : "");
    pc->failed = 1;
}

/* Explains why field f of line [p, le) is bad. */
static void hb_field_fail(hb_piece *pc, const hb_pctx *c, size_t line, int f, int kind,
                          const char *p, const char *le, int first_line) {
    const hb_parse_spec *sp = c->sp;
    char what[256], desc[160], hint[160] = "";
    const int nf = hb_count_fields(sp, p, le);
    size_t odd = 0;
    for (const char *q = p; q < le; q++) odd += (unsigned char)*q < 0x09 || (unsigned char)*q == 0x7f;
    if (odd)
        snprintf(hint, sizeof hint, " (binary data: expected a text file)");
    else if (memchr(p, '\r', (size_t)(le - p)))
        snprintf(hint, sizeof hint, " (a carriage return inside the line: expected LF or CRLF "
                 "line endings)");
    if ((nf != sp->n_cols && (kind != 0 || nf == 1)) && sp->n_cols > 1) {
        hb_spec_describe(sp, desc, sizeof desc);
        snprintf(what, sizeof what, "%s, got %d field%s:", desc, nf, nf == 1 ? "" : "s");
        if (nf == 1 && !hint[0]) {
            const char *other = memchr(p, '\t', (size_t)(le - p)) ? "tab"
                              : memchr(p, ',', (size_t)(le - p)) ? "comma"
                              : memchr(p, ';', (size_t)(le - p)) ? "semicolon"
                              : memchr(p, ' ', (size_t)(le - p)) ? "space" : NULL;
            if (other && strcmp(other, hb_delim_word(sp)) != 0)
                snprintf(hint, sizeof hint, " (the line looks %s-separated: check --format)", other);
        }
        /* "expected ..., got N fields: "..."" */
        char ex[400];
        hb_excerpt(p, (size_t)(le - p), 80, ex, sizeof ex);
        snprintf(pc->msg, sizeof pc->msg, "%s:%zu: expected %s \"%s\"%s", c->name, line, what, ex,
                 hint);
        pc->failed = 1;
        return;
    }
    const int col = sp->col[f];
    if (col == HB_COL_USER || col == HB_COL_ITEM) {
        const char *who = col == HB_COL_USER ? "user" : "item";
        if (sp->strings)
            snprintf(what, sizeof what, "a non-empty %s id without control characters in field %d",
                     who, f + 1);
        else
            snprintf(what, sizeof what, "a non-negative integer %s id in field %d (at most "
                     "2^63-1)", who, f + 1);
    } else if (col == HB_COL_RATING) {
        if (kind == 3 && sp->range_src[0])
            snprintf(what, sizeof what, "a %srating in %g..%g (%s; --rating-range LO:HI declares "
                     "another) in field %d", sp->r_grid == 1 ? "whole-star " : sp->r_grid == 2 ?
                     "half-star " : "", sp->r_lo, sp->r_hi, sp->range_src, f + 1);
        else if (kind == 3)
            snprintf(what, sizeof what, "a rating in [%g, %g] (the declared --rating-range) in "
                     "field %d", sp->r_lo, sp->r_hi, f + 1);
        else
            snprintf(what, sizeof what, "a finite numeric rating in field %d", f + 1);
    } else {
        snprintf(what, sizeof what, "an integer timestamp in field %d", f + 1);
    }
    if (first_line && !hint[0] && !sp->header) {
        int letters = 0;
        for (const char *q = p; q < le; q++) letters += (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z');
        if (letters >= 3) snprintf(hint, sizeof hint, " (a header row? declare it with --header)");
    }
    hb_piece_fail(pc, c, line, what, p, le, hint);
}

/* Parses one line; 0 ok (row stored at *row), -1 error (pc->msg set), 1 out of memory.
 * kind codes for hb_field_fail: 0 bad field text, 1 too few, 2 too many, 3 out of range. */
static int hb_parse_line(hb_piece *pc, const hb_pctx *c, size_t line, const char *p,
                         const char *le, int first_line, hb_rating *row, int64_t *ts_out,
                         int store) {
    const hb_parse_spec *sp = c->sp;
    const char *q = p;
    int64_t tsv = 0;
    uint32_t uid = 0, iid = 0;
    float rv = 0;
    for (int f = 0; f < sp->n_cols; f++) {
        const char *fs = q;
        switch (sp->col[f]) {
        case HB_COL_USER:
        case HB_COL_ITEM: {
            uint32_t id;
            hb_idmap *m = sp->col[f] == HB_COL_USER ? &pc->um : &pc->im;
            if (sp->strings) {
                q = hb_next_delim(sp, q, le);
                if (q == fs) goto bad;
                for (const char *x = fs; x < q; x++)
                    if ((unsigned char)*x < 0x20 || *x == 0x7f) goto bad;
                if (!store) break;
                id = hb_idmap_str(m, fs, (size_t)(q - fs));
            } else {
                if (q >= le || !hb_digit(*q)) goto bad;
                uint64_t v = 0;
                while (q < le && hb_digit(*q)) {
                    const uint64_t d = (uint64_t)(*q - '0');
                    if (v > ((uint64_t)INT64_MAX - d) / 10) goto bad;
                    v = v * 10 + d;
                    q++;
                }
                if (!store) break;
                id = hb_idmap_int(m, (int64_t)v);
            }
            if (id == HB_ID_NONE) return 1;
            if (sp->col[f] == HB_COL_USER) uid = id;
            else iid = id;
            break;
        }
        case HB_COL_RATING: {
            double v;
            const char *e = hb_parse_number(q, le, &v);
            if (!e) goto bad;
            q = e;
            rv = (float)v;
            if (!isfinite(rv)) goto bad;
            if (!hb_rating_ok(sp, rv)) {
                if (q < le && !hb_is_delim(sp, q, le)) goto bad;
                hb_field_fail(pc, c, line, f, 3, p, le, first_line);
                return -1;
            }
            break;
        }
        case HB_COL_TIME: {
            int neg = q < le && *q == '-';
            if (neg) q++;
            if (q >= le || !hb_digit(*q)) goto bad;
            uint64_t v = 0;
            while (q < le && hb_digit(*q)) {
                const uint64_t d = (uint64_t)(*q - '0');
                if (v > ((uint64_t)INT64_MAX - d) / 10) goto bad;
                v = v * 10 + d;
                q++;
            }
            tsv = neg ? -(int64_t)v : (int64_t)v;
            break;
        }
        default:
            q = hb_next_delim(sp, q, le);
            break;
        }
        if (f + 1 < sp->n_cols) {
            if (q >= le) {
                hb_field_fail(pc, c, line, f, 1, p, le, first_line);
                return -1;
            }
            if (!hb_is_delim(sp, q, le)) goto bad;
            q += sp->delim_len;
        } else if (q != le) {
            hb_field_fail(pc, c, line, f, hb_is_delim(sp, q, le) ? 2 : 0, p, le, first_line);
            return -1;
        }
        continue;
    bad:
        hb_field_fail(pc, c, line, f, 0, p, le, first_line);
        return -1;
    }
    if (store) {
        *row = (hb_rating){uid, iid, rv};
        if (ts_out) *ts_out = tsv;
        if (rv < pc->rmin) pc->rmin = rv;
        if (rv > pc->rmax) pc->rmax = rv;
    }
    return 0;
}

/* Fast path for the common line: integer ids, no blank or odd bytes, '\n' or "\r\n" ending.
 * Returns the next line's start, or NULL to let hb_parse_line handle (or explain) the line;
 * ids it inserted before giving up are harmless (ids are re-sorted after parsing). */
static inline const char *hb_fast_line(hb_piece *pc, const hb_parse_spec *sp, const char *q,
                                       const char *end, hb_rating *row, int64_t *ts_out,
                                       int64_t *last_ukey, uint32_t *last_uid) {
    uint32_t uid = 0;
    int64_t ikey = 0;
    float rv = 0;
    int64_t tsv = 0;
    const char d0 = sp->delim[0];
    const int two = sp->delim_len == 2;
    for (int f = 0; f < sp->n_cols; f++) {
        switch (sp->col[f]) {
        case HB_COL_USER:
        case HB_COL_ITEM: {
            if (q >= end || !hb_digit(*q)) return NULL;
            uint64_t v = 0;
            int nd = 0;
            while (q < end && hb_digit(*q)) {
                v = v * 10 + (uint64_t)(*q++ - '0');
                nd++;
            }
            if (nd > 18) return NULL; /* could overflow: the careful path checks */
            if (sp->col[f] == HB_COL_USER) {
                if ((int64_t)v != *last_ukey) {
                    const uint32_t id = hb_idmap_int(&pc->um, (int64_t)v);
                    if (id == HB_ID_NONE) return NULL;
                    *last_ukey = (int64_t)v;
                    *last_uid = id;
                }
                uid = *last_uid;
            } else {
                ikey = (int64_t)v; /* resolved in batches (hb_flush_items) */
            }
            break;
        }
        case HB_COL_RATING: {
            double v;
            const char *e = hb_parse_number(q, end, &v);
            if (!e) return NULL;
            q = e;
            rv = (float)v;
            if (!isfinite(rv) || !hb_rating_ok(sp, rv)) return NULL;
            break;
        }
        case HB_COL_TIME: {
            const int neg = q < end && *q == '-';
            q += neg;
            if (q >= end || !hb_digit(*q)) return NULL;
            uint64_t v = 0;
            int nd = 0;
            while (q < end && hb_digit(*q)) {
                v = v * 10 + (uint64_t)(*q++ - '0');
                nd++;
            }
            if (nd > 18) return NULL;
            tsv = neg ? -(int64_t)v : (int64_t)v;
            break;
        }
        default:
            return NULL;
        }
        if (f + 1 < sp->n_cols) {
            if (q >= end || *q != d0) return NULL;
            q++;
            if (two) {
                if (q >= end || *q != sp->delim[1]) return NULL;
                q++;
            }
        }
    }
    const char *next;
    if (q == end) next = end;
    else if (*q == '\n') next = q + 1;
    else if (*q == '\r' && q + 1 < end && q[1] == '\n') next = q + 2;
    else if (*q == '\r' && q + 1 == end) next = end;
    else return NULL;
    *row = (hb_rating){uid, 0, rv};
    if (ts_out) *ts_out = tsv;
    if (rv < pc->rmin) pc->rmin = rv;
    if (rv > pc->rmax) pc->rmax = rv;
    pc->bkey[pc->nb++] = ikey;
    return next;
}

/* Resolves the batched item keys into their rows; 0, or -1 out of memory. */
static int hb_flush_items(hb_piece *pc, hb_rating *out) {
    if (!pc->nb) return 0;
    if (hb_idmap_int_batch(&pc->im, pc->bkey, pc->bid, pc->nb)) return -1;
    for (size_t k = 0; k < pc->nb; k++) out[pc->brow[k]].i = pc->bid[k];
    pc->nb = 0;
    return 0;
}

/* The header line: anything that is not a valid data line with the declared field count. */
static int hb_check_header(hb_piece *pc, const hb_pctx *c, size_t line, const char *p,
                           const char *le) {
    const hb_parse_spec *sp = c->sp;
    hb_piece probe = {.rmin = INFINITY, .rmax = -INFINITY};
    const int nf = hb_count_fields(sp, p, le);
    if (nf != sp->n_cols) {
        char desc[160], what[256];
        hb_spec_describe(sp, desc, sizeof desc);
        snprintf(what, sizeof what, "a header row of %s, got %d field%s:", desc, nf, nf == 1 ? "" : "s");
        char ex[400];
        hb_excerpt(p, (size_t)(le - p), 80, ex, sizeof ex);
        snprintf(pc->msg, sizeof pc->msg, "%s:%zu: expected %s \"%s\"", c->name, line, what, ex);
        pc->failed = 1;
        return -1;
    }
    /* a line whose rating field parses as a number is data, not a header */
    const char *q = p;
    for (int f = 0; f < sp->n_cols; f++) {
        const char *e = hb_next_delim(sp, q, le);
        if (sp->col[f] == HB_COL_RATING) {
            double v;
            const char *x = hb_parse_number(q, e, &v);
            if (x == e) {
                (void)probe;
                hb_piece_fail(pc, c, line, "a header row (--header was given), got a data line:",
                              p, le, " (drop --header)");
                return -1;
            }
        }
        q = e + (e < le ? sp->delim_len : 0);
    }
    return 0;
}

static void hb_piece_parse(hb_piece *pc, const hb_pctx *c) {
    const hb_parse_spec *sp = c->sp;
    const char *p = pc->a, *rel = pc->a;
    size_t line = pc->line0;
    hb_rating *out = c->r + pc->row0;
    int64_t *tout = c->ts ? c->ts + pc->row0 : NULL;
    int64_t last_ukey = -1;
    uint32_t last_uid = 0;
    int fast_ok = !sp->strings;
    for (int k = 0; k < sp->n_cols; k++) fast_ok &= sp->col[k] != HB_COL_SKIP;
    while (p < pc->b) {
        line++;
        if (fast_ok && pc->n < pc->cap && *p != '\n' && *p != '\r') {
            pc->brow[pc->nb] = pc->n;
            const char *nx = hb_fast_line(pc, sp, p, pc->b, out + pc->n,
                                          tout ? tout + pc->n : NULL, &last_ukey, &last_uid);
            if (nx) {
                pc->n++;
                if (pc->nb == HB_IDMAP_BATCH && hb_flush_items(pc, out)) {
                    pc->failed = 2;
                    return;
                }
                p = nx;
                if ((size_t)(p - rel) >= HB_WINDOW) {
                    hb_release(c, rel, p);
                    rel = p;
                }
                continue;
            }
        }
        const char *eol = memchr(p, '\n', (size_t)(pc->b - p));
        if (!eol) eol = pc->b;
        const char *le = eol;
        if (le > p && le[-1] == '\r') le--;
        const char *next = eol < pc->b ? eol + 1 : pc->b;
        if (le == p) {
            p = next;
            continue;
        }
        if (pc->n >= pc->cap || hb_flush_items(pc, out)) { /* rows <= lines: only OOM */
            pc->failed = 2;
            return;
        }
        const int rc = hb_parse_line(pc, c, line, p, le, p == c->first, out + pc->n,
                                     tout ? tout + pc->n : NULL, 1);
        if (rc) {
            if (rc > 0) pc->failed = 2;
            return;
        }
        pc->n++;
        p = next;
        if ((size_t)(p - rel) >= HB_WINDOW) {
            hb_release(c, rel, p);
            rel = p;
        }
    }
    if (hb_flush_items(pc, out)) pc->failed = 2;
    hb_release(c, rel, pc->b);
}

/* Lines (by newline count) of [a, b), releasing mapped pages behind the count. The inner
 * loop is a plain byte compare-and-add that the compiler vectorizes. */
static size_t hb_count_lines(const hb_pctx *c, const char *a, const char *b) {
    size_t n = 0;
    const char *rel = a;
    for (const char *p = a; p < b;) {
        const size_t len = (size_t)(b - p) < 65536 ? (size_t)(b - p) : 65536;
        uint32_t k = 0;
        for (size_t j = 0; j < len; j++) k += p[j] == '\n';
        n += k;
        p += len;
        if ((size_t)(p - rel) >= HB_WINDOW) {
            hb_release(c, rel, p);
            rel = p;
        }
    }
    hb_release(c, rel, b);
    return n;
}

/* Row index k (0-based, data rows only) -> line number. buf starts at the first data line (after
 * the header and any blank lines before the data), which is line line_base + 1 of the file. */
static size_t hb_locate_row(const char *buf, size_t len, size_t line_base, size_t k) {
    const char *p = buf, *end = buf + len;
    size_t line = line_base, row = 0;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *le = eol;
        if (le > p && le[-1] == '\r') le--;
        if (le != p && row++ == k) return line;
        p = eol < end ? eol + 1 : end;
    }
    return 0;
}

static int hb_cmp_pair(const void *a, const void *b) {
    const int64_t x = ((const int64_t *)a)[0], y = ((const int64_t *)b)[0];
    return (x > y) - (x < y);
}

static int hb_cmp_name(const void *a, const void *b, void *ctx) {
    const hb_idmap *m = ctx;
    size_t la, lb;
    const char *x = hb_idmap_name(m, *(const uint32_t *)a, &la);
    const char *y = hb_idmap_name(m, *(const uint32_t *)b, &lb);
    const int c = memcmp(x, y, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

/* Merges the pieces' id tables (first-seen order), sorts the ids ascending and fills each
 * piece's local -> final translation; the table gets the sorted ids (and names). */
static int hb_merge_ids(hb_piece *pcs, int np, int user, int strings, uint32_t *n_out,
                        int64_t **ids_out, char ***names_out) {
    hb_idmap g;
    size_t expect = 0;
    for (int t = 0; t < np; t++) expect += user ? pcs[t].um.n : pcs[t].im.n;
    if (hb_idmap_init(&g, strings, expect)) return -1;
    int rc = -1;
    uint32_t *rank = NULL, *order = NULL;
    int64_t *ids = NULL;
    for (int t = 0; t < np; t++) {
        hb_idmap *m = user ? &pcs[t].um : &pcs[t].im;
        uint32_t *xl = malloc((m->n ? m->n : 1) * sizeof *xl);
        if (!xl) goto done;
        if (user) pcs[t].uxl = xl;
        else pcs[t].ixl = xl;
        for (uint32_t j = 0; j < m->n; j++) {
            uint32_t id;
            if (strings) {
                size_t l;
                const char *name = hb_idmap_name(m, j, &l); /* sets l before it is used */
                id = hb_idmap_str(&g, name, l);
            } else {
                id = hb_idmap_int(&g, m->keys[j]);
            }
            if (id == HB_ID_NONE) goto done;
            xl[j] = id;
        }
    }
    const uint32_t n = g.n;
    rank = malloc((n ? n : 1) * sizeof *rank);
    order = malloc((n ? n : 1) * sizeof *order);
    ids = malloc((n ? n : 1) * sizeof *ids);
    if (!rank || !order || !ids) goto done;
    if (strings) {
        for (uint32_t k = 0; k < n; k++) order[k] = k;
        qsort_r(order, n, sizeof *order, hb_cmp_name, &g);
        *names_out = hb_names_build(&g, order, n);
        if (!*names_out) goto done;
        for (uint32_t k = 0; k < n; k++) ids[k] = k;
    } else {
        int64_t *pairs = malloc(((size_t)n ? n : 1) * 2 * sizeof *pairs);
        if (!pairs) goto done;
        for (uint32_t k = 0; k < n; k++) {
            pairs[2 * k] = g.keys[k];
            pairs[2 * k + 1] = k;
        }
        qsort(pairs, n, 2 * sizeof *pairs, hb_cmp_pair);
        for (uint32_t k = 0; k < n; k++) {
            order[k] = (uint32_t)pairs[2 * k + 1];
            ids[k] = pairs[2 * k];
        }
        free(pairs);
    }
    for (uint32_t k = 0; k < n; k++) rank[order[k]] = k;
    for (int t = 0; t < np; t++) {
        hb_idmap *m = user ? &pcs[t].um : &pcs[t].im;
        uint32_t *xl = user ? pcs[t].uxl : pcs[t].ixl;
        for (uint32_t j = 0; j < m->n; j++) xl[j] = rank[xl[j]];
    }
    *n_out = n;
    *ids_out = ids;
    ids = NULL;
    rc = 0;
done:
    free(ids);
    free(rank);
    free(order);
    hb_idmap_free(&g);
    return rc;
}

/* Before the pieces are cut: *start moves past a UTF-8 BOM, the header (checked here, once)
 * and, without a header, the blank lines before the data; c->first is the first data line and
 * *line_base the lines before *start. Both must not depend on where the pieces are cut. */
static hb_status hb_parse_prologue(const char *name, const char *buf, const char *end,
                                   const hb_parse_spec *sp, hb_pctx *c, const char **start,
                                   size_t *line_base_out, hb_error *err) {
    *start = buf;
    const size_t len = (size_t)(end - buf);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) *start += 3; /* UTF-8 BOM: skipped */
    else if (len >= 2 && ((unsigned char)buf[0] == 0xFF || (unsigned char)buf[0] == 0xFE) &&
             ((unsigned char)buf[1] == 0xFE || (unsigned char)buf[1] == 0xFF))
        return hb_fail(err, HB_ERR_PARSE, "%s:1: expected UTF-8 or ASCII text, got a UTF-16 "
                       "byte-order mark (convert the file to UTF-8)", name);
    size_t line_base = 0;
    for (const char *p = *start; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
        const char *next = eol < end ? eol + 1 : end;
        if (le != p && sp->header) { /* the header line */
            hb_piece hp;
            memset(&hp, 0, sizeof hp);
            if (hb_check_header(&hp, c, line_base + 1, p, le))
                return hb_fail(err, HB_ERR_PARSE, "%s", hp.msg);
            *start = next;
            line_base++;
            p = next;
            break;
        }
        if (le != p) {
            c->first = p;
            break;
        }
        line_base++;
        p = next;
        if (!sp->header) *start = next; /* blank lines before the data: skipped here */
    }
    if (sp->header) { /* the first data line: the first non-blank one after the header */
        c->first = NULL;
        for (const char *p = *start; p < end && !c->first;) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            if (!eol) eol = end;
            const char *le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
            if (le != p) c->first = p;
            p = eol < end ? eol + 1 : end;
        }
    }
    *line_base_out = line_base;
    return HB_OK;
}

/* Cuts [start, end) into np pieces that start at line starts. */
static void hb_parse_cut(const char *start, const char *end, int np, hb_piece *pcs) {
    const char *a = start;
    for (int k = 0; k < np; k++) {
        const char *b = k + 1 == np ? end : start + (size_t)(end - start) * (size_t)(k + 1) / (size_t)np;
        if (b < a) b = a;
        if (b < end) {
            const char *nl = memchr(b, '\n', (size_t)(end - b));
            b = nl ? nl + 1 : end;
        }
        pcs[k].a = a;
        pcs[k].b = b;
        a = b;
    }
}

/* Counts each piece's lines and sizes its rows (rows <= lines): the pieces' first line and
 * row numbers, and *rows_out in all. 0, or -1 out of memory. */
static int hb_parse_count(const hb_pctx *c, hb_piece *pcs, int np, size_t line_base,
                          size_t *rows_out) {
    size_t *nl = calloc((size_t)np, sizeof *nl);
    if (!nl) return -1;
#pragma omp parallel for num_threads(np) schedule(static, 1)
    for (int k = 0; k < np; k++) nl[k] = hb_count_lines(c, pcs[k].a, pcs[k].b);
    size_t rows = 0, lines = 0;
    for (int k = 0; k < np; k++) {
        /* any piece may hold the unterminated last line: when the rest of the input is one
         * line, the pieces after it are empty */
        size_t cap = nl[k] + (pcs[k].b > pcs[k].a && pcs[k].b[-1] != '\n');
        pcs[k].line0 = line_base + lines;
        lines += nl[k];
        pcs[k].cap = cap;
        pcs[k].row0 = rows;
        rows += cap;
        pcs[k].rmin = INFINITY;
        pcs[k].rmax = -INFINITY;
    }
    free(nl);
    *rows_out = rows;
    return 0;
}

/* Moves the pieces' rows together (closing the gaps left by blank lines) into t, which takes
 * over c's arrays, with the observed rating range. */
static void hb_parse_gather(hb_pctx *c, const hb_piece *pcs, int np, size_t n, hb_table *t) {
    const hb_parse_spec *sp = c->sp;
    size_t pos = 0;
    t->r_min = INFINITY;
    t->r_max = -INFINITY;
    for (int k = 0; k < np; k++) {
        if (pos != pcs[k].row0 && pcs[k].n) {
            memmove(c->r + pos, c->r + pcs[k].row0, pcs[k].n * sizeof *c->r);
            if (c->ts) memmove(c->ts + pos, c->ts + pcs[k].row0, pcs[k].n * sizeof *c->ts);
        }
        pos += pcs[k].n;
        if (pcs[k].rmin < t->r_min) t->r_min = pcs[k].rmin;
        if (pcs[k].rmax > t->r_max) t->r_max = pcs[k].rmax;
    }
    t->r = c->r;
    t->ts = c->ts;
    t->n = n;
    t->has_ts_column = memchr(sp->col, HB_COL_TIME, (size_t)sp->n_cols) != NULL;
    c->r = NULL;
    c->ts = NULL;
}

/* Parses the whole lines [start, end) (line_base lines before start; c->first set) with the
 * parallel pieces. whole: the file's data (no ratings is an error; duplicates by sp->dups);
 * else one rank's share of it (no ratings is fine, duplicates are left for the caller). */
static hb_status hb_parse_body(hb_pctx *cp, const char *start, const char *end, size_t line_base,
                               int whole, hb_table *t, hb_error *err) {
    hb_pctx c = *cp;
    const char *name = c.name;
    const hb_parse_spec *sp = c.sp;
    char usage[160];
    hb_spec_usage(sp, usage, sizeof usage);
    hb_status st = HB_OK;
    int np = sp->threads > 0 ? sp->threads : omp_get_max_threads();
    if (np < 1) np = 1;
    if (np > 256) np = 256;
    const size_t pmin = sp->piece_min ? sp->piece_min : HB_PAR_MIN;
    if ((size_t)(end - start) < pmin * (size_t)np) np = (int)((size_t)(end - start) / pmin);
    if (np < 1) np = 1;
    hb_piece *pcs = calloc((size_t)np, sizeof *pcs);
    if (!pcs) return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", name);
    hb_parse_cut(start, end, np, pcs); /* 1. cut at line starts */
    /* 2. count lines */
    size_t rows = 0;
    if (hb_parse_count(&c, pcs, np, line_base, &rows) != 0) {
        free(pcs);
        return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", name);
    }
    const int want_ts = sp->keep_ts && memchr(sp->col, HB_COL_TIME, (size_t)sp->n_cols) != NULL;
    c.r = malloc((rows ? rows : 1) * sizeof *c.r);
    if (want_ts) c.ts = malloc((rows ? rows : 1) * sizeof *c.ts);
    int oom = !c.r || (want_ts && !c.ts);
    for (int k = 0; k < np && !oom; k++)
        oom = hb_idmap_init(&pcs[k].um, sp->strings, 256) || hb_idmap_init(&pcs[k].im, sp->strings, 256);
    if (oom) {
        st = hb_fail(err, HB_ERR_NOMEM, "%s: out of memory for %zu ratings", name, rows);
        goto done;
    }
    /* 3. parse the pieces */
#pragma omp parallel for num_threads(np) schedule(static, 1)
    for (int k = 0; k < np; k++) hb_piece_parse(&pcs[k], &c);
    for (int k = 0; k < np; k++) {
        if (pcs[k].failed == 1) {
            st = hb_fail(err, HB_ERR_PARSE, "%s", pcs[k].msg);
            goto done;
        }
        if (pcs[k].failed) {
            st = hb_fail(err, HB_ERR_NOMEM, "%s: out of memory (or more than 2^32-2 ids)", name);
            goto done;
        }
    }
    size_t n = 0;
    for (int k = 0; k < np; k++) n += pcs[k].n;
    if (n == 0 && whole) {
        st = hb_fail(err, HB_ERR_PARSE, "%s: no ratings%s, expected %s lines", name,
                     sp->header ? " after the header" : "", usage);
        goto done;
    }
    /* 4. one id space, ascending original id */
    if (hb_merge_ids(pcs, np, 1, sp->strings, &t->n_users, &t->user_ids, &t->user_names) ||
        hb_merge_ids(pcs, np, 0, sp->strings, &t->n_items, &t->item_ids, &t->item_names)) {
        st = hb_fail(err, HB_ERR_NOMEM, "%s: out of memory while re-indexing ids", name);
        goto done;
    }
#pragma omp parallel for num_threads(np) schedule(static, 1)
    for (int k = 0; k < np; k++) {
        hb_rating *r = c.r + pcs[k].row0;
        const uint32_t *ux = pcs[k].uxl, *ix = pcs[k].ixl;
        for (size_t j = 0; j < pcs[k].n; j++) {
            r[j].u = ux[r[j].u];
            r[j].i = ix[r[j].i];
        }
    }
    hb_parse_gather(&c, pcs, np, n, t); /* 5. close the gaps left by blank lines */
    if (n < rows) {
        hb_rating *s = realloc(t->r, n * sizeof *s);
        if (s) t->r = s;
    }
    /* 6. duplicates */
    size_t k1 = 0, k2 = 0;
    if (whole) st = hb_table_dedupe(t, sp->dups, &k1, &k2);
    if (st == HB_ERR_PARSE) {
        const size_t l1 = hb_locate_row(start, (size_t)(end - start), line_base, k1),
                     l2 = hb_locate_row(start, (size_t)(end - start), line_base, k2);
        hb_fail(err, HB_ERR_PARSE, "%s:%zu: expected each (user, item) pair once, got a "
                "duplicate of line %zu (choose a policy with --duplicates first|last)", name, l2, l1);
    } else if (st != HB_OK) {
        hb_fail(err, st, "%s: out of memory while checking duplicates", name);
    }
done:
    for (int k = 0; k < np; k++) {
        hb_idmap_free(&pcs[k].um);
        hb_idmap_free(&pcs[k].im);
        free(pcs[k].uxl);
        free(pcs[k].ixl);
    }
    free(pcs);
    free(c.r);
    free(c.ts);
    if (st != HB_OK) hb_table_free(t);
    return st;
}

static hb_status hb_parse_run(const char *name, const char *buf, size_t len,
                              const hb_parse_spec *sp, hb_table *t, const char *map_base,
                              hb_error *err) {
    memset(t, 0, sizeof *t);
    char usage[160];
    hb_spec_usage(sp, usage, sizeof usage);
    if (len == 0)
        return hb_fail(err, HB_ERR_PARSE, "%s: empty file, expected lines of %s", name, usage);
    const char *start, *end = buf + len;
    size_t line_base = 0;
    hb_pctx c = {name, sp, NULL, NULL, map_base, NULL};
    hb_status st = hb_parse_prologue(name, buf, end, sp, &c, &start, &line_base, err);
    if (st != HB_OK) return st;
    return hb_parse_body(&c, start, end, line_base, 1, t, err);
}

hb_status hb_parse_buffer(const char *name, const char *buf, size_t len, const hb_parse_spec *sp,
                          hb_table *t, hb_error *err) {
    return hb_parse_run(name, buf, len, sp, t, NULL, err);
}

/* Opens path as a regular file for reading; fills size. The kind is read from the open file
 * (fstat), not from the name, and the open does not block: a FIFO swapped in for the file
 * between a check and the open is refused, never waited on. */
static hb_status hb_open_regular(const char *path, int *fd, uint64_t *size, hb_error *err) {
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (*fd < 0) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    const char *bad = NULL;
    if (fstat(*fd, &sb) != 0) bad = strerror(errno);
    else if (S_ISDIR(sb.st_mode)) bad = "is a directory, expected a ratings file";
    else if (!S_ISREG(sb.st_mode)) bad = "not a regular file, expected a ratings file";
    if (bad) {
        close(*fd);
        *fd = -1;
        return hb_fail(err, HB_ERR_IO, "%s: %s", path, bad);
    }
    const int fl = fcntl(*fd, F_GETFL);
    if (fl != -1) fcntl(*fd, F_SETFL, fl & ~O_NONBLOCK);
    *size = (uint64_t)sb.st_size;
    return HB_OK;
}

hb_status hb_file_xxh3(const char *path, uint64_t *out, uint64_t *size, hb_error *err) {
    int fd = -1;
    hb_status st = hb_open_regular(path, &fd, size, err);
    if (st != HB_OK) return st;
    const size_t B = (size_t)4 << 20;
    char *b = malloc(B);
    XXH3_state_t *s = XXH3_createState();
    if (!b || !s) {
        free(b);
        XXH3_freeState(s);
        close(fd);
        return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
    }
    XXH3_64bits_reset(s);
    for (;;) {
        const ssize_t got = read(fd, b, B);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            st = hb_fail(err, HB_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (got == 0) break;
        XXH3_64bits_update(s, b, (size_t)got);
    }
    *out = XXH3_64bits_digest(s);
    XXH3_freeState(s);
    free(b);
    close(fd);
    return st;
}

/* Reads fd to its end (a file whose st_size says 0), at most 1 GiB. */
static hb_status hb_read_unsized(int fd, const char *path, char **out, size_t *len,
                                 hb_error *err) {
    const size_t lim = (size_t)1 << 30;
    size_t n = 0, cap = 0;
    char *b = NULL;
    for (;;) {
        if (n == cap) {
            if (cap >= lim) {
                free(b);
                return hb_fail(err, HB_ERR_IO, "%s: reports a size of 0 but holds more than 1 GiB "
                               "(not a regular ratings file)", path);
            }
            cap = cap ? 2 * cap : 65536;
            char *nb = realloc(b, cap);
            if (!nb) {
                free(b);
                return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
            }
            b = nb;
        }
        const ssize_t got = read(fd, b + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            free(b);
            return hb_fail(err, HB_ERR_IO, "%s: read error: %s", path, strerror(errno));
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    *out = b;
    *len = n;
    return HB_OK;
}

hb_status hb_parse_file(const char *path, const hb_parse_spec *sp, hb_table *t,
                        uint64_t *file_xxh3, hb_error *err) {
    memset(t, 0, sizeof *t);
    if (file_xxh3) {
        uint64_t sz;
        hb_status st = hb_file_xxh3(path, file_xxh3, &sz, err);
        if (st != HB_OK) return st;
    }
    int fd = -1;
    uint64_t size;
    hb_status st = hb_open_regular(path, &fd, &size, err);
    if (st != HB_OK) return st;
    if (size == 0) { /* empty, or a file that reports no size but has contents (/proc, /sys) */
        char *buf = NULL;
        size_t len = 0;
        st = hb_read_unsized(fd, path, &buf, &len, err);
        close(fd);
        if (st == HB_OK) st = hb_parse_run(path, buf ? buf : "", len, sp, t, NULL, err);
        free(buf);
        return st;
    }
    if (size > SIZE_MAX / 2) {
        close(fd);
        return hb_fail(err, HB_ERR_IO, "%s: too large to map", path);
    }
    void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) return hb_fail(err, HB_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
    madvise(m, (size_t)size, MADV_SEQUENTIAL);
    st = hb_parse_run(path, m, (size_t)size, sp, t, m, err);
    munmap(m, (size_t)size);
    return st;
}

hb_status hb_first_line(const char *path, char *buf, size_t cap, hb_error *err) {
    int fd = -1;
    uint64_t size;
    hb_status st = hb_open_regular(path, &fd, &size, err);
    if (st != HB_OK) return st;
    ssize_t got = read(fd, buf, cap - 1);
    close(fd);
    if (got < 0) return hb_fail(err, HB_ERR_IO, "%s: read error: %s", path, strerror(errno));
    buf[got] = '\0';
    char *s = buf;
    if ((size_t)got >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) memmove(s, s + 3, (size_t)got - 2);
    s[strcspn(s, "\r\n")] = '\0';
    return HB_OK;
}

/* ------------------------------------------------------------------ one rank's share */

hb_status hb_parse_part_open(const char *path, const hb_parse_spec *sp, int part, int parts,
                             hb_parse_part *pp, hb_error *err) {
    memset(pp, 0, sizeof *pp);
    pp->path = path;
    int fd = -1;
    uint64_t size;
    hb_status st = hb_open_regular(path, &fd, &size, err);
    if (st != HB_OK) return st;
    pp->bytes = size;
    if (size == 0) { /* empty, or a file that reports no size (/proc): read whole, as the loader */
        size_t len = 0;
        st = hb_read_unsized(fd, path, &pp->buf, &len, err);
        close(fd);
        if (st != HB_OK) return st;
        pp->base = pp->buf ? pp->buf : "";
        pp->size = len;
        pp->bytes = len;
    } else if (size > SIZE_MAX / 2) {
        close(fd);
        return hb_fail(err, HB_ERR_IO, "%s: too large to map", path);
    } else {
        void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (m == MAP_FAILED)
            return hb_fail(err, HB_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
        pp->map = m;
        pp->base = m;
        pp->size = (size_t)size;
    }
    char usage[160];
    hb_spec_usage(sp, usage, sizeof usage);
    if (pp->size == 0) {
        hb_parse_part_close(pp);
        return hb_fail(err, HB_ERR_PARSE, "%s: empty file, expected lines of %s", path, usage);
    }
    const char *end = pp->base + pp->size;
    hb_pctx c = {path, sp, NULL, NULL, NULL, NULL};
    st = hb_parse_prologue(path, pp->base, end, sp, &c, &pp->start, &pp->line_base, err);
    if (st != HB_OK) {
        hb_parse_part_close(pp);
        return st;
    }
    pp->first = c.first;
    /* hb_parse_cut's cut: piece k starts at the line start after start + len k / parts */
    const char *cut[2];
    const size_t len = (size_t)(end - pp->start);
    for (int j = 0; j < 2; j++) {
        const int k = part + j;
        const char *b = k == 0 ? pp->start : k == parts ? end
                        : pp->start + len * (size_t)k / (size_t)parts;
        if (k > 0 && b < end) {
            const char *nl = memchr(b, '\n', (size_t)(end - b));
            b = nl ? nl + 1 : end;
        }
        cut[j] = b;
    }
    pp->a = cut[0];
    pp->b = cut[1];
    pp->lines = hb_count_lines(&c, pp->a, pp->b);
    return HB_OK;
}

hb_status hb_parse_part_run(hb_parse_part *pp, const hb_parse_spec *sp, size_t lines_before,
                            hb_table *t, hb_error *err) {
    memset(t, 0, sizeof *t);
    hb_pctx c = {pp->path, sp, NULL, NULL, pp->map, pp->first};
    return hb_parse_body(&c, pp->a, pp->b, pp->line_base + lines_before, 0, t, err);
}

size_t hb_parse_part_line(const hb_parse_part *pp, size_t lines_before, size_t row) {
    return hb_locate_row(pp->a, (size_t)(pp->b - pp->a), pp->line_base + lines_before, row);
}

void hb_parse_part_close(hb_parse_part *pp) {
    if (pp->map) munmap(pp->map, pp->size);
    free(pp->buf);
    memset(pp, 0, sizeof *pp);
}
