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

/* On a CPU with AVX512_BF16 the avx512 table's bf16 slots narrow with VCVTNEPS2BF16
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
