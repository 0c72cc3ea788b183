/* peak.h: the kernels 'hogbench probe' measures the machine with, one per ISA: FMA throughput
 * (the compute roof as each kernel table can use it) and random-row traffic (the memory roof of
 * SGD on embedding tables). Not part of the training tables. */
#ifndef HB_PEAK_H
#define HB_PEAK_H

#include "kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Runs n iterations of independent multiply-adds on accumulators held in registers
 * (acc = acc * x + c; x close to 1 keeps them finite and normal) and returns their sum (so
 * the work cannot be removed); *flops gets the floating-point operations done (a multiply-add
 * counts 2). The SIMD versions use fused FMA instructions; the scalar one a multiply and an
 * add, as the scalar kernels do (they are built with -ffp-contract=off). */
typedef float (*hb_fma_peak_fn)(size_t n, float x, double *restrict flops);

#define HB_DECLARE_PEAK(isa)                                                                       \
    float hb_fma_peak_f32__##isa(size_t n, float x, double *restrict flops);
HB_DECLARE_PEAK(scalar)

/* The kernel for isa, or NULL when this binary or CPU cannot run it (hb_isa_supported). */
hb_fma_peak_fn hb_fma_peak_for(hb_isa isa);

/* Random rows of a table T (rows of ld floats, ld a multiple of 16, T 64-byte aligned), as the
 * SGD loop touches embedding rows: access j uses the 32-bit word w = rnd[(pos + j) & mask] and
 * row off + stride * ((w * share) >> 32) (so a worker can own an interleaved share of the rows).
 * read: returns the sum of the rows' dots with v; update: row += a * v (read and written).
 * The row HB_ROWS_AHEAD accesses ahead is prefetched, as sgd_mf_run prefetches its rows. */
typedef struct hb_rows_args {
    size_t ld, stride, off, pos, mask;
    uint64_t share;
    const uint32_t *rnd;
    const float *v;
    float a;
    float *T;
} hb_rows_args;
#define HB_ROWS_AHEAD 16
typedef float (*hb_rows_run_fn)(size_t n, const hb_rows_args *restrict args, int update);

#define HB_DECLARE_ROWS(isa)                                                                       \
    float hb_rows_run_f32__##isa(size_t n, const hb_rows_args *restrict args, int update);
HB_DECLARE_ROWS(scalar)

/* The rows kernel for isa, or NULL (as hb_fma_peak_for). */
hb_rows_run_fn hb_rows_run_for(hb_isa isa);

#ifdef __cplusplus
}
#endif
#endif
