/* test_ndcg.c: hb_ndcg_dense and hb_ndcg_row against sklearn's ndcg_score (golden/ndcg_golden.h)
 * and against properties that hold whatever sklearn says. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden/ndcg_golden.h"
#include "metrics.h"

#define HB_NDCG_TOL 1e-6

/* Every golden case through the public dense entry point, all its ks in one call. */
Test(ndcg_golden, dense_matches_sklearn) {
    cr_assert_gt(HB_NDCG_GOLDEN_N, 0);
    size_t checked = 0;
    for (size_t c = 0; c < HB_NDCG_GOLDEN_N; c++) {
        const hb_ndcg_golden *g = &hb_ndcg_golden_cases[c];
        double out[16];
        cr_assert_leq(g->nk, 16);
        hb_status st = hb_ndcg_dense(g->n_rows, g->n_cols, g->gains, g->scores, g->ks, g->nk, out);
        cr_assert_eq(st, HB_OK, "%s: status %d", g->name, (int)st);
        for (int q = 0; q < g->nk; q++, checked++)
            cr_expect_leq(fabs(out[q] - g->expected[q]), HB_NDCG_TOL,
                          "%s, k=%d: hogbench %.17g, sklearn %.17g", g->name, g->ks[q], out[q],
                          g->expected[q]);
    }
    cr_log_info("%zu (case, k) pairs checked", checked);
}

/* One k at a time: a call with a single k must not depend on the other ks of the call. */
Test(ndcg_golden, one_k_per_call) {
    for (size_t c = 0; c < HB_NDCG_GOLDEN_N; c++) {
        const hb_ndcg_golden *g = &hb_ndcg_golden_cases[c];
        for (int q = 0; q < g->nk; q++) {
            double out = -1;
            cr_assert_eq(hb_ndcg_dense(g->n_rows, g->n_cols, g->gains, g->scores, &g->ks[q], 1,
                                       &out), HB_OK);
            cr_expect_leq(fabs(out - g->expected[q]), HB_NDCG_TOL,
                          "%s, k=%d alone: hogbench %.17g, sklearn %.17g", g->name, g->ks[q], out,
                          g->expected[q]);
        }
    }
}

/* The row kernel as hb_evaluate uses it: a workspace sized for k=100 whatever n_cols is, and
 * only the row's nonzero gains (in a scrambled order) passed as rel. */
Test(ndcg_golden, row_kernel_with_sparse_rel) {
    for (size_t c = 0; c < HB_NDCG_GOLDEN_N; c++) {
        const hb_ndcg_golden *g = &hb_ndcg_golden_cases[c];
        hb_ndcg_ws w = {0};
        cr_assert_eq(hb_ndcg_ws_init(&w, g->n_cols, 100), HB_OK);
        float *rel = malloc(g->n_cols * sizeof *rel);
        cr_assert_not_null(rel);
        double acc[16] = {0}, row[16];
        for (size_t r = 0; r < g->n_rows; r++) {
            const float *gr = g->gains + r * g->n_cols;
            size_t m = 0;
            for (size_t j = g->n_cols; j-- > 0;) /* reverse order: rel need not be sorted */
                if (gr[j] != 0) rel[m++] = gr[j];
            hb_ndcg_row(&w, g->n_cols, g->scores + r * g->n_cols, gr, rel, m, g->ks, g->nk, row);
            for (int q = 0; q < g->nk; q++) acc[q] += row[q];
        }
        for (int q = 0; q < g->nk; q++) {
            const double v = acc[q] / (double)g->n_rows;
            cr_expect_leq(fabs(v - g->expected[q]), HB_NDCG_TOL,
                          "%s, k=%d via hb_ndcg_row: %.17g, sklearn %.17g", g->name, g->ks[q], v,
                          g->expected[q]);
        }
        free(rel);
        hb_ndcg_ws_free(&w);
    }
}

static const int ks_all[] = {1, 2, 3, 5, 8, 10, 20, 100};
#define NK_ALL ((int)(sizeof ks_all / sizeof *ks_all))

/* Scores that order the items exactly as their gains do give NDCG 1 at every k. */
Test(ndcg_props, perfect_ranking_is_one) {
    enum { R = 3, C = 12 };
    float gains[R * C], scores[R * C];
    for (int r = 0; r < R; r++)
        for (int j = 0; j < C; j++) {
            /* row 0: distinct gains; row 1: gains with ties; row 2: one relevant item */
            const float gv = r == 0 ? (float)(C - j) : r == 1 ? (float)((C - j) / 3) : (j == 4 ? 2.0f : 0.0f);
            gains[r * C + j] = gv;
            scores[r * C + j] = r == 2 ? (j == 4 ? 1.0f : -(float)j) : (float)(C - j) * 0.5f - 3.0f;
        }
    double out[NK_ALL];
    cr_assert_eq(hb_ndcg_dense(R, C, gains, scores, ks_all, NK_ALL, out), HB_OK);
    for (int q = 0; q < NK_ALL; q++)
        cr_expect_float_eq(out[q], 1.0, 1e-12, "k=%d: %.17g", ks_all[q], out[q]);
}

/* Distinct gains 1..n ranked in exactly the wrong order. With DCG@k = sum_{r<k} g_(r) / log2(r+2)
 * (r the 0-based rank), the ranking puts gain 1 first, 2 second, ..., so
 *   DCG@k  = sum_{r<k} (r+1)   / log2(r+2)
 *   IDCG@k = sum_{r<k} (n-r)   / log2(r+2)
 * and NDCG@k is their ratio (for k >= n the sums stop at n). */
Test(ndcg_props, reversed_ranking_by_formula) {
    enum { C = 9 };
    float gains[C], scores[C];
    for (int j = 0; j < C; j++) {
        gains[j] = (float)(C - j);   /* item j has gain n - j */
        scores[j] = (float)j * 0.25f; /* and the lowest score for the highest gain */
    }
    const int ks[] = {1, 2, 4, 9, 10, 30};
    const int nk = (int)(sizeof ks / sizeof *ks);
    double out[6];
    cr_assert_eq(hb_ndcg_dense(1, C, gains, scores, ks, nk, out), HB_OK);
    for (int q = 0; q < nk; q++) {
        double dcg = 0, idcg = 0;
        for (int r = 0; r < ks[q] && r < C; r++) {
            dcg += (r + 1.0) / log2(r + 2.0);
            idcg += (double)(C - r) / log2(r + 2.0);
        }
        cr_expect_float_eq(out[q], dcg / idcg, 1e-12, "k=%d: hogbench %.17g, formula %.17g",
                           ks[q], out[q], dcg / idcg);
    }
    /* k=1 by hand: gain 1 at rank 0 against gain 9: 1/9 */
    cr_expect_float_eq(out[0], 1.0 / 9.0, 1e-12);
}

/* Permuting the columns of gains and scores together changes nothing (ties included). */
Test(ndcg_props, column_permutation_invariant) {
    for (size_t c = 0; c < HB_NDCG_GOLDEN_N; c++) {
        const hb_ndcg_golden *g = &hb_ndcg_golden_cases[c];
        const size_t R = g->n_rows, C = g->n_cols;
        size_t *perm = malloc(C * sizeof *perm);
        float *pg = malloc(R * C * sizeof *pg), *ps = malloc(R * C * sizeof *ps);
        cr_assert(perm && pg && ps);
        for (size_t j = 0; j < C; j++) perm[j] = j;
        unsigned s = 12345u + (unsigned)c; /* a fixed LCG shuffle (Fisher-Yates) */
        for (size_t j = C; j-- > 1;) {
            s = s * 1103515245u + 12345u;
            size_t t = (s >> 8) % (j + 1), x = perm[j];
            perm[j] = perm[t];
            perm[t] = x;
        }
        for (size_t r = 0; r < R; r++)
            for (size_t j = 0; j < C; j++) {
                pg[r * C + j] = g->gains[r * C + perm[j]];
                ps[r * C + j] = g->scores[r * C + perm[j]];
            }
        double a[16], b[16];
        cr_assert_eq(hb_ndcg_dense(R, C, g->gains, g->scores, g->ks, g->nk, a), HB_OK);
        cr_assert_eq(hb_ndcg_dense(R, C, pg, ps, g->ks, g->nk, b), HB_OK);
        for (int q = 0; q < g->nk; q++)
            cr_expect_float_eq(a[q], b[q], 1e-12, "%s, k=%d: %.17g before, %.17g permuted",
                               g->name, g->ks[q], a[q], b[q]);
        free(perm);
        free(pg);
        free(ps);
    }
}

/* A row whose gains are all 0 scores 0 and still counts in the average: appending one to an
 * n-row matrix multiplies the mean by n / (n + 1). */
Test(ndcg_props, zero_gain_row_counts_as_zero) {
    enum { C = 6 };
    const float gains[2 * C] = {3, 0, 1, 0, 2, 0, /* row 0 */
                                0, 0, 0, 0, 0, 0}; /* row 1: nothing relevant */
    const float scores[2 * C] = {0.5f, 1.0f, 0.25f, 0.0f, -1.0f, 0.75f,
                                 0.5f, 1.0f, 0.25f, 0.0f, -1.0f, 0.75f};
    const int ks[] = {1, 3, 6};
    double one[3], two[3], zero[3];
    cr_assert_eq(hb_ndcg_dense(1, C, gains, scores, ks, 3, one), HB_OK);
    cr_assert_eq(hb_ndcg_dense(2, C, gains, scores, ks, 3, two), HB_OK);
    cr_assert_eq(hb_ndcg_dense(1, C, gains + C, scores + C, ks, 3, zero), HB_OK);
    for (int q = 0; q < 3; q++) {
        if (ks[q] > 1) cr_expect(one[q] > 0, "k=%d: the relevant row must score above 0", ks[q]);
        cr_expect_float_eq(zero[q], 0.0, 0.0, "k=%d: all-zero row alone: %.17g", ks[q], zero[q]);
        cr_expect_float_eq(two[q], one[q] / 2, 1e-15, "k=%d: %.17g vs %.17g / 2", ks[q], two[q],
                           one[q]);
    }
    /* row 0, k=1 by hand: top score 1.0 is item 1 (gain 0): DCG 0, NDCG 0 */
    cr_expect_float_eq(one[0], 0.0, 1e-15);
}

/* Out-of-range arguments are refused, not silently clamped. */
Test(ndcg_props, bad_arguments) {
    const float g[4] = {1, 0, 0, 1}, s[4] = {1, 0, 0, 1};
    double out[2] = {0};
    const int k0[] = {0}, kneg[] = {10, -3}, k1[] = {1};
    cr_expect_eq(hb_ndcg_dense(2, 2, g, s, k0, 1, out), HB_ERR_ARG);
    cr_expect_eq(hb_ndcg_dense(2, 2, g, s, kneg, 2, out), HB_ERR_ARG);
    cr_expect_eq(hb_ndcg_dense(2, 2, g, s, k1, 0, out), HB_ERR_ARG);
    cr_expect_eq(hb_ndcg_dense(2, 0, g, s, k1, 1, out), HB_ERR_ARG);
}
