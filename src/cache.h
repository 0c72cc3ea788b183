/* cache.h: the binary cache next to a ratings file (src/cache.c). */
#ifndef HB_CACHE_H
#define HB_CACHE_H

#include "table.h"

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

#endif
