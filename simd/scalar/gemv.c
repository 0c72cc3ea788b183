/* gemv.c: scalar reference y = A x (A row-major m x n). */
#include "../kernels.h"

void hb_gemv_f32__scalar(size_t m, size_t n, const float *restrict A, size_t lda,
                         const float *restrict x, float *restrict y) {
    for (size_t r = 0; r < m; r++) {
        const float *a = A + r * lda;
        float s = 0.0f;
        for (size_t i = 0; i < n; i++) s += a[i] * x[i];
        y[r] = s;
    }
}
