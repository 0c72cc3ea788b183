/* fuzz_parse.c: libFuzzer target for the ratings parser (every format, header, id kind, duplicate
 * policy and declared range), the splits and the dataset assembly behind it, and the binary
 * cache reader. Byte 0 picks the mode and columns, byte 1 the parse options; the rest is the
 * file. Any crash, sanitizer report or a message that names no file is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"

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
    sp.keep_ts = (mode >> 2) & 1;
    sp.threads = 1 + ((mode >> 3) & 1);
    if (hb_parse_buffer("fuzz.csv", (const char *)data, size, &sp, &t, &err) != HB_OK) {
        hb_check_msg(&err);
        if (strncmp(err.msg, "fuzz.csv", 8) != 0) abort(); /* messages name the file */
        return 0;
    }
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
