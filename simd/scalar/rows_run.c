/* rows_run.c: scalar random-row reads and updates for 'hogbench probe' (the memory roof). */
// one element at a time, a multiply then an add (-ffp-contract=off); rows prefetched ahead.
#include "../peak.h"

static inline size_t hb_rows_at(const hb_rows_args *a, size_t j) {
    const uint64_t w = a->rnd[(a->pos + j) & a->mask];
    return a->off + a->stride * (size_t)((w * a->share) >> 32);
}

float hb_rows_run_f32__scalar(size_t n, const hb_rows_args *restrict a, int update) {
    const size_t ld = a->ld, bytes = ld * sizeof(float);
    float *T = a->T, s = 0.0f;
    for (size_t j = 0; j < n; j++) {
        if (j + HB_ROWS_AHEAD < n) {
            const char *p = (const char *)(T + hb_rows_at(a, j + HB_ROWS_AHEAD) * ld);
            for (size_t o = 0; o < bytes; o += 64) __builtin_prefetch(p + o, 1, 3);
        }
        float *row = T + hb_rows_at(a, j) * ld;
        if (update)
            for (size_t i = 0; i < ld; i++) row[i] = row[i] + a->a * a->v[i];
        else
            for (size_t i = 0; i < ld; i++) s += row[i] * a->v[i];
    }
    return s;
}
