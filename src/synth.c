/* synth.c: synthetic ratings from a planted low-rank model with power-law popularity, generated
 * in parallel per user (deterministic in the parameters, whatever the thread count). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <string.h>
#include <unistd.h>

#include "select.h"
#include "shuffle.h"
#include "synth.h"

hb_synth_params hb_synth_default(void) {
    return (hb_synth_params){.users = 943, .items = 1682, .ratings = 100000, .dim = 8,
                             .seed = 42, .zipf = 0.8, .test_fraction = 0.2};
}

hb_status hb_synth_parse(const char *spec, hb_synth_params *p, hb_error *err) {
    *p = hb_synth_default();
    if (strncmp(spec, "synthetic", 9) != 0)
        return hb_fail(err, HB_ERR_ARG, "'%s': expected synthetic[:key=value,...]", spec);
    const char *s = spec + 9;
    if (*s == '\0') return HB_OK;
    if (*s != ':')
        return hb_fail(err, HB_ERR_ARG, "'%s': expected ':' after 'synthetic'", spec);
    s++;
    while (*s) {
        const char *eq = strchr(s, '='), *comma = strchr(s, ',');
        if (!comma) comma = s + strlen(s);
        if (!eq || eq > comma)
            return hb_fail(err, HB_ERR_ARG, "'%s': expected key=value at '%.*s'", spec,
                           (int)(comma - s), s);
        if (eq - s >= 32 || comma - eq - 1 >= 64)
            return hb_fail(err, HB_ERR_ARG, "'%.200s': key or value too long at '%.40s'", spec, s);
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(eq - s), s);
        char val[64];
        snprintf(val, sizeof val, "%.*s", (int)(comma - eq - 1), eq + 1);
        char *e;
        errno = 0;
        if (strcmp(key, "zipf") == 0 || strcmp(key, "test") == 0) {
            double v = strtod(val, &e);
            if (e == val || *e || errno || !isfinite(v) || v < 0 ||
                (key[0] == 't' && (v <= 0 || v >= 1)) || (key[0] == 'z' && v > 10))
                return hb_fail(err, HB_ERR_ARG, "'%s': %s=%s: expected a %s", spec, key, val,
                               key[0] == 't' ? "fraction in (0, 1)" : "number in [0, 10]");
            if (key[0] == 'z') p->zipf = v;
            else p->test_fraction = v;
        } else {
            unsigned long long v = strtoull(val, &e, 10);
            if (e == val || *e || errno || val[0] == '-')
                return hb_fail(err, HB_ERR_ARG, "'%s': %s=%s: expected a non-negative integer",
                               spec, key, val);
            if (strcmp(key, "users") == 0 || strcmp(key, "items") == 0 ||
                strcmp(key, "dim") == 0) {
                const unsigned long long hi = key[0] == 'd' ? 1024 : UINT32_MAX - 1;
                if (v == 0 || v > hi)
                    return hb_fail(err, HB_ERR_ARG, "'%s': %s=%s: expected 1..%llu", spec, key,
                                   val, hi);
                if (key[0] == 'u') p->users = (uint32_t)v;
                else if (key[0] == 'i') p->items = (uint32_t)v;
                else p->dim = (uint32_t)v;
            } else if (strcmp(key, "ratings") == 0) {
                if (v == 0 || v > (1ULL << 40))
                    return hb_fail(err, HB_ERR_ARG, "'%s': ratings must be in 1..2^40", spec);
                p->ratings = v;
            } else if (strcmp(key, "seed") == 0) {
                p->seed = v;
            } else {
                return hb_fail(err, HB_ERR_ARG,
                               "'%s': unknown key '%s' (expected users, items, ratings, dim, "
                               "seed, zipf, test)", spec, key);
            }
        }
        s = *comma ? comma + 1 : comma;
    }
    return HB_OK;
}

/* Power-law weights 1/(rank+1)^a over a seeded random permutation. */
static double *hb_zipf_weights(uint32_t n, double a, hb_rng *rng) {
    double *w = malloc((size_t)n * sizeof *w);
    uint32_t *perm = malloc((size_t)n * sizeof *perm);
    if (!w || !perm) {
        free(w);
        free(perm);
        return NULL;
    }
    for (uint32_t k = 0; k < n; k++) perm[k] = k;
    hb_shuffle_u32(perm, n, rng);
    for (uint32_t k = 0; k < n; k++) w[perm[k]] = 1.0 / pow((double)k + 1.0, a);
    free(perm);
    return w;
}

/* Walker/Vose alias table: O(1) draws from the weights. */
typedef struct {
    double *prob;
    uint32_t *alias;
    uint32_t n;
} hb_alias;

static int hb_alias_build(hb_alias *al, const double *w, uint32_t n) {
    al->n = n;
    al->prob = malloc((size_t)n * sizeof *al->prob);
    al->alias = malloc((size_t)n * sizeof *al->alias);
    uint32_t *small = malloc((size_t)n * sizeof *small), *large = malloc((size_t)n * sizeof *large);
    if (!al->prob || !al->alias || !small || !large) {
        free(small);
        free(large);
        return -1;
    }
    double s = 0;
    for (uint32_t k = 0; k < n; k++) s += w[k];
    uint32_t ns = 0, nl = 0;
    for (uint32_t k = 0; k < n; k++) {
        al->prob[k] = w[k] * n / s;
        al->alias[k] = k;
        if (al->prob[k] < 1.0) small[ns++] = k;
        else large[nl++] = k;
    }
    while (ns && nl) {
        const uint32_t a = small[--ns], g = large[nl - 1];
        al->alias[a] = g;
        al->prob[g] -= 1.0 - al->prob[a];
        if (al->prob[g] < 1.0) {
            nl--;
            small[ns++] = g;
        }
    }
    while (nl) al->prob[large[--nl]] = 1.0;
    while (ns) al->prob[small[--ns]] = 1.0;
    free(small);
    free(large);
    return 0;
}

static inline uint32_t hb_alias_draw(const hb_alias *al, hb_rng *r) {
    const uint64_t x = hb_rng_next(r);
    const uint32_t k = (uint32_t)(((unsigned __int128)x * al->n) >> 64);
    const double u = (double)(uint32_t)x * 0x1.0p-32; /* low bits: independent of k's high bits */
    return u < al->prob[k] ? k : al->alias[k];
}

/* Ratings per user: N apportioned by weight (systematic rounding, each within one of its share),
 * none above cap; users whose share passes the cap get the cap and the rest is re-shared. */
static int hb_apportion(const double *w, uint32_t n, uint64_t N, uint64_t cap, uint64_t *cnt) {
    uint8_t *capped = calloc(n, 1);
    if (!capped) return -1;
    uint64_t rem = N;
    for (;;) {
        double W = 0;
        for (uint32_t u = 0; u < n; u++)
            if (!capped[u]) W += w[u];
        int again = 0;
        for (uint32_t u = 0; u < n; u++)
            if (!capped[u] && (double)rem * w[u] / W > (double)cap) {
                capped[u] = 1;
                cnt[u] = cap;
                rem -= cap;
                again = 1;
            }
        if (again) continue;
        double c = 0;
        uint64_t prev = 0, given = 0;
        uint32_t last = 0;
        for (uint32_t u = 0; u < n; u++) {
            if (capped[u]) continue;
            c += (double)rem * w[u] / W;
            uint64_t upto = (uint64_t)floor(c + 0.5);
            if (upto > rem) upto = rem;
            if (upto < prev) upto = prev;
            cnt[u] = upto - prev;
            if (cnt[u] > cap) cnt[u] = cap;
            prev += cnt[u];
            given += cnt[u];
            last = u;
        }
        /* rounding leftovers (at most a few): one each to uncapped users with room */
        for (uint32_t u = last + 1; given < rem && u-- > 0;)
            if (!capped[u] && cnt[u] < cap) {
                cnt[u]++;
                given++;
            }
        free(capped);
        return given == rem ? 0 : -1;
    }
}

/* Efraimidis-Spirakis: m distinct items drawn by weight without replacement (heavy users). */
typedef struct {
    double key;
    uint32_t i;
} hb_ki;

HB_DEFINE_SELECT(hb_select_ki, hb_ki, key, double)

#define HB_SYN_T0 946684800LL /* 2000-01-01 */
#define HB_SYN_SPAN (19LL * 365 * 86400)

/* The planted model and what each user's ratings are drawn from. */
typedef struct hb_synth_ctx {
    const float *P, *Q, *bu, *bi; /* factors (K per row) and biases */
    const double *iw;             /* item weights */
    const hb_alias *al;           /* alias table over iw */
    const uint64_t *cnt;          /* user u's ratings are rows [cnt[u], cnt[u+1]) */
    uint32_t K, ni;
    uint64_t seed;
    int want_ts;
} hb_synth_ctx;

/* User u's ratings (items, values, timestamps) into its rows of t, from its own stream; stamp
 * (ni, zeroed before the first user) and *kip (allocated when first needed) are the thread's
 * scratch; *lo, *hi widen to the values drawn. 0, or -1 out of memory. */
static int hb_synth_user(const hb_synth_ctx *x, uint32_t u, hb_table *t, uint32_t *stamp,
                         hb_ki **kip, float *lo, float *hi) {
    const uint32_t K = x->K, ni = x->ni;
    const size_t a = x->cnt[u], m = x->cnt[u + 1] - a;
    if (!m) return 0;
    hb_rng g;
    hb_rng_seed(&g, hb_hash2(x->seed ^ 0x5e1ec7edu, u));
    hb_rating *out = t->r + a;
    if (m > 64 && m > ni / 16) { /* heavy user: weighted sampling without replacement */
        if (!*kip && !(*kip = malloc((size_t)ni * sizeof **kip))) return -1;
        hb_ki *ki = *kip;
        for (uint32_t i = 0; i < ni; i++) {
            double v = hb_rng_double(&g);
            if (v < 1e-300) v = 1e-300;
            ki[i] = (hb_ki){-log(v) / x->iw[i], i};
        }
        hb_select_ki(ki, ni, m);
        for (size_t j = 0; j < m; j++) out[j].i = ki[j].i;
    } else {
        for (size_t j = 0; j < m;) {
            const uint32_t i = hb_alias_draw(x->al, &g);
            if (stamp[i] == u + 1) continue;
            stamp[i] = u + 1;
            out[j++].i = i;
        }
    }
    const float *pu = x->P + (size_t)u * K;
    for (size_t j = 0; j < m; j++) {
        const uint32_t i = out[j].i;
        if (j + 8 < m) __builtin_prefetch(x->Q + (size_t)out[j + 8].i * K);
        const float *qi = x->Q + (size_t)i * K;
        double dot = 0;
        for (uint32_t k = 0; k < K; k++) dot += (double)pu[k] * qi[k];
        /* noise: Irwin-Hall (four 16-bit uniforms of one draw), mean 0, sd 1 */
        const uint64_t w = hb_rng_next(&g);
        const double z = ((double)(w & 0xffff) + (double)(w >> 16 & 0xffff) +
                          (double)(w >> 32 & 0xffff) + (double)(w >> 48)) *
                             (1.0 / 65536.0) - 2.0;
        double r = 3.55 + x->bu[u] + x->bi[i] + dot + 0.45 * 1.7320508075688772 * z;
        r = floor(r + 0.5);
        r = r < 1 ? 1 : r > 5 ? 5 : r;
        out[j].u = u;
        out[j].r = (float)r;
        *lo = out[j].r < *lo ? out[j].r : *lo;
        *hi = out[j].r > *hi ? out[j].r : *hi;
    }
    if (x->want_ts) { /* each user active for up to two years somewhere in 2000..2019 */
        const uint64_t h = hb_hash2(x->seed ^ 0x71e57a3bu, u);
        const int64_t span = 86400 + (int64_t)(h % (2 * 365 * 86400ULL));
        const int64_t t0 = HB_SYN_T0 + (int64_t)((h >> 20) % (uint64_t)(HB_SYN_SPAN - span));
        for (size_t j = 0; j < m; j++)
            t->ts[a + j] = t0 + (int64_t)(hb_rng_next(&g) % (uint64_t)span);
    }
    return 0;
}

hb_status hb_synth_table(const hb_synth_params *p, int want_ts, int threads, hb_table *t,
                         hb_error *err) {
    memset(t, 0, sizeof *t);
    if (!p->users || !p->items || !p->ratings || !p->dim)
        return hb_fail(err, HB_ERR_ARG, "synthetic: users, items, ratings and dim must be > 0");
    if ((double)p->ratings > 0.5 * (double)p->users * (double)p->items)
        return hb_fail(err, HB_ERR_ARG,
                       "synthetic: %llu ratings exceed half of the %u x %u matrix",
                       (unsigned long long)p->ratings, p->users, p->items);
    if (p->ratings > SIZE_MAX / 32)
        return hb_fail(err, HB_ERR_ARG, "synthetic: too many ratings for this machine");
    const uint32_t K = p->dim, nu = p->users, ni = p->items;
    const size_t N = (size_t)p->ratings;
    const uint64_t seed = p->seed;
    const int nt = threads > 0 ? threads : omp_get_max_threads();
    hb_rng rng;
    hb_rng_seed(&rng, seed);
    hb_status st = HB_ERR_NOMEM;
    float *P = malloc((size_t)nu * K * sizeof *P), *Q = malloc((size_t)ni * K * sizeof *Q);
    float *bu = malloc((size_t)nu * sizeof *bu), *bi = malloc((size_t)ni * sizeof *bi);
    uint64_t *cnt = malloc(((size_t)nu + 1) * sizeof *cnt);
    double *uw = NULL, *iw = NULL;
    hb_alias al = {0};
    if (!P || !Q || !bu || !bi || !cnt) goto done;
    iw = hb_zipf_weights(ni, p->zipf, &rng);
    uw = hb_zipf_weights(nu, p->zipf * 0.5, &rng); /* users: milder skew than items */
    if (!iw || !uw || hb_alias_build(&al, iw, ni)) goto done;
    if (hb_apportion(uw, nu, N, ((uint64_t)ni + 1) / 2, cnt)) {
        st = hb_fail(err, HB_ERR_ARG, "synthetic: cannot share %zu ratings among %u users", N, nu);
        goto done;
    }
    t->r = malloc(N * sizeof *t->r);
    t->user_ids = malloc((size_t)nu * sizeof *t->user_ids);
    t->item_ids = malloc((size_t)ni * sizeof *t->item_ids);
    if (want_ts) t->ts = malloc(N * sizeof *t->ts);
    if (!t->r || !t->user_ids || !t->item_ids || (want_ts && !t->ts)) goto done;
    /* factors scaled so p.q has a standard deviation of about 0.8 stars; one stream per row */
    const double s = pow(0.64 / K, 0.25);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (long r = 0; r < (long)nu + (long)ni; r++) {
        hb_rng g;
        hb_rng_seed(&g, hb_hash2(seed ^ 0x9a11f0c7u, (uint64_t)r));
        float *row = r < (long)nu ? P + (size_t)r * K : Q + (size_t)(r - nu) * K;
        for (uint32_t k = 0; k < K; k++) row[k] = (float)(s * hb_rng_normal(&g));
        if (r < (long)nu) bu[r] = (float)(0.35 * hb_rng_normal(&g));
        else bi[r - nu] = (float)(0.45 * hb_rng_normal(&g));
    }
    /* offsets: user u's ratings are rows [cnt[u], cnt[u+1]) */
    {
        uint64_t acc = 0;
        for (uint32_t u = 0; u < nu; u++) {
            const uint64_t c = cnt[u];
            cnt[u] = acc;
            acc += c;
        }
        cnt[nu] = acc;
    }
    for (uint32_t u = 0; u < nu; u++) t->user_ids[u] = (int64_t)u + 1;
    for (uint32_t i = 0; i < ni; i++) t->item_ids[i] = (int64_t)i + 1;
    const hb_synth_ctx x = {P, Q, bu, bi, iw, &al, cnt, K, ni, seed, want_ts};
    int oom = 0;
    float lo = INFINITY, hi = -INFINITY;
#pragma omp parallel num_threads(nt) reduction(| : oom) reduction(min : lo) reduction(max : hi)
    {
        uint32_t *stamp = calloc(ni, sizeof *stamp);
        hb_ki *ki = NULL;
        if (!stamp) oom = 1;
#pragma omp for schedule(dynamic, 64)
        for (long ul = 0; ul < (long)nu; ul++) {
            if (oom) continue;
            if (hb_synth_user(&x, (uint32_t)ul, t, stamp, &ki, &lo, &hi) != 0) oom = 1;
        }
        free(stamp);
        free(ki);
    }
    if (oom) goto done;
    t->n = N;
    t->n_users = nu;
    t->n_items = ni;
    t->r_min = lo;
    t->r_max = hi;
    t->has_ts_column = want_ts;
    st = HB_OK;
done:
    if (st == HB_ERR_NOMEM) hb_fail(err, st, "synthetic: out of memory for %zu ratings", N);
    if (st != HB_OK) hb_table_free(t);
    free(P);
    free(Q);
    free(bu);
    free(bi);
    free(cnt);
    free(uw);
    free(iw);
    free(al.prob);
    free(al.alias);
    return st;
}

/* ------------------------------------------------------------------ text output */

static char *hb_put_u64(char *p, uint64_t v) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

static char *hb_put_rating(char *p, float r) {
    if (r == floorf(r) && fabsf(r) < 1e9f) {
        if (r < 0) *p++ = '-';
        return hb_put_u64(p, (uint64_t)fabsf(r));
    }
    return p + snprintf(p, 32, "%.9g", r);
}

static int hb_write_fd(int fd, const char *b, size_t n) {
    while (n) {
        const ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

hb_status hb_synth_write(const hb_synth_params *p, const char *path, hb_format format,
                         int threads, hb_error *err) {
    if (format == HB_FORMAT_AUTO) format = HB_FORMAT_CSV;
    hb_atomic out;
    hb_status st = hb_atomic_open(&out, "", path, err); /* before the work */
    if (st != HB_OK) return st;
    hb_table t;
    if ((st = hb_synth_table(p, 1, threads, &t, err)) != HB_OK) {
        hb_atomic_abort(&out);
        return st;
    }
    const char *d = format == HB_FORMAT_CSV ? "," : format == HB_FORMAT_TSV ? "\t" : "::";
    const size_t dl = strlen(d);
    const int nt = threads > 0 ? threads : omp_get_max_threads();
    const size_t B = (size_t)1 << 20; /* rows per block */
    const size_t line_max = 3 * 20 + 32 + 3 * 2 + 1;
    const int fd = out.fd;
    char **buf = calloc((size_t)nt, sizeof *buf);
    size_t *len = calloc((size_t)nt, sizeof *len);
    int bad = fd < 0 || !buf || !len;
    for (int k = 0; k < nt && !bad; k++) bad = !(buf[k] = malloc(B * line_max));
    if (!bad && format == HB_FORMAT_CSV) {
        static const char h[] = "userId,movieId,rating,timestamp\n";
        bad = hb_write_fd(fd, h, sizeof h - 1);
    }
    /* rounds of nt blocks: formatted in parallel, written in order */
    for (size_t r0 = 0; r0 < t.n && !bad; r0 += B * (size_t)nt) {
#pragma omp parallel for num_threads(nt) schedule(static, 1)
        for (int k = 0; k < nt; k++) {
            const size_t a = r0 + (size_t)k * B, b = a + B < t.n ? a + B : t.n;
            char *o = buf[k];
            for (size_t j = a; j < b; j++) {
                o = hb_put_u64(o, (uint64_t)t.user_ids[t.r[j].u]);
                memcpy(o, d, dl);
                o += dl;
                o = hb_put_u64(o, (uint64_t)t.item_ids[t.r[j].i]);
                memcpy(o, d, dl);
                o += dl;
                o = hb_put_rating(o, t.r[j].r);
                memcpy(o, d, dl);
                o += dl;
                o = hb_put_u64(o, (uint64_t)t.ts[j]);
                *o++ = '\n';
            }
            len[k] = a < t.n ? (size_t)(o - buf[k]) : 0;
        }
        for (int k = 0; k < nt && !bad; k++) bad = hb_write_fd(fd, buf[k], len[k]);
    }
    if (bad) {
        st = hb_fail(err, HB_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        hb_atomic_abort(&out);
    } else {
        st = hb_atomic_commit(&out, err);
    }
    for (int k = 0; buf && k < nt; k++) free(buf[k]);
    free(buf);
    free(len);
    hb_table_free(&t);
    return st;
}
