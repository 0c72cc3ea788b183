/* test_shuffle.c: the training order's shuffle (src/shuffle.c): Fisher-Yates up to flat_max,
 * the bucketed shuffle above it: a permutation, the same for any thread count, and uniform. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "shuffle.h"

static hb_rating *iota(size_t n) {
    hb_rating *r = malloc(n * sizeof *r);
    cr_assert_not_null(r);
    for (size_t k = 0; k < n; k++) r[k] = (hb_rating){.u = (uint32_t)k, .i = (uint32_t)(k * 7), .r = (float)k};
    return r;
}

/* Fisher-Yates as the test reads it from the literature (Knuth's Algorithm P, from the end) */
static void knuth(hb_rating *r, size_t n, hb_rng *g) {
    for (size_t k = n; k > 1; k--) {
        const size_t j = (size_t)hb_rng_below(g, k);
        const hb_rating t = r[k - 1];
        r[k - 1] = r[j];
        r[j] = t;
    }
}

/* Up to flat_max: Fisher-Yates in place, the draws of the generator one per swap (the orders
 * of small data sets are those they had before the bucketed shuffle existed). */
Test(shuffle, small_orders_are_fisher_yates) {
    const size_t n = 5000;
    hb_rating *a = iota(n), *b = iota(n);
    hb_rng g1, g2;
    hb_rng_seed(&g1, 42);
    hb_rng_seed(&g2, 42);
    hb_shuffle_ws ws;
    cr_assert_eq(hb_shuffle_reserve(&ws, n, n), HB_OK);
    cr_expect_null(ws.tmp, "nothing to allocate at n <= flat_max");
    hb_shuffle_ratings(a, n, &g1, 2, &ws);
    knuth(b, n, &g2);
    cr_expect_eq(memcmp(a, b, n * sizeof *a), 0);
    cr_expect_eq(hb_rng_next(&g1), hb_rng_next(&g2), "the generator advanced alike");
    hb_shuffle_free(&ws);
    free(a);
    free(b);
}

/* Above flat_max: every rating once (a permutation), moved, and the same order for 1, 2 and 3
 * threads; the next epoch's order differs. */
Test(shuffle, bucketed_is_a_permutation_independent_of_threads) {
    const size_t n = 200003; /* 13 buckets, 4 chunks of unequal ends */
    hb_shuffle_ws ws;
    cr_assert_eq(hb_shuffle_reserve(&ws, n, 1000), HB_OK);
    hb_rating *ref = NULL;
    for (int T = 1; T <= 3; T++) {
        hb_rating *r = iota(n);
        hb_rng g;
        hb_rng_seed(&g, 7);
        hb_shuffle_ratings(r, n, &g, T, &ws);
        unsigned char *seen = calloc(n, 1);
        size_t fixed = 0, bad = 0;
        for (size_t k = 0; k < n; k++) {
            const uint32_t u = r[k].u;
            if (u >= n || seen[u] || r[k].i != u * 7 || r[k].r != (float)u) bad++;
            else seen[u] = 1;
            fixed += u == k;
        }
        free(seen);
        cr_expect_eq(bad, 0, "T=%d: %zu ratings lost, doubled or torn", T, bad);
        cr_expect_lt(fixed, 100, "T=%d: %zu ratings did not move (about 1 expected)", T, fixed);
        if (!ref) {
            ref = r;
            /* a second shuffle from the advanced generator: another order */
            hb_rating *s = malloc(n * sizeof *s);
            memcpy(s, r, n * sizeof *s);
            hb_shuffle_ratings(s, n, &g, T, &ws);
            cr_expect_neq(memcmp(s, r, n * sizeof *s), 0);
            free(s);
        } else {
            cr_expect_eq(memcmp(r, ref, n * sizeof *r), 0, "T=%d gives another order than T=1", T);
            free(r);
        }
    }
    free(ref);
    hb_shuffle_free(&ws);
}

/* Uniform: with the bucketed path forced on 4 ratings (2 buckets), each of the 24 orders comes
 * up 1/24 of the time, within 5 standard deviations over 48000 shuffles. */
Test(shuffle, bucketed_is_uniform) {
    const size_t n = 4, trials = 48000;
    hb_shuffle_ws ws;
    cr_assert_eq(hb_shuffle_reserve(&ws, n, 0), HB_OK);
    cr_assert_not_null(ws.tmp);
    unsigned count[256] = {0};
    hb_rng g;
    hb_rng_seed(&g, 3);
    for (size_t t = 0; t < trials; t++) {
        hb_rating r[4] = {{.u = 0}, {.u = 1}, {.u = 2}, {.u = 3}};
        hb_shuffle_ratings(r, n, &g, 1, &ws);
        count[r[0].u * 64 + r[1].u * 16 + r[2].u * 4 + r[3].u]++;
    }
    const double want = (double)trials / 24, sd = 44.2; /* sqrt(trials p (1-p)), p = 1/24 */
    int orders = 0;
    for (unsigned c = 0; c < 256; c++) {
        const unsigned a = c >> 6, b = (c >> 4) & 3, d = (c >> 2) & 3, e = c & 3;
        const int perm = a != b && a != d && a != e && b != d && b != e && d != e;
        if (!perm) {
            cr_expect_eq(count[c], 0, "not a permutation: %u %u %u %u", a, b, d, e);
            continue;
        }
        orders++;
        cr_expect(count[c] > want - 5 * sd && count[c] < want + 5 * sd,
                  "order %u %u %u %u: %u times, %.0f expected", a, b, d, e, count[c], want);
    }
    cr_expect_eq(orders, 24);
    hb_shuffle_free(&ws);
}
