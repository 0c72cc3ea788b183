/* data.h: data.c's entry points that are not public API (tests reach them). */
#ifndef HB_DATA_H
#define HB_DATA_H

#include "internal.h"

/* hb_dataset_load on an ML-100K folder with its predefined split SPLIT does the same: loads
 * DIR/SPLIT.base and DIR/SPLIT.test (SPLIT one of u1..u5, ua, ub) as GroupLens ships them
 * (tab-separated user, item, rating, timestamp), applies the notebook's filtering and
 * re-indexes users and items 0..n-1 in ascending original id. On failure returns an error
 * naming the file and line, and *out is NULL. */
hb_status hb_dataset_load_ml100k(const char *dir, const char *split, hb_dataset **out,
                                 hb_error *err);

#endif
