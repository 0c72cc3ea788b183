/* dot_rows.c: scalar reference of a mini-batch's (user, item) row-pair dot products. */
#include "../kernels.h"

void hb_dot_rows_f32__scalar(size_t n, size_t dim, size_t ld, const float *restrict X,
                             const float *restrict Y, const hb_krating *restrict r, float *restrict z) {
    for (size_t j = 0; j < n; j++) z[j] = hb_dot_f32__scalar(dim, X + (size_t)r[j].u * ld, Y + (size_t)r[j].i * ld);
}
