/* parse.h: the delimited ratings parser and its column specs (src/parse.c). */
#ifndef HB_PARSE_H
#define HB_PARSE_H

#include "table.h"

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

/* Escapes up to max bytes of s for a message (\t, \xNN); returns buf. */
const char *hb_excerpt(const char *s, size_t len, size_t max, char *buf, size_t cap);

#endif
