/* test_mlp_batch.c: the MLP's batched forward and backward (src/mlp_batch.c) against the
 * per-sample path (hb_mlp_forward, hb_mlp_backward on the scalar table), the oracle: the same
 * dense gradients, bias gradients, per-row embedding gradients and loss, on random weights. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "model.h"

typedef struct shape {
    uint32_t dim, hidden, layers;
} shape;

/* max |x| over n floats */
static double amax(const float *x, size_t n) {
    double a = 0;
    for (size_t j = 0; j < n; j++) a = fmax(a, fabs((double)x[j]));
    return a;
}

/* got vs want elementwise, within 1e-5 of the array's largest entry: the two paths sum the
 * same products (up to 520 per entry here) in different orders, which moves entries by 1e-7 to
 * 1e-6 of that (measured: 1e-7 fails, 1e-6 passes); a wrong, missing or doubled term moves one
 * by O(1) of it. */
static void expect_close(const float *got, const float *want, size_t n, const char *what,
                         uint32_t l, size_t B) {
    const double tol = 1e-5 * amax(want, n) + 1e-9;
    for (size_t j = 0; j < n; j++)
        cr_expect(fabs((double)got[j] - want[j]) <= tol,
                  "B %zu %s[%u][%zu]: batched %.9g vs per-sample %.9g (tol %.3g)", B, what, l, j,
                  got[j], want[j], tol);
}

/* A slot per distinct row in first-seen order, as the worker's hb_slot gives them. */
static int32_t slot_of(int32_t *slot, uint32_t *n, uint32_t row) {
    if (slot[row] < 0) slot[row] = (int32_t)(*n)++;
    return slot[row];
}

static void batch_vs_samples(hb_model_kind kind, hb_activation act, shape sh, size_t B) {
    hb_synth_params sp = hb_synth_default();
    sp.users = 40; /* few rows: a batch of 64 or 129 repeats users and items */
    sp.items = 60;
    sp.ratings = 800;
    hb_dataset *ds = NULL;
    hb_error err;
    cr_assert_eq(hb_dataset_synthetic(&sp, &ds, &err), HB_OK, "%s", err.msg);
    cr_assert(ds->n_train >= B);
    hb_train_params p = hb_params_notebook(kind);
    p.dim = sh.dim;
    p.hidden = sh.hidden;
    p.n_hidden = sh.layers;
    p.activation = act;
    p.init = HB_INIT_NORMAL;
    p.init_std = 0.5f; /* large enough that every term matters, and ReLUs cut some units */
    hb_model *m = NULL;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    for (uint32_t l = 0; l < m->n_layers; l++)
        for (uint32_t j = 0; j < m->L[l].out; j++) m->L[l].b[j] = 0.05f * (float)(j % 7) - 0.1f;
    const hb_kernels *ks = hb_kernels_for(HB_ISA_SCALAR), *k = hb_kernels_get();
    cr_assert(ks && k);
    const int binary = hb_model_is_binary(kind);
    const size_t ld = m->ld;
    const float scale = 1.0f / (float)B;

    hb_mlp_ws wo = {0}, wb = {0};
    cr_assert_eq(hb_mlp_ws_init(&wo, m), HB_OK);
    cr_assert_eq(hb_mlp_ws_init(&wb, m), HB_OK);
    cr_assert_eq(hb_mlp_batch_init(&wb, m, B), HB_OK);
    /* the dense gradients start nonzero: both paths must add to them, not overwrite */
    for (uint32_t l = 0; l < m->n_layers; l++) {
        const size_t nw = (size_t)m->L[l].in * m->L[l].out;
        for (size_t j = 0; j < nw; j++) wo.dW[l][j] = wb.dW[l][j] = 1e-3f * (float)(j % 11);
        for (size_t j = 0; j < m->L[l].out; j++) wo.db[l][j] = wb.db[l][j] = 1e-3f * (float)j;
    }
    int32_t *slot_u = malloc(m->n_users * sizeof *slot_u), *slot_i = malloc(m->n_items * sizeof *slot_i);
    float *gPo = calloc(B * ld, sizeof *gPo), *gQo = calloc(B * ld, sizeof *gQo);
    float *gPb = calloc(B * ld, sizeof *gPb), *gQb = calloc(B * ld, sizeof *gQb);
    cr_assert(slot_u && slot_i && gPo && gQo && gPb && gQb);
    memset(slot_u, 0xff, m->n_users * sizeof *slot_u);
    memset(slot_i, 0xff, m->n_items * sizeof *slot_i);
    uint32_t nu = 0, ni = 0;
    const hb_rating *r = ds->train + 5;
    double loss_o = 0, loss_b = 0;
    for (size_t b = 0; b < B; b++) {
        wb.su[b] = slot_of(slot_u, &nu, r[b].u);
        wb.si[b] = slot_of(slot_i, &ni, r[b].i);
        wb.y[b] = binary ? hb_binary_label(r[b].r, 1.0f, 4.0f) : r[b].r;
        for (uint32_t d = 0; d < m->dim; d++) { /* the slots start nonzero too */
            gPo[(size_t)wb.su[b] * ld + d] = gPb[(size_t)wb.su[b] * ld + d] = 0.01f * (float)d;
            gQo[(size_t)wb.si[b] * ld + d] = gQb[(size_t)wb.si[b] * ld + d] = -0.01f * (float)d;
        }
    }
    for (size_t b = 0; b < B; b++) { /* the oracle: one sample at a time */
        const float z = hb_mlp_forward(m, ks, &wo, r[b].u, r[b].i);
        const float dz = hb_loss_grad(binary, z, wb.y[b], &loss_o) * scale;
        hb_mlp_backward(m, ks, &wo, dz, gPo + (size_t)wb.su[b] * ld, gQo + (size_t)wb.si[b] * ld);
    }
    hb_mlp_batch(m, k, &wb, r, B, wb.y, wb.su, wb.si, scale, gPb, gQb, ld, &loss_b);

    cr_expect(fabs(loss_b - loss_o) <= 1e-5 * fabs(loss_o) + 1e-9,
              "B %zu loss: batched %.9g vs per-sample %.9g", B, loss_b, loss_o);
    for (uint32_t l = 0; l < m->n_layers; l++) {
        expect_close(wb.dW[l], wo.dW[l], (size_t)m->L[l].in * m->L[l].out, "dW", l, B);
        expect_close(wb.db[l], wo.db[l], m->L[l].out, "db", l, B);
    }
    expect_close(gPb, gPo, (size_t)nu * ld, "gP", 0, B);
    expect_close(gQb, gQo, (size_t)ni * ld, "gQ", 0, B);
    /* the gradients are not trivially zero (the comparison would then prove nothing) */
    cr_expect(amax(gPo, (size_t)nu * ld) > 1e-3 && amax(wo.dW[0], (size_t)m->L[0].in * m->L[0].out) > 1e-2);

    free(slot_u);
    free(slot_i);
    free(gPo);
    free(gQo);
    free(gPb);
    free(gQb);
    hb_mlp_ws_free(&wo);
    hb_mlp_ws_free(&wb);
    hb_model_free(&m);
    hb_dataset_free(&ds);
}

static const size_t kBatches[] = {1, 3, 64, 129};
/* odd sizes around the GEMM's 4 x 8 blocks, and the seed preset's 50-wide layers */
static const shape kSmall = {7, 9, 3}, kSeed = {50, 50, 3}, kOne = {5, 6, 1};
/* wider than the temp GEMM's 512-column chunk, deeper than its row chunks (KC) */
static const shape kWide = {5, 520, 2};

static void all_batches(hb_model_kind kind, hb_activation act, shape sh) {
    for (size_t j = 0; j < sizeof kBatches / sizeof *kBatches; j++)
        batch_vs_samples(kind, act, sh, kBatches[j]);
}

Test(mlp_batch, mlp_linear) { all_batches(HB_MODEL_MLP, HB_ACT_LINEAR, kSmall); }
Test(mlp_batch, mlp_relu) { all_batches(HB_MODEL_MLP, HB_ACT_RELU, kSmall); }
Test(mlp_batch, mlp_bin_linear) { all_batches(HB_MODEL_MLP_BIN, HB_ACT_LINEAR, kSmall); }
Test(mlp_batch, mlp_bin_relu) { all_batches(HB_MODEL_MLP_BIN, HB_ACT_RELU, kSmall); }
Test(mlp_batch, seed_shape_relu) { all_batches(HB_MODEL_MLP, HB_ACT_RELU, kSeed); }
Test(mlp_batch, seed_shape_bin_linear) { all_batches(HB_MODEL_MLP_BIN, HB_ACT_LINEAR, kSeed); }
Test(mlp_batch, one_hidden_layer) { all_batches(HB_MODEL_MLP, HB_ACT_RELU, kOne); }
Test(mlp_batch, wide_relu) { all_batches(HB_MODEL_MLP, HB_ACT_RELU, kWide); }
/* the linear path's rank-1 backward (src/mlp_batch.c) at the seed preset's shape and wide */
Test(mlp_batch, seed_shape_linear) { all_batches(HB_MODEL_MLP, HB_ACT_LINEAR, kSeed); }
Test(mlp_batch, wide_linear) { all_batches(HB_MODEL_MLP, HB_ACT_LINEAR, kWide); }
Test(mlp_batch, one_layer_linear) { all_batches(HB_MODEL_MLP_BIN, HB_ACT_LINEAR, kOne); }
