/* split.c: train/test splits deterministic from a seed, the notebook's filtering, re-indexing. */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "select.h"
#include "split.h"

static int hb_parse_frac(const char *s, const char *end, double *out) {
    char b[64];
    const size_t len = (size_t)(end - s);
    if (len == 0 || len >= sizeof b) return -1;
    memcpy(b, s, len);
    b[len] = '\0';
    char *e;
    errno = 0;
    const double v = strtod(b, &e);
    if (*e || errno || !isfinite(v) || v <= 0 || v >= 1) return -1;
    *out = v;
    return 0;
}

static int hb_parse_uint(const char *s, const char *end, uint64_t lo, uint64_t hi, uint64_t *out) {
    if (s >= end) return -1;
    uint64_t v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9') return -1;
        const uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

hb_status hb_split_parse(const char *s, hb_split_spec *sp, hb_error *err) {
    memset(sp, 0, sizeof *sp);
    static const char *const predef[] = {"u1", "u2", "u3", "u4", "u5", "ua", "ub"};
    for (size_t k = 0; k < sizeof predef / sizeof *predef; k++)
        if (strcmp(s, predef[k]) == 0) {
            sp->kind = HB_SPLIT_PREDEF;
            snprintf(sp->predef, sizeof sp->predef, "%s", s);
            return HB_OK;
        }
    /* fields separated by ':' */
    const char *f[5] = {0}, *fe[5] = {0};
    int nf = 0;
    const char *p = s;
    while (nf < 5) {
        const char *c = strchr(p, ':');
        f[nf] = p;
        fe[nf] = c ? c : p + strlen(p);
        nf++;
        if (!c) break;
        p = c + 1;
    }
    if (strchr(fe[nf - 1], ':')) nf = 99;
    const size_t l0 = (size_t)(fe[0] - f[0]);
    uint64_t v;
#define HB_IS(w) (l0 == strlen(w) && strncmp(f[0], w, l0) == 0)
    if ((HB_IS("random") || HB_IS("per-user")) && (nf == 2 || nf == 3)) {
        sp->kind = HB_IS("random") ? HB_SPLIT_RANDOM : HB_SPLIT_PER_USER;
        if (hb_parse_frac(f[1], fe[1], &sp->frac)) goto bad;
        if (nf == 3) {
            if (hb_parse_uint(f[2], fe[2], 0, UINT64_MAX, &sp->seed)) goto bad;
            sp->has_seed = 1;
        }
        return HB_OK;
    }
    if (HB_IS("time") && nf == 2) {
        sp->kind = HB_SPLIT_TIME;
        if (hb_parse_frac(f[1], fe[1], &sp->frac)) goto bad;
        return HB_OK;
    }
    if (HB_IS("kfold") && (nf == 3 || nf == 4)) {
        sp->kind = HB_SPLIT_KFOLD;
        if (hb_parse_uint(f[1], fe[1], 2, 1000, &v)) goto bad;
        sp->folds = (uint32_t)v;
        if (hb_parse_uint(f[2], fe[2], 1, sp->folds, &v)) goto bad;
        sp->fold = (uint32_t)v;
        if (nf == 4) {
            if (hb_parse_uint(f[3], fe[3], 0, UINT64_MAX, &sp->seed)) goto bad;
            sp->has_seed = 1;
        }
        return HB_OK;
    }
#undef HB_IS
bad:
    memset(sp, 0, sizeof *sp);
    return hb_fail(err, HB_ERR_ARG, "--split '%s': expected u1..u5|ua|ub (ML-100K), random:F[:SEED], "
                   "kfold:N:K[:SEED] (2 <= N <= 1000, 1 <= K <= N), per-user:F[:SEED] or time:F, "
                   "with 0 < F < 1", s);
}

void hb_split_name(const hb_split_spec *sp, char *buf, size_t cap) {
    const unsigned long long seed = (unsigned long long)sp->seed;
    switch (sp->kind) {
    case HB_SPLIT_PREDEF: snprintf(buf, cap, "%s", sp->predef); break;
    case HB_SPLIT_RANDOM: snprintf(buf, cap, "random:%g:%llu", sp->frac, seed); break;
    case HB_SPLIT_PER_USER: snprintf(buf, cap, "per-user:%g:%llu", sp->frac, seed); break;
    case HB_SPLIT_KFOLD: snprintf(buf, cap, "kfold:%u:%u:%llu", sp->folds, sp->fold, seed); break;
    case HB_SPLIT_TIME: snprintf(buf, cap, "time:%g", sp->frac); break;
    default: snprintf(buf, cap, "none"); break;
    }
}

#define HB_BIT(m, k) (((m)[(k) >> 6] >> ((k) & 63)) & 1)

/* Moves the rows marked in `test` out of t->r into a new array; t->r keeps the rest (stable). */
static hb_status hb_partition(hb_table *t, const uint64_t *test, size_t n_test, hb_rating **train,
                              size_t *n_train, hb_rating **te, size_t *n_te, hb_error *err) {
    hb_rating *out = malloc((n_test ? n_test : 1) * sizeof *out);
    if (!out) return hb_fail(err, HB_ERR_NOMEM, "out of memory while splitting %zu ratings", t->n);
    size_t a = 0, b = 0;
    for (size_t k = 0; k < t->n; k++) {
        if (HB_BIT(test, k)) out[b++] = t->r[k];
        else t->r[a++] = t->r[k];
    }
    hb_rating *s = realloc(t->r, (a ? a : 1) * sizeof *s);
    *train = s ? s : t->r;
    t->r = NULL;
    *n_train = a;
    *te = out;
    *n_te = b;
    free(t->ts);
    t->ts = NULL;
    t->n = 0;
    return HB_OK;
}

typedef struct {
    uint64_t h;
    uint32_t k;
} hb_hk;

/* Puts the m smallest (by h: distinct hashes) of v[0..n) first. */
HB_DEFINE_SELECT(hb_select, hb_hk, h, uint64_t)

void hb_radix_step(const uint64_t *hist, int shift, uint64_t *need, uint64_t *prefix,
                   uint64_t *mask) {
    int d = 65535;
    for (; d > 0; d--) {
        if (hist[d] >= *need) break;
        *need -= hist[d];
    }
    *prefix |= (uint64_t)d << shift;
    *mask |= 0xFFFFULL << shift;
}

hb_status hb_split_apply(hb_table *t, const hb_split_spec *sp, hb_rating **train, size_t *n_train,
                         hb_rating **test, size_t *n_test, hb_error *err) {
    const size_t n = t->n;
    uint64_t *mark = calloc(n / 64 + 1, sizeof *mark);
    if (!mark) return hb_fail(err, HB_ERR_NOMEM, "out of memory while splitting %zu ratings", n);
    size_t nt = 0;
    hb_status st = HB_OK;
    if (sp->kind == HB_SPLIT_RANDOM || sp->kind == HB_SPLIT_KFOLD) {
        const uint64_t thr = (uint64_t)ldexp(sp->frac, 64);
        const long nw = (long)(n / 64 + 1);
#pragma omp parallel for schedule(static) reduction(+ : nt)
        for (long w = 0; w < nw; w++) {
            uint64_t bits = 0;
            for (size_t k = (size_t)w * 64; k < (size_t)w * 64 + 64 && k < n; k++) {
                const uint64_t h = hb_hash2(sp->seed, k);
                const int in = sp->kind == HB_SPLIT_RANDOM
                                   ? h < thr
                                   : (uint32_t)(((unsigned __int128)h * sp->folds) >> 64) == sp->fold - 1;
                bits |= (uint64_t)in << (k & 63);
            }
            mark[w] = bits;
            nt += (size_t)__builtin_popcountll(bits);
        }
    } else if (sp->kind == HB_SPLIT_PER_USER) {
        size_t *off = calloc((size_t)t->n_users + 2, sizeof *off);
        hb_hk *v = malloc((n ? n : 1) * sizeof *v);
        if (!off || !v || n > UINT32_MAX) {
            free(off);
            free(v);
            free(mark);
            return hb_fail(err, HB_ERR_NOMEM, "out of memory while splitting %zu ratings", n);
        }
        for (size_t k = 0; k < n; k++) off[t->r[k].u + 2]++;
        for (uint32_t u = 0; u < t->n_users; u++) off[u + 2] += off[u + 1];
        for (size_t k = 0; k < n; k++) v[off[t->r[k].u + 1]++] = (hb_hk){hb_hash2(sp->seed, k), (uint32_t)k};
        const long nu = (long)t->n_users;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : nt)
        for (long u = 0; u < nu; u++) {
            const size_t a = off[u], c = off[u + 1] - a;
            size_t m = (size_t)floor(sp->frac * (double)c + 0.5);
            if (m >= c) m = c ? c - 1 : 0; /* every user keeps a train rating */
            hb_select(v + a, c, m);
            for (size_t j = 0; j < m; j++) {
                const uint32_t k = v[a + j].k;
#pragma omp atomic
                mark[k >> 6] |= 1ULL << (k & 63);
            }
            nt += m;
        }
        free(off);
        free(v);
    } else if (sp->kind == HB_SPLIT_TIME) {
        if (!t->ts) {
            free(mark);
            return hb_fail(err, HB_ERR_ARG, "--split %s needs timestamps: the data has no "
                           "timestamp column (see --columns)", "time");
        }
        const size_t want = (size_t)floor(sp->frac * (double)n + 0.5);
        /* radix select of the want-th largest key (timestamp, then row index) */
        uint64_t *hist = malloc(65536 * sizeof *hist);
        if (!hist) {
            free(mark);
            return hb_fail(err, HB_ERR_NOMEM, "out of memory while splitting");
        }
        uint64_t prefix = 0, mask = 0, need = want;
        for (int shift = 48; shift >= 0 && need; shift -= 16) {
            memset(hist, 0, 65536 * sizeof *hist);
            for (size_t k = 0; k < n; k++) {
                const uint64_t key = hb_ts_key(t->ts[k]);
                if ((key & mask) == prefix) hist[(key >> shift) & 0xFFFF]++;
            }
            hb_radix_step(hist, shift, &need, &prefix, &mask);
        }
        free(hist);
        /* keys above the threshold, then the last `need` rows at it */
        for (size_t k = n; k-- > 0;) {
            const uint64_t key = hb_ts_key(t->ts[k]);
            if (want && (key > prefix || (key == prefix && need))) {
                if (key == prefix) need--;
                mark[k >> 6] |= 1ULL << (k & 63);
                nt++;
            }
        }
    } else {
        free(mark);
        return hb_fail(err, HB_ERR_ARG, "internal: split kind %d cannot be applied", (int)sp->kind);
    }
    if (st == HB_OK) st = hb_partition(t, mark, nt, train, n_train, test, n_test, err);
    free(mark);
    return st;
}
