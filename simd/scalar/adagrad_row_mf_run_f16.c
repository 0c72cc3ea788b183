/* adagrad_row_mf_run_f16.c: scalar reference of adagrad_row_mf_run on tables stored in IEEE binary16 (mf_run_h.h). */
#include "mf_run_h.h"

double hb_adagrad_row_mf_run_f16_f32__scalar(const hb_mf_args *a, const hb_krating *r, size_t n) {
    return hb_h_run_scalar(a, r, n, 1, 1);
}
