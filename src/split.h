/* split.h: train/test splits deterministic from a seed (src/split.c). */
#ifndef HB_SPLIT_H
#define HB_SPLIT_H

#include "table.h"

typedef enum { HB_SPLIT_NONE = 0, HB_SPLIT_PREDEF, HB_SPLIT_RANDOM, HB_SPLIT_KFOLD,
               HB_SPLIT_PER_USER, HB_SPLIT_TIME } hb_split_kind;

typedef struct hb_split_spec {
    hb_split_kind kind;
    double frac;
    uint32_t folds, fold; /* kfold: fold in 1..folds */
    uint64_t seed;
    int has_seed;
    char predef[8];       /* u1..u5, ua, ub */
} hb_split_spec;

hb_status hb_split_parse(const char *s, hb_split_spec *sp, hb_error *err);
/* Canonical spelling, e.g. "random:0.2:42". */
void hb_split_name(const hb_split_spec *sp, char *buf, size_t cap);

/* Splits t (consumed: its arrays move into the result) into train and test. */
hb_status hb_split_apply(hb_table *t, const hb_split_spec *sp, hb_rating **train, size_t *n_train,
                         hb_rating **test, size_t *n_test, hb_error *err);

/* The time split's radix select of the latest rows (src/split.c; src/dist_load.c sums the
 * histograms over ranks first): a timestamp's order-preserving unsigned key, and one 16-bit
 * digit step. hist counts, by the digit at `shift`, the keys that match *prefix under *mask;
 * the step fixes that digit to the one holding the *need-th largest of them and leaves in *need
 * that key's rank among the keys with the digit. */
static inline uint64_t hb_ts_key(int64_t ts) { return (uint64_t)ts ^ (1ULL << 63); }
void hb_radix_step(const uint64_t *hist, int shift, uint64_t *need, uint64_t *prefix,
                   uint64_t *mask);

#endif
