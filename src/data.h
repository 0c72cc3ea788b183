/* data.h: data.c's entry points that are not public API (tests reach them). */
#ifndef HB_DATA_H
#define HB_DATA_H

#include "internal.h"

/* hb_dataset_load on an ML-100K folder with its predefined split SPLIT does the same: loads
 * DIR/SPLIT.base and DIR/SPLIT.test (SPLIT one of u1..u5, ua, ub) as GroupLens ships them
 * (tab-separated user, item, rating, timestamp), applies the notebook's filtering and
 * re-indexes users and items 0..n-1 in ascending original id. On failure returns an error
 * naming the file and line, and *out is NULL. */
hb_status hb_dataset_load_ml100k(const char *dir, const char *split, hb_dataset **out,
                                 hb_error *err);

/* How hb_dataset_load would read PATH with options o, for a loader that reads the files
 * itself (the MPI ranks' shares, src/dist_load.c): PREDEF, ML-100K's two files of a
 * predefined split (file[0] train, file[1] test); FILE, one ratings file and any other split
 * (ss; sp.keep_ts for the time split); OTHER, anything else (synthetic data, errors):
 * load it with hb_dataset_load. sp: the parse spec (sp.dups the duplicate policy); name and
 * split: the dataset's name and split columns; notebook_filter as resolved. */
#include "parse.h"
#include "split.h"
enum { HB_PLAN_OTHER = 0, HB_PLAN_PREDEF, HB_PLAN_FILE };
typedef struct hb_load_plan {
    int kind;
    char file[2][4200];
    hb_parse_spec sp;
    hb_split_spec ss;
    int notebook_filter;
    char name[160];
    char split[32];
} hb_load_plan;
hb_status hb_load_plan_make(const char *path, const hb_load_opts *o, hb_load_plan *pl,
                            hb_error *err);

#endif
