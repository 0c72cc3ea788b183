/* assemble.c: the dataset from a split table (the notebook's filtering or cold-test dropping,
 * compact re-indexing, range) and its fingerprint. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "assemble.h"

uint64_t hb_dataset_fingerprint(const hb_dataset *ds) {
    XXH3_state_t *st = XXH3_createState();
    if (!st) return 0;
    XXH3_64bits_reset(st);
    if (ds->n_train) XXH3_64bits_update(st, ds->train, ds->n_train * sizeof *ds->train);
    if (ds->n_test) XXH3_64bits_update(st, ds->test, ds->n_test * sizeof *ds->test);
    uint64_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
}

size_t hb_keep_marked(hb_rating *r, size_t n, const uint8_t *mu, const uint8_t *mi) {
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (mu[r[k].u] && mi[r[k].i]) r[m++] = r[k];
    return m;
}

static void hb_mark(const hb_rating *r, size_t n, uint8_t *mu, uint8_t *mi) {
    for (size_t k = 0; k < n; k++) {
        mu[r[k].u] = 1;
        mi[r[k].i] = 1;
    }
}

/* Keeps the test rows whose user and item occur in train (mark 1) in place and returns their
 * count; the others go to cold (when non-NULL, at *nc), and ds counts them and their distinct
 * users and items (marked 2 here: absent from train, counted once). */
static size_t hb_keep_warm(hb_rating *test, size_t n_test, uint8_t *mu, uint8_t *mi,
                           hb_rating *cold, size_t *nc, hb_dataset *ds) {
    size_t m = 0;
    uint32_t cu = 0, ci = 0;
    for (size_t k = 0; k < n_test; k++) {
        const hb_rating r = test[k];
        if (mu[r.u] == 1 && mi[r.i] == 1) {
            test[m++] = r;
            continue;
        }
        if (cold) cold[(*nc)++] = r;
        if (!mu[r.u]) {
            cu++;
            mu[r.u] = 2;
        }
        if (!mi[r.i]) {
            ci++;
            mi[r.i] = 2;
        }
    }
    ds->n_test_cold = n_test - m;
    ds->n_cold_users = cu;
    ds->n_cold_items = ci;
    return m;
}

uint32_t hb_reindex(uint32_t n, const uint8_t *mark, uint32_t *x, int64_t *ids,
                           char **names) {
    uint32_t n2 = 0;
    for (uint32_t k = 0; k < n; k++) {
        x[k] = n2;
        if (mark[k] == 1) {
            ids[n2] = names ? n2 : ids[k];
            if (names) names[n2] = names[k];
            n2++;
        }
    }
    if (names) names[n2] = NULL;
    return n2;
}

void hb_dataset_take_table(hb_dataset *ds, hb_table *t, uint32_t n_users, uint32_t n_items,
                           float lo, float hi) {
    ds->n_users = n_users;
    ds->n_items = n_items;
    ds->user_ids = t->user_ids;
    ds->item_ids = t->item_ids;
    ds->user_names = t->user_names;
    ds->item_names = t->item_names;
    t->user_ids = t->item_ids = NULL;
    t->user_names = t->item_names = NULL;
    ds->r_min = t->has_range ? t->r_lo : lo;
    ds->r_max = t->has_range ? t->r_hi : hi;
    ds->n_duplicates = t->n_duplicates;
}

hb_status hb_dataset_assemble(hb_table *t, hb_rating *train, size_t n_train, hb_rating *test,
                              size_t n_test, int notebook_filter, hb_dataset **out, hb_error *err) {
    *out = NULL;
    hb_status st = HB_ERR_NOMEM;
    const uint32_t nu = t->n_users, ni = t->n_items;
    uint8_t *mu = calloc((size_t)nu + 1, 1), *mi = calloc((size_t)ni + 1, 1);
    uint32_t *xu = malloc(((size_t)nu + 1) * sizeof *xu), *xi = malloc(((size_t)ni + 1) * sizeof *xi);
    hb_dataset *ds = calloc(1, sizeof *ds);
    if (!mu || !mi || !xu || !xi || !ds) goto fail;
    ds->n_train_raw = n_train;
    ds->n_test_raw = n_test;
    ds->notebook_filter = notebook_filter;
    if (notebook_filter) { /* stage 1: train rows whose user and item occur in test */
        hb_mark(test, n_test, mu, mi);
        n_train = hb_keep_marked(train, n_train, mu, mi);
        if (n_train == 0) {
            st = hb_fail(err, HB_ERR_PARSE,
                         "no train rating has both its user and its item in the test split");
            goto fail;
        }
        memset(mu, 0, (size_t)nu + 1);
        memset(mi, 0, (size_t)ni + 1);
    }
    if (n_train == 0) {
        st = hb_fail(err, HB_ERR_PARSE, "the split left no train ratings");
        goto fail;
    }
    hb_mark(train, n_train, mu, mi);
    /* test rows whose user and item occur in (filtered) train; count the others, and keep them
     * apart (without the notebook's filtering) for --cold-rows score */
    hb_rating *cold = NULL;
    size_t nc = 0;
    if (!notebook_filter) {
        for (size_t k = 0; k < n_test; k++) nc += !(mu[test[k].u] == 1 && mi[test[k].i] == 1);
        if (nc && !(cold = malloc(nc * sizeof *cold))) goto fail;
        nc = 0;
    }
    n_test = hb_keep_warm(test, n_test, mu, mi, cold, &nc, ds);
    if (n_test == 0) {
        st = hb_fail(err, HB_ERR_PARSE, "no test rating has both its user and its item in the "
                     "train split (%zu test ratings, all dropped)", ds->n_test_raw);
        free(cold);
        goto fail;
    }
    /* dense re-index: users and items of the train split, ascending original id */
    const uint32_t nu2 = hb_reindex(nu, mu, xu, t->user_ids, t->user_names);
    const uint32_t ni2 = hb_reindex(ni, mi, xi, t->item_ids, t->item_names);
    const long ntr = (long)n_train, nte = (long)n_test;
    float lo = INFINITY, hi = -INFINITY;
#pragma omp parallel for schedule(static) reduction(min : lo) reduction(max : hi)
    for (long k = 0; k < ntr; k++) {
        train[k].u = xu[train[k].u];
        train[k].i = xi[train[k].i];
        lo = train[k].r < lo ? train[k].r : lo;
        hi = train[k].r > hi ? train[k].r : hi;
    }
#pragma omp parallel for schedule(static)
    for (long k = 0; k < nte; k++) {
        test[k].u = xu[test[k].u];
        test[k].i = xi[test[k].i];
    }
    for (size_t k = 0; k < nc; k++) { /* cold rows: the unknown side is HB_COLD */
        cold[k].u = mu[cold[k].u] == 1 ? xu[cold[k].u] : HB_COLD;
        cold[k].i = mi[cold[k].i] == 1 ? xi[cold[k].i] : HB_COLD;
    }
    ds->test_cold = cold;
    ds->train = train;
    ds->test = test;
    ds->n_train = n_train;
    ds->n_test = n_test;
    train = test = NULL;
    hb_dataset_take_table(ds, t, nu2, ni2, lo, hi);
    ds->xxh3 = hb_dataset_fingerprint(ds);
    free(mu);
    free(mi);
    free(xu);
    free(xi);
    *out = ds;
    return HB_OK;
fail:
    if (st == HB_ERR_NOMEM) hb_fail(err, st, "out of memory while filtering ratings");
    free(mu);
    free(mi);
    free(xu);
    free(xi);
    free(ds);
    free(train);
    free(test);
    return st;
}
