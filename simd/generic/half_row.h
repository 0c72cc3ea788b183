/* half_row.h: what the 16-bit kernels (sgd_mf_run_h.inc, adagrad_row_mf_run_h.inc) share, on top
 * of vec.h and the ISA's vec16.h: the format's widen/narrow (HB_H: bf16 or f16), a tail through a
 * zeroed stack vector, the narrowing write (nearest even, or stochastic with the next random
 * lanes) and the rows' prefetch. */
#ifndef HB_HALF_ROW_H
#define HB_HALF_ROW_H

#include <string.h>

#define HB_HCAT_(a, b) a##_##b
#define HB_HCAT(a, b) HB_HCAT_(a, b)
#define hb_hld HB_HCAT(hb_hld, HB_H)
#define hb_hst HB_HCAT(hb_hst, HB_H)
#define HB_HMASK HB_HCAT(HB_SR_MASK, HB_H)

// tail: the live lanes through a zeroed stack vector (dead lanes widen to +0)
static inline hb_vf hb_hld_n(const uint16_t *p, size_t live) {
    uint16_t t[HB_VW] = {0};
    memcpy(t, p, live * sizeof *t);
    return hb_hld(t);
}
static inline void hb_hst_n(uint16_t *p, size_t live, hb_vf v) {
    uint16_t t[HB_VW];
    hb_hst(t, v);
    memcpy(p, t, live * sizeof *t);
}

/* One narrowing write of v to dst (HB_HPUT_N: its first live lanes), the step's k-th. SR is a
 * constant in the specialized loops; rs, the lanes' random state, advances once per step
 * (HB_HSTEP) and each write hashes it with k: a per-write xorshift would chain every write of a
 * step behind the one before (measured: stochastic bf16 then ran at 0.75-1.0x f32). */
#define HB_HSTEP()                                                                               \
    do {                                                                                        \
        if (SR) rs = hb_vi_next(rs);                                                            \
    } while (0)
#define HB_HPUT(dst, v, k)                                                                       \
    do {                                                                                        \
        hb_vf v_ = (v);                                                                         \
        if (SR) v_ = hb_vsr(v_, hb_vi_mix(rs, (uint32_t)(k)), HB_HMASK);                        \
        hb_hst(dst, v_);                                                                        \
    } while (0)
#define HB_HPUT_N(dst, live, v, k)                                                               \
    do {                                                                                        \
        hb_vf v_ = (v);                                                                         \
        if (SR) v_ = hb_vsr(v_, hb_vi_mix(rs, (uint32_t)(k)), HB_HMASK);                        \
        hb_hst_n(dst, live, v_);                                                                \
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
