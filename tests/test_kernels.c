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

#define HB_OP_TESTS(isa, ISA)                                             \
    Test(isa, dot) { hb_run(HB_ISA_##ISA, HB_OP_DOT); }                   \
    Test(isa, axpy) { hb_run(HB_ISA_##ISA, HB_OP_AXPY); }                 \
    Test(isa, sgd) { hb_run(HB_ISA_##ISA, HB_OP_SGD); }                   \
    Test(isa, sgd_mf) { hb_run(HB_ISA_##ISA, HB_OP_SGD_MF); }             \
    Test(isa, sgd_mf_run) { hb_run(HB_ISA_##ISA, HB_OP_SGD_MF_RUN); }     \
    Test(isa, nadam) { hb_run(HB_ISA_##ISA, HB_OP_NADAM); }               \
    Test(isa, adagrad_mf_run) { hb_run(HB_ISA_##ISA, HB_OP_ADAGRAD_MF_RUN); } \
    Test(isa, adagrad_row_mf_run) { hb_run(HB_ISA_##ISA, HB_OP_ADAGRAD_ROW_MF_RUN); } \
    Test(isa, gemv) { hb_run(HB_ISA_##ISA, HB_OP_GEMV); }                 \
    Test(isa, gemv_t) { hb_run(HB_ISA_##ISA, HB_OP_GEMV_T); }             \
    Test(isa, ger) { hb_run(HB_ISA_##ISA, HB_OP_GER); }

/* scalar: the oracle against double arithmetic; the others against the scalar kernels */
HB_OP_TESTS(scalar, SCALAR)
HB_OP_TESTS(avx2, AVX2)
HB_OP_TESTS(avx512, AVX512)
HB_OP_TESTS(neon, NEON)
