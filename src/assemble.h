/* assemble.h: the dataset built from a split table (src/assemble.c). */
#ifndef HB_ASSEMBLE_H
#define HB_ASSEMBLE_H

#include "table.h"

/* Builds the dataset from train and test in t's id space (t's ids and names move into it; the
 * rating arrays are taken over): the notebook's filtering or cold-test dropping, compact
 * re-indexing, range, fingerprint. */
hb_status hb_dataset_assemble(hb_table *t, hb_rating *train, size_t n_train, hb_rating *test,
                              size_t n_test, int notebook_filter, hb_dataset **out, hb_error *err);

/* Moves t's ids and names into ds with its shape (n_users x n_items after re-indexing), its
 * rating range (t's declared one, else the observed lo..hi) and duplicate count. */
void hb_dataset_take_table(hb_dataset *ds, hb_table *t, uint32_t n_users, uint32_t n_items,
                           float lo, float hi);

/* Compacts r in place, keeping the rows whose user and item are marked (mu, mi nonzero);
 * returns the count kept (the notebook's filter; src/dist_load.c's per-rank share too). */
size_t hb_keep_marked(hb_rating *r, size_t n, const uint8_t *mu, const uint8_t *mi);

/* Dense ids for the n ids marked 1, in ascending order: x[old] = new, and ids (names, when
 * non-NULL and then ids become the dense index) compacted in place. Returns the count kept. */
uint32_t hb_reindex(uint32_t n, const uint8_t *mark, uint32_t *x, int64_t *ids, char **names);

#endif
