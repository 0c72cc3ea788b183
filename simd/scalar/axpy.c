/* axpy.c: scalar reference y += a*x. */
#include "../kernels.h"

void hb_axpy_f32__scalar(size_t n, float a, const float *restrict x, float *restrict y) {
    for (size_t i = 0; i < n; i++) y[i] += a * x[i];
}
