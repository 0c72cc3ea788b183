/* assemble.h: the dataset built from a split table (src/assemble.c). */
#ifndef HB_ASSEMBLE_H
#define HB_ASSEMBLE_H

#include "table.h"

/* Builds the dataset from train and test in t's id space (t's ids and names move into it; the
 * rating arrays are taken over): the notebook's filtering or cold-test dropping, compact
 * re-indexing, range, fingerprint. */
hb_status hb_dataset_assemble(hb_table *t, hb_rating *train, size_t n_train, hb_rating *test,
                              size_t n_test, int notebook_filter, hb_dataset **out, hb_error *err);

#endif
