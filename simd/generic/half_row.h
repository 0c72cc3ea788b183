/* half_row.h: what the 16-bit kernels (sgd_mf_run_h.inc, adagrad_row_mf_run_h.inc) share, on top
 * of vec.h and the ISA's vec16.h: the format's widen/narrow (HB_H: bf16 or f16) by pairs of
 * vectors, a tail through a zeroed stack pair, the narrowing write (nearest even, or stochastic
 * with the step's random lanes) and the rows' prefetch. */
#ifndef HB_HALF_ROW_H
#define HB_HALF_ROW_H

#include <string.h>

#define HB_HCAT_(a, b) a##_##b
#define HB_HCAT(a, b) HB_HCAT_(a, b)
#define hb_hld2 HB_HCAT(hb_hld2, HB_H)
#define hb_hst2 HB_HCAT(hb_hst2, HB_H)
#define hb_hst2sr HB_HCAT(hb_hst2sr, HB_H)
#define HB_HMASK HB_HCAT(HB_SR_MASK, HB_H)
#define HB_HC (2 * HB_VW) /* elements a pair of vectors holds */
/* The kernels' body, forced inline into each (dim, rounding) case of their switch: GCC made one
 * out-of-line copy with both as run-time arguments (no unrolling, a branch per write) */
#define HB_H_INLINE static inline __attribute__((always_inline))

/* binary16 pairs: two vectors in element order (bf16's pairs are the ISA's, in vec16.h);
 * macros, so that files without F16C that include this for bf16 never see them */
#define hb_hld2_f16(p, a, b) (*(a) = hb_hld_f16(p), *(b) = hb_hld_f16((p) + HB_VW))
#define hb_hst2_f16(p, a, b) (hb_hst_f16(p, a), hb_hst_f16((p) + HB_VW, b))
#define hb_hst2sr_f16(p, a, b, ra, rb)                                                           \
    (hb_hst_f16(p, hb_vsr(a, ra, HB_SR_MASK_f16)), hb_hst_f16((p) + HB_VW, hb_vsr(b, rb, HB_SR_MASK_f16)))

// tail: the live elements (< HB_HC) through a zeroed stack pair (dead lanes widen to +0)
static inline void hb_hld2_n(const uint16_t *p, size_t live, hb_vf *a, hb_vf *b) {
    uint16_t t[HB_HC] = {0};
    memcpy(t, p, live * sizeof *t);
    hb_hld2(t, a, b);
}

/* Stochastic rounding's random bits. The lanes' xorshift32 state rs advances once per step
 * (HB_HSTEP) and gives each lane two values below HB_HMASK, u0 and u1 (its low and high
 * halves); write k (a pair of vectors, P's even, Q's odd) takes u0 ^ c_k for its first vector
 * and u1 ^ c_k for its second, c_k = k * 0x9E37 cut to the mask: each value is uniform, so every
 * rounding stays unbiased, and the writes of a step are distinct bijections of the same 32 bits
 * (coupled, not independent; the steps are independent draws). One xor per vector written: a
 * multiply-hash per write ran stochastic bf16 at 0.85-1.07x f32
 * (results/storage-25m-shuffle.csv), a generator step per write chained the writes (0.75-1.0x,
 * results/storage-25m-sr-chained.csv). SR is a constant in the specialized loops. */
#define HB_SR_K(k) (((uint32_t)(k) * 0x9E37u) & HB_HMASK)
#define HB_HSEED() hb_vi rs = hb_vi_seed(a->seed), u0 = rs, u1 = rs
#define HB_HSTEP()                                                                               \
    do {                                                                                        \
        if (SR) {                                                                               \
            rs = hb_vi_next(rs);                                                                \
            u0 = hb_vi_lo(rs, HB_HMASK);                                                        \
            u1 = hb_vi_hi(rs, HB_HMASK);                                                        \
        }                                                                                       \
    } while (0)
/* One narrowing write of the pair (va, vb) to dst, the step's k-th */
#define HB_HPUT2(dst, va, vb, k)                                                                 \
    do {                                                                                        \
        if (SR) {                                                                               \
            const uint32_t c_ = HB_SR_K(k);                                                     \
            hb_hst2sr(dst, va, vb, hb_vi_xor1(u0, c_), hb_vi_xor1(u1, c_));                     \
        } else {                                                                                \
            hb_hst2(dst, va, vb);                                                               \
        }                                                                                       \
    } while (0)
// tail: its first live elements
#define HB_HPUT2_N(dst, live, va, vb, k)                                                         \
    do {                                                                                        \
        uint16_t t_[HB_HC];                                                                     \
        HB_HPUT2(t_, va, vb, k);                                                                \
        memcpy(dst, t_, (live) * sizeof *t_);                                                   \
    } while (0)

/* The first 4 cache lines of a 16-bit row (dim 128); a macro: GCC deletes calls to a function
 * that only prefetches. */
#define HB_H_PF(row, bytes)                                                                      \
    do {                                                                                        \
        const char *pf_ = (const char *)(row);                                                  \
        __builtin_prefetch(pf_, 1, 3);                                                          \
        if ((bytes) > 64) __builtin_prefetch(pf_ + 64, 1, 3);                                   \
        if ((bytes) > 128) __builtin_prefetch(pf_ + 128, 1, 3);                                 \
        if ((bytes) > 192) __builtin_prefetch(pf_ + 192, 1, 3);                                 \
    } while (0)
#define HB_H_AHEAD 8

#endif
