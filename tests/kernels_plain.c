/* kernels_plain.c: the kernel checks as a plain executable (no Criterion), for qemu/cross lanes. */
#include "kernel_check.h"

int main(void) {
    const uint64_t seed = hb_check_seed();
    printf("kernels_plain: seed 0x%016" PRIx64 " (set HB_SEED to reproduce)\n", seed);
    size_t passed = 0, failed = 0;
    for (int i = 0; i < HB_ISA_COUNT; i++) {
        const hb_kernels *k = hb_kernels_for((hb_isa)i);
        if (!k) {
            printf("%-7s skipped: not built into this binary or not supported by this CPU\n",
                   hb_isa_name((hb_isa)i));
            continue;
        }
        for (int op = 0; op < HB_OP_COUNT; op++) {
            hb_report rep;
            hb_check_op(k, (hb_op)op, seed, &rep);
            passed += rep.cases - rep.failed;
            failed += rep.failed;
            printf("%-7s %-7s vs %-6s %5zu cases, %zu failed, worst err/tol %.3f%s%s\n", k->name,
                   hb_kOpNames[op], i == HB_ISA_SCALAR ? "double" : "scalar", rep.cases,
                   rep.failed, rep.worst, rep.failed ? "\n  first: " : "", rep.first);
        }
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed ? 1 : 0;
}
