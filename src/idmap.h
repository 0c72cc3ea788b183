/* idmap.h: the id maps that turn original ids into dense ones (src/idmap.c). */
#ifndef HB_IDMAP_H
#define HB_IDMAP_H

#include "internal.h"

/* Open-addressing id table keyed by XXH3 of the id (int64 or byte string): hands out dense ids
 * 0..n-1 in first-seen order. Load factor <= 1/2, linear probing. */
typedef struct hb_idmap {
    int strings;
    uint32_t n;
    size_t cap;            /* slots, a power of two */
    struct hb_idmap_slot {
        uint64_t key;      /* the int key, or the string's XXH3 */
        uint32_t id;       /* id + 1; 0: empty */
    } *slot;
    int64_t *keys;         /* ints: key by id */
    uint64_t *off;         /* strings: arena offset by id (n + 1 entries) */
    char *arena;
    size_t arena_len, arena_cap, keys_cap;
} hb_idmap;

#define HB_ID_NONE UINT32_MAX

int hb_idmap_init(hb_idmap *m, int strings, size_t expect);
void hb_idmap_free(hb_idmap *m);
/* Dense id of key, inserting it when new; HB_ID_NONE when out of memory or 2^32-1 ids. */
uint32_t hb_idmap_int(hb_idmap *m, int64_t key);
uint32_t hb_idmap_str(hb_idmap *m, const char *s, size_t len);
/* Ids of n <= HB_IDMAP_BATCH int keys at once: all hashed and their slots prefetched before
 * any is probed, so the cache misses of a large table overlap. -1 when out of memory. */
#define HB_IDMAP_BATCH 64
int hb_idmap_int_batch(hb_idmap *m, const int64_t *keys, uint32_t *ids, size_t n);
/* Dense id or HB_ID_NONE when absent. */
uint32_t hb_idmap_find_int(const hb_idmap *m, int64_t key);
static inline const char *hb_idmap_name(const hb_idmap *m, uint32_t id, size_t *len) {
    *len = (size_t)(m->off[id + 1] - m->off[id]);
    return m->arena + m->off[id];
}

/* Names of string ids by dense index: one block, the pointer array then the bytes. */
char **hb_names_build(const hb_idmap *m, const uint32_t *order, uint32_t n);
/* The same block from n C strings (copied). NULL out of memory. */
char **hb_names_pack(const char *const *src, uint32_t n);

#endif
