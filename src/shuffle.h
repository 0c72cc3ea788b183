/* shuffle.h: the per-epoch random order of the training ratings (src/shuffle.c). */
#ifndef HB_SHUFFLE_H
#define HB_SHUFFLE_H

#include "internal.h"

/* Up to this many ratings (24 MiB) an order is shuffled in place by Fisher-Yates; above it, by
 * buckets that fit in cache (below), where a swap in place would miss every cache level. */
#define HB_SHUFFLE_FLAT_MAX ((size_t)1 << 21)

/* What the bucketed shuffle keeps between epochs: a second copy of the order, each rating's
 * bucket and the per-chunk counts. */
typedef struct hb_shuffle_ws {
    hb_rating *tmp;
    uint16_t *bucket;
    size_t *count;
    size_t n, flat_max; /* what it was reserved for */
} hb_shuffle_ws;

/* Allocates ws for orders of n ratings shuffled with flat_max (nothing when n <= flat_max).
 * HB_OK or HB_ERR_NOMEM (ws then empty). */
hb_status hb_shuffle_reserve(hb_shuffle_ws *ws, size_t n, size_t flat_max);

/* Permutes r[0..n) uniformly at random from rng (which advances). n <= flat_max: Fisher-Yates
 * in place, one draw per swap. Otherwise (Sanders 1998, "Random permutations on distributed,
 * external and hierarchical memory"): every rating goes to one of K buckets of about 16K
 * ratings, drawn uniformly (the order cut into at most 256 chunks, each drawn from its own
 * stream); the buckets are laid out one after another, and each is shuffled by an inside-out
 * Fisher-Yates from its own stream while it is copied back. That is uniform too, and costs two
 * streaming passes and one pass in cache instead of n random misses. T threads share the work;
 * the result depends on rng's state and n only, never on T. ws must have been reserved for n
 * and flat_max. */
void hb_shuffle_ratings(hb_rating *r, size_t n, hb_rng *rng, int T, const hb_shuffle_ws *ws);
/* Fisher-Yates in place (what hb_shuffle_ratings does up to flat_max), on ratings and on
 * indices: k from n down to 2 swaps k-1 with hb_rng_below(rng, k). */
void hb_shuffle_flat(hb_rating *r, size_t n, hb_rng *rng);
void hb_shuffle_u32(uint32_t *x, uint32_t n, hb_rng *rng);
void hb_shuffle_free(hb_shuffle_ws *ws);

#endif
