/* fuzz_parse.c: libFuzzer target for the ratings parser (every format, header, id kind, duplicate
 * policy and declared range), the splits and the dataset assembly behind it, and the binary
 * cache reader. Byte 0 picks the mode and columns, byte 1 the parse options; the rest is the
 * file. Any crash, sanitizer report, a message that names no file, or a difference between one
 * thread and many small pieces is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assemble.h"
#include "cache.h"
#include "parse.h"
#include "split.h"

static void hb_check_msg(const hb_error *err) {
    if (!err->msg[0]) abort(); /* every failure must say what went wrong */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    const uint8_t mode = data[0], cfg = data[1];
    data += 2;
    size -= 2;
    hb_error err = {{0}};
    hb_table t;
    if (mode & 0x80) { /* the cache reader, keyed by the header it is given (so it gets past it) */
        uint64_t key[3] = {0, 0, 0};
        if (size >= 40) memcpy(key, data + 16, sizeof key);
        if (hb_cache_read_buffer(data, size, key[0], key[1], key[2], cfg & 1, &t, &err) == HB_OK) {
            for (size_t k = 0; k < t.n; k++)
                if (t.r[k].u >= t.n_users || t.r[k].i >= t.n_items) abort();
            hb_table_free(&t);
        } else {
            hb_check_msg(&err);
        }
        return 0;
    }
    static const char *const cols[] = {"user,item,rating,timestamp", "user,item,rating",
                                       "item,user,rating,timestamp", "user,-,item,rating"};
    static const char *const delims[] = {",", "\t", "::"};
    hb_parse_spec sp;
    memset(&sp, 0, sizeof sp);
    if (hb_columns_parse(cols[mode & 3], &sp, &err) != HB_OK) abort();
    strcpy(sp.delim, delims[cfg % 3]);
    sp.delim_len = strlen(sp.delim);
    sp.header = (cfg >> 2) & 1;
    sp.strings = (cfg >> 3) & 1;
    sp.dups = (hb_dup_policy)((cfg >> 4) % 3);
    sp.has_range = (cfg >> 6) & 1;
    sp.r_lo = 0.5f;
    sp.r_hi = 5.0f;
    if (sp.has_range && (cfg >> 7) & 1) { /* a known release's half-star scale */
        sp.r_grid = 2;
        snprintf(sp.range_src, sizeof sp.range_src, "the fuzzer's declared range");
    }
    sp.keep_ts = (mode >> 2) & 1;
    /* one thread, and four threads over many tiny pieces: the same table or the same message */
    sp.threads = 1;
    hb_error err1 = {{0}};
    hb_table t1;
    const hb_status st1 = hb_parse_buffer("fuzz.csv", (const char *)data, size, &sp, &t1, &err1);
    sp.threads = 4;
    sp.piece_min = 16;
    const hb_status st = hb_parse_buffer("fuzz.csv", (const char *)data, size, &sp, &t, &err);
    if ((st == HB_OK) != (st1 == HB_OK)) abort();
    if (st != HB_OK) {
        hb_check_msg(&err);
        if (strcmp(err.msg, err1.msg) != 0) abort();
        if (strncmp(err.msg, "fuzz.csv", 8) != 0) abort(); /* messages name the file */
        return 0;
    }
    if (t.n != t1.n || t.n_users != t1.n_users || t.n_items != t1.n_items ||
        memcmp(t.r, t1.r, t.n * sizeof *t.r) || memcmp(t.user_ids, t1.user_ids, t.n_users * 8) ||
        memcmp(t.item_ids, t1.item_ids, t.n_items * 8) || t.n_duplicates != t1.n_duplicates ||
        (t.ts && memcmp(t.ts, t1.ts, t.n * sizeof *t.ts)))
        abort();
    for (uint32_t k = 0; sp.strings && k < t.n_users; k++)
        if (strcmp(t.user_names[k], t1.user_names[k])) abort();
    hb_table_free(&t1);
    for (size_t k = 0; k < t.n; k++)
        if (t.r[k].u >= t.n_users || t.r[k].i >= t.n_items) abort();
    static const char *const splits[] = {"random:0.3:7", "kfold:3:2", "per-user:0.5", "time:0.25"};
    hb_split_spec ss;
    if (hb_split_parse(splits[(mode >> 4) & 3], &ss, &err) != HB_OK) abort();
    hb_rating *tr = NULL, *te = NULL;
    size_t ntr = 0, nte = 0;
    if (hb_split_apply(&t, &ss, &tr, &ntr, &te, &nte, &err) == HB_OK) {
        if (ntr && nte) {
            hb_dataset *ds = NULL;
            if (hb_dataset_assemble(&t, tr, ntr, te, nte, (mode >> 6) & 1, &ds, &err) == HB_OK) {
                for (size_t k = 0; k < ds->n_train; k++)
                    if (ds->train[k].u >= ds->n_users || ds->train[k].i >= ds->n_items) abort();
                for (size_t k = 0; k < ds->n_test; k++)
                    if (ds->test[k].u >= ds->n_users || ds->test[k].i >= ds->n_items) abort();
                hb_dataset_free(&ds);
            } else {
                hb_check_msg(&err);
            }
        } else {
            free(tr);
            free(te);
        }
    } else {
        hb_check_msg(&err);
    }
    hb_table_free(&t);
    return 0;
}
