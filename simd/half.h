/* half.h: scalar conversions between f32 and the two 16-bit storage formats (bf16: the top half
 * of an f32; f16: IEEE binary16), the stochastic-rounding fold and the per-lane random streams
 * the 16-bit kernels share: the scalar oracle's arithmetic, and src/'s table conversions. */
#ifndef HB_HALF_H
#define HB_HALF_H

#include <stdint.h>
#include <string.h>

/* Low bits a stochastic rounding adds to and then clears from an f32's bit pattern: what bf16
 * (16) and binary16 (13, for normal numbers) drop from the f32 mantissa. */
#define HB_SR_MASK_bf16 0xffffu
#define HB_SR_MASK_f16 0x1fffu

static inline uint32_t hb_f32_bits(float f) {
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}
static inline float hb_bits_f32(uint32_t b) {
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static inline float hb_bf16_to_f32(uint16_t h) { return hb_bits_f32((uint32_t)h << 16); }
/* To nearest, ties to even, by integer arithmetic (as the SIMD fallbacks do): NaN payloads are
 * not preserved (a NaN whose top mantissa bits are clear can round to Inf: either way the run
 * is reported as diverged). */
static inline uint16_t hb_f32_to_bf16(float f) {
    const uint32_t b = hb_f32_bits(f);
    return (uint16_t)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}
/* binary16 by integer arithmetic (exact; subnormals, Inf and NaN included): the scalar oracle
 * and src/ must build on every C17 compiler, and _Float16 is not one of C17's types (clang 14 has
 * none on x86-64). */
static inline float hb_f16_to_f32(uint16_t h) {
    const uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) return hb_bits_f32(s | 0x7f800000u | (m << 13)); /* Inf, NaN */
    if (e) return hb_bits_f32(s | ((e + 112u) << 23) | (m << 13));  /* rebias 15 -> 127 */
    const float f = (float)m * 0x1p-24f;                             /* zero, subnormal */
    return s ? -f : f;
}
/* To nearest, ties to even (as F16C's VCVTPS2PH and Arm's FCVT in round-to-nearest mode). */
static inline uint16_t hb_f32_to_f16(float f) {
    uint32_t b = hb_f32_bits(f);
    const uint16_t s = (uint16_t)((b >> 16) & 0x8000u);
    b &= 0x7fffffffu;
    if (b > 0x7f800000u) return (uint16_t)(s | 0x7e00u | ((b >> 13) & 0x3ffu)); /* NaN, quiet */
    if (b >= 0x477ff000u) return (uint16_t)(s | 0x7c00u); /* >= 65520 (and Inf): Inf */
    if (b >= 0x38800000u) {                                /* normal: >= 2^-14 */
        uint32_t v = b - 0x38000000u;                      /* rebias 127 -> 15 */
        v += 0xfffu + ((v >> 13) & 1u);                    /* 13 bits dropped, to nearest even */
        return (uint16_t)(s | (v >> 13));
    }
    const uint32_t e = b >> 23; /* subnormal result: round(|f| * 2^24), 0..1024 */
    if (e < 102) return s;      /* below 2^-25: rounds to zero */
    const uint32_t mant = (b & 0x7fffffu) | 0x800000u, sh = 126u - e; /* 14..24 */
    uint32_t r = mant >> sh;
    const uint32_t rem = mant & ((1u << sh) - 1u), half = 1u << (sh - 1u);
    if (rem > half || (rem == half && (r & 1u))) r++;
    return (uint16_t)(s | r);
}

/* Stochastic rounding as a fold (Buckwild!, De Sa et al. 2015): add uniform random bits below
 * the kept mantissa and clear them: f rounds away from zero with probability equal to the
 * dropped fraction of an ulp, so E[result] = f. The result is exact in the 16-bit format, so the
 * nearest-even conversion after it changes nothing (f16: except below 2^-14, binary16's
 * subnormals, where it rounds to nearest; and above 65504, which overflows to Inf). */
static inline float hb_sr_fold(float f, uint32_t rnd, uint32_t mask) {
    return hb_bits_f32((hb_f32_bits(f) + (rnd & mask)) & ~mask);
}

/* xorshift32 (Marsaglia): one step of a lane's random stream. */
static inline uint32_t hb_xs32(uint32_t x) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}
/* Lane l's start for a call seeded with seed (splitmix64; never 0, xorshift's fixed point). */
static inline uint32_t hb_sr_lane_seed(uint64_t seed, unsigned l) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ull * (l + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (uint32_t)(z >> 32) | 1u;
}

#endif
