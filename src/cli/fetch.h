/* fetch.h: 'hogbench data fetch' (the harness's: it runs curl or wget and unzip). */
#ifndef HB_FETCH_H
#define HB_FETCH_H

#include "internal.h"

/* Downloads a GroupLens MovieLens archive (ml-100k, ml-1m, ml-10m, ml-20m, ml-25m,
 * ml-latest-small) into DIR, verifies its MD5 (pinned, or GroupLens' .md5 for ml-latest-small;
 * md5 overrides), and unpacks it. base_url NULL: $HOGBENCH_FETCH_BASE or GroupLens.
 * unpacked receives the folder to pass as --data. */
hb_status hb_fetch(const char *name, const char *dir, const char *base_url, const char *md5,
                   char *unpacked, size_t cap, hb_error *err);
/* MD5 of a file as 32 lowercase hex digits (hex needs 33 bytes). */
hb_status hb_md5_file(const char *path, char *hex, hb_error *err);

#endif
