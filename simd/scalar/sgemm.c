/* sgemm.c: scalar reference C = alpha op(A) op(B) + beta C (row-major), and the packing
 * buffers the vector kernels share. */
#include "../kernels.h"
#include "../generic/sgemm_buf.h"

_Alignas(64) _Thread_local float hb_sgemm_abuf[HB_SGEMM_MC_MAX * HB_SGEMM_KC_MAX];
_Alignas(64) _Thread_local float hb_sgemm_bbuf[HB_SGEMM_KC_MAX * HB_SGEMM_NC_MAX];

// one float dot product per element, p in order: error within gamma_k sum|a||b| (Higham 3.1)
void hb_sgemm_f32__scalar(int ta, int tb, size_t m, size_t n, size_t k, float alpha,
                          const float *restrict A, size_t lda, const float *restrict B,
                          size_t ldb, float beta, float *restrict C, size_t ldc) {
    /* op(A)(i, p) = A[i * ars + p * acs], op(B)(p, j) = B[p * brs + j * bcs] */
    const size_t ars = ta ? 1 : lda, acs = ta ? lda : 1;
    const size_t brs = tb ? 1 : ldb, bcs = tb ? ldb : 1;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            float s = 0.0f;
            for (size_t p = 0; p < k; p++) s += A[i * ars + p * acs] * B[p * brs + j * bcs];
            float *c = C + i * ldc + j;
            *c = beta == 0.0f ? alpha * s : alpha * s + beta * *c;
        }
}
