/* test_optim.c: the optimizers of src/optim.c: dense Nadam's semantics (every row's moments
 * decay, every row moves, one global step count) against a hand computation, its independence
 * of the thread count, the per-sample L2 of mini-batch steps (Nadam on embeddings trains), and
 * state allocated only for the optimizer in use. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model.h"
#include "planted.h"

static double mean_baseline(const hb_dataset *ds) {
    double s = 0, se = 0;
    for (size_t k = 0; k < ds->n_train; k++) s += ds->train[k].r;
    const double mu = s / (double)ds->n_train;
    for (size_t k = 0; k < ds->n_test; k++) se += (ds->test[k].r - mu) * (ds->test[k].r - mu);
    return sqrt(se / (double)ds->n_test);
}

static double hand_mu(double t) { return 0.9 * (1 - 0.5 * pow(0.96, 0.004 * t)); }

/* Two dense steps by hand (PyTorch's NAdam on a dense table): user row 0 has a gradient in
 * step 1 only; in step 2 its moments decay and it keeps moving on its momentum. Item row 1
 * never has a gradient and never moves. */
Test(optim, dense_nadam_moves_every_row_on_its_momentum) {
    hb_dataset *ds = planted(60, 80, 2000);
    hb_train_params p = hb_params_notebook(HB_MODEL_MF);
    cr_assert_eq(p.nadam, HB_NADAM_DENSE, "the seed preset is the notebook: dense Nadam");
    p.threads = 1;
    hb_model *m = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    cr_assert(m->gPd && m->gQd && !m->tu && !m->Gu, "dense state only");
    const uint32_t d = m->dim, ld = m->ld;
    double w0[64], q1[64], hm[64] = {0}, hv[64] = {0};
    float after1[64];
    for (uint32_t j = 0; j < d; j++) w0[j] = m->P[j], q1[j] = m->Q[ld + j];
    const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    double prod = 1;
    const uint32_t row0 = 0;
    for (int t = 1; t <= 2; t++) {
        double g[64];
        for (uint32_t j = 0; j < d; j++) g[j] = t == 1 ? 0.01 * (double)((int)j - 20) : 0.0;
        if (t == 1)
            for (uint32_t j = 0; j < d; j++) m->gPd[j] = (float)g[j];
        const uint64_t step = hb_optim_dense_emb_step(m, hb_kernels_for(HB_ISA_SCALAR), (float)lr,
                                                      &row0, t == 1 ? 1 : 0, NULL, 0, 1);
        cr_expect_eq(step, (uint64_t)t);
        const double mt = hand_mu(t), mt1 = hand_mu(t + 1);
        prod *= mt;
        for (uint32_t j = 0; j < d; j++) {
            hm[j] = b1 * hm[j] + (1 - b1) * g[j];
            hv[j] = b2 * hv[j] + (1 - b2) * g[j] * g[j];
            const double gh = g[j] / (1 - prod), mh = hm[j] / (1 - prod * mt1);
            const double vh = hv[j] / (1 - pow(b2, t));
            w0[j] -= lr * ((1 - mt) * gh + mt1 * mh) / (sqrt(vh) + eps);
            cr_expect(fabs(m->P[j] - w0[j]) <= 1e-6 * fabs(w0[j]) + 1e-8,
                      "step %d P[0][%u]: %.9g vs hand %.9g", t, j, m->P[j], w0[j]);
            cr_expect_eq(m->gPd[j], 0.0f, "the scattered gradient is cleared");
        }
        if (t == 2) /* moved in step 2 with no gradient of its own */
            for (uint32_t j = 0; j < d; j++)
                if (j != 20) cr_expect_neq(m->P[j], after1[j], "P[0][%u] did not move in step 2", j);
        if (t == 1)
            for (uint32_t j = 0; j < d; j++) after1[j] = m->P[j];
        for (uint32_t j = 0; j < d; j++)
            cr_expect_eq(m->Q[ld + j], (float)q1[j], "an item row without any gradient stays");
    }
    hb_model_free(&m);
    hb_dataset_free(&ds);
}

/* Dense Nadam runs one sequence of steps: the same parameters with 1 and 2 threads. */
Test(optim, dense_nadam_is_thread_count_independent) {
    hb_dataset *ds = planted(200, 300, 12000);
    uint64_t h[2];
    for (int t = 1; t <= 2; t++) {
        hb_train_params p = hb_params_notebook(HB_MODEL_MF_BIAS);
        p.threads = t;
        p.epochs = 2;
        hb_model *m = NULL;
        hb_error err;
        cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
        hb_train_result res;
        cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
        cr_expect_eq(res.blocks, 0, "no grid: one shuffled order");
        h[t - 1] = hb_model_hash(m);
        hb_model_free(&m);
    }
    cr_expect_eq(h[0], h[1], "dense Nadam, 1 vs 2 threads: %016llx vs %016llx",
                 (unsigned long long)h[0], (unsigned long long)h[1]);
    hb_dataset_free(&ds);
}

/* The stall of the issue: MF under lazy Nadam with batch 64 and reg 0.1 stayed at the mean
 * predictor's RMSE or worse when L2 was reg per step against a data gradient divided by the
 * batch size. With L2 per sample it must learn; dense must too. */
Test(optim, nadam_minibatch_mf_trains) {
    hb_dataset *ds = planted(500, 800, 60000);
    const double base = mean_baseline(ds);
    for (int mode = 0; mode < 2; mode++) {
        hb_train_params p = hb_params_default(HB_MODEL_MF);
        p.optimizer = HB_OPT_NADAM;
        p.nadam = mode ? HB_NADAM_DENSE : HB_NADAM_LAZY;
        p.batch = 64;
        p.lr = 0.003f;
        p.reg = 0.1f;
        p.lr_decay = 0;
        p.dim = 32;
        p.epochs = 12;
        p.threads = 2;
        hb_model *m = NULL;
        hb_error err;
        cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
        hb_train_result res;
        cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
        cr_expect(res.metrics.rmse < 0.9 * base, "%s Nadam: rmse %.4f vs mean baseline %.4f",
                  mode ? "dense" : "lazy", res.metrics.rmse, base);
        hb_model_free(&m);
    }
    hb_dataset_free(&ds);
}

/* Optimizer state exists only for the optimizer in use. */
Test(optim, state_only_for_the_optimizer_used) {
    hb_dataset *ds = planted(50, 60, 1500);
    hb_error err;
    const hb_optimizer opts[] = {HB_OPT_SGD, HB_OPT_NADAM, HB_OPT_ADAGRAD, HB_OPT_ADAGRAD_ROW};
    for (size_t o = 0; o < 4; o++) {
        hb_train_params p = hb_params_default(HB_MODEL_MF_BIAS);
        p.optimizer = opts[o];
        hb_model *m = NULL;
        cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
        const int nadam = opts[o] == HB_OPT_NADAM, ada = opts[o] >= HB_OPT_ADAGRAD;
        cr_expect_eq(m->Pm != NULL, nadam, "%s", hb_optimizer_name(opts[o]));
        cr_expect_eq(m->tu != NULL, nadam, "lazy Nadam's step counts");
        cr_expect(m->gPd == NULL, "no dense buffers for lazy Nadam or others");
        cr_expect_eq(m->Gu != NULL && m->Gbu != NULL, ada);
        if (opts[o] == HB_OPT_ADAGRAD_ROW) cr_expect(m->Gu[0] == 1.0f && m->Gbi[0] == 1.0f, "LIBMF starts G at 1");
        if (opts[o] == HB_OPT_ADAGRAD) cr_expect(m->Gu[0] == 0.0f, "AdaGrad starts G at 0");
        hb_model_free(&m);
    }
    hb_train_params p = hb_params_default(HB_MODEL_MLP);
    p.optimizer = HB_OPT_ADAGRAD_ROW;
    hb_model *m = NULL;
    cr_expect_eq(hb_model_create(&p, ds, &m, &err), HB_ERR_ARG, "AdaGrad is for mf/mf_bias batch 1");
    hb_dataset_free(&ds);
}

/* AdaGrad (both) end to end: learns the planted model, and every ISA's fused kernel trains to
 * the scalar table's RMSE (one thread, same seed). */
Test(optim, adagrad_trains_on_every_isa) {
    hb_dataset *ds = planted(300, 400, 20000);
    const double base = mean_baseline(ds);
    const hb_optimizer opts[] = {HB_OPT_ADAGRAD, HB_OPT_ADAGRAD_ROW};
    for (int o = 0; o < 2; o++) {
        double ref = NAN;
        for (int isa = 0; isa < HB_ISA_COUNT; isa++) {
            const hb_kernels *k = hb_kernels_for((hb_isa)isa);
            if (!k) continue;
            hb_train_params p = hb_params_default(HB_MODEL_MF_BIAS);
            p.isa = (hb_isa)isa;
            p.optimizer = opts[o];
            p.lr = opts[o] == HB_OPT_ADAGRAD ? 0.1f : 0.05f;
            p.reg = 0.05f;
            p.epochs = 15;
            p.threads = 1;
            hb_model *m = NULL;
            hb_error err;
            cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
            hb_train_result res;
            cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
            cr_expect(res.metrics.rmse < 0.85 * base, "%s on %s: rmse %.4f vs mean %.4f",
                      hb_optimizer_name(opts[o]), k->name, res.metrics.rmse, base);
            if (isa == HB_ISA_SCALAR) ref = res.metrics.rmse;
            else
                cr_expect(fabs(res.metrics.rmse - ref) < 1e-3, "%s: %s rmse %.6f vs scalar %.6f",
                          hb_optimizer_name(opts[o]), k->name, res.metrics.rmse, ref);
            hb_model_free(&m);
        }
    }
    hb_dataset_free(&ds);
}

/* Dense Nadam caught up lazily equals the dense sweep: two copies of an mf_bias model take the
 * same 5000 steps of sparse gradients (rows drawn with skewed frequencies, so gaps run from 1 to
 * over 1000 steps: the iterated early steps, the series, gaps past the catch-up horizon and
 * steps past the coefficient table). Copy A sweeps every row every step
 * (hb_optim_dense_emb_step); copy B catches up only the stepped rows, then steps them with
 * the nadam kernel, and is synced at checkpoints. Scalar kernels on both. Tolerance: the
 * series' truncation bound is 1e-7 of a catch-up's move and the two orders of rounding
 * (k roundings in A, one closed form in B) differ by a few ulp per step of the moments; over
 * 5000 steps. A's own rounding of w (|w| <= 0.25: up to 7.5e-9 a step, random signs) walks
 * about 5e-7 in 5000 steps; measured: 6.6e-7 at most, growing like the walk, and the same with
 * a 1000x tighter series bound. So w must agree within 2e-6 absolute (4 sigma) plus 2e-5
 * relative; m within 1e-10 plus 1e-3 relative (measured 3.3e-11), v within 1e-12 plus 1e-4
 * relative (measured 4.1e-13). A series 1e-3 off moves w by 1e-6 per caught-up step and fails. */
Test(optim, dense_catch_up_equals_the_dense_sweep) {
    hb_dataset *ds = planted(40, 50, 800);
    hb_train_params p = hb_params_notebook(HB_MODEL_MF_BIAS);
    p.threads = 1;
    hb_model *A = NULL, *B = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(&p, ds, &A, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(hb_model_create(&p, ds, &B, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(A->dim, 50u, "dim 50: a masked tail in every kernel");
    const hb_kernels *k = hb_kernels_for(HB_ISA_SCALAR);
    const uint32_t ld = A->ld, NU = A->n_users, NI = A->n_items;
    const float lr = 1e-3f;
    float *g = calloc(ld, sizeof *g);
    uint64_t rng = 12345;
    const int steps = 5000;
    cr_assert_eq(hb_optim_dense_reserve(B, steps), HB_OK);
    int series = 0, iterated = 0, far = 0;
    for (int t = 1; t <= steps; t++) {
        uint32_t ru[4], ri[4], nu = 0, ni = 0;
        for (int s = 0; s < 3; s++) { /* skewed rows: row r drawn about 2^-(r/4) as often */
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            uint32_t u = (uint32_t)((rng >> 33) % NU);
            u = (uint32_t)((u * (uint64_t)u) / NU); /* low rows more often */
            uint32_t i = (uint32_t)(((rng >> 13) % NI) * ((rng >> 7) % NI) / NI);
            int dup = 0;
            for (uint32_t a = 0; a < nu; a++) dup |= ru[a] == u;
            if (!dup) ru[nu++] = u;
            dup = 0;
            for (uint32_t a = 0; a < ni; a++) dup |= ri[a] == i;
            if (!dup) ri[ni++] = i;
        }
        /* the same gradient for a row in both copies: a function of (t, row) */
        for (int side = 0; side < 2; side++) {
            const uint32_t n = side ? ni : nu, *rows = side ? ri : ru;
            for (uint32_t a = 0; a < n; a++) {
                const uint32_t r = rows[a];
                for (uint32_t j = 0; j < A->dim; j++)
                    g[j] = 1e-3f * sinf((float)(t * 31 + r * 7 + j * 3 + side));
                const float gb = 1e-3f * cosf((float)(t * 17 + r * 5 + side));
                memcpy((side ? A->gQd : A->gPd) + (size_t)r * ld, g, A->dim * sizeof(float));
                (side ? A->gbid : A->gbud)[r] = gb;
                /* B: catch up to t-1, then step t on this row only */
                const uint64_t last = (side ? B->li : B->lu)[r];
                const uint64_t gap = B->dense_t - (last > B->dense_swept ? last : B->dense_swept);
                if (gap > 0) {
                    hb_nadam_catchup_coef c;
                    if (gap > B->catch_j) far++;
                    else if (hb_optim_catchup_coef(B, B->dense_t - gap, gap, lr, &c)) series++;
                    else iterated++;
                }
                hb_optim_dense_catch_up(B, k, lr, side, r);
                hb_nadam_coef c;
                hb_nadam_coefs(B, (uint64_t)t, lr, 0.0f, &c);
                const size_t o = (size_t)r * ld;
                k->nadam(B->dim, &c, g, (side ? B->Q : B->P) + o, (side ? B->Qm : B->Pm) + o,
                         (side ? B->Qv : B->Pv) + o);
                k->nadam(1, &c, &gb, (side ? B->bi : B->bu) + r, (side ? B->bim : B->bum) + r,
                         (side ? B->biv : B->buv) + r);
                (side ? B->li : B->lu)[r] = (uint32_t)t;
            }
        }
        cr_assert_eq(hb_optim_dense_emb_step(A, k, lr, ru, nu, ri, ni, 1), (uint64_t)t);
        B->dense_t = (uint64_t)t;
        if (t % 500 == 0 || t == steps) { /* checkpoint: every row of B caught up */
            hb_optim_dense_sync(B, k, lr);
            for (int side = 0; side < 2; side++) {
                const size_t nr = side ? NI : NU;
                const float *wa[] = {side ? A->Q : A->P, side ? A->Qm : A->Pm, side ? A->Qv : A->Pv};
                const float *wb[] = {side ? B->Q : B->P, side ? B->Qm : B->Pm, side ? B->Qv : B->Pv};
                const float *ba[] = {side ? A->bi : A->bu, side ? A->bim : A->bum, side ? A->biv : A->buv};
                const float *bb[] = {side ? B->bi : B->bu, side ? B->bim : B->bum, side ? B->biv : B->buv};
                static const char *names[] = {"w", "m", "v"};
                for (int q = 0; q < 3; q++) {
                    const double rel = q == 1 ? 1e-3 : q ? 1e-4 : 2e-5;
                    const double abs_ = q == 0 ? 2e-6 : q == 1 ? 1e-10 : 1e-12;
                    for (size_t r = 0; r < nr; r++) {
                        for (uint32_t j = 0; j <= A->dim; j++) {
                            const float x = j < A->dim ? wa[q][r * ld + j] : ba[q][r];
                            const float y = j < A->dim ? wb[q][r * ld + j] : bb[q][r];
                            cr_assert(fabsf(x - y) <= rel * fabsf(x) + abs_,
                                      "step %d, %s %s row %zu [%u]: sweep %.9g, caught up %.9g",
                                      t, side ? "item" : "user", names[q], r, j, x, y);
                        }
                    }
                }
            }
        }
    }
    cr_expect(series > 1000 && iterated > 10 && far > 10,
              "every regime ran: series %d, iterated %d, past the horizon %d", series, iterated, far);
    free(g);
    hb_model_free(&A);
    hb_model_free(&B);
    hb_dataset_free(&ds);
}

/* The MF mini-batch path (src/mf_batch.c) against a straightforward double reference: every
 * sample's forward and backward from the rows as they stood, gradients summed per row, L2 per
 * sample, then one step per touched row (lazy Nadam with each row's own next step, or SGD).
 * Batches of 1, 7 and 128 (rows repeat within the larger ones), rows at random earlier steps
 * with random moments. Scalar kernels; float against double: 1e-5 relative plus 1e-7. */
static double ref_mu(double b1, double t) { return b1 * (1 - 0.5 * pow(0.96, 0.004 * t)); }

Test(optim, mf_batch_equals_the_per_sample_reference) {
    hb_dataset *ds = planted(60, 80, 1500);
    const hb_kernels *k = hb_kernels_for(HB_ISA_SCALAR);
    const size_t Bs[] = {1, 7, 128};
    for (int opt = 0; opt < 2; opt++)
        for (size_t bi_ = 0; bi_ < 3; bi_++) {
            const size_t B = Bs[bi_];
            hb_train_params p = hb_params_notebook(HB_MODEL_MF_BIAS);
            p.optimizer = opt ? HB_OPT_SGD : HB_OPT_NADAM;
            p.nadam = HB_NADAM_LAZY;
            p.batch = (uint32_t)B;
            p.threads = 1;
            p.reg = 0.05f;
            p.reg_bias = 0.02f;
            p.lr = 0.01f;
            hb_model *m = NULL;
            hb_error err;
            cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
            const size_t ld = m->ld, d = m->dim, NU = m->n_users, NI = m->n_items;
            uint64_t rng = 99 + B;
#define RNDU() (rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, (double)(rng >> 11) / 9007199254740992.0)
            if (!opt) { /* rows at earlier steps, with moments; at B 128 around the end of the
                         * coefficient table (HB_NADAM_TABLE: past it, the worker's extension) */
                const double t0 = B == 128 ? HB_NADAM_TABLE - 6 : 0;
                for (size_t r = 0; r < NU; r++) m->tu[r] = (uint32_t)(t0 + RNDU() * 50);
                for (size_t r = 0; r < NI; r++) m->ti[r] = (uint32_t)(t0 + RNDU() * 50);
                for (size_t e = 0; e < NU * ld; e++)
                    if (e % ld < d) m->Pm[e] = (float)(2e-3 * RNDU() - 1e-3), m->Pv[e] = (float)(1e-7 + 1e-6 * RNDU());
                for (size_t e = 0; e < NI * ld; e++)
                    if (e % ld < d) m->Qm[e] = (float)(2e-3 * RNDU() - 1e-3), m->Qv[e] = (float)(1e-7 + 1e-6 * RNDU());
                for (size_t r = 0; r < NU; r++) m->bum[r] = 1e-3f, m->buv[r] = 1e-6f;
                for (size_t r = 0; r < NI; r++) m->bim[r] = -1e-3f, m->biv[r] = 2e-6f;
            }
            for (size_t r = 0; r < NU; r++) m->bu[r] = (float)(0.2 * RNDU() - 0.1);
            for (size_t r = 0; r < NI; r++) m->bi[r] = (float)(0.2 * RNDU() - 0.1);
            /* the reference, in double, from a copy of everything before */
            double *P = calloc(NU * ld, 8), *Q = calloc(NI * ld, 8), *gp = calloc(NU * ld, 8), *gq = calloc(NI * ld, 8);
            double *bu = calloc(NU, 8), *bi = calloc(NI, 8), *gbu = calloc(NU, 8), *gbi = calloc(NI, 8);
            double *Pm = calloc(NU * ld, 8), *Pv = calloc(NU * ld, 8), *Qm = calloc(NI * ld, 8), *Qv = calloc(NI * ld, 8);
            double *bum = calloc(NU, 8), *buv = calloc(NU, 8), *bim = calloc(NI, 8), *biv = calloc(NI, 8);
            uint32_t *cu = calloc(NU, 4), *ci = calloc(NI, 4), *tu0 = calloc(NU, 4), *ti0 = calloc(NI, 4);
            for (size_t e = 0; e < NU * ld; e++) P[e] = m->P[e], Pm[e] = opt ? 0 : m->Pm[e], Pv[e] = opt ? 0 : m->Pv[e];
            for (size_t e = 0; e < NI * ld; e++) Q[e] = m->Q[e], Qm[e] = opt ? 0 : m->Qm[e], Qv[e] = opt ? 0 : m->Qv[e];
            for (size_t r = 0; r < NU; r++) bu[r] = m->bu[r], bum[r] = opt ? 0 : m->bum[r], buv[r] = opt ? 0 : m->buv[r], tu0[r] = opt ? 0 : m->tu[r];
            for (size_t r = 0; r < NI; r++) bi[r] = m->bi[r], bim[r] = opt ? 0 : m->bim[r], biv[r] = opt ? 0 : m->biv[r], ti0[r] = opt ? 0 : m->ti[r];
            const hb_rating *x = ds->train + 11;
            double loss_ref = 0;
            for (size_t j = 0; j < B; j++) {
                const size_t u = x[j].u, i = x[j].i;
                double z = bu[u] + bi[i] + m->mu;
                for (size_t c = 0; c < d; c++) z += P[u * ld + c] * Q[i * ld + c];
                const double e = z - x[j].r, dz = e / (double)B;
                loss_ref += e * e;
                for (size_t c = 0; c < d; c++) {
                    gp[u * ld + c] += dz * Q[i * ld + c];
                    gq[i * ld + c] += dz * P[u * ld + c];
                }
                gbu[u] += dz, gbi[i] += dz, cu[u]++, ci[i]++;
            }
            for (int side = 0; side < 2; side++) {
                const size_t nr = side ? NI : NU;
                double *W = side ? Q : P, *G = side ? gq : gp, *M = side ? Qm : Pm, *V = side ? Qv : Pv;
                double *b = side ? bi : bu, *gb = side ? gbi : gbu, *bm = side ? bim : bum, *bv = side ? biv : buv;
                const uint32_t *cnt = side ? ci : cu, *t0 = side ? ti0 : tu0;
                for (size_t r = 0; r < nr; r++) {
                    if (!cnt[r]) continue;
                    const double rg = (double)p.reg * cnt[r] / (double)B, rgb = (double)p.reg_bias * cnt[r] / (double)B;
                    const double lr = p.lr, b1 = p.beta1, b2 = p.beta2;
                    const double t = t0[r] + 1.0;
                    double prod = 1;
                    for (double s2 = 1; s2 <= t; s2++) prod *= ref_mu(b1, s2);
                    const double cg = (1 - ref_mu(b1, t)) / (1 - prod), cmu = ref_mu(b1, t + 1);
                    const double cm = cmu / (1 - prod * cmu), cv = 1 / (1 - pow(b2, t));
                    for (size_t c = 0; c <= d; c++) {
                        const int isb = c == d;
                        double *w = isb ? &b[r] : &W[r * ld + c], *mm = isb ? &bm[r] : &M[r * ld + c], *vv = isb ? &bv[r] : &V[r * ld + c];
                        const double g = (isb ? gb[r] : G[r * ld + c]) + (isb ? rgb : rg) * *w;
                        if (opt) {
                            *w -= lr * g;
                            continue;
                        }
                        *mm = b1 * *mm + (1 - b1) * g;
                        *vv = b2 * *vv + (1 - b2) * g * g;
                        *w -= lr * (cg * g + cm * *mm) / (sqrt(*vv * cv) + p.eps);
                    }
                }
            }
            hb_mf_ws ws;
            cr_assert_eq(hb_mf_ws_init(&ws, m), HB_OK);
            double loss = 0;
            hb_mf_batch(m, k, &ws, x, B, p.lr, ds->r_min, 4.0f, 0, 0, &loss);
            cr_expect(fabs(loss - loss_ref) <= 1e-5 * loss_ref, "B %zu: loss %.9g vs %.9g", B, loss, loss_ref);
            for (int side = 0; side < 2; side++) {
                const size_t nr = side ? NI : NU;
                const float *W = side ? m->Q : m->P, *b = side ? m->bi : m->bu;
                const double *Wr = side ? Q : P, *br = side ? bi : bu;
                for (size_t r = 0; r < nr; r++) {
                    for (size_t c = 0; c <= d; c++) {
                        const double got = c == d ? b[r] : W[r * ld + c], want = c == d ? br[r] : Wr[r * ld + c];
                        cr_assert(fabs(got - want) <= 1e-5 * fabs(want) + 1e-7,
                                  "%s, B %zu, %s row %zu [%zu]: %.9g, reference %.9g", opt ? "sgd" : "nadam",
                                  B, side ? "item" : "user", r, c, got, want);
                    }
                    if (!opt) {
                        const uint32_t t = side ? m->ti[r] : m->tu[r], t0 = side ? ti0[r] : tu0[r];
                        cr_assert_eq(t, t0 + ((side ? ci : cu)[r] > 0), "a touched row's step count moves by one");
                    }
                }
            }
            hb_mf_ws_free(&ws);
            void *all[] = {P, Q, gp, gq, bu, bi, gbu, gbi, Pm, Pv, Qm, Qv, bum, buv, bim, biv, cu, ci, tu0, ti0};
            for (size_t a = 0; a < sizeof all / sizeof *all; a++) free(all[a]);
            hb_model_free(&m);
        }
    hb_dataset_free(&ds);
}
