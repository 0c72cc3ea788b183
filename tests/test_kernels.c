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
