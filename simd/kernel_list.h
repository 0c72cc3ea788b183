/* kernel_list.h: the one list of kernel operations (an X-macro). X(arg, op, OP, shape) is
 * expanded once per operation: the table's slots and every ISA's declarations (kernels.h), the
 * dispatch rows (dispatch.c), the test ops (tests/kernel_check.h, tests/test_kernels.c) and the
 * benchmarks (bench/kernels_bench.c). A new operation is one line here, its hb_<op>_ft type in
 * kernels.h, simd/<isa>/<op>.c for every ISA, a check case and a benchmark runner: the build
 * fails until all of them exist. */
#ifndef HB_KERNEL_LIST_H
#define HB_KERNEL_LIST_H

/* vector operations first, then matrix ones, then vector ones added since */
#define HB_KERNELS(X, arg)                                  \
    X(arg, dot, DOT, HB_KSHAPE_VEC)                         \
    X(arg, axpy, AXPY, HB_KSHAPE_VEC)                       \
    X(arg, sgd, SGD, HB_KSHAPE_VEC)                         \
    X(arg, sgd_mf, SGD_MF, HB_KSHAPE_VEC)                   \
    X(arg, sgd_mf_run, SGD_MF_RUN, HB_KSHAPE_VEC)           \
    X(arg, nadam, NADAM, HB_KSHAPE_VEC)                     \
    X(arg, nadam_rows, NADAM_ROWS, HB_KSHAPE_VEC)           \
    X(arg, nadam_catchup, NADAM_CATCHUP, HB_KSHAPE_VEC)     \
    X(arg, adagrad_mf_run, ADAGRAD_MF_RUN, HB_KSHAPE_VEC)   \
    X(arg, adagrad_row_mf_run, ADAGRAD_ROW_MF_RUN, HB_KSHAPE_VEC) \
    X(arg, sgd_mf_run_bf16, SGD_MF_RUN_BF16, HB_KSHAPE_VEC) \
    X(arg, sgd_mf_run_f16, SGD_MF_RUN_F16, HB_KSHAPE_VEC) \
    X(arg, adagrad_row_mf_run_bf16, ADAGRAD_ROW_MF_RUN_BF16, HB_KSHAPE_VEC) \
    X(arg, adagrad_row_mf_run_f16, ADAGRAD_ROW_MF_RUN_F16, HB_KSHAPE_VEC) \
    X(arg, gemv, GEMV, HB_KSHAPE_MAT)                       \
    X(arg, gemv_t, GEMV_T, HB_KSHAPE_MAT)                   \
    X(arg, ger, GER, HB_KSHAPE_MAT)                         \
    X(arg, sgemm, SGEMM, HB_KSHAPE_MAT)                     \
    X(arg, dot_rows, DOT_ROWS, HB_KSHAPE_VEC)               \
    X(arg, mf_grad, MF_GRAD, HB_KSHAPE_VEC)

#endif
