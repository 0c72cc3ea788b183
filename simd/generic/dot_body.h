/* dot_body.h: the dot kernel's arithmetic, inlined by dot.inc and dot_rows.inc after vec.h, so
 * that every pair of dot_rows is bitwise this ISA's dot. */
#ifndef HB_DOT_BODY_H
#define HB_DOT_BODY_H
/* The dot's accumulators summed into one vector, before the horizontal sum. */
static inline hb_vf hb_dot_acc(size_t n, const float *restrict x, const float *restrict y) {
    hb_vf s0 = hb_vzero(), s1 = hb_vzero(), s2 = hb_vzero(), s3 = hb_vzero();
    size_t i = 0;
    for (; i + 4 * HB_VW <= n; i += 4 * HB_VW) {
        s0 = hb_vfma(hb_vld(x + i), hb_vld(y + i), s0);
        s1 = hb_vfma(hb_vld(x + i + HB_VW), hb_vld(y + i + HB_VW), s1);
        s2 = hb_vfma(hb_vld(x + i + 2 * HB_VW), hb_vld(y + i + 2 * HB_VW), s2);
        s3 = hb_vfma(hb_vld(x + i + 3 * HB_VW), hb_vld(y + i + 3 * HB_VW), s3);
    }
    // tail: up to 3 whole vectors, unrolled into separate accumulators (short chains), then a partial one
    if (i + HB_VW <= n) {
        s0 = hb_vfma(hb_vld(x + i), hb_vld(y + i), s0);
        i += HB_VW;
        if (i + HB_VW <= n) {
            s1 = hb_vfma(hb_vld(x + i), hb_vld(y + i), s1);
            i += HB_VW;
            if (i + HB_VW <= n) {
                s2 = hb_vfma(hb_vld(x + i), hb_vld(y + i), s2);
                i += HB_VW;
            }
        }
    }
    if (i < n) {
        const hb_vm k = hb_vmask(n - i);
        s3 = hb_vfma(hb_vld_m(x + i, k), hb_vld_m(y + i, k), s3);
    }
    return hb_vadd(hb_vadd(s0, s1), hb_vadd(s2, s3));
}

static inline float hb_dot_body(size_t n, const float *restrict x, const float *restrict y) {
    return hb_vhsum(hb_dot_acc(n, x, y));
}

#endif
