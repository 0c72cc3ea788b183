/* ger.c: scalar reference rank-1 update A += alpha * x y^T (A row-major m x n). */
#include "../kernels.h"

void hb_ger_f32__scalar(size_t m, size_t n, float alpha, const float *restrict x,
                        const float *restrict y, float *restrict A, size_t lda) {
    for (size_t r = 0; r < m; r++) {
        float *a = A + r * lda;
        const float ax = alpha * x[r];
        for (size_t j = 0; j < n; j++) a[j] += ax * y[j];
    }
}
