/* compare_decide.h: the verdicts of 'hogbench compare' as pure functions of the values: the
 * fixed-sample test (Mann-Whitney U or the median+MAD bound; accuracy tolerances), the
 * repeats an undecided fixed test would need, and the paired sequential test (an SPRT on
 * log ratios) behind --sequential and --rerun. */
#ifndef HB_COMPARE_DECIDE_H
#define HB_COMPARE_DECIDE_H

#include <stddef.h>

typedef enum hb_verdict {
    HB_V_OK = 0, HB_V_IMPROVED, HB_V_UNCLEAR, HB_V_REGRESSED, HB_V_FAILED, HB_V_NA
} hb_verdict;

/* "ok", "improved", "unclear", "REGRESSED", "FAILED", "n/a" */
extern const char *const hb_verdict_name[];

typedef enum hb_decide_method {
    HB_DECIDE_AUTO = 0, /* Mann-Whitney U where the sample sizes can reach alpha, else MAD */
    HB_DECIDE_MWU,
    HB_DECIDE_MAD,
} hb_decide_method;

typedef struct hb_decide_opts {
    int higher;             /* 1: higher is better (updates/s), 0: lower (seconds, Ir) */
    int absolute;           /* 1: an accuracy metric: medians against tol */
    double tol;             /* absolute tolerance (accuracy) */
    double threshold;       /* timings: the relative change that counts (0.05 = 5%) */
    double alpha;           /* the chance of REGRESSED (or improved) when nothing changed */
    double beta;            /* the chance of missing a change of the threshold (power 1-beta) */
    hb_decide_method method;/* fixed-sample test */
    size_t min_pairs;       /* sequential test: no decision before this many pairs (>= 2) */
} hb_decide_opts;

/* Defaults: higher, threshold 5%, tol 0.005, alpha 0.05, beta 0.05, auto, min_pairs 5. */
void hb_decide_opts_default(hb_decide_opts *o);

typedef struct hb_decision {
    hb_verdict v;
    double mb, mn;   /* medians of base and new (sequential: of the pairs used) */
    double change;   /* percent: of the medians (sequential: geometric mean of the pair ratios) */
    double p;        /* fixed, U: the p-value; NAN otherwise */
    double bound;    /* fixed, MAD: the bound; NAN otherwise */
    double llr;      /* sequential: the log likelihood ratio where it stopped; NAN otherwise */
    size_t n_used;   /* sequential: pairs when it decided (every pair when undecided) */
    double need;     /* unclear: fixed: repeats per side that would decide; sequential: about
                        how many more pairs; NAN when it cannot say */
    char method[8];  /* "U", "U~", "MAD", "abs", "SPRT" */
    char test[48];   /* the table's test column */
    char note[200];
} hb_decision;

/* One metric of one config from independent repetitions: base b[0..nb), new x[0..nx).
 * Accuracy (o->absolute): REGRESSED / improved when the medians differ by more than o->tol.
 * Timings: REGRESSED when the new median is worse than the threshold and significantly so
 * (a one-sided Mann-Whitney U test of x against b shifted by the threshold gives p <= alpha;
 * below the sizes where U can reach alpha, the median is beyond the shifted base median by
 * more than t(1-alpha, nb+nx-2) standard errors estimated from the MADs); improved the
 * mirror image; unclear when the median moved beyond the threshold without significance (then
 * need = the repeats per side with which the test would find an effect as large as the one
 * observed with power 1-beta: Noether's sample size for the Mann-Whitney test); ok otherwise. n/a when a side is
 * empty; FAILED when a value is not finite (the caller names the row). */
void hb_decide_fixed(const double *b, size_t nb, const double *x, size_t nx,
                     const hb_decide_opts *o, hb_decision *r);

/* Paired, sequential: pair i is b[i] and x[i], run next to each other (interleaved ABBA), in
 * the order they ran; s_i = log(b_i / x_i) (higher is better; log(x_i / b_i) when lower is
 * better) is the slowdown of pair i, d = -log(1 - threshold) (log(1 + threshold)) the
 * slowdown of the threshold. Wald's sequential probability ratio test of H0: mean s = 0
 * against H1: mean s = d, for normal s with an unknown variance profiled out (the variance's
 * maximum-likelihood estimate under each hypothesis: log LR_n = n/2 log(V0/V1), V_k the mean
 * of (s_i - mu_k)^2), looked at after every pair from min_pairs on and stopped at the first
 * crossing: log LR >= log((1-beta)/alpha) REGRESSED, <= log(beta/(1-alpha)) not regressed.
 * Pairs after the stop are ignored, so the verdict of a prefix never changes when pairs are
 * added. A not-regressed line is improved when the mirror test (H1: mean s = -d) crosses its
 * upper boundary within the pairs given. Undecided after n pairs: unclear, need = about how
 * many more pairs the current mean and spread would take. Values must be positive and
 * finite (else FAILED). */
void hb_decide_sequential(const double *b, const double *x, size_t n, const hb_decide_opts *o,
                          hb_decision *r);

/* The profile log likelihood ratio of the sequential test for n values with sum of squares
 * q0 = sum s_i^2 and q1 = sum (s_i - d)^2: n/2 log(q0/q1); +INFINITY when q1 = 0 < q0,
 * -INFINITY when q0 = 0 < q1. */
double hb_sprt_llr(double q0, double q1, size_t n);

#endif
