/* table.c: parsed ratings tables: freeing, one id space for two files, the duplicate policy. */
#include <math.h>
#include <string.h>

#include "idmap.h"
#include "table.h"

void hb_table_free(hb_table *t) {
    free(t->r);
    free(t->ts);
    free(t->user_ids);
    free(t->item_ids);
    free(t->user_names);
    free(t->item_names);
    memset(t, 0, sizeof *t);
}

static int hb_name_cmp(const char *a, const char *b) {
    const int c = strcmp(a, b);
    return (c > 0) - (c < 0);
}

/* Merges two ascending id lists into their union; xa/xb map each side's index to the union's.
 * names: when non-NULL (string ids) the comparison uses them and a new names block is built. */
static int hb_merge_sorted(const int64_t *a, uint32_t na, char *const *an, const int64_t *b,
                           uint32_t nb, char *const *bn, uint32_t *xa, uint32_t *xb,
                           int64_t **ids, char ***names, uint32_t *n_out) {
    const size_t cap = (size_t)na + nb;
    int64_t *u = malloc((cap ? cap : 1) * sizeof *u);
    char **un = NULL;
    const char **src = NULL;
    if (!u) return -1;
    if (an) {
        src = calloc(cap ? cap : 1, sizeof *src);
        if (!src) {
            free(u);
            return -1;
        }
    }
    uint32_t i = 0, j = 0, n = 0;
    while (i < na || j < nb) {
        int c;
        if (i == na) c = 1;
        else if (j == nb) c = -1;
        else c = an ? hb_name_cmp(an[i], bn[j]) : (a[i] > b[j]) - (a[i] < b[j]);
        if (c <= 0) {
            if (an) src[n] = an[i];
            u[n] = a[i];
            xa[i++] = n;
            if (c == 0) xb[j++] = n;
        } else {
            if (an) src[n] = bn[j];
            u[n] = b[j];
            xb[j++] = n;
        }
        n++;
    }
    if (an) {
        un = hb_names_pack(src, n);
        free(src);
        if (!un) {
            free(u);
            return -1;
        }
        for (uint32_t k = 0; k < n; k++) u[k] = k;
    }
    *ids = u;
    *names = un;
    *n_out = n;
    return 0;
}

hb_status hb_table_unify(hb_table *a, hb_table *b, hb_error *err) {
    const int strings = a->user_names != NULL;
    uint32_t *xau = malloc(((size_t)a->n_users + 1) * 4), *xbu = malloc(((size_t)b->n_users + 1) * 4);
    uint32_t *xai = malloc(((size_t)a->n_items + 1) * 4), *xbi = malloc(((size_t)b->n_items + 1) * 4);
    int64_t *uids = NULL, *iids = NULL;
    char **un = NULL, **in = NULL;
    uint32_t nu = 0, ni = 0;
    int bad = !xau || !xbu || !xai || !xbi ||
              hb_merge_sorted(a->user_ids, a->n_users, strings ? a->user_names : NULL, b->user_ids,
                              b->n_users, b->user_names, xau, xbu, &uids, &un, &nu) ||
              hb_merge_sorted(a->item_ids, a->n_items, strings ? a->item_names : NULL, b->item_ids,
                              b->n_items, b->item_names, xai, xbi, &iids, &in, &ni);
    if (!bad) {
        for (size_t k = 0; k < a->n; k++) a->r[k] = (hb_rating){xau[a->r[k].u], xai[a->r[k].i], a->r[k].r};
        for (size_t k = 0; k < b->n; k++) b->r[k] = (hb_rating){xbu[b->r[k].u], xbi[b->r[k].i], b->r[k].r};
        free(a->user_ids);
        free(a->item_ids);
        free(a->user_names);
        free(a->item_names);
        free(b->user_ids);
        free(b->item_ids);
        free(b->user_names);
        free(b->item_names);
        a->user_ids = uids;
        a->item_ids = iids;
        a->user_names = un;
        a->item_names = in;
        b->user_ids = b->item_ids = NULL;
        b->user_names = b->item_names = NULL;
        a->n_users = b->n_users = nu;
        a->n_items = b->n_items = ni;
    } else {
        free(uids);
        free(iids);
        free(un);
        free(in);
    }
    free(xau);
    free(xbu);
    free(xai);
    free(xbi);
    return bad ? hb_fail(err, HB_ERR_NOMEM, "out of memory while merging ids") : HB_OK;
}

/* One user's rows (ascending row index) against the stamp arrays: marks duplicates in drop.
 * Returns 1 at the first duplicate under HB_DUP_ERROR (rows in *k1 < *k2). */
static int hb_dedupe_rows(const hb_table *t, hb_dup_policy pol, uint32_t stamp_v, uint32_t *stamp,
                          size_t *where, uint64_t *drop, size_t *n_drop, size_t k, size_t *k1,
                          size_t *k2) {
    const uint32_t i = t->r[k].i;
    if (stamp[i] == stamp_v) {
        if (pol == HB_DUP_ERROR) {
            *k1 = where[i];
            *k2 = k;
            return 1;
        }
        const size_t d = pol == HB_DUP_FIRST ? k : where[i];
        drop[d >> 6] |= 1ULL << (d & 63);
        (*n_drop)++;
        if (pol == HB_DUP_LAST) where[i] = k;
        return 0;
    }
    stamp[i] = stamp_v;
    where[i] = k;
    return 0;
}

hb_status hb_table_dedupe(hb_table *t, hb_dup_policy pol, size_t *k1, size_t *k2) {
    const size_t n = t->n;
    uint32_t *stamp = calloc((size_t)t->n_items + 1, sizeof *stamp);
    size_t *where = malloc(((size_t)t->n_items + 1) * sizeof *where);
    uint8_t *seen = calloc((size_t)t->n_users + 1, 1);
    uint64_t *drop = calloc(n / 64 + 1, sizeof *drop);
    uint32_t *idx = NULL;
    size_t *off = NULL;
    hb_status st = HB_ERR_NOMEM;
    size_t n_drop = 0;
    if (!stamp || !where || !seen || !drop) goto done;
    /* 1. the common case: each user's rows are contiguous (MovieLens files, synthetic data) */
    int grouped = 1;
    uint32_t run = 0, prev = 0;
    for (size_t k = 0; k < n; k++) {
        const uint32_t u = t->r[k].u;
        if (k == 0 || u != prev) {
            if (seen[u]) {
                grouped = 0;
                break;
            }
            seen[u] = 1;
            prev = u;
            run++;
        }
        if (hb_dedupe_rows(t, pol, run, stamp, where, drop, &n_drop, k, k1, k2)) {
            st = HB_ERR_PARSE;
            goto done;
        }
    }
    if (!grouped) {
        /* 2. otherwise: rows by user (counting sort of row indices), then the same check */
        if (n > UINT32_MAX) goto done;
        memset(stamp, 0, ((size_t)t->n_items + 1) * sizeof *stamp);
        memset(drop, 0, (n / 64 + 1) * sizeof *drop);
        n_drop = 0;
        off = calloc((size_t)t->n_users + 2, sizeof *off);
        idx = malloc((n ? n : 1) * sizeof *idx);
        if (!off || !idx) goto done;
        for (size_t k = 0; k < n; k++) off[t->r[k].u + 2]++;
        for (uint32_t u = 0; u < t->n_users; u++) off[u + 2] += off[u + 1];
        for (size_t k = 0; k < n; k++) idx[off[t->r[k].u + 1]++] = (uint32_t)k;
        size_t best1 = 0, best2 = SIZE_MAX;
        for (uint32_t u = 0; u < t->n_users; u++) {
            for (size_t j = off[u]; j < off[u + 1]; j++) {
                size_t a, b;
                if (hb_dedupe_rows(t, pol, u + 1, stamp, where, drop, &n_drop, idx[j], &a, &b)) {
                    if (b < best2) {
                        best1 = a;
                        best2 = b;
                    }
                    break; /* this user's first duplicate is its smallest second row */
                }
            }
        }
        if (best2 != SIZE_MAX) {
            *k1 = best1;
            *k2 = best2;
            st = HB_ERR_PARSE;
            goto done;
        }
    }
    /* 3. drop what the policy removed */
    if (n_drop) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++) {
            if (drop[k >> 6] >> (k & 63) & 1) continue;
            t->r[m] = t->r[k];
            if (t->ts) t->ts[m] = t->ts[k];
            m++;
        }
        t->n = m;
    }
    t->n_duplicates = n_drop;
    st = HB_OK;
done:
    free(stamp);
    free(where);
    free(seen);
    free(drop);
    free(idx);
    free(off);
    return st;
}
