/* compare_decide.c: the verdicts of 'hogbench compare' (fixed-sample and sequential tests) as
 * pure functions of the values, so that they can be tested and simulated without files. */
#include "compare_decide.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

const char *const hb_verdict_name[] = {"ok", "improved", "unclear", "REGRESSED", "FAILED",
                                       "n/a"};

void hb_decide_opts_default(hb_decide_opts *o) {
    memset(o, 0, sizeof *o);
    o->higher = 1;
    o->tol = 0.005;
    o->threshold = 0.05;
    o->alpha = 0.05;
    o->beta = 0.05;
    o->method = HB_DECIDE_AUTO;
    o->min_pairs = 5;
}

static void hb_decision_init(hb_decision *r) {
    memset(r, 0, sizeof *r);
    r->mb = r->mn = r->change = r->p = r->bound = r->llr = r->need = NAN;
}

/* The first non-finite value of a side, as a FAILED verdict; 1 when there was one. */
static int hb_decide_nonfinite(const double *v, size_t n, const char *side, hb_decision *r) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) {
            r->v = HB_V_FAILED;
            snprintf(r->note, sizeof r->note, "%s value %zu is %g, not a finite number", side,
                     i + 1, v[i]);
            return 1;
        }
    return 0;
}

/* Repeats per side for an unclear line, from Noether's (1987) sample size for the
 * Mann-Whitney test: n = (z_{1-alpha} + z_{1-beta})^2 / (6 (q - 1/2)^2) per side, q the
 * observed probability that a new run is worse than a base run shifted by the threshold
 * (U / (nx nb)); at least one more than the larger side has, and enough for the exact test to
 * reach alpha. */
static double hb_fixed_need(double q, size_t nb, size_t nx, const hb_decide_opts *o) {
    const double z = hb_normal_quantile(1 - o->alpha) + hb_normal_quantile(1 - o->beta);
    const double e = q - 0.5;
    if (!(fabs(e) > 1e-9)) return NAN;
    const double n = z * z / (6 * e * e);
    if (!(n < 1e6)) return NAN;
    size_t k = (size_t)ceil(n);
    const size_t have = nb > nx ? nb : nx;
    if (k <= have) k = have + 1;
    while (hb_mwu_min_p(k, k, HB_ALT_LESS) > o->alpha) k++;
    return (double)k;
}

static void hb_scaled(const double *x, size_t n, double f, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = x[i] * f;
}

void hb_decide_fixed(const double *b, size_t nb, const double *x, size_t nx,
                     const hb_decide_opts *o, hb_decision *r) {
    hb_decision_init(r);
    if (hb_decide_nonfinite(b, nb, "base", r) || hb_decide_nonfinite(x, nx, "new", r)) return;
    r->mb = hb_median(b, nb);
    r->mn = hb_median(x, nx);
    r->change = r->mb != 0 ? (r->mn / r->mb - 1) * 100 : NAN;
    if (nx == 0 || nb == 0) {
        r->v = HB_V_NA;
        snprintf(r->note, sizeof r->note, "no %s value", nb == 0 ? "base" : "new");
        return;
    }
    const double sign = o->higher ? 1 : -1; /* > 0: better */
    if (o->absolute) {
        const double d = (r->mn - r->mb) * sign;
        snprintf(r->method, sizeof r->method, "abs");
        snprintf(r->test, sizeof r->test, "d=%+.3g tol %g", r->mn - r->mb, o->tol);
        r->v = d < -o->tol ? HB_V_REGRESSED : d > o->tol ? HB_V_IMPROVED : HB_V_OK;
        return;
    }
    const double t = o->threshold;
    /* medians beyond the threshold, either way */
    const double worse_lim = r->mb * (1 - sign * t), better_lim = r->mb * (1 + sign * t);
    const int worse = (r->mn - worse_lim) * sign < 0, better = (r->mn - better_lim) * sign > 0;
    const hb_alternative alt_worse = o->higher ? HB_ALT_LESS : HB_ALT_GREATER;
    const hb_alternative alt_better = o->higher ? HB_ALT_GREATER : HB_ALT_LESS;
    const int use_u = o->method == HB_DECIDE_MWU ||
                      (o->method == HB_DECIDE_AUTO && hb_mwu_min_p(nx, nb, alt_worse) <= o->alpha);
    int sig_worse = 0, sig_better = 0;
    if (use_u) {
        double *sh = malloc(nb * sizeof *sh);
        hb_mwu uw, ub;
        int ok = sh != NULL;
        if (ok) {
            hb_scaled(b, nb, 1 - sign * t, sh);
            ok = hb_mann_whitney(x, nx, sh, nb, alt_worse, &uw) == 0;
            hb_scaled(b, nb, 1 + sign * t, sh);
            ok = ok && hb_mann_whitney(x, nx, sh, nb, alt_better, &ub) == 0;
        }
        free(sh);
        if (!ok) {
            r->v = HB_V_NA;
            snprintf(r->note, sizeof r->note, "test failed (out of memory)");
            return;
        }
        sig_worse = uw.p <= o->alpha;
        sig_better = ub.p <= o->alpha;
        r->p = (r->mn - r->mb) * sign < 0 ? uw.p : ub.p;
        snprintf(r->method, sizeof r->method, "%s", uw.method == HB_MWU_NORMAL ? "U~" : "U");
        snprintf(r->test, sizeof r->test, "p=%.3g %s", r->p, r->method);
    } else {
        /* se(median) ~ 1.2533 sigma / sqrt(n), sigma ~ 1.4826 MAD; the scale comes from a few
         * runs, hence Student's t with n_b + n_n - 2 degrees of freedom rather than z */
        const double k = 1.2533 * 1.4826;
        const double madb = hb_mad(b, nb), madn = hb_mad(x, nx);
        const double se = k * sqrt(madb * madb / (double)nb + madn * madn / (double)nx);
        const double df = (double)(nb + nx) - 2;
        r->bound = (df >= 1 ? hb_t_quantile(1 - o->alpha, df) : 0) * se;
        sig_worse = (worse_lim - r->mn) * sign > r->bound;
        sig_better = (r->mn - better_lim) * sign > r->bound;
        snprintf(r->method, sizeof r->method, "MAD");
        if (nb == 1 && nx == 1) snprintf(r->test, sizeof r->test, "1 vs 1: threshold");
        else if (r->mb != 0)
            snprintf(r->test, sizeof r->test, "+-%.2g%% MAD", r->bound / fabs(r->mb) * 100);
        else snprintf(r->test, sizeof r->test, "+-%.3g MAD", r->bound);
    }
    if (worse && sig_worse) r->v = HB_V_REGRESSED;
    else if (better && sig_better) r->v = HB_V_IMPROVED;
    else if (worse || better) {
        r->v = HB_V_UNCLEAR;
        /* U of x against b shifted to the threshold the median crossed */
        double *sh = malloc(nb * sizeof *sh);
        hb_mwu u;
        if (sh) {
            hb_scaled(b, nb, worse ? 1 - sign * t : 1 + sign * t, sh);
            if (hb_mann_whitney(x, nx, sh, nb, HB_ALT_LESS, &u) == 0) {
                const double gt = u.u / ((double)nx * (double)nb); /* P(new > shifted base) */
                const int want_gt = worse ? !o->higher : o->higher;
                r->need = hb_fixed_need(want_gt ? gt : 1 - gt, nb, nx, o);
            }
            free(sh);
        }
        if (!isnan(r->need))
            snprintf(r->note, sizeof r->note, "needs ~%.0f repeats per side (has %zu/%zu) for "
                     "this change to be significant at this noise", r->need, nb, nx);
        else
            snprintf(r->note, sizeof r->note, "not significant (has %zu/%zu repeats)", nb, nx);
    } else r->v = HB_V_OK;
}

/* ------------------------------------------------------------------ the sequential test */

double hb_sprt_llr(double q0, double q1, size_t n) {
    if (q0 <= 0 && q1 <= 0) return 0;
    if (q1 <= 0) return INFINITY;
    if (q0 <= 0) return -INFINITY;
    return 0.5 * (double)n * log(q0 / q1);
}

/* An SPRT's state: sums over the pairs seen, its first crossing. */
typedef struct hb_sprt {
    double d, q0, q1;     /* the alternative's slowdown; sum s^2, sum (s - d)^2 */
    int decided;          /* 0 running, 1 accepted H1, -1 accepted H0 */
    size_t at;            /* pairs at the crossing */
    double llr;           /* at the crossing (or the last look) */
} hb_sprt;

static void hb_sprt_step(hb_sprt *t, double s, size_t n, size_t min_pairs, double lo, double hi) {
    if (t->decided) return;
    t->q0 += s * s;
    t->q1 += (s - t->d) * (s - t->d);
    if (n < min_pairs) return;
    t->llr = hb_sprt_llr(t->q0, t->q1, n);
    if (t->llr >= hi) t->decided = 1;
    else if (t->llr <= lo) t->decided = -1;
    if (t->decided) t->at = n;
}

void hb_decide_sequential(const double *b, const double *x, size_t n, const hb_decide_opts *o,
                          hb_decision *r) {
    hb_decision_init(r);
    snprintf(r->method, sizeof r->method, "SPRT");
    if (hb_decide_nonfinite(b, n, "base", r) || hb_decide_nonfinite(x, n, "new", r)) return;
    for (size_t i = 0; i < n; i++)
        if (!(b[i] > 0 && x[i] > 0)) {
            r->v = HB_V_FAILED;
            snprintf(r->note, sizeof r->note, "pair %zu: %g and %g: the sequential test needs "
                     "positive values (it compares their logarithms)", i + 1, b[i], x[i]);
            return;
        }
    const double sign = o->higher ? 1 : -1;
    const double d = o->higher ? -log(1 - o->threshold) : log(1 + o->threshold);
    if (!(d > 0) || !isfinite(d)) {
        r->v = HB_V_NA;
        snprintf(r->note, sizeof r->note, "the sequential test needs a threshold in (0, 100%%)");
        return;
    }
    if (n == 0) {
        r->v = HB_V_NA;
        snprintf(r->note, sizeof r->note, "no pair of values");
        return;
    }
    const size_t min_pairs = o->min_pairs < 2 ? 2 : o->min_pairs;
    const double lo = log(o->beta / (1 - o->alpha)), hi = log((1 - o->beta) / o->alpha);
    hb_sprt reg = {.d = d, .llr = NAN}, imp = {.d = -d, .llr = NAN};
    double sum = 0, sumsq = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const double s = sign * log(b[i] / x[i]);
        if (!reg.decided) {
            sum += s;
            sumsq += s * s;
            used = i + 1;
        }
        hb_sprt_step(&reg, s, i + 1, min_pairs, lo, hi);
        hb_sprt_step(&imp, s, i + 1, min_pairs, lo, hi);
        if (reg.decided && imp.decided) break;
    }
    r->n_used = used;
    r->llr = reg.llr;
    /* medians of the pairs used; change: the geometric mean of their ratios */
    r->mb = hb_median(b, used);
    r->mn = hb_median(x, used);
    const double mean = sum / (double)used;
    r->change = (exp(-sign * mean) - 1) * 100;
    const double var = used > 1 ? (sumsq - sum * mean) / (double)(used - 1) : NAN;
    const double sd = var > 0 ? sqrt(var) : 0;
    if (reg.decided) snprintf(r->test, sizeof r->test, "SPRT %zu pairs", used);
    else snprintf(r->test, sizeof r->test, "SPRT %zu pairs: open", used);
    if (reg.decided == 1) {
        r->v = HB_V_REGRESSED;
        snprintf(r->note, sizeof r->note, "log LR %.2f >= %.2f after %zu pairs (mean change "
                 "%+.1f%%, pair sd %.1f%%)", reg.llr, hi, used, r->change, sd * 100);
        return;
    }
    if (reg.decided == -1) {
        r->v = imp.decided == 1 ? HB_V_IMPROVED : HB_V_OK;
        snprintf(r->note, sizeof r->note, "log LR %.2f <= %.2f after %zu pairs (mean change "
                 "%+.1f%%, pair sd %.1f%%)%s", reg.llr, lo, used, r->change, sd * 100,
                 r->v == HB_V_IMPROVED ? "; the mirror test says improved" : "");
        return;
    }
    /* undecided: the drift of the log LR per pair at the current mean and spread,
     * (d / V)(mean - d/2), tells roughly how far the nearer boundary is */
    r->v = HB_V_UNCLEAR;
    const double v = used > 1 ? (sumsq - sum * mean) / (double)used : 0;
    if (used < min_pairs) {
        r->need = (double)(min_pairs - used);
        snprintf(r->note, sizeof r->note, "%zu pairs, the test looks from %zu on", used,
                 min_pairs);
        return;
    }
    const double drift = v > 0 ? d / v * (mean - d / 2) : NAN;
    const double gap = drift > 0 ? hi - reg.llr : reg.llr - lo;
    if (isfinite(drift) && fabs(drift) > 1e-12 && gap / fabs(drift) < 1e6)
        r->need = ceil(gap / fabs(drift));
    if (!isnan(r->need))
        snprintf(r->note, sizeof r->note, "log LR %.2f in (%.2f, %.2f) after %zu pairs (mean "
                 "change %+.1f%%, pair sd %.1f%%): ~%.0f more pairs", reg.llr, lo, hi, used,
                 r->change, sd * 100, r->need);
    else
        snprintf(r->note, sizeof r->note, "log LR %.2f in (%.2f, %.2f) after %zu pairs (mean "
                 "change %+.1f%%, pair sd %.1f%%)", reg.llr, lo, hi, used, r->change, sd * 100);
}
