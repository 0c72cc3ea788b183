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

/* One rank's share of a file (src/dist_load.c): the data after a BOM, the header and the blank
 * lines before it, cut into `parts` byte ranges at line starts as the parallel parser cuts its
 * pieces. The whole file is mapped, but only the prologue, the lines at the cuts and the
 * piece's own bytes are read. */
typedef struct hb_parse_part {
    const char *path;
    void *map;            /* the mapping (NULL for a file read whole: buf) */
    char *buf;
    const char *base;     /* the file's bytes */
    size_t size;
    uint64_t bytes;       /* the file's size */
    const char *start;    /* the first data line (after BOM, header, leading blank lines) */
    const char *first;    /* the first non-blank data line (the header hint) */
    size_t line_base;     /* lines before start */
    const char *a, *b;    /* the piece: whole lines */
    size_t lines;         /* newlines in [a, b) */
} hb_parse_part;

/* Opens path, checks its prologue (as hb_parse_file: the header, a UTF-16 mark, an empty
 * file fail the same way on every part) and finds piece `part` of `parts`, counting its
 * newlines. On failure nothing stays open. */
hb_status hb_parse_part_open(const char *path, const hb_parse_spec *sp, int part, int parts,
                             hb_parse_part *pp, hb_error *err);
/* Parses the piece: lines_before is the newline count of the pieces before it, so messages
 * say "path:LINE" with the file's line numbers. The table holds the piece's rows in file
 * order with ids dense in the piece (ascending original id); no ratings is not an error and
 * duplicates are not checked (the caller sees every part). */
hb_status hb_parse_part_run(hb_parse_part *pp, const hb_parse_spec *sp, size_t lines_before,
                            hb_table *t, hb_error *err);
/* The file line of the piece's data row `row` (0-based), or 0. */
size_t hb_parse_part_line(const hb_parse_part *pp, size_t lines_before, size_t row);
void hb_parse_part_close(hb_parse_part *pp);

/* Escapes up to max bytes of s for a message (\t, \xNN); returns buf. */
const char *hb_excerpt(const char *s, size_t len, size_t max, char *buf, size_t cap);

#endif
