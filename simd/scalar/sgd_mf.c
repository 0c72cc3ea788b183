/* sgd_mf.c: scalar reference fused MF SGD step (reads p and q once for the error, then updates both). */
#include "../kernels.h"

float hb_sgd_mf_f32__scalar(size_t n, float r, float bias, float lr, float reg,
                            float *restrict p, float *restrict q) {
    float dot = 0.0f;
    for (size_t i = 0; i < n; i++) dot += p[i] * q[i];
    const float e = r - (dot + bias);
    for (size_t i = 0; i < n; i++) {
        const float pi = p[i], qi = q[i];
        p[i] = pi + lr * (e * qi - reg * pi);
        q[i] = qi + lr * (e * pi - reg * qi);
    }
    return e;
}
