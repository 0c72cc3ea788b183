/* model_score.c: a trained or loaded model's public face: batch scoring through the kernel
 * table of a given ISA, and read-only access to its shape, factors and biases. */
#include <math.h>
#include <string.h>

#include "model.h"

hb_status hb_model_score(const hb_model *m, hb_isa isa, size_t n, const uint32_t *u,
                         const uint32_t *i, float *out, hb_error *err) {
    if (!m || (n && (!u || !i || !out))) return hb_fail(err, HB_ERR_ARG, "NULL model or arrays");
    const hb_kernels *k = hb_kernels_for(isa);
    if (!k)
        return hb_fail(err, HB_ERR_UNSUPPORTED, "ISA %s: this CPU or build cannot run it",
                       hb_isa_name(isa));
    for (size_t j = 0; j < n; j++)
        if (u[j] >= m->n_users || i[j] >= m->n_items)
            return hb_fail(err, HB_ERR_ARG, "pair %zu: (%u, %u) is outside the model's %u users "
                           "x %u items", j, u[j], i[j], m->n_users, m->n_items);
    if (!hb_model_is_mlp(m->p.model)) {
        for (size_t j = 0; j < n; j++) out[j] = hb_link(m, hb_mf_forward(m, k, u[j], i[j]));
        return HB_OK;
    }
    hb_mlp_ws w; /* one workspace for the whole batch */
    if (hb_mlp_ws_init(&w, m) != HB_OK) return hb_fail(err, HB_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < n; j++) out[j] = hb_link(m, hb_mlp_forward(m, k, &w, u[j], i[j]));
    hb_mlp_ws_free(&w);
    return HB_OK;
}

const hb_train_params *hb_model_params(const hb_model *m) { return &m->p; }
void hb_model_set_epoch_overlap(hb_model *m, int on) { m->epoch_overlap = on != 0; }
uint32_t hb_model_n_users(const hb_model *m) { return m->n_users; }
uint32_t hb_model_n_items(const hb_model *m) { return m->n_items; }
uint32_t hb_model_dim(const hb_model *m) { return m->dim; }

const float *hb_model_user_factors(const hb_model *m, size_t *ld) {
    if (ld) *ld = m->ld;
    return m->P;
}

const float *hb_model_item_factors(const hb_model *m, size_t *ld) {
    if (ld) *ld = m->ld;
    return m->Q;
}

const float *hb_model_user_biases(const hb_model *m) { return m->bu; }
const float *hb_model_item_biases(const hb_model *m) { return m->bi; }
float hb_model_global_mean(const hb_model *m) { return m->mu; }
