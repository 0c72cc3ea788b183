/* json.h: a small tolerant JSON reader (for Google Benchmark's output): a tree of values,
 * errors that name the file, line, column and what was expected. */
#ifndef HB_JSON_H
#define HB_JSON_H

#include "internal.h"

typedef enum hb_json_type {
    HB_JSON_NULL = 0,
    HB_JSON_BOOL,
    HB_JSON_NUMBER,
    HB_JSON_STRING,
    HB_JSON_ARRAY,
    HB_JSON_OBJECT,
} hb_json_type;

/* One value. Arrays and objects chain their members through child/next; an object's members
 * carry their key. Strings are UTF-8 and NUL-terminated (a \u0000 escape ends them early). */
typedef struct hb_json {
    hb_json_type type;
    int boolean;
    double number;
    char *str;
    char *key;
    size_t n;                 /* members of an array or object */
    struct hb_json *child;    /* first member */
    struct hb_json *next;     /* next member of the parent */
} hb_json;

#define HB_JSON_MAX_DEPTH 64
/* Bounds on what one document may cost: its size in bytes (hb_json_load) and its number of
 * values (every value is a node of about 64 bytes). Google Benchmark's output for this
 * project's micro-suite is ~1 MiB and ~20K values; beyond these it is not such a file. */
#define HB_JSON_MAX_BYTES ((size_t)64 << 20)
#define HB_JSON_MAX_VALUES ((size_t)2 << 20)

/* Parses len bytes of text (name is used in messages). Accepts standard JSON plus the
 * non-finite numbers Google Benchmark writes (NaN, Infinity, -Infinity), a UTF-8 BOM, and
 * raw control characters inside strings. Fails with HB_ERR_PARSE and "name:LINE:COL:
 * expected ..., found ..." for anything else (trailing text, nesting deeper than
 * HB_JSON_MAX_DEPTH, more than HB_JSON_MAX_VALUES values, bad escapes, truncation); *out is
 * then NULL. */
hb_status hb_json_parse(const char *text, size_t len, const char *name, hb_json **out,
                        hb_error *err);

/* Reads and parses a file: opened with hb_file_open (never blocks; a FIFO, device or directory
 * is HB_ERR_IO "PATH: is a FIFO, not a regular file" with nothing read), at most
 * HB_JSON_MAX_BYTES (a larger file is HB_ERR_IO before anything is read). HB_ERR_PARSE as
 * above. */
hb_status hb_json_load(const char *path, hb_json **out, hb_error *err);

/* Frees a tree and nulls *j. */
void hb_json_free(hb_json **j);

/* The member of object o named key (the first, if repeated), or NULL (also when o is not an
 * object). */
const hb_json *hb_json_get(const hb_json *o, const char *key);

#endif
