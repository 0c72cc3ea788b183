/* stats.c: median, MAD and the Mann-Whitney U test (exact for small samples, ties included). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int hb_cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double hb_median_sorted(const double *s, size_t n) {
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double hb_median(const double *x, size_t n) {
    if (n == 0) return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s) return NAN;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, hb_cmp_double);
    const double m = hb_median_sorted(s, n);
    free(s);
    return m;
}

double hb_mad(const double *x, size_t n) {
    const double m = hb_median(x, n);
    if (isnan(m)) return NAN;
    double *d = malloc(n * sizeof *d);
    if (!d) return NAN;
    for (size_t i = 0; i < n; i++) d[i] = fabs(x[i] - m);
    const double mad = hb_median(d, n);
    free(d);
    return mad;
}

double hb_normal_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

double hb_normal_quantile(double p) {
    if (!(p > 0 && p < 1)) return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    /* Acklam's rational approximation (relative error 1.15e-9), then one Newton step. */
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    const double lo = 0.02425;
    double x;
    if (p < lo) {
        const double q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - lo) {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double e = hb_normal_cdf(x) - p;
    return x - e * 2.5066282746310002 /* sqrt(2 pi) */ * exp(x * x / 2);
}

double hb_t_quantile(double p, double df) {
    if (!(df >= 1)) return NAN;
    if (!(p > 0 && p < 1)) return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    if (df == 1) return tan(3.14159265358979323846 * (p - 0.5)); /* Cauchy: exact */
    if (df == 2) return (2 * p - 1) / sqrt(2 * p * (1 - p));    /* exact */
    const double z = hb_normal_quantile(p);
    if (!isfinite(z)) return z;
    const double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
    return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) +
           (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df) +
           (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df * df * df * df);
}

/* C(n, k) as a double (exact while below 2^53). */
static double hb_choose(size_t n, size_t k) {
    if (k > n) return 0;
    if (k > n - k) k = n - k;
    double c = 1;
    for (size_t i = 1; i <= k; i++) c = c * (double)(n - k + i) / (double)i;
    return round(c);
}

double hb_mwu_min_p(size_t nx, size_t ny, hb_alternative alt) {
    if (nx == 0 || ny == 0) return 1;
    const double p = 1 / hb_choose(nx + ny, nx);
    return alt == HB_ALT_TWO_SIDED ? fmin(1, 2 * p) : p;
}

typedef struct hb_ranked {
    double v;
    int from_x;
} hb_ranked;

static int hb_cmp_ranked(const void *a, const void *b) {
    return hb_cmp_double(&((const hb_ranked *)a)->v, &((const hb_ranked *)b)->v);
}

/* Exact null distribution of twice the rank sum of m values drawn from the pooled doubled
 * mid-ranks r2[0..N): P(2R <= obs2) and P(2R >= obs2). dp[j][s] counts the ways to choose j
 * of the values seen so far with doubled rank sum s (integers: mid-ranks are halves). */
static int hb_mwu_exact(const long *r2, size_t N, size_t m, long obs2, double *p_le,
                        double *p_ge) {
    const size_t S = (size_t)(N * (N + 1)) + 1; /* doubled sums run 0..N(N+1) */
    double *dp = calloc((m + 1) * S, sizeof *dp);
    if (!dp) return -1;
    dp[0] = 1;
    for (size_t i = 0; i < N; i++) {
        const size_t top = i + 1 < m ? i + 1 : m;
        for (size_t j = top; j >= 1; j--) { /* downwards: each value used once */
            double *to = dp + j * S;
            const double *from = dp + (j - 1) * S;
            for (size_t s = S - 1; s >= (size_t)r2[i]; s--) {
                to[s] += from[s - (size_t)r2[i]];
            }
        }
    }
    double le = 0, ge = 0, total = 0;
    const double *last = dp + m * S;
    for (size_t s = 0; s < S; s++) {
        total += last[s];
        if ((long)s <= obs2) le += last[s];
        if ((long)s >= obs2) ge += last[s];
    }
    free(dp);
    *p_le = le / total;
    *p_ge = ge / total;
    return 0;
}

int hb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, hb_alternative alt,
                    hb_mwu *out) {
    out->u = NAN;
    out->p = NAN;
    out->method = HB_MWU_NORMAL;
    if (nx == 0 || ny == 0) return -1;
    const size_t N = nx + ny;
    hb_ranked *v = malloc(N * sizeof *v);
    long *r2 = malloc(N * sizeof *r2);
    if (!v || !r2) {
        free(v);
        free(r2);
        return -1;
    }
    for (size_t i = 0; i < N; i++) {
        v[i].v = i < nx ? x[i] : y[i - nx];
        v[i].from_x = i < nx;
        if (isnan(v[i].v)) {
            free(v);
            free(r2);
            return -1;
        }
    }
    qsort(v, N, sizeof *v, hb_cmp_ranked);
    /* doubled mid-ranks (ranks are 1-based; a tie group i..j-1 gets (i+1 + j)/2) */
    long rx2 = 0;
    double tie_sum = 0; /* sum of t^3 - t over tie groups */
    int ties = 0;
    for (size_t i = 0; i < N;) {
        size_t j = i + 1;
        while (j < N && v[j].v == v[i].v) j++;
        const long mid2 = (long)(i + 1 + j);
        const double t = (double)(j - i);
        if (j - i > 1) {
            ties = 1;
            tie_sum += t * t * t - t;
        }
        for (size_t k = i; k < j; k++) {
            r2[k] = mid2;
            if (v[k].from_x) rx2 += mid2;
        }
        i = j;
    }
    const double m = (double)nx, n = (double)ny;
    out->u = (double)rx2 / 2 - m * (m + 1) / 2;

    const double paths = hb_choose(N, nx);
    int done = 0;
    if (N <= 60 && paths < 9007199254740992.0 /* 2^53 */) {
        double le, ge;
        if (hb_mwu_exact(r2, N, nx, rx2, &le, &ge) == 0) {
            out->p = alt == HB_ALT_LESS ? le : alt == HB_ALT_GREATER ? ge : fmin(1, 2 * fmin(le, ge));
            out->method = ties ? HB_MWU_EXACT_TIES : HB_MWU_EXACT;
            done = 1;
        }
    }
    if (!done) {
        const double mu = m * n / 2;
        const double var = m * n / 12 * ((double)N + 1 - tie_sum / ((double)N * ((double)N - 1)));
        if (var <= 0) {
            out->p = 1;
        } else {
            const double sd = sqrt(var);
            const double le = hb_normal_cdf((out->u - mu + 0.5) / sd);
            const double ge = hb_normal_cdf(-(out->u - mu - 0.5) / sd);
            out->p = alt == HB_ALT_LESS ? le : alt == HB_ALT_GREATER ? ge : fmin(1, 2 * fmin(le, ge));
        }
        out->method = HB_MWU_NORMAL;
    }
    if (out->p > 1) out->p = 1;
    free(v);
    free(r2);
    return 0;
}
