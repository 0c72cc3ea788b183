/* shuffle.c: the per-epoch random order of the training ratings. Fisher-Yates in place while
 * the order fits in cache; above that, a bucketed shuffle whose every pass streams or stays in
 * cache (shuffle.h). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "shuffle.h"

#define HB_SH_BUCKET 16384u /* ratings per bucket on average: 192 KiB, in L2 while shuffled */
#define HB_SH_CHUNK 65536u  /* ratings per chunk of the bucket draws, at least */
#define HB_SH_CHUNKS 256u   /* chunks at most (each its own stream: the work of 256 threads) */

void hb_shuffle_flat(hb_rating *r, size_t n, hb_rng *rng) {
    for (size_t k = n; k > 1; k--) {
        const size_t j = (size_t)hb_rng_below(rng, k);
        const hb_rating t = r[k - 1];
        r[k - 1] = r[j];
        r[j] = t;
    }
}

void hb_shuffle_u32(uint32_t *x, uint32_t n, hb_rng *rng) {
    for (uint32_t k = n; k > 1; k--) {
        const uint32_t j = (uint32_t)hb_rng_below(rng, k), t = x[k - 1];
        x[k - 1] = x[j];
        x[j] = t;
    }
}

static size_t hb_sh_buckets(size_t n) {
    const size_t k = (n + HB_SH_BUCKET - 1) / HB_SH_BUCKET;
    return k < 2 ? 2 : k > UINT16_MAX ? UINT16_MAX : k;
}

static size_t hb_sh_chunks(size_t n) {
    const size_t c = (n + HB_SH_CHUNK - 1) / HB_SH_CHUNK;
    return c < 1 ? 1 : c > HB_SH_CHUNKS ? HB_SH_CHUNKS : c;
}

void hb_shuffle_free(hb_shuffle_ws *ws) {
    free(ws->tmp);
    free(ws->bucket);
    free(ws->count);
    memset(ws, 0, sizeof *ws);
}

hb_status hb_shuffle_reserve(hb_shuffle_ws *ws, size_t n, size_t flat_max) {
    memset(ws, 0, sizeof *ws);
    ws->flat_max = flat_max;
    if (n <= flat_max) return HB_OK;
    const size_t K = hb_sh_buckets(n), C = hb_sh_chunks(n);
    ws->tmp = malloc(n * sizeof *ws->tmp);
    ws->bucket = malloc(n * sizeof *ws->bucket);
    ws->count = malloc(C * K * sizeof *ws->count);
    if (!ws->tmp || !ws->bucket || !ws->count) {
        hb_shuffle_free(ws);
        ws->flat_max = flat_max;
        return HB_ERR_NOMEM;
    }
    ws->n = n;
    return HB_OK;
}

void hb_shuffle_ratings(hb_rating *r, size_t n, hb_rng *rng, int T, const hb_shuffle_ws *ws) {
    if (!ws || n <= ws->flat_max || n > ws->n) {
        hb_shuffle_flat(r, n, rng);
        return;
    }
    const uint64_t seed = hb_rng_next(rng);
    const size_t K = hb_sh_buckets(n), C = hb_sh_chunks(n);
    size_t *cnt = ws->count; /* cnt[c K + b]: chunk c's ratings in bucket b, then their slot */
    uint16_t *bk = ws->bucket;
    hb_rating *tmp = ws->tmp;
#pragma omp parallel num_threads(T > 0 ? T : 1)
    {
        /* every rating's bucket, drawn chunk by chunk, each chunk from its own stream */
#pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < C; c++) {
            size_t *h = cnt + c * K;
            memset(h, 0, K * sizeof *h);
            hb_rng g;
            hb_rng_seed(&g, seed ^ (0x9E3779B97F4A7C15ULL * (c + 1)));
            for (size_t j = n * c / C, e = n * (c + 1) / C; j < e; j++) {
                const uint16_t b = (uint16_t)hb_rng_below(&g, K);
                bk[j] = b;
                h[b]++;
            }
        }
        /* the slots: bucket by bucket, within a bucket chunk by chunk */
#pragma omp single
        {
            size_t o = 0;
            for (size_t b = 0; b < K; b++)
                for (size_t c = 0; c < C; c++) {
                    const size_t x = cnt[c * K + b];
                    cnt[c * K + b] = o;
                    o += x;
                }
        }
        /* scatter: each chunk's ratings to its slots (a stream per bucket) */
#pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < C; c++) {
            size_t *h = cnt + c * K;
            for (size_t j = n * c / C, e = n * (c + 1) / C; j < e; j++) tmp[h[bk[j]]++] = r[j];
        }
        /* each bucket shuffled from its own stream while copied back (inside-out Fisher-Yates);
         * the last chunk's slot of bucket b is now where bucket b ends */
#pragma omp for schedule(dynamic, 4)
        for (size_t b = 0; b < K; b++) {
            const size_t s = b ? cnt[(C - 1) * K + b - 1] : 0, e = cnt[(C - 1) * K + b];
            hb_rng g;
            hb_rng_seed(&g, seed ^ (0xD1B54A32D192ED03ULL * (b + 1)));
            hb_rating *d = r + s;
            const hb_rating *src = tmp + s;
            for (size_t i = 0; i < e - s; i++) {
                const size_t j = (size_t)hb_rng_below(&g, i + 1);
                d[i] = d[j];
                d[j] = src[i];
            }
        }
    }
}
