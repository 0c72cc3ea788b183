/* synth.c: synthetic ratings from a planted low-rank model with power-law item popularity. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "internal.h"

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
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(eq - s), s);
        char val[64];
        snprintf(val, sizeof val, "%.*s", (int)(comma - eq - 1), eq + 1);
        char *e;
        errno = 0;
        if (strcmp(key, "zipf") == 0 || strcmp(key, "test") == 0) {
            double v = strtod(val, &e);
            if (e == val || *e || errno || !isfinite(v) || v < 0 ||
                (key[0] == 't' && (v <= 0 || v >= 1)))
                return hb_fail(err, HB_ERR_ARG, "'%s': %s=%s: expected a %s", spec, key, val,
                               key[0] == 't' ? "fraction in (0, 1)" : "non-negative number");
            if (key[0] == 'z') p->zipf = v;
            else p->test_fraction = v;
        } else {
            unsigned long long v = strtoull(val, &e, 10);
            if (e == val || *e || errno || val[0] == '-')
                return hb_fail(err, HB_ERR_ARG, "'%s': %s=%s: expected a non-negative integer",
                               spec, key, val);
            if (strcmp(key, "users") == 0 || strcmp(key, "items") == 0 ||
                strcmp(key, "dim") == 0) {
                if (v == 0 || v > UINT32_MAX)
                    return hb_fail(err, HB_ERR_ARG, "'%s': %s=%s: expected 1..%u", spec, key,
                                   val, UINT32_MAX);
                if (key[0] == 'u') p->users = (uint32_t)v;
                else if (key[0] == 'i') p->items = (uint32_t)v;
                else p->dim = (uint32_t)v;
            } else if (strcmp(key, "ratings") == 0) {
                if (v == 0)
                    return hb_fail(err, HB_ERR_ARG, "'%s': ratings must be positive", spec);
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

/* Index of the first cdf entry > x (cdf ascending, last entry 1). */
static uint32_t hb_cdf_pick(const double *cdf, uint32_t n, double x) {
    uint32_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* Power-law weights 1/(rank+1)^a over a seeded random permutation, as a CDF. */
static double *hb_zipf_cdf(uint32_t n, double a, hb_rng *rng) {
    double *cdf = malloc(n * sizeof *cdf);
    uint32_t *perm = malloc(n * sizeof *perm);
    if (!cdf || !perm) {
        free(cdf);
        free(perm);
        return NULL;
    }
    for (uint32_t k = 0; k < n; k++) perm[k] = k;
    for (uint32_t k = n; k > 1; k--) {
        uint32_t j = (uint32_t)hb_rng_below(rng, k), t = perm[k - 1];
        perm[k - 1] = perm[j];
        perm[j] = t;
    }
    for (uint32_t k = 0; k < n; k++) cdf[perm[k]] = 1.0 / pow((double)k + 1.0, a);
    double s = 0;
    for (uint32_t k = 0; k < n; k++) cdf[k] = (s += cdf[k]);
    for (uint32_t k = 0; k < n; k++) cdf[k] /= s;
    cdf[n - 1] = 1.0;
    free(perm);
    return cdf;
}

hb_status hb_dataset_synthetic(const hb_synth_params *p, hb_dataset **out, hb_error *err) {
    *out = NULL;
    if (!p->users || !p->items || !p->ratings || !p->dim)
        return hb_fail(err, HB_ERR_ARG, "synthetic: users, items, ratings and dim must be > 0");
    if ((double)p->ratings > 0.5 * (double)p->users * (double)p->items)
        return hb_fail(err, HB_ERR_ARG,
                       "synthetic: %llu ratings exceed half of the %u x %u matrix",
                       (unsigned long long)p->ratings, p->users, p->items);
    const uint32_t K = p->dim;
    const size_t N = (size_t)p->ratings;
    hb_rng rng;
    hb_rng_seed(&rng, p->seed);
    hb_status st = HB_ERR_NOMEM;
    float *P = malloc((size_t)p->users * K * sizeof *P), *Q = malloc((size_t)p->items * K * sizeof *Q);
    float *bu = malloc(p->users * sizeof *bu), *bi = malloc(p->items * sizeof *bi);
    size_t cap = 1;
    while (cap < 2 * N) cap <<= 1;
    uint64_t *set = calloc(cap, sizeof *set); /* open addressing, key = (u+1)<<32 | (i+1) */
    hb_raw_rating *tr = malloc(N * sizeof *tr), *te = malloc(N * sizeof *te);
    double *ucdf = NULL, *icdf = NULL;
    if (!P || !Q || !bu || !bi || !set || !tr || !te) goto done;
    ucdf = hb_zipf_cdf(p->users, p->zipf * 0.5, &rng); /* users: milder skew than items */
    icdf = hb_zipf_cdf(p->items, p->zipf, &rng);
    if (!ucdf || !icdf) goto done;
    /* factors scaled so p.q has a standard deviation of about 0.8 stars */
    const double s = pow(0.64 / K, 0.25);
    for (size_t k = 0; k < (size_t)p->users * K; k++) P[k] = (float)(s * hb_rng_normal(&rng));
    for (size_t k = 0; k < (size_t)p->items * K; k++) Q[k] = (float)(s * hb_rng_normal(&rng));
    for (uint32_t k = 0; k < p->users; k++) bu[k] = (float)(0.35 * hb_rng_normal(&rng));
    for (uint32_t k = 0; k < p->items; k++) bi[k] = (float)(0.45 * hb_rng_normal(&rng));
    size_t ntr = 0, nte = 0;
    for (size_t n = 0; n < N;) {
        uint32_t u = hb_cdf_pick(ucdf, p->users, hb_rng_double(&rng));
        uint32_t i = hb_cdf_pick(icdf, p->items, hb_rng_double(&rng));
        uint64_t key = ((uint64_t)(u + 1) << 32) | (i + 1), h = key * 0x9e3779b97f4a7c15ULL;
        size_t slot = (size_t)(h >> 20) & (cap - 1);
        int dup = 0;
        while (set[slot]) {
            if (set[slot] == key) {
                dup = 1;
                break;
            }
            slot = (slot + 1) & (cap - 1);
        }
        if (dup) continue;
        set[slot] = key;
        double dot = 0;
        for (uint32_t k = 0; k < K; k++) dot += (double)P[(size_t)u * K + k] * Q[(size_t)i * K + k];
        double r = 3.55 + bu[u] + bi[i] + dot + 0.45 * hb_rng_normal(&rng);
        r = floor(r + 0.5);
        r = r < 1 ? 1 : r > 5 ? 5 : r;
        hb_raw_rating x = {(int64_t)u + 1, (int64_t)i + 1, (float)r};
        if (hb_rng_double(&rng) < p->test_fraction) te[nte++] = x;
        else tr[ntr++] = x;
        n++;
    }
    st = hb_dataset_from_raw(tr, ntr, te, nte, out, err);
    if (st == HB_OK) {
        snprintf((*out)->name, sizeof (*out)->name,
                 "synthetic:users=%u,items=%u,ratings=%llu,dim=%u,seed=%llu,zipf=%g", p->users,
                 p->items, (unsigned long long)p->ratings, p->dim, (unsigned long long)p->seed,
                 p->zipf);
        snprintf((*out)->split, sizeof (*out)->split, "random:%g", p->test_fraction);
    }
done:
    if (st == HB_ERR_NOMEM) hb_fail(err, st, "synthetic: out of memory");
    free(P);
    free(Q);
    free(bu);
    free(bi);
    free(set);
    free(tr);
    free(te);
    free(ucdf);
    free(icdf);
    return st;
}
