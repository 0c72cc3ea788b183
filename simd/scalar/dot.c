/* dot.c: scalar reference dot product (the oracle; compiled without auto-vectorization). */
#include "../kernels.h"

// one accumulator, in order: the order every SIMD kernel is compared against
float hb_dot_f32__scalar(size_t n, const float *restrict x, const float *restrict y) {
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) s += x[i] * y[i];
    return s;
}
