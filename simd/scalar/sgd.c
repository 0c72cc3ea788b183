/* sgd.c: scalar reference plain SGD step with L2: w -= lr*(g + reg*w). */
#include "../kernels.h"

void hb_sgd_f32__scalar(size_t n, float lr, float reg, const float *restrict g, float *restrict w) {
    for (size_t i = 0; i < n; i++) w[i] -= lr * (g[i] + reg * w[i]);
}
