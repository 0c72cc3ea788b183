/* test_api.c: the library as another program sees it: only the installed public header, built
 * in-tree by ctest and against the installed library through pkg-config by .ci/api.sh. Trains
 * and scores with the ISA passed as a parameter, saves and loads a model, and checks that the
 * caller's floating-point mode is left as it was. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hogbench/hogbench.h>

/* The calling thread's FP mode: MXCSR without its exception flags (x86), or FPCR (AArch64). */
static unsigned long long fp_ctl(void) {
    unsigned long long v = 0;
#if defined(__x86_64__) || defined(__i386__)
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    v = m & ~0x3fu;
#elif defined(__aarch64__)
    __asm__ volatile("mrs %0, fpcr" : "=r"(v));
#endif
    return v;
}

static hb_dataset *planted(void) {
    hb_synth_params sp = hb_synth_default();
    sp.users = 200;
    sp.items = 300;
    sp.ratings = 12000;
    hb_dataset *ds = NULL;
    hb_error err;
    cr_assert_eq(hb_dataset_synthetic(&sp, &ds, &err), HB_OK, "%s", err.msg);
    return ds;
}

static double rmse_of(const float *pred, const hb_dataset *ds) {
    double se = 0;
    for (size_t a = 0; a < ds->n_test; a++) se += (pred[a] - ds->test[a].r) * (double)(pred[a] - ds->test[a].r);
    return sqrt(se / (double)ds->n_test);
}

static void check_model(hb_model_kind kind, hb_isa isa, const hb_dataset *ds) {
    hb_train_params p = hb_params_default(kind);
    p.isa = isa;
    p.threads = 2;
    p.epochs = 3;
    hb_model *m = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    const unsigned long long fp0 = fp_ctl();
    hb_train_result res;
    cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(fp_ctl(), fp0, "hb_train on %s left FP control %#llx (was %#llx)",
                 hb_isa_name(isa), fp_ctl(), fp0);
    hb_metrics mt;
    cr_assert_eq(hb_evaluate(m, ds, 2, &mt, &err), HB_OK);
    cr_assert_eq(fp_ctl(), fp0, "hb_evaluate changed the FP control");
    cr_assert_eq(hb_evaluate_pointwise(m, ds, 2, &mt, &err), HB_OK);
    cr_assert_eq(fp_ctl(), fp0, "hb_evaluate_pointwise changed the FP control");
    cr_assert_eq(hb_model_params(m)->isa, isa);

    /* batch scoring through the same ISA's kernels reproduces the test RMSE */
    const size_t n = ds->n_test;
    uint32_t *u = malloc(n * sizeof *u), *i = malloc(n * sizeof *i);
    float *s1 = malloc(n * sizeof *s1), *s2 = malloc(n * sizeof *s2);
    cr_assert(u && i && s1 && s2);
    for (size_t a = 0; a < n; a++) u[a] = ds->test[a].u, i[a] = ds->test[a].i;
    cr_assert_eq(hb_model_score(m, isa, n, u, i, s1, &err), HB_OK, "%s", err.msg);
    cr_expect(fabs(rmse_of(s1, ds) - res.metrics.rmse) < 1e-5, "%s %s: scored rmse %.7f vs %.7f",
              hb_model_name(kind), hb_isa_name(isa), rmse_of(s1, ds), res.metrics.rmse);
    uint32_t bad = hb_model_n_users(m);
    cr_assert_eq(hb_model_score(m, isa, 1, &bad, i, s2, &err), HB_ERR_ARG);

    /* accessors */
    size_t ld = 0;
    const float *P = hb_model_user_factors(m, &ld);
    cr_assert(P && ld >= hb_model_dim(m) && hb_model_dim(m) == p.dim);
    cr_assert_not_null(hb_model_item_factors(m, NULL));
    cr_assert_eq(hb_model_user_biases(m) != NULL, kind == HB_MODEL_MF_BIAS);

    /* save, load: the same parameters, the same scores bit for bit */
    char dir[] = "/tmp/hb_test_api_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char sub[64];
    snprintf(sub, sizeof sub, "%s/model", dir);
    cr_assert_eq(hb_model_save(m, ds, sub, &err), HB_OK, "%s", err.msg);
    hb_model *l = NULL;
    cr_assert_eq(hb_model_load(sub, &l, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(hb_model_hash(l), hb_model_hash(m));
    cr_assert_eq(hb_model_params(l)->model, kind);
    cr_assert_eq(hb_model_score(l, isa, n, u, i, s2, &err), HB_OK, "%s", err.msg);
    cr_assert_eq(memcmp(s1, s2, n * sizeof *s1), 0, "%s: loaded model scores differently",
                 hb_model_name(kind));
    cr_assert_eq(fp_ctl(), fp0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    hb_model_free(&l);
    hb_model_free(&m);
    free(u), free(i), free(s1), free(s2);
}

Test(api, train_score_save_load_every_isa) {
    hb_dataset *ds = planted();
    const hb_model_kind kinds[] = {HB_MODEL_MF, HB_MODEL_MF_BIAS, HB_MODEL_MLP};
    int ran = 0;
    for (int isa = 0; isa < HB_ISA_COUNT; isa++) {
        if (!hb_isa_supported((hb_isa)isa)) continue;
        for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) check_model(kinds[k], (hb_isa)isa, ds);
        ran++;
    }
    cr_assert_geq(ran, 1);
    hb_dataset_free(&ds);
}

Test(api, isa_parse_and_unsupported) {
    hb_isa isa;
    cr_assert_eq(hb_isa_parse("auto", &isa), 0);
    cr_assert_eq(isa, HB_ISA_AUTO);
    cr_assert_eq(hb_isa_parse("scalar", &isa), 0);
    cr_assert_eq(isa, HB_ISA_SCALAR);
    cr_assert_neq(hb_isa_parse("sse9", &isa), 0);
    cr_assert(hb_isa_supported(HB_ISA_SCALAR));
    for (int a = 0; a < HB_ISA_COUNT; a++) {
        if (hb_isa_supported((hb_isa)a)) continue;
        hb_dataset *ds = planted();
        hb_train_params p = hb_params_default(HB_MODEL_MF);
        p.isa = (hb_isa)a;
        hb_model *m = NULL;
        hb_error err;
        cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
        hb_train_result res;
        cr_assert_eq(hb_train(m, ds, NULL, NULL, &res, &err), HB_ERR_UNSUPPORTED);
        hb_model_free(&m);
        hb_dataset_free(&ds);
    }
}

/* A caller that runs with FTZ/DAZ off and round-toward-zero set keeps exactly that. */
Test(api, caller_fp_mode_kept) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned saved, mode = 0x7f80u; /* default masks, round toward zero */
    __asm__ volatile("stmxcsr %0" : "=m"(saved));
    __asm__ volatile("ldmxcsr %0" : : "m"(mode));
#endif
    hb_dataset *ds = planted();
    const unsigned long long fp0 = fp_ctl();
#if defined(__x86_64__) || defined(__i386__)
    cr_assert_eq(fp0 & 0x8040u, 0, "FTZ/DAZ set before the run");
#endif
    hb_train_params p = hb_params_default(HB_MODEL_MLP);
    p.epochs = 1;
    hb_model *m = NULL;
    hb_error err;
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    hb_train_result res;
    hb_status st = hb_train(m, ds, NULL, NULL, &res, &err);
    const unsigned long long fp1 = fp_ctl();
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("ldmxcsr %0" : : "m"(saved));
#endif
    cr_assert_eq(st, HB_OK, "%s", err.msg);
    cr_assert_eq(fp1, fp0, "FP control %#llx after hb_train, %#llx before", fp1, fp0);
    hb_model_free(&m);
    hb_dataset_free(&ds);
}

/* hb_model_load refuses what hb_model_save did not write: a missing folder (HB_ERR_IO), a
 * truncated factor file and parameters that do not hash to model.json's model_xxh3
 * (HB_ERR_PARSE, with a message naming the file). */
Test(api, load_refuses_damaged_models) {
    hb_dataset *ds = planted();
    hb_train_params p = hb_params_default(HB_MODEL_MF_BIAS);
    p.epochs = 1;
    hb_model *m = NULL, *l = NULL;
    hb_error err = {{0}};
    cr_assert_eq(hb_model_create(&p, ds, &m, &err), HB_OK, "%s", err.msg);
    char dir[] = "/tmp/hb_test_api_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char sub[64], path[128], cmd[160];
    snprintf(sub, sizeof sub, "%s/model", dir);
    cr_assert_eq(hb_model_load(sub, &l, &err), HB_ERR_IO);
    cr_assert_null(l);
    cr_assert_eq(hb_model_save(m, ds, sub, &err), HB_OK, "%s", err.msg);
    /* one bias changed in place: the hash no longer matches */
    snprintf(path, sizeof path, "%s/user_bias.npy", sub);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, -4, SEEK_END), 0);
    const float x = 123.0f;
    cr_assert_eq(fwrite(&x, sizeof x, 1, f), 1);
    fclose(f);
    cr_assert_eq(hb_model_load(sub, &l, &err), HB_ERR_PARSE);
    cr_assert_not_null(strstr(err.msg, "model_xxh3"), "%s", err.msg);
    cr_assert_null(l);
    /* a factor file cut short */
    snprintf(path, sizeof path, "%s/item_factors.npy", sub);
    cr_assert_eq(truncate(path, 200), 0);
    cr_assert_eq(hb_model_load(sub, &l, &err), HB_ERR_PARSE);
    cr_assert_not_null(strstr(err.msg, "item_factors.npy"), "%s", err.msg);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    hb_model_free(&m);
    hb_dataset_free(&ds);
}
