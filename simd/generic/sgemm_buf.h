/* sgemm_buf.h: the per-thread packing buffers every ISA's sgemm shares (defined once, in
 * simd/scalar/sgemm.c: one set per thread, not one per ISA), sized by the largest blocking. */
#ifndef HB_SGEMM_BUF_H
#define HB_SGEMM_BUF_H

#define HB_SGEMM_KC_MAX 256 /* k per block */
#define HB_SGEMM_MC_MAX 144 /* rows of op(A) per packed block */
#define HB_SGEMM_NC_MAX 256 /* columns of op(B) per packed block (a multiple of every NR) */

/* op(A) block: MC x KC as MR-row panels; op(B) block: KC x NC as NR-column panels. */
extern _Thread_local float hb_sgemm_abuf[HB_SGEMM_MC_MAX * HB_SGEMM_KC_MAX];
extern _Thread_local float hb_sgemm_bbuf[HB_SGEMM_KC_MAX * HB_SGEMM_NC_MAX];

#endif
