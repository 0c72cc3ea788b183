/* test_storage.c: --storage bf16|f16 end to end: 16-bit tables train as f32 ones do, every ISA
 * as the scalar table, readers see exactly the 16-bit values, runs outside the fused kernels
 * are refused. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "half.h"
#include "model.h"
#include "planted.h"

static hb_status train(const hb_train_params *p, const hb_dataset *ds, hb_train_result *res,
                       uint64_t *hash, hb_model **keep) {
    hb_model *m = NULL;
    hb_error err;
    hb_status st = hb_model_create(p, ds, &m, &err);
    cr_assert_eq(st, HB_OK, "%s", err.msg);
    st = hb_train(m, ds, NULL, NULL, res, &err);
    if (hash) *hash = hb_model_hash(m);
    if (keep) *keep = m;
    else hb_model_free(&m);
    return st;
}

static hb_train_params params(hb_model_kind k, hb_optimizer o, hb_storage s, hb_rounding r) {
    hb_train_params p = hb_params_default(k);
    p.threads = 1;
    p.epochs = 20;
    p.optimizer = o;
    if (o == HB_OPT_ADAGRAD_ROW) p.lr = 0.05f, p.lr_decay = 0.0f;
    p.storage = s;
    p.rounding = r;
    return p;
}

/* On planted ML-100K-shaped data (20 epochs) the test RMSE of 16-bit tables stays within 0.005
 * of f32's for binary16 and for stochastically rounded bf16 (measured: within 0.0015), for both
 * models and both fused optimizers. bf16 rounded to nearest even is a different optimizer:
 * updates below half an ulp (2^-9 relative) round away, so rows stop moving early; there it
 * lands 0.015-0.026 away (here: lower, the stall acting as early stopping), bounded by 0.05. */
Test(storage, sixteen_bit_tables_train_like_f32) {
    hb_dataset *ds = planted(943, 1682, 100000);
    const hb_model_kind ks[] = {HB_MODEL_MF, HB_MODEL_MF_BIAS};
    const hb_optimizer os[] = {HB_OPT_SGD, HB_OPT_ADAGRAD_ROW};
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            hb_train_params p = params(ks[a], os[b], HB_STORAGE_F32, HB_ROUND_NEAREST);
            hb_train_result r32;
            cr_assert_eq(train(&p, ds, &r32, NULL, NULL), HB_OK);
            for (int s = HB_STORAGE_BF16; s < HB_STORAGE_COUNT; s++)
                for (int r = 0; r < HB_ROUND_COUNT; r++) {
                    p = params(ks[a], os[b], (hb_storage)s, (hb_rounding)r);
                    hb_train_result rh;
                    cr_assert_eq(train(&p, ds, &rh, NULL, NULL), HB_OK);
                    const int stall = s == HB_STORAGE_BF16 && r == HB_ROUND_NEAREST;
                    cr_expect(fabs(rh.metrics.rmse - r32.metrics.rmse) < (stall ? 0.05 : 0.005),
                              "%s %s %s %s: rmse %.4f vs f32 %.4f", hb_model_name(ks[a]),
                              hb_optimizer_name(os[b]), hb_storage_name((hb_storage)s),
                              hb_rounding_name((hb_rounding)r), rh.metrics.rmse, r32.metrics.rmse);
                }
        }
    hb_dataset_free(&ds);
}

/* After training, the f32 views hold 16-bit values exactly: bf16 has no low 16 bits, binary16
 * survives the round trip; and the model scores with them. */
Test(storage, readers_see_the_sixteen_bit_values) {
    hb_dataset *ds = planted(200, 300, 8000);
    for (int s = HB_STORAGE_BF16; s < HB_STORAGE_COUNT; s++) {
        hb_train_params p = params(HB_MODEL_MF, HB_OPT_SGD, (hb_storage)s, HB_ROUND_STOCHASTIC);
        p.epochs = 3;
        hb_train_result res;
        hb_model *m = NULL;
        cr_assert_eq(train(&p, ds, &res, NULL, &m), HB_OK);
        size_t ld;
        const float *P = hb_model_user_factors(m, &ld), *Q = hb_model_item_factors(m, &ld);
        size_t bad = 0, moved = 0;
        for (int t = 0; t < 2; t++) {
            const float *T = t ? Q : P;
            const uint16_t *H = t ? m->Q16 : m->P16;
            const size_t rows = t ? hb_model_n_items(m) : hb_model_n_users(m);
            for (size_t e = 0; e < rows * ld; e++) {
                const float back = s == HB_STORAGE_F16 ? hb_f16_to_f32(hb_f32_to_f16(T[e]))
                                                       : hb_bf16_to_f32(hb_f32_to_bf16(T[e]));
                const float wide = s == HB_STORAGE_F16 ? hb_f16_to_f32(H[e]) : hb_bf16_to_f32(H[e]);
                bad += memcmp(&back, &T[e], 4) != 0 || memcmp(&wide, &T[e], 4) != 0;
                moved += T[e] != 0.0f;
            }
        }
        cr_expect_eq(bad, 0, "%s: %zu f32 values are not the 16-bit table's", hb_storage_name((hb_storage)s), bad);
        cr_expect(moved > 0);
        const uint32_t u = ds->test[0].u, i = ds->test[0].i;
        float z;
        hb_error err;
        cr_assert_eq(hb_model_score(m, HB_ISA_AUTO, 1, &u, &i, &z, &err), HB_OK);
        float dot = 0.0f;
        for (uint32_t d = 0; d < hb_model_dim(m); d++) dot += P[u * ld + d] * Q[i * ld + d];
        cr_expect(fabsf(z - dot) < 1e-4f * (1.0f + fabsf(dot)), "score %g vs dot %g", z, dot);
        hb_model_free(&m);
    }
    hb_dataset_free(&ds);
}

/* One thread, one seed: stochastic rounding too is reproducible (each call's seed comes from
 * the run's seed and a call counter); another seed differs. */
Test(storage, one_thread_is_bit_identical) {
    hb_dataset *ds = planted(200, 300, 8000);
    for (int s = HB_STORAGE_BF16; s < HB_STORAGE_COUNT; s++)
        for (int r = 0; r < HB_ROUND_COUNT; r++) {
            hb_train_params p = params(HB_MODEL_MF_BIAS, HB_OPT_SGD, (hb_storage)s, (hb_rounding)r);
            p.epochs = 3;
            p.seed = 77;
            uint64_t h1, h2, h3;
            hb_train_result res;
            cr_assert_eq(train(&p, ds, &res, &h1, NULL), HB_OK);
            cr_assert_eq(train(&p, ds, &res, &h2, NULL), HB_OK);
            p.seed = 78;
            cr_assert_eq(train(&p, ds, &res, &h3, NULL), HB_OK);
            cr_expect_eq(h1, h2, "%s %s", hb_storage_name((hb_storage)s), hb_rounding_name((hb_rounding)r));
            cr_expect_neq(h1, h3);
        }
    hb_dataset_free(&ds);
}

/* Every SIMD table against the scalar one, 16-bit tables, 2 epochs: the same RMSE within 2e-3
 * (a rounding to 16 bits may go the other way where f32 results differ in the last bits). */
Test(storage, every_isa_matches_scalar) {
    hb_dataset *ds = planted(943, 1682, 100000);
    int compared = 0;
    for (int isa = 1; isa < HB_ISA_COUNT; isa++) {
        if (!hb_isa_supported((hb_isa)isa)) continue;
        for (int s = HB_STORAGE_BF16; s < HB_STORAGE_COUNT; s++)
            for (int o = 0; o < 2; o++) {
                hb_train_params p = params(HB_MODEL_MF_BIAS, o ? HB_OPT_ADAGRAD_ROW : HB_OPT_SGD,
                                           (hb_storage)s, HB_ROUND_NEAREST);
                p.epochs = 2;
                hb_train_result rs, rv;
                p.isa = HB_ISA_SCALAR;
                cr_assert_eq(train(&p, ds, &rs, NULL, NULL), HB_OK);
                p.isa = (hb_isa)isa;
                cr_assert_eq(train(&p, ds, &rv, NULL, NULL), HB_OK);
                cr_expect(fabs(rs.metrics.rmse - rv.metrics.rmse) <= 2e-3,
                          "%s %s on %s: rmse %.6f vs scalar %.6f", hb_storage_name((hb_storage)s),
                          hb_optimizer_name(p.optimizer), hb_isa_name((hb_isa)isa),
                          rv.metrics.rmse, rs.metrics.rmse);
                compared++;
            }
    }
    if (!compared) cr_skip_test("no SIMD ISA supported on this CPU: nothing to compare");
    hb_dataset_free(&ds);
}

/* Outside the fused per-sample kernels 16-bit storage is refused, naming the flag. */
Test(storage, refused_outside_the_fused_kernels) {
    hb_dataset *ds = planted(50, 60, 1000);
    struct {
        hb_model_kind k;
        hb_optimizer o;
        uint32_t batch;
    } no[] = {{HB_MODEL_MLP, HB_OPT_SGD, 1},     {HB_MODEL_MF, HB_OPT_NADAM, 1},
              {HB_MODEL_MF, HB_OPT_SGD, 64},     {HB_MODEL_MF, HB_OPT_ADAGRAD, 1},
              {HB_MODEL_MF_BIAS_BIN, HB_OPT_SGD, 1}};
    for (size_t c = 0; c < sizeof no / sizeof *no; c++) {
        hb_train_params p = params(no[c].k, no[c].o, HB_STORAGE_BF16, HB_ROUND_NEAREST);
        p.batch = no[c].batch;
        hb_model *m = NULL;
        hb_error err = {{0}};
        cr_expect_eq(hb_model_create(&p, ds, &m, &err), HB_ERR_ARG, "case %zu", c);
        cr_expect(m == NULL);
        cr_expect(strstr(err.msg, "--storage bf16") != NULL, "case %zu: %s", c, err.msg);
    }
    hb_dataset_free(&ds);
}

/* half.h's binary16 conversions (integer arithmetic): every one of the 65536 values widens to
 * its IEEE value (m * 2^(e-25), computed with ldexp), and narrowing a million f32 values
 * (random bit patterns of every exponent, and the halfway points) gives the nearest binary16,
 * ties to even, Inf from 65520 up. (Exhaustively against F16C's VCVTPS2PH over all 2^32 inputs
 * when written: identical.) */
Test(storage, binary16_conversions) {
    for (uint32_t h = 0; h < 65536; h++) {
        const uint32_t e = (h >> 10) & 31, m = h & 1023;
        const float got = hb_f16_to_f32((uint16_t)h);
        if (e == 31) {
            cr_assert(m ? isnan(got) : isinf(got), "%04x", h);
            continue;
        }
        const double mag = e ? ldexp(1024 + m, (int)e - 25) : ldexp(m, -24);
        cr_assert_eq((double)got, (h & 0x8000) ? -mag : mag, "%04x: %a", h, (double)got);
    }
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (int k = 0; k < 1000000; k++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        uint32_t b = (uint32_t)s;
        if (k & 1) b = (b & 0x80000000u) | ((b % (0x47800000u - 0x33000000u)) + 0x33000000u);
        if (k % 7 == 0) b = (b & ~0x1fffu) | 0x1000u; /* a halfway point between binary16 values */
        float f;
        memcpy(&f, &b, 4);
        if (isnan(f)) continue;
        const uint16_t h = hb_f32_to_f16(f);
        const double x = fabs((double)f), got = fabs((double)hb_f16_to_f32(h));
        if (x >= 65520.0) {
            cr_assert((h & 0x7fff) == 0x7c00, "%a -> %04x, want Inf", (double)f);
            continue;
        }
        /* nearest: no binary16 neighbour of the result is closer; a tie goes to the even one */
        const uint16_t mag = h & 0x7fff;
        const double dn = mag ? fabs((double)hb_f16_to_f32((uint16_t)(mag - 1))) : -1.0;
        const double up = mag < 0x7bff ? fabs((double)hb_f16_to_f32((uint16_t)(mag + 1))) : INFINITY;
        const double err = fabs(got - x);
        cr_assert(err <= fabs(x - dn) && err <= fabs(up - x), "%a -> %04x", (double)f, h);
        if (err == fabs(x - dn) || err == fabs(up - x))
            cr_assert(err == 0 || (h & 1) == 0, "%a -> %04x: a tie, not to even", (double)f, h);
        cr_assert((h & 0x8000) == ((b >> 16) & 0x8000) || got == 0.0, "%a -> %04x: sign", (double)f, h);
    }
}
