/* planted.h: synthetic data with a planted model, of a given shape, for the training tests. */
#ifndef HB_TEST_PLANTED_H
#define HB_TEST_PLANTED_H

#include <criterion/criterion.h>

#include "hogbench/hogbench.h"

static inline hb_dataset *planted(uint32_t users, uint32_t items, uint64_t ratings) {
    hb_synth_params sp = hb_synth_default();
    sp.users = users;
    sp.items = items;
    sp.ratings = ratings;
    hb_dataset *ds = NULL;
    hb_error err;
    cr_assert_eq(hb_dataset_synthetic(&sp, &ds, &err), HB_OK, "%s", err.msg);
    return ds;
}

#endif
