/* gemv_t.c: scalar reference y = A^T x (A row-major m x n, y has n elements). */
#include "../kernels.h"

void hb_gemv_t_f32__scalar(size_t m, size_t n, const float *restrict A, size_t lda,
                           const float *restrict x, float *restrict y) {
    for (size_t j = 0; j < n; j++) y[j] = 0.0f;
    for (size_t r = 0; r < m; r++) {
        const float *a = A + r * lda;
        const float xr = x[r];
        for (size_t j = 0; j < n; j++) y[j] += a[j] * xr;
    }
}
