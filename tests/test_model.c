/* test_model.c: each model's gradient against central finite differences, and one Nadam step
 * against the Keras/PyTorch formulas computed by hand in double precision. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model.h"

static hb_dataset *small_data(void) {
    hb_synth_params sp = hb_synth_default();
    sp.users = 40;
    sp.items = 60;
    sp.ratings = 800;
    hb_dataset *ds = NULL;
    hb_error err;
    cr_assert_eq(hb_dataset_synthetic(&sp, &ds, &err), HB_OK, "%s", err.msg);
    return ds;
}

/* The loss hb_loss_grad differentiates: (z-y)^2/2 for rating models, BCE(sigmoid(z)) for binary. */
static double sample_loss(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w, uint32_t u,
                          uint32_t i, float y) {
    const double z = hb_model_is_mlp(m->p.model) ? hb_mlp_forward(m, k, w, u, i)
                                                 : hb_mf_forward(m, k, u, i);
    if (hb_model_is_binary(m->p.model)) {
        const double s = 1.0 / (1.0 + exp(-z));
        return -(y * log(s) + (1 - y) * log(1 - s));
    }
    return 0.5 * (z - y) * (z - y);
}

/* Central difference of the loss in one parameter, h relative to float precision. */
static double numeric(hb_model *m, const hb_kernels *k, hb_mlp_ws *w, float *param, uint32_t u,
                      uint32_t i, float y) {
    const float keep = *param, h = 1e-3f;
    *param = keep + h;
    const double lp = sample_loss(m, k, w, u, i, y);
    *param = keep - h;
    const double lm = sample_loss(m, k, w, u, i, y);
    *param = keep;
    return (lp - lm) / (2.0 * h);
}

static void check_close(double analytic, double num, const char *what, int j) {
    const double tol = 2e-3 + 2e-2 * fabs(num);
    cr_expect(fabs(analytic - num) <= tol, "%s[%d]: analytic %.6g vs finite difference %.6g",
              what, j, analytic, num);
}

static void grad_check(hb_model_kind kind, hb_activation act) {
    hb_dataset *ds = small_data();
    hb_train_params p = hb_params_notebook(kind);
    p.dim = 6;
    p.hidden = 5;
    p.activation = act;
    p.init = HB_INIT_NORMAL;
    p.init_std = 0.5f; /* large enough that every term matters */
    p.global_mean = 1;
    hb_model *m = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    if (m->bu)
        for (uint32_t u = 0; u < m->n_users; u++) m->bu[u] = 0.1f * (float)(u % 7) - 0.3f;
    for (uint32_t l = 0; l < m->n_layers; l++)
        for (uint32_t j = 0; j < m->L[l].out; j++) m->L[l].b[j] = 0.05f * (float)j - 0.1f;
    const hb_kernels *k = hb_kernels_for(HB_ISA_SCALAR);
    hb_mlp_ws w = {0};
    if (hb_model_is_mlp(kind)) cr_assert_eq(hb_mlp_ws_init(&w, m), HB_OK);
    const hb_rating x = ds->train[3];
    const float y = hb_model_is_binary(kind) ? 1.0f : x.r;
    float gp[8] = {0}, gq[8] = {0}, gbu = 0, gbi = 0;
    double loss = 0;
    const float z = hb_model_is_mlp(kind) ? hb_mlp_forward(m, k, &w, x.u, x.i)
                                          : hb_mf_forward(m, k, x.u, x.i);
    const float dz = hb_loss_grad(hb_model_is_binary(kind), z, y, &loss);
    if (hb_model_is_mlp(kind)) hb_mlp_backward(m, k, &w, dz, gp, gq);
    else hb_mf_backward(m, k, x.u, x.i, dz, gp, gq, &gbu, &gbi);
    float *pu = m->P + (size_t)x.u * m->ld, *qi = m->Q + (size_t)x.i * m->ld;
    for (int j = 0; j < 6; j++) {
        check_close(gp[j], numeric(m, k, &w, &pu[j], x.u, x.i, y), "p_u", j);
        check_close(gq[j], numeric(m, k, &w, &qi[j], x.u, x.i, y), "q_i", j);
    }
    if (m->bu) {
        check_close(gbu, numeric(m, k, &w, &m->bu[x.u], x.u, x.i, y), "b_u", 0);
        check_close(gbi, numeric(m, k, &w, &m->bi[x.i], x.u, x.i, y), "b_i", 0);
    }
    for (uint32_t l = 0; l < m->n_layers; l++) { /* dense gradients went into w.dW / w.db */
        const hb_layer *L = &m->L[l];
        for (uint32_t j = 0; j < L->in * L->out; j += 3)
            check_close(w.dW[l][j], numeric(m, k, &w, &L->W[j], x.u, x.i, y), "W", (int)j);
        for (uint32_t j = 0; j < L->out; j++)
            check_close(w.db[l][j], numeric(m, k, &w, &L->b[j], x.u, x.i, y), "b", (int)j);
    }
    if (hb_model_is_mlp(kind)) hb_mlp_ws_free(&w);
    hb_model_free(&m);
    hb_dataset_free(&ds);
}

Test(gradient, mf) { grad_check(HB_MODEL_MF, HB_ACT_LINEAR); }
Test(gradient, mf_bias) { grad_check(HB_MODEL_MF_BIAS, HB_ACT_LINEAR); }
Test(gradient, mf_bias_bin) { grad_check(HB_MODEL_MF_BIAS_BIN, HB_ACT_LINEAR); }
Test(gradient, mlp_linear) { grad_check(HB_MODEL_MLP, HB_ACT_LINEAR); }
Test(gradient, mlp_relu) { grad_check(HB_MODEL_MLP, HB_ACT_RELU); }
Test(gradient, mlp_bin) { grad_check(HB_MODEL_MLP_BIN, HB_ACT_RELU); }

/* One Nadam step written out from the Keras (tf.keras optimizer_v2) / PyTorch NAdam formulas:
 *   mu_t = b1 (1 - 0.5 * 0.96^(0.004 t)),  m = b1 m + (1-b1) g,  v = b2 v + (1-b2) g^2,
 *   w -= lr * ((1-mu_t) g / (1 - prod_{s<=t} mu_s) + mu_{t+1} m / (1 - prod_{s<=t+1} mu_s))
 *         / (sqrt(v / (1 - b2^t)) + eps)                                                    */
static double hand_mu(double t) { return 0.9 * (1 - 0.5 * pow(0.96, 0.004 * t)); }

Test(nadam, two_steps_match_hand_computed) {
    hb_dataset *ds = small_data();
    hb_train_params p = hb_params_notebook(HB_MODEL_MF);
    hb_model *m = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK);
    const float g1[3] = {0.5f, -2.0f, 1e-3f}, g2[3] = {-0.25f, 1.0f, 3.0f};
    float w[3] = {0.1f, -0.2f, 0.3f}, mm[3] = {0}, vv[3] = {0};
    double hw[3] = {0.1, -0.2, 0.3}, hm[3] = {0}, hv[3] = {0};
    const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    double prod = 1;
    for (int t = 1; t <= 2; t++) {
        const float *g = t == 1 ? g1 : g2;
        hb_nadam_coef c;
        hb_nadam_coefs(m, (uint64_t)t, (float)lr, 0.0f, &c);
        hb_nadam_f32__scalar(3, &c, g, w, mm, vv);
        const double mt = hand_mu(t), mt1 = hand_mu(t + 1);
        prod *= mt;
        for (int j = 0; j < 3; j++) {
            hm[j] = b1 * hm[j] + (1 - b1) * g[j];
            hv[j] = b2 * hv[j] + (1 - b2) * (double)g[j] * g[j];
            const double gh = g[j] / (1 - prod), mh = hm[j] / (1 - prod * mt1);
            const double vh = hv[j] / (1 - pow(b2, t));
            hw[j] -= lr * ((1 - mt) * gh + mt1 * mh) / (sqrt(vh) + eps);
            cr_expect(fabs(w[j] - hw[j]) <= 1e-6 * fabs(hw[j]) + 1e-9,
                      "step %d w[%d]: kernel %.9g vs hand %.9g", t, j, w[j], hw[j]);
            /* 1 - 0.999f is 0.00099998713 in float: v carries that 1.3e-5 relative offset */
            cr_expect(fabs(mm[j] - hm[j]) <= 1e-6 * fabs(hm[j]) + 1e-12, "m[%d]", j);
            cr_expect(fabs(vv[j] - hv[j]) <= 2e-5 * fabs(hv[j]) + 1e-15, "v[%d]: %.9g vs %.9g",
                      j, vv[j], hv[j]);
        }
    }
    /* first step of Adam-like methods moves each weight by about lr, whatever |g| */
    cr_expect(fabs(0.1 - hw[0]) < 3 * lr);
    hb_model_free(&m);
    hb_dataset_free(&ds);
}

Test(nadam, l2_enters_the_gradient) {
    hb_nadam_coef c = {.lr = 0.1f, .b1 = 0.9f, .b2 = 0.999f, .eps = 1e-7f, .cg = 1, .cm = 0, .cv = 1,
                       .reg = 0.5f};
    float g = 0.0f, w = 2.0f, m = 0, v = 0;
    hb_nadam_f32__scalar(1, &c, &g, &w, &m, &v);
    /* g_eff = reg*w = 1 -> m = 0.1, v = 0.001, step = lr * 1 / sqrt(0.001) */
    cr_expect_float_eq(m, 0.1f, 1e-6);
    cr_expect_float_eq(v, 0.001f, 2e-8); /* (1 - 0.999f) is 0.00099998713 */
    cr_expect_float_eq(w, 2.0f - 0.1f / sqrtf(0.001f), 1e-4);
}
