/* peak.c: picks the probe kernels of an ISA (baseline flags only, like dispatch.c). */
#include "peak.h"

#ifdef HB_HAVE_AVX2
HB_DECLARE_PEAK(avx2)
HB_DECLARE_ROWS(avx2)
#endif
#ifdef HB_HAVE_AVX512
HB_DECLARE_PEAK(avx512)
HB_DECLARE_ROWS(avx512)
#endif
#ifdef HB_HAVE_NEON
HB_DECLARE_PEAK(neon)
HB_DECLARE_ROWS(neon)
#endif

hb_fma_peak_fn hb_fma_peak_for(hb_isa isa) {
    if (!hb_isa_supported(isa)) return NULL;
    switch (isa) {
    case HB_ISA_SCALAR: return hb_fma_peak_f32__scalar;
#ifdef HB_HAVE_AVX2
    case HB_ISA_AVX2: return hb_fma_peak_f32__avx2;
#endif
#ifdef HB_HAVE_AVX512
    case HB_ISA_AVX512: return hb_fma_peak_f32__avx512;
#endif
#ifdef HB_HAVE_NEON
    case HB_ISA_NEON: return hb_fma_peak_f32__neon;
#endif
    default: return NULL;
    }
}

hb_rows_run_fn hb_rows_run_for(hb_isa isa) {
    if (!hb_isa_supported(isa)) return NULL;
    switch (isa) {
    case HB_ISA_SCALAR: return hb_rows_run_f32__scalar;
#ifdef HB_HAVE_AVX2
    case HB_ISA_AVX2: return hb_rows_run_f32__avx2;
#endif
#ifdef HB_HAVE_AVX512
    case HB_ISA_AVX512: return hb_rows_run_f32__avx512;
#endif
#ifdef HB_HAVE_NEON
    case HB_ISA_NEON: return hb_rows_run_f32__neon;
#endif
    default: return NULL;
    }
}
