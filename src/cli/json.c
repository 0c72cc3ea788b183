/* json.c: a small recursive-descent JSON reader with positioned error messages. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"

typedef struct hb_jp {
    const char *s, *end, *name;
    hb_error *err;
    int failed;
    hb_status st;
    size_t values; /* nodes made so far (at most HB_JSON_MAX_VALUES) */
} hb_jp;

/* Line and column (1-based, in bytes) of p. */
static void hb_jp_pos(const hb_jp *j, const char *p, size_t *line, size_t *col) {
    *line = 1;
    const char *bol = j->s;
    for (const char *q = j->s; q < p; q++)
        if (*q == '\n') {
            (*line)++;
            bol = q + 1;
        }
    *col = (size_t)(p - bol) + 1;
}

/* Records "name:line:col: expected WHAT, found ..." once; returns NULL for the caller. */
static hb_json *hb_jp_fail(hb_jp *j, const char *p, const char *what) {
    if (j->failed) return NULL;
    j->failed = 1;
    size_t line, col;
    hb_jp_pos(j, p, &line, &col);
    char found[32];
    if (p >= j->end) snprintf(found, sizeof found, "the end of the input");
    else if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
        snprintf(found, sizeof found, "'%c'", *p);
    else snprintf(found, sizeof found, "byte 0x%02x", (unsigned char)*p);
    j->st = hb_fail(j->err, HB_ERR_PARSE, "%s:%zu:%zu: expected %s, found %s", j->name, line,
                    col, what, found);
    return NULL;
}

static hb_json *hb_jp_oom(hb_jp *j) {
    if (!j->failed) j->st = hb_fail(j->err, HB_ERR_NOMEM, "%s: out of memory", j->name);
    j->failed = 1;
    return NULL;
}

static const char *hb_jp_ws(const hb_jp *j, const char *p) {
    while (p < j->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static int hb_jp_lit(const hb_jp *j, const char *p, const char *lit) {
    const size_t n = strlen(lit);
    return (size_t)(j->end - p) >= n && memcmp(p, lit, n) == 0;
}

static hb_json *hb_jp_new(hb_json_type t) {
    hb_json *v = calloc(1, sizeof *v);
    if (v) v->type = t;
    return v;
}

static int hb_jp_hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        const char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static size_t hb_utf8(unsigned cp, char *o) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A string starting at the opening quote *pp; the decoded text (malloc'd) or NULL. */
static char *hb_jp_string(hb_jp *j, const char **pp) {
    const char *p = *pp + 1;
    /* decoded text is never longer than the source */
    const char *q = p;
    while (q < j->end && *q != '"') q += (*q == '\\' && q + 1 < j->end) ? 2 : 1;
    if (q >= j->end) {
        hb_jp_fail(j, j->end, "'\"' closing the string");
        return NULL;
    }
    char *out = malloc((size_t)(q - p) + 1), *o = out;
    if (!out) {
        hb_jp_oom(j);
        return NULL;
    }
    while (*p != '"') {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        const char e = p[1];
        const char *at = p;
        p += 2;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp;
            if (j->end - p < 4 || hb_jp_hex4(p, &cp) != 0) {
                free(out);
                hb_jp_fail(j, p, "4 hex digits after \\u");
                return NULL;
            }
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00) { /* a high surrogate wants its low half */
                unsigned lo;
                if (j->end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hb_jp_hex4(p + 2, &lo) == 0 &&
                    lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                } else {
                    cp = 0xfffd;
                }
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                cp = 0xfffd;
            }
            /* 6 source bytes (or 12 for a pair) always cover the 1..4 bytes written */
            o += hb_utf8(cp, o);
            break;
        }
        default:
            free(out);
            hb_jp_fail(j, at, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            return NULL;
        }
    }
    *o = '\0';
    *pp = p + 1;
    return out;
}

static hb_json *hb_jp_value(hb_jp *j, const char **pp, int depth);

/* Links v as the last member of parent (tail tracks the last member). */
static void hb_jp_link(hb_json *parent, hb_json **tail, hb_json *v) {
    if (*tail) (*tail)->next = v;
    else parent->child = v;
    *tail = v;
    parent->n++;
}

static hb_json *hb_jp_container(hb_jp *j, const char **pp, int depth, int object) {
    const char close = object ? '}' : ']';
    const char *p = *pp + 1;
    hb_json *c = hb_jp_new(object ? HB_JSON_OBJECT : HB_JSON_ARRAY), *tail = NULL;
    if (!c) return hb_jp_oom(j);
    p = hb_jp_ws(j, p);
    if (p < j->end && *p == close) {
        *pp = p + 1;
        return c;
    }
    for (;;) {
        char *key = NULL;
        if (object) {
            p = hb_jp_ws(j, p);
            if (p >= j->end || *p != '"') {
                hb_jp_fail(j, p, c->n ? "'\"' starting the next member's name"
                                      : "'\"' starting a member name, or '}'");
                break;
            }
            if (!(key = hb_jp_string(j, &p))) break;
            p = hb_jp_ws(j, p);
            if (p >= j->end || *p != ':') {
                free(key);
                hb_jp_fail(j, p, "':' after the member name");
                break;
            }
            p++;
        }
        hb_json *v = hb_jp_value(j, &p, depth + 1);
        if (!v) {
            free(key);
            break;
        }
        v->key = key;
        hb_jp_link(c, &tail, v);
        p = hb_jp_ws(j, p);
        if (p < j->end && *p == ',') {
            p++;
            continue;
        }
        if (p < j->end && *p == close) {
            *pp = p + 1;
            return c;
        }
        hb_jp_fail(j, p, object ? "',' or '}' after an object member"
                                : "',' or ']' after an array element");
        break;
    }
    hb_json_free(&c);
    return NULL;
}

static hb_json *hb_jp_number(hb_jp *j, const char **pp) {
    const char *p = *pp, *start = p;
    int neg = 0;
    if (p < j->end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    double v;
    if (hb_jp_lit(j, p, "NaN") || hb_jp_lit(j, p, "nan")) {
        v = NAN;
        p += 3;
    } else if (hb_jp_lit(j, p, "Infinity")) {
        v = neg ? -INFINITY : INFINITY;
        p += 8;
    } else if (hb_jp_lit(j, p, "inf")) {
        v = neg ? -INFINITY : INFINITY;
        p += 3;
    } else {
        /* digits [. digits] [e|E [+|-] digits], then strtod on a bounded copy */
        const char *d = p;
        while (p < j->end && *p >= '0' && *p <= '9') p++;
        if (p == d) return hb_jp_fail(j, start, "a value (object, array, string, number, true, "
                                                "false or null)");
        if (p < j->end && *p == '.') {
            p++;
            const char *f = p;
            while (p < j->end && *p >= '0' && *p <= '9') p++;
            if (p == f) return hb_jp_fail(j, p, "a digit after the decimal point");
        }
        if (p < j->end && (*p == 'e' || *p == 'E')) {
            p++;
            if (p < j->end && (*p == '+' || *p == '-')) p++;
            const char *e = p;
            while (p < j->end && *p >= '0' && *p <= '9') p++;
            if (p == e) return hb_jp_fail(j, p, "a digit in the exponent");
        }
        char buf[128];
        const size_t n = (size_t)(p - start);
        if (n >= sizeof buf) return hb_jp_fail(j, start, "a number shorter than 128 characters");
        memcpy(buf, start, n);
        buf[n] = '\0';
        errno = 0;
        v = strtod(buf, NULL); /* overflow gives +-HUGE_VAL: kept */
    }
    hb_json *r = hb_jp_new(HB_JSON_NUMBER);
    if (!r) return hb_jp_oom(j);
    r->number = v;
    *pp = p;
    return r;
}

static hb_json *hb_jp_value(hb_jp *j, const char **pp, int depth) {
    const char *p = hb_jp_ws(j, *pp);
    if (depth > HB_JSON_MAX_DEPTH) return hb_jp_fail(j, p, "nesting at most 64 deep");
    if (++j->values > HB_JSON_MAX_VALUES)
        return hb_jp_fail(j, p, "at most 2097152 values in the document");
    if (p >= j->end) return hb_jp_fail(j, p, "a value");
    hb_json *v = NULL;
    switch (*p) {
    case '{':
    case '[':
        v = hb_jp_container(j, &p, depth, *p == '{');
        break;
    case '"': {
        char *s = hb_jp_string(j, &p);
        if (!s) return NULL;
        if (!(v = hb_jp_new(HB_JSON_STRING))) {
            free(s);
            break;
        }
        v->str = s;
        break;
    }
    case 't':
    case 'f':
    case 'n':
        if (hb_jp_lit(j, p, "true") || hb_jp_lit(j, p, "false")) {
            if ((v = hb_jp_new(HB_JSON_BOOL))) v->boolean = *p == 't';
            p += *p == 't' ? 4 : 5;
        } else if (hb_jp_lit(j, p, "null")) {
            v = hb_jp_new(HB_JSON_NULL);
            p += 4;
        } else if (hb_jp_lit(j, p, "nan")) {
            v = hb_jp_number(j, &p);
        } else {
            return hb_jp_fail(j, p, "a value (object, array, string, number, true, false or "
                                    "null)");
        }
        break;
    default:
        v = hb_jp_number(j, &p);
    }
    if (!v) hb_jp_oom(j);
    if (v) *pp = p;
    return v;
}

hb_status hb_json_parse(const char *text, size_t len, const char *name, hb_json **out,
                        hb_error *err) {
    *out = NULL;
    hb_jp j = {.s = text, .end = text + len, .name = name ? name : "<json>", .err = err};
    const char *p = text;
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) p += 3; /* BOM */
    hb_json *v = hb_jp_value(&j, &p, 0);
    if (!v) return j.st;
    p = hb_jp_ws(&j, p);
    if (p < j.end) {
        hb_json_free(&v);
        hb_jp_fail(&j, p, "the end of the input after the top-level value");
        return HB_ERR_PARSE;
    }
    *out = v;
    return HB_OK;
}

hb_status hb_json_load(const char *path, hb_json **out, hb_error *err) {
    *out = NULL;
    int fd;
    hb_status st = hb_file_open(path, O_RDONLY, 1, &fd, err);
    if (st != HB_OK) return st;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        const int e = errno;
        close(fd);
        return hb_fail(err, HB_ERR_IO, "%s: %s", path, strerror(e));
    }
    if ((unsigned long long)sb.st_size > HB_JSON_MAX_BYTES) {
        close(fd);
        return hb_fail(err, HB_ERR_IO, "%s: %lld bytes, more than the %zu MiB a benchmark JSON "
                       "file may have", path, (long long)sb.st_size, HB_JSON_MAX_BYTES >> 20);
    }
    /* what fstat said, and not a byte more: a file that grows meanwhile is read as it was */
    const size_t n = (size_t)sb.st_size;
    char *buf = malloc(n + 1);
    if (!buf) {
        close(fd);
        return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t got = 0;
    errno = 0;
    while (got < n) {
        const ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    const int e = errno;
    close(fd);
    if (got != n) {
        free(buf);
        return hb_fail(err, HB_ERR_IO, "%s: read failed: %s", path,
                       e ? strerror(e) : "the file shrank while it was read");
    }
    buf[n] = '\0';
    st = hb_json_parse(buf, n, path, out, err);
    free(buf);
    return st;
}

void hb_json_free(hb_json **jp) {
    hb_json *v = jp ? *jp : NULL;
    if (!v) return;
    /* members iteratively along next, children recursively (depth is bounded) */
    while (v) {
        hb_json *next = v->next;
        hb_json_free(&v->child);
        free(v->str);
        free(v->key);
        free(v);
        v = next;
    }
    *jp = NULL;
}

const hb_json *hb_json_get(const hb_json *o, const char *key) {
    if (!o || o->type != HB_JSON_OBJECT) return NULL;
    for (const hb_json *m = o->child; m; m = m->next)
        if (m->key && strcmp(m->key, key) == 0) return m;
    return NULL;
}
