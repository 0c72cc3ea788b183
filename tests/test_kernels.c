/* test_kernels.c: every (ISA, op) kernel against the scalar oracle, and the oracle against double. */
#include <criterion/criterion.h>

#include "kernel_check.h"

static void hb_run(hb_isa isa, hb_op op) {
    const hb_kernels *k = hb_kernels_for(isa);
    if (!k) cr_skip_test("%s: not built into this binary or not supported by this CPU", hb_isa_name(isa));
    const uint64_t seed = hb_check_seed();
    cr_log_info("seed 0x%016" PRIx64 " (set HB_SEED to reproduce)", seed);
    hb_report rep;
    hb_check_op(k, op, seed, &rep);
    cr_expect(rep.cases > 0);
    cr_assert_eq(rep.failed, 0, "%zu of %zu cases failed (seed 0x%016" PRIx64 "); first: %s",
                 rep.failed, rep.cases, seed, rep.first);
}

static hb_isa hb_isa_named(const char *name) {
    hb_isa isa = HB_ISA_AUTO;
    cr_assert_eq(hb_isa_parse(name, &isa), 0, "%s", name);
    return isa;
}

/* one Test per (ISA, op) of kernel_list.h; scalar: the oracle against double arithmetic, the
 * others against the scalar kernels */
#define HB_OP_TEST_(isa, op, OP, shape) \
    Test(isa, op) { hb_run(hb_isa_named(#isa), HB_OP_##OP); }
HB_KERNELS(HB_OP_TEST_, scalar)
HB_KERNELS(HB_OP_TEST_, avx2)
HB_KERNELS(HB_OP_TEST_, avx512)
HB_KERNELS(HB_OP_TEST_, neon)

/* sgemm from several threads at once, as the MLP's OpenMP workers call it: each thread packs
 * into its own buffers, so every thread's C equals, bit for bit, the same call made alone. The
 * shape packs both operands (tb: B^T's panels; lda = 1024 floats, 4 KiB: A's panels) and runs
 * four k blocks; the threads' B differ, so shared buffers would mix them up. */
#include <pthread.h>

enum { HB_SGT_THREADS = 4, HB_SGT_M = 150, HB_SGT_N = 40, HB_SGT_K = 1024, HB_SGT_REPS = 100 };

typedef struct hb_sgt_job {
    const hb_kernels *k;
    const float *A, *B, *R; /* R: the call's result made alone */
    float *C;
    int bad; /* calls whose C differed from R */
} hb_sgt_job;

static void hb_sgt_call(const hb_sgt_job *j) {
    j->k->sgemm(0, 1, HB_SGT_M, HB_SGT_N, HB_SGT_K, 0.5f, j->A, HB_SGT_K, j->B, HB_SGT_K, 0.0f,
                j->C, HB_SGT_N);
}

static void *hb_sgt_worker(void *arg) {
    hb_sgt_job *j = arg;
    for (int r = 0; r < HB_SGT_REPS; r++) { /* every call checked: a late one may run alone */
        hb_sgt_call(j);
        j->bad += memcmp(j->C, j->R, (size_t)HB_SGT_M * HB_SGT_N * sizeof(float)) != 0;
    }
    return NULL;
}

Test(sgemm, threads_own_buffers) {
    uint64_t rng = hb_check_seed();
    hb_buf A = hb_buf_new((size_t)HB_SGT_M * HB_SGT_K, 0, NAN);
    hb_buf_rand(&A, &rng, HB_SGT_M, HB_SGT_K, HB_SGT_K, -1.0f, 1.0f);
    hb_buf B[HB_SGT_THREADS], C[HB_SGT_THREADS], R[HB_SGT_THREADS];
    for (int t = 0; t < HB_SGT_THREADS; t++) {
        B[t] = hb_buf_new((size_t)HB_SGT_N * HB_SGT_K, 0, NAN);
        hb_buf_rand(&B[t], &rng, HB_SGT_N, HB_SGT_K, HB_SGT_K, -1.0f, 1.0f);
        C[t] = hb_buf_new((size_t)HB_SGT_M * HB_SGT_N, 0, 0.0f);
        R[t] = hb_buf_new((size_t)HB_SGT_M * HB_SGT_N, 0, 0.0f);
    }
    int tested = 0;
    for (int i = 0; i < HB_ISA_COUNT; i++) {
        const hb_kernels *k = hb_kernels_for((hb_isa)i);
        if (!k) continue;
        tested++;
        hb_sgt_job jobs[HB_SGT_THREADS];
        for (int t = 0; t < HB_SGT_THREADS; t++) { /* alone, one after another */
            jobs[t] = (hb_sgt_job){k, A.p, B[t].p, R[t].p, R[t].p, 0};
            hb_sgt_call(&jobs[t]);
            jobs[t].C = C[t].p;
        }
        pthread_t th[HB_SGT_THREADS];
        for (int t = 0; t < HB_SGT_THREADS; t++)
            cr_assert_eq(pthread_create(&th[t], NULL, hb_sgt_worker, &jobs[t]), 0);
        for (int t = 0; t < HB_SGT_THREADS; t++) pthread_join(th[t], NULL);
        for (int t = 0; t < HB_SGT_THREADS; t++)
            cr_expect(jobs[t].bad == 0, "%s: thread %d: %d of %d calls' C differ from the same call made alone",
                      k->name, t, jobs[t].bad, HB_SGT_REPS);
    }
    cr_expect(tested > 0);
    for (int t = 0; t < HB_SGT_THREADS; t++) {
        hb_buf_free(&B[t]);
        hb_buf_free(&C[t]);
        hb_buf_free(&R[t]);
    }
    hb_buf_free(&A);
}

/* On a CPU with AVX512_BF16 the avx512 table's bf16 slots narrow with VCVTNE2PS2BF16
 * (dispatch.c); the integer-arithmetic kernels it holds elsewhere are checked here too. */
#ifdef HB_HAVE_AVX512
HB_DECLARE_KERNELS(avx512)
Test(avx512, bf16_integer_narrowing) {
    const hb_kernels *k = hb_kernels_for(HB_ISA_AVX512);
    if (!k) cr_skip_test("avx512: not built into this binary or not supported by this CPU");
    hb_kernels t = *k;
    t.sgd_mf_run_bf16 = hb_sgd_mf_run_bf16_f32__avx512;
    t.adagrad_row_mf_run_bf16 = hb_adagrad_row_mf_run_bf16_f32__avx512;
    const uint64_t seed = hb_check_seed();
    const hb_op ops[] = {HB_OP_SGD_MF_RUN_BF16, HB_OP_ADAGRAD_ROW_MF_RUN_BF16};
    for (int o = 0; o < 2; o++) {
        hb_report rep;
        hb_check_op(&t, ops[o], seed, &rep);
        cr_expect(rep.cases > 0);
        cr_assert_eq(rep.failed, 0, "%zu of %zu cases failed (seed 0x%016" PRIx64 "); first: %s",
                     rep.failed, rep.cases, seed, rep.first);
    }
}
#endif
