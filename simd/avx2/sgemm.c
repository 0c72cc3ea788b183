/* sgemm.c: AVX2 C = alpha op(A) op(B) + beta C, row-major (the MLP's mini-batch products). */
// micro-tile 6 x 16: 12 ymm accumulators; each element one FMA chain over p (per KC block): error within gamma_k sum|a||b|.
#include "vec.h"

/* d[p * ld + j] = s[j * ls + p], p, j < 8: op(B)'s panels from B^T, 8 x 8 in registers. */
static inline void hb_sg_t8(const float *restrict s, size_t ls, float *restrict d, size_t ld) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(s + i * ls);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    for (int q = 0; q < 4; q++) {
        t[q] = _mm256_permute2f128_ps(r[q], r[4 + q], 0x20);
        t[4 + q] = _mm256_permute2f128_ps(r[q], r[4 + q], 0x31);
    }
    for (int i = 0; i < 8; i++) _mm256_storeu_ps(d + i * ld, t[i]);
}
#define HB_SG_BT hb_sg_t8

#define HB_SFX avx2
#define HB_SG_MR 6
#define HB_SG_NV 2
#define HB_SG_MC 144
#define HB_SG_KC 256
#define HB_SG_NC 256
#define HB_SG_PACK_B 0
#include "../generic/sgemm.inc"
