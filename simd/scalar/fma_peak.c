/* fma_peak.c: scalar multiply-add throughput for 'hogbench probe' (the scalar table's roof). */
// 16 independent chains of a multiply then an add (-ffp-contract=off, as the scalar kernels run).
#include "../peak.h"

#define HB_S16(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define HB_S_DECL(k) float c##k = 0.001f * (float)((k) + 1);
#define HB_S_STEP(k) c##k = c##k * x + 1e-3f;
#define HB_S_SUM(k) s += c##k;

float hb_fma_peak_f32__scalar(size_t n, float x, double *restrict flops) {
    HB_S16(HB_S_DECL)
    for (size_t i = 0; i < n; i++) {
        HB_S16(HB_S_STEP)
    }
    float s = 0.0f;
    HB_S16(HB_S_SUM)
    *flops = (double)n * 16 * 2.0;
    return s;
}
