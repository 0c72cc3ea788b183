/* stats.h: small-sample statistics for 'hogbench compare': median, MAD, Mann-Whitney U. */
#ifndef HB_STATS_H
#define HB_STATS_H

#include <stddef.h>

/* Median of x[0..n) (the mean of the two middle values when n is even); x is not modified.
 * NAN when n is 0 or memory runs out. */
double hb_median(const double *x, size_t n);
/* The median of s[0..n) already sorted ascending (n >= 1). */
double hb_median_sorted(const double *s, size_t n);
/* qsort's comparison for doubles, ascending. */
int hb_cmp_double(const void *a, const void *b);

/* Median absolute deviation from the median, unscaled (multiply by 1.4826 for a normal
 * sigma). NAN when n is 0. */
double hb_mad(const double *x, size_t n);

/* Which way the alternative hypothesis points, for x against y. */
typedef enum hb_alternative {
    HB_ALT_LESS = 0,    /* x tends to be smaller than y */
    HB_ALT_GREATER,     /* x tends to be larger than y */
    HB_ALT_TWO_SIDED,
} hb_alternative;

typedef enum hb_mwu_method {
    HB_MWU_EXACT = 0,   /* no ties: the exact null distribution of U */
    HB_MWU_EXACT_TIES,  /* ties: the exact permutation distribution of the mid-rank sum */
    HB_MWU_NORMAL,      /* large samples: normal approximation, tie and continuity corrected */
} hb_mwu_method;

typedef struct hb_mwu {
    double u;           /* U of x: #(x_i > y_j) + 0.5 #(x_i == y_j), in 0..nx*ny */
    double p;           /* p-value for the alternative asked for */
    hb_mwu_method method;
} hb_mwu;

/* Mann-Whitney U test of x (nx values) against y (ny values). Exact p (ties included: the
 * permutation distribution of the mid-rank sum, counted by dynamic programming) while
 * nx+ny <= 60 and C(nx+ny, nx) < 2^53, else the normal approximation with tie and
 * continuity corrections. Returns 0, or -1 (out->p = NAN) when a sample is empty, holds a
 * NaN, or memory runs out. */
int hb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, hb_alternative alt,
                    hb_mwu *out);

/* The smallest p the exact test can reach for these sizes: 1 / C(nx+ny, nx) one-sided,
 * twice that two-sided (at most 1). With 3 against 3 that is 0.05 (0.1 two-sided). */
double hb_mwu_min_p(size_t nx, size_t ny, hb_alternative alt);

/* Standard normal CDF, and its inverse for 0 < p < 1 (Acklam's rational approximation,
 * refined by one Newton step: |error| < 1e-12). */
double hb_normal_cdf(double z);
double hb_normal_quantile(double p);

/* Student's t quantile for 0 < p < 1 and df >= 1 degrees of freedom: exact for df = 1 and 2,
 * else the Cornish-Fisher expansion around the normal quantile (relative error below 0.4% for
 * df >= 3 and p <= 0.99, on the low side). NAN for df < 1. */
double hb_t_quantile(double p, double df);

#endif
