/* table.h: parsed ratings tables: one id space for two files, duplicates (src/table.c). */
#ifndef HB_TABLE_H
#define HB_TABLE_H

#include "internal.h"

/* Ratings of one source with dense ids sorted ascending by original id. */
typedef struct hb_table {
    hb_rating *r;
    size_t n;
    int64_t *ts;          /* timestamps by row, or NULL */
    uint32_t n_users, n_items;
    int64_t *user_ids, *item_ids;  /* original ids (ints), or dense index (strings) */
    char **user_names, **item_names; /* strings only */
    float r_min, r_max;   /* observed */
    size_t n_duplicates;
    int has_ts_column;
    int has_range;        /* declared range: becomes the dataset's r_min/r_max */
    float r_lo, r_hi;
} hb_table;

void hb_table_free(hb_table *t);

/* Maps two tables onto one id space (ascending original id); both stay valid. */
hb_status hb_table_unify(hb_table *a, hb_table *b, hb_error *err);
/* Applies the duplicate policy; on HB_DUP_ERROR sets *k1 < *k2 to a duplicate pair's rows. */
hb_status hb_table_dedupe(hb_table *t, hb_dup_policy pol, size_t *k1, size_t *k2);

#endif
