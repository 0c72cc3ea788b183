/* sgemm.c: AVX-512 C = alpha op(A) op(B) + beta C, row-major (the MLP's mini-batch products). */
// micro-tile 8 x 48: 24 zmm accumulators; each element one FMA chain over p (per KC block): error within gamma_k sum|a||b|.
#include "vec.h"

/* d[p * ld + j] = s[j * ls + p], p, j < 16: op(B)'s panels from B^T, 16 x 16 in registers
 * (unpack pairs, then 2-float, 4-float and 8-float groups). */
static inline void hb_sg_t16(const float *restrict s, size_t ls, float *restrict d, size_t ld) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(s + i * ls);
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xee);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    for (int i = 0; i < 16; i += 8)
        for (int q = 0; q < 4; q++) {
            t[i + q] = _mm512_shuffle_f32x4(r[i + q], r[i + 4 + q], 0x88);
            t[i + 4 + q] = _mm512_shuffle_f32x4(r[i + q], r[i + 4 + q], 0xdd);
        }
    for (int q = 0; q < 8; q++) {
        r[q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0x88);
        r[8 + q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0xdd);
    }
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(d + i * ld, r[i]);
}
#define HB_SG_BT hb_sg_t16

#define HB_SFX avx512
/* 8 x 48 (3 vectors) rather than 12 x 32: the MLP's 50- and 100-wide products run as 48-column
 * panels, A broadcast once per 48 columns, not once per 32 + once per 16 (kernels_bench: 50-wide
 * shapes +4-18 %, 128/256-wide within +-2 %) */
#define HB_SG_MR 8
#define HB_SG_NV 3
#define HB_SG_MC 144
#define HB_SG_KC 256
#define HB_SG_NC 240
#define HB_SG_PACK_B 0
#include "../generic/sgemm.inc"
