/* holdout.c: a validation split carved from a dataset's training ratings (never its test), in
 * the same index space, for tuning (hogbench tune) and for choosing defaults. */
#include <string.h>

#include "internal.h"

hb_status hb_dataset_holdout(const hb_dataset *ds, double frac, uint64_t seed, hb_dataset **out,
                             hb_error *err) {
    *out = NULL;
    if (!(frac > 0 && frac < 1))
        return hb_fail(err, HB_ERR_ARG, "validation fraction %g: expected 0 < F < 1", frac);
    hb_dataset *v = calloc(1, sizeof *v);
    uint8_t *seen_u = calloc((size_t)ds->n_users + 1, 1), *seen_i = calloc((size_t)ds->n_items + 1, 1);
    hb_rating *tr = malloc((ds->n_train ? ds->n_train : 1) * sizeof *tr);
    hb_rating *va = malloc((ds->n_train ? ds->n_train : 1) * sizeof *va);
    if (!v || !seen_u || !seen_i || !tr || !va) {
        free(v), free(seen_u), free(seen_i), free(tr), free(va);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory for the validation split");
    }
    /* each train rating goes to validation with probability frac, by a hash of (seed, row) */
    size_t nt = 0, nv = 0;
    for (size_t k = 0; k < ds->n_train; k++) {
        uint64_t h = seed ^ (0x9e3779b97f4a7c15ULL * (k + 1));
        const double x = (double)(hb_splitmix64(&h) >> 11) * 0x1.0p-53;
        if (x < frac) va[nv++] = ds->train[k];
        else {
            tr[nt] = ds->train[k];
            seen_u[tr[nt].u] = seen_i[tr[nt].i] = 1;
            nt++;
        }
    }
    size_t m = 0; /* validation rows whose user and item the carved train has (warm, as test) */
    for (size_t k = 0; k < nv; k++)
        if (seen_u[va[k].u] && seen_i[va[k].i]) va[m++] = va[k];
    free(seen_u);
    free(seen_i);
    if (nt == 0 || m == 0) {
        free(v), free(tr), free(va);
        return hb_fail(err, HB_ERR_ARG, "a validation fraction of %g of %zu train ratings leaves "
                       "%s", frac, ds->n_train, nt ? "no warm validation rating" : "no train rating");
    }
    v->train = tr;
    v->test = va;
    v->n_train = v->n_train_raw = nt;
    v->n_test = v->n_test_raw = m;
    v->n_users = ds->n_users;
    v->n_items = ds->n_items;
    v->user_ids = malloc(((size_t)ds->n_users + 1) * sizeof *v->user_ids);
    v->item_ids = malloc(((size_t)ds->n_items + 1) * sizeof *v->item_ids);
    if (!v->user_ids || !v->item_ids) {
        hb_dataset_free(&v);
        return hb_fail(err, HB_ERR_NOMEM, "out of memory for the validation split");
    }
    memcpy(v->user_ids, ds->user_ids, ds->n_users * sizeof *v->user_ids);
    memcpy(v->item_ids, ds->item_ids, ds->n_items * sizeof *v->item_ids);
    v->r_min = ds->r_min;
    v->r_max = ds->r_max;
    v->notebook_filter = ds->notebook_filter;
    snprintf(v->name, sizeof v->name, "%s", ds->name);
    snprintf(v->split, sizeof v->split, "val:%g:%llu", frac, (unsigned long long)seed);
    v->xxh3 = hb_dataset_fingerprint(v);
    *out = v;
    return HB_OK;
}
