/* data_internal.h: private pieces of the data modules (id maps, parser, tables, splits, cache). */
#ifndef HB_DATA_INTERNAL_H
#define HB_DATA_INTERNAL_H

#include "internal.h"

/* Internal (tests): hb_dataset_load on an ML-100K folder with its predefined split SPLIT
 * does the same. Loads DIR/SPLIT.base and DIR/SPLIT.test (SPLIT one of u1..u5, ua, ub) as GroupLens ships
 * them (tab-separated user, item, rating, timestamp), applies the notebook's filtering and
 * re-indexes users and items 0..n-1 in ascending original id. On failure returns an error
 * naming the file and line, and *out is NULL. */
hb_status hb_dataset_load_ml100k(const char *dir, const char *split, hb_dataset **out,
                                 hb_error *err);

/* ------------------------------------------------------------------ idmap.c */

/* Open-addressing id table keyed by XXH3 of the id (int64 or byte string): hands out dense ids
 * 0..n-1 in first-seen order. Load factor <= 1/2, linear probing. */
typedef struct hb_idmap {
    int strings;
    uint32_t n;
    size_t cap;            /* slots, a power of two */
    struct hb_slot {
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

/* ------------------------------------------------------------------ tables */

/* Names of string ids by dense index: one block, the pointer array then the bytes. */
char **hb_names_build(const hb_idmap *m, const uint32_t *order, uint32_t n);

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

/* Columns of a delimited file. */
enum { HB_COL_SKIP = 0, HB_COL_USER, HB_COL_ITEM, HB_COL_RATING, HB_COL_TIME };
#define HB_MAX_COLS 16

typedef struct hb_parse_spec {
    char delim[3];        /* "\t", ",", "::" */
    size_t delim_len;
    int n_cols;
    uint8_t col[HB_MAX_COLS];
    int header;           /* 0 or 1 */
    int strings;          /* string ids */
    int has_range;
    float r_lo, r_hi;
    int r_grid;           /* with has_range: 1 whole stars, 2 half stars (rating * r_grid is an
                             integer), 0 any value in the range */
    char range_src[96];   /* who declared the range for messages, e.g. "ML-100K's declared
                             range"; "": the user's --rating-range */
    int keep_ts;          /* store timestamps (when there is a timestamp column) */
    hb_dup_policy dups;
    int threads;
    size_t piece_min;     /* bytes per parallel piece at least (0: 1 MiB); the fuzzer uses tiny ones */
} hb_parse_spec;

/* Parses columns "user,item,rating[,timestamp]" ("-" skips); fails naming what is wrong. */
hb_status hb_columns_parse(const char *s, hb_parse_spec *sp, hb_error *err);
/* "4 tab-separated fields (user, item, rating, timestamp)" */
void hb_spec_describe(const hb_parse_spec *sp, char *buf, size_t cap);
/* XXH3 of every option that changes the parsed table (the cache key's second half). */
uint64_t hb_spec_hash(const hb_parse_spec *sp);

/* Parses the bytes buf[0..len) named name (messages say "name:line: expected ...").
 * The buffer needs no terminator. */
hb_status hb_parse_buffer(const char *name, const char *buf, size_t len, const hb_parse_spec *sp,
                          hb_table *t, hb_error *err);
/* Maps and parses a file; file_xxh3 (if non-NULL) receives the file's XXH3-64. */
hb_status hb_parse_file(const char *path, const hb_parse_spec *sp, hb_table *t,
                        uint64_t *file_xxh3, hb_error *err);
/* The first line of a file (for format sniffing), without its line ending. */
hb_status hb_first_line(const char *path, char *buf, size_t cap, hb_error *err);
/* XXH3-64 of a file's bytes (read in blocks). */
hb_status hb_file_xxh3(const char *path, uint64_t *out, uint64_t *size, hb_error *err);

/* Maps two tables onto one id space (ascending original id); both stay valid. */
hb_status hb_table_unify(hb_table *a, hb_table *b, hb_error *err);
/* Applies the duplicate policy; on HB_DUP_ERROR sets *k1 < *k2 to a duplicate pair's rows. */
hb_status hb_table_dedupe(hb_table *t, hb_dup_policy pol, size_t *k1, size_t *k2);

/* ------------------------------------------------------------------ split.c */

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

/* Builds the dataset from train and test in t's id space (t's ids and names move into it; the
 * rating arrays are taken over): the notebook's filtering or cold-test dropping, compact
 * re-indexing, range, fingerprint. */
hb_status hb_dataset_assemble(hb_table *t, hb_rating *train, size_t n_train, hb_rating *test,
                              size_t n_test, int seed_filter, hb_dataset **out, hb_error *err);

/* Deterministic per-row hash (split decisions, synthetic streams). */
static inline uint64_t hb_hash2(uint64_t seed, uint64_t k) {
    uint64_t s = seed ^ (k * 0xd1b54a32d192ed03ULL);
    return hb_splitmix64(&s);
}

/* ------------------------------------------------------------------ cache.c */

/* Path of FILE's cache: FILE.hbcache. */
void hb_cache_path(const char *path, char *buf, size_t cap);
/* Loads the cache when its key (file XXH3, spec hash) matches and its payload checks out;
 * HB_ERR_IO when there is none or it does not match (t untouched). want_ts: read timestamps. */
hb_status hb_cache_read(const char *cpath, uint64_t file_xxh3, uint64_t file_size,
                        uint64_t spec_hash, int want_ts, hb_table *t, hb_error *err);
/* The same from memory (the fuzz target). */
hb_status hb_cache_read_buffer(const unsigned char *buf, size_t len, uint64_t file_xxh3,
                               uint64_t file_size, uint64_t spec_hash, int want_ts, hb_table *t,
                               hb_error *err);
/* Writes t atomically (temporary file, rename). */
hb_status hb_cache_write(const char *cpath, uint64_t file_xxh3, uint64_t file_size,
                         uint64_t spec_hash, const hb_table *t, hb_error *err);

/* ------------------------------------------------------------------ synth.c */

/* Every synthetic rating (unsplit, grouped by user) as a table; ts: seeded timestamps. */
hb_status hb_synth_table(const hb_synth_params *p, int want_ts, int threads, hb_table *t,
                         hb_error *err);

/* Escapes up to max bytes of s for a message (\t, \xNN); returns buf. */
const char *hb_excerpt(const char *s, size_t len, size_t max, char *buf, size_t cap);

#endif
