/* kernels_bench.c: the kernel micro-suite over gbench.h: every op x ISA x size, single-thread
 * OpenBLAS as a reference line when found. Flop counts follow the scalar formulas; bytes count
 * each array streamed once in and, if written, once out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gbench.h"
#include "half.h"
#include "kernels.h"

#ifdef HB_HAVE_OPENBLAS
#include <cblas.h>
#endif

#include "hb_git_sha.h" /* generated at build time (cmake/git_sha.cmake) */
#ifndef HB_COMPILER
#define HB_COMPILER "unknown"
#endif
#ifndef HB_BUILD_FLAGS
#define HB_BUILD_FLAGS ""
#endif
#ifndef HB_KERNEL_FLAGS
#define HB_KERNEL_FLAGS ""
#endif

#define BATCH 64 /* iterations per trip through the C++ loop */

/* 64-byte aligned floats, uniform in [lo, hi) from a fixed xorshift seed. */
static float *buf(size_t n, float lo, float hi, uint64_t seed) {
    float *p = aligned_alloc(64, ((n ? n : 1) * sizeof(float) + 63) / 64 * 64);
    if (!p) abort();
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        p[i] = lo + (hi - lo) * (float)((double)(seed >> 40) * (1.0 / 16777216.0));
    }
    return p;
}

static void set_rates(hb_gb_state *st, double flops, double bytes) {
    hb_gb_counter(st, "GFLOP/s", flops * 1e-9, 1);
    hb_gb_counter(st, "GB/s", bytes * 1e-9, 1);
}

/* The kernel table for the ISA in arg, or NULL after a skip when this CPU/binary lacks it. */
static const hb_kernels *table_or_skip(hb_gb_state *st, void *arg) {
    const hb_isa isa = (hb_isa)(intptr_t)arg;
    const hb_kernels *k = hb_kernels_for(isa);
    if (!k) {
        char why[96];
        snprintf(why, sizeof why, "%s: not supported by this CPU/binary", hb_isa_name(isa));
        hb_gb_skip(st, why);
    }
    return k;
}

/* ------------------------------------------------------------ one runner per table slot */

static void bm_dot(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    float *x = buf(n, -1, 1, 1), *y = buf(n, -1, 1, 2);
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            float r = k->dot(n, x, y);
            hb_gb_keep_f(r);
        }
    set_rates(st, 2.0 * n, 8.0 * n);
    free(x), free(y);
}

static void bm_axpy(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    float *x = buf(n, -1, 1, 1), *y = buf(n, -1, 1, 2);
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            k->axpy(n, 1e-3f, x, y);
            hb_gb_clobber();
        }
    set_rates(st, 2.0 * n, 12.0 * n);
    free(x), free(y);
}

static void bm_sgd(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    float *g = buf(n, -1, 1, 1), *w = buf(n, -1, 1, 2);
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            k->sgd(n, 0.01f, 0.05f, g, w);
            hb_gb_clobber();
        }
    set_rates(st, 4.0 * n, 12.0 * n);
    free(g), free(w);
}

/* Rotates over row pairs filling 16 KiB (L1-resident), as consecutive ratings hit different
 * rows; lr = 0 leaves p and q unchanged, so millions of calls never decay them into
 * subnormals (the instructions and their dependencies are the same as for lr > 0). */
static void bm_sgd_mf(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0), rows = 2048 / n > 1 ? 2048 / n : 1;
    float *p = buf(rows * n, -0.3f, 0.3f, 1), *q = buf(rows * n, -0.3f, 0.3f, 2);
    size_t row = 0;
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            float e = k->sgd_mf(n, 3.5f, 0.2f, 0.0f, 0.05f, p + row * n, q + row * n);
            hb_gb_keep_f(e);
            row = row + 1 == rows ? 0 : row + 1;
        }
    set_rates(st, 12.0 * n, 16.0 * n);
    free(p), free(q);
}

/* One iteration = 4096 ratings drawn over a 943 x 1682 (MovieLens 100K) pair of tables, with
 * biases and per-row L2 weights, as the training loop calls it; lr = 0 for the reason above. */
/* The training loop's workload: NR ratings drawn over a 943 x 1682 (MovieLens 100K) pair of
 * tables of dim n, with biases and per-row L2 weights; AdaGrad accumulators when acc is 1
 * (one per row) or n (one per coordinate), none when 0. lr = 0 for the reason above (AdaGrad:
 * the rows stay put, the accumulators grow). */
#define NU 943
#define NI 1682
#define NR 4096
typedef struct {
    hb_mf_args a;
    hb_krating r[NR];
} mf_workload;

static mf_workload *mf_workload_new(size_t n, size_t acc) {
    mf_workload *w = malloc(sizeof *w);
    if (!w) abort();
    float *rw = buf(NI, 0.5f, 2.0f, 5);
    w->a = (hb_mf_args){n, n, 0.0f, 0.05f, 0.01f, 3.5f, buf(NU * n, -0.3f, 0.3f, 1),
                        buf(NI * n, -0.3f, 0.3f, 2), buf(NU, -0.1f, 0.1f, 3), buf(NI, -0.1f, 0.1f, 4),
                        rw, rw, NULL, NULL, NULL, NULL, 0.0f, NULL, NULL, 0, 0};
    if (acc) {
        w->a.Gu = buf(NU * acc, 1.0f, 2.0f, 6);
        w->a.Gi = buf(NI * acc, 1.0f, 2.0f, 7);
        w->a.Gbu = buf(NU, 1.0f, 2.0f, 8);
        w->a.Gbi = buf(NI, 1.0f, 2.0f, 9);
        w->a.eps = 1e-7f;
    }
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (size_t j = 0; j < NR; j++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        w->r[j] = (hb_krating){(uint32_t)(s % NU), (uint32_t)((s >> 20) % NI), 1.0f + (float)((s >> 40) % 5)};
    }
    return w;
}

/* The same workload with the tables narrowed to 16 bits (binary16 when f16, else bf16), every
 * write to nearest even: the whole-loop kernels of 16-bit storage. */
static mf_workload *mf_workload_h(size_t n, size_t acc, int f16) {
    mf_workload *w = mf_workload_new(n, acc);
    uint16_t *t[2] = {malloc(NU * n * sizeof(uint16_t) + 64), malloc(NI * n * sizeof(uint16_t) + 64)};
    if (!t[0] || !t[1]) abort();
    for (size_t e = 0; e < NU * n; e++) t[0][e] = f16 ? hb_f32_to_f16(w->a.P[e]) : hb_f32_to_bf16(w->a.P[e]);
    for (size_t e = 0; e < NI * n; e++) t[1][e] = f16 ? hb_f32_to_f16(w->a.Q[e]) : hb_f32_to_bf16(w->a.Q[e]);
    w->a.P16 = t[0], w->a.Q16 = t[1];
    return w;
}

static void mf_workload_free(mf_workload *w) {
    free(w->a.P16), free(w->a.Q16);
    free(w->a.P), free(w->a.Q), free(w->a.bu), free(w->a.bi), free((void *)w->a.rw_u);
    free(w->a.Gu), free(w->a.Gi), free(w->a.Gbu), free(w->a.Gbi);
    free(w);
}

/* One iteration = the NR ratings, through one of the whole-loop kernels. */
static void bm_mf_run(hb_gb_state *st, double (*fn)(const hb_mf_args *, const hb_krating *, size_t),
                      mf_workload *w, double flops, double bytes) {
    while (hb_gb_run_batch(st, 1)) {
        double l = fn(&w->a, w->r, NR);
        hb_gb_keep(l);
    }
    hb_gb_items_processed(st, hb_gb_iterations(st) * (int64_t)NR);
    set_rates(st, flops * NR, bytes * NR);
    mf_workload_free(w);
}

static void bm_sgd_mf_run(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    bm_mf_run(st, k->sgd_mf_run, mf_workload_new(n, 0), 12.0 * n, 16.0 * n);
}

static void bm_adagrad_run(hb_gb_state *st, void *arg, int row) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    bm_mf_run(st, row ? k->adagrad_row_mf_run : k->adagrad_mf_run,
              mf_workload_new(n, row ? 1 : n), (row ? 14.0 : 18.0) * n, (row ? 16.0 : 32.0) * n);
}
static void bm_adagrad_mf_run(hb_gb_state *st, void *arg) { bm_adagrad_run(st, arg, 0); }

/* 16-bit tables: the f32 kernels' flops; bytes: each 2-byte element of p, q in and out. */
static void bm_h_run(hb_gb_state *st, void *arg, int f16, int row) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    const hb_sgd_mf_run_fn fn = f16 ? (row ? k->adagrad_row_mf_run_f16 : k->sgd_mf_run_f16)
                                    : (row ? k->adagrad_row_mf_run_bf16 : k->sgd_mf_run_bf16);
    bm_mf_run(st, fn, mf_workload_h(n, row, f16), (row ? 14.0 : 12.0) * n, 8.0 * n);
}
static void bm_sgd_mf_run_bf16(hb_gb_state *st, void *arg) { bm_h_run(st, arg, 0, 0); }
static void bm_sgd_mf_run_f16(hb_gb_state *st, void *arg) { bm_h_run(st, arg, 1, 0); }
static void bm_adagrad_row_mf_run_bf16(hb_gb_state *st, void *arg) { bm_h_run(st, arg, 0, 1); }
static void bm_adagrad_row_mf_run_f16(hb_gb_state *st, void *arg) { bm_h_run(st, arg, 1, 1); }
static void bm_adagrad_row_mf_run(hb_gb_state *st, void *arg) { bm_adagrad_run(st, arg, 1); }

static void bm_nadam(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    float *g = buf(n, -1, 1, 1), *w = buf(n, -1, 1, 2), *m = buf(n, -0.1f, 0.1f, 3),
          *v = buf(n, 0, 0.1f, 4);
    /* reg = 0: with L2 the fixed point drives g + reg*w, then m and v, into subnormals */
    const hb_nadam_coef c = {1e-3f, 0.9f, 0.999f, 1e-7f, 0.05f, 0.9f, 1.5f, 0.0f};
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            k->nadam(n, &c, g, w, m, v);
            hb_gb_clobber();
        }
    set_rates(st, 19.0 * n, 28.0 * n);
    free(g), free(w), free(m), free(v);
}

/* nadam_rows: 128 rows of dim n drawn from a 4096-row table (a mini-batch's touched rows). */
static void bm_nadam_rows(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    enum { NT = 4096, S = 128 };
    const size_t n = (size_t)hb_gb_range(st, 0), ld = (n + 15) & ~(size_t)15;
    float *W = buf(NT * ld, -1, 1, 1), *M = buf(NT * ld, -0.1f, 0.1f, 2), *V = buf(NT * ld, 0, 0.1f, 3);
    float *g = buf(S * ld, -1, 1, 4), *cg = buf(S, 0.05f, 0.06f, 5), *cm = buf(S, 0.9f, 0.91f, 6);
    float *cv = buf(S, 1.0f, 1.5f, 7), *rg = buf(S, 0, 0, 8);
    uint32_t rows[S];
    for (uint32_t s = 0; s < S; s++) rows[s] = (s * 2654435761u) % NT; /* distinct: odd multiplier */
    const hb_nadam_rows_args a = {.dim = n, .ld = ld, .lr = 1e-3f, .b1 = 0.9f, .b2 = 0.999f,
                                  .eps = 1e-7f, .rows = rows, .g = g, .cg = cg, .cm = cm, .cv = cv,
                                  .reg = rg, .W = W, .M = M, .V = V};
    while (hb_gb_run_batch(st, 1)) {
        k->nadam_rows(S, &a);
        hb_gb_clobber();
    }
    set_rates(st, 19.0 * n * S, 28.0 * n * S);
    free(W), free(M), free(V), free(g), free(cg), free(cm), free(cv), free(rg);
}

static void bm_nadam_catchup(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0);
    float *w = buf(n, -1, 1, 1), *m = buf(n, -0.1f, 0.1f, 2), *v = buf(n, 0, 0.1f, 3);
    /* pm = pv = 1: the state stays put across iterations */
    const hb_nadam_catchup_coef c = {.y1 = 1.2f, .eps = 1e-7f, .pm = 1.0f, .pv = 1.0f,
                                     .d = {1e-4f, 1e-6f, 1e-8f, 1e-10f, 1e-12f, 1e-14f}};
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            k->nadam_catchup(n, &c, w, m, v);
            hb_gb_clobber();
        }
    set_rates(st, 22.0 * n, 24.0 * n);
    free(w), free(m), free(v);
}

static void bm_gemv(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t m = (size_t)hb_gb_range(st, 0), n = (size_t)hb_gb_range(st, 1);
    float *A = buf(m * n, -1, 1, 1), *x = buf(n, -1, 1, 2), *y = buf(m, 0, 0, 3);
    while (hb_gb_run_batch(st, 1)) {
        k->gemv(m, n, A, n, x, y);
        hb_gb_clobber();
    }
    set_rates(st, 2.0 * m * n, 4.0 * (m * n + m + n));
    free(A), free(x), free(y);
}

static void bm_gemv_t(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t m = (size_t)hb_gb_range(st, 0), n = (size_t)hb_gb_range(st, 1);
    float *A = buf(m * n, -1, 1, 1), *x = buf(m, -1, 1, 2), *y = buf(n, 0, 0, 3);
    while (hb_gb_run_batch(st, 1)) {
        k->gemv_t(m, n, A, n, x, y);
        hb_gb_clobber();
    }
    set_rates(st, 2.0 * m * n, 4.0 * (m * n + m + n));
    free(A), free(x), free(y);
}

static void bm_ger(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t m = (size_t)hb_gb_range(st, 0), n = (size_t)hb_gb_range(st, 1);
    float *A = buf(m * n, -1, 1, 1), *x = buf(m, -1, 1, 2), *y = buf(n, -1, 1, 3);
    while (hb_gb_run_batch(st, 1)) {
        k->ger(m, n, 1e-4f, x, y, A, n);
        hb_gb_clobber();
    }
    set_rates(st, 2.0 * m * n, 4.0 * (2 * m * n + m + n));
    free(A), free(x), free(y);
}

/* sgemm at one of the MLP's products: args (ta*2 + tb, m, n, k), tight leading dimensions;
 * beta 1 for the weight gradient (ta: dW += dZ^T X), else 0, as the MLP calls it. */
typedef struct {
    int ta, tb;
    size_t m, n, k, lda, ldb;
    float beta;
    float *A, *B, *C;
} gemm_case;

static gemm_case gemm_case_new(hb_gb_state *st) {
    gemm_case g;
    const int t = (int)hb_gb_range(st, 0);
    g.ta = t >> 1, g.tb = t & 1;
    g.m = (size_t)hb_gb_range(st, 1), g.n = (size_t)hb_gb_range(st, 2), g.k = (size_t)hb_gb_range(st, 3);
    g.lda = g.ta ? g.m : g.k, g.ldb = g.tb ? g.k : g.n, g.beta = g.ta ? 1.0f : 0.0f;
    g.A = buf(g.m * g.k, -1, 1, 1), g.B = buf(g.k * g.n, -1, 1, 2), g.C = buf(g.m * g.n, -1, 1, 3);
    static const char *const names[] = {"NN", "NT", "TN", "TT"};
    hb_gb_label(st, names[t & 3]);
    return g;
}

static void gemm_case_end(hb_gb_state *st, gemm_case *g) {
    set_rates(st, 2.0 * g->m * g->n * g->k, 4.0 * (g->m * g->k + g->k * g->n + 2 * g->m * g->n));
    free(g->A), free(g->B), free(g->C);
}

static void bm_sgemm(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    gemm_case g = gemm_case_new(st);
    while (hb_gb_run_batch(st, 1)) { /* alpha small: beta = 1 accumulates for millions of calls */
        k->sgemm(g.ta, g.tb, g.m, g.n, g.k, 1e-4f, g.A, g.lda, g.B, g.ldb, g.beta, g.C, g.n);
        hb_gb_clobber();
    }
    gemm_case_end(st, &g);
}

#ifdef HB_HAVE_OPENBLAS
static void bm_blas_sgemm(hb_gb_state *st, void *arg) {
    (void)arg;
    gemm_case g = gemm_case_new(st);
    while (hb_gb_run_batch(st, 1)) {
        cblas_sgemm(CblasRowMajor, g.ta ? CblasTrans : CblasNoTrans, g.tb ? CblasTrans : CblasNoTrans,
                    (int)g.m, (int)g.n, (int)g.k, 1e-4f, g.A, (int)g.lda, g.B, (int)g.ldb, g.beta, g.C,
                    (int)g.n);
        hb_gb_clobber();
    }
    gemm_case_end(st, &g);
}

static void bm_blas_dot(hb_gb_state *st, void *arg) {
    (void)arg;
    const int n = (int)hb_gb_range(st, 0);
    float *x = buf((size_t)n, -1, 1, 1), *y = buf((size_t)n, -1, 1, 2);
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            float r = cblas_sdot(n, x, 1, y, 1);
            hb_gb_keep_f(r);
        }
    set_rates(st, 2.0 * n, 8.0 * n);
    free(x), free(y);
}

static void bm_blas_axpy(hb_gb_state *st, void *arg) {
    (void)arg;
    const int n = (int)hb_gb_range(st, 0);
    float *x = buf((size_t)n, -1, 1, 1), *y = buf((size_t)n, -1, 1, 2);
    while (hb_gb_run_batch(st, BATCH))
        for (int b = 0; b < BATCH; b++) {
            cblas_saxpy(n, 1e-3f, x, 1, y, 1);
            hb_gb_clobber();
        }
    set_rates(st, 2.0 * n, 12.0 * n);
    free(x), free(y);
}

static void bm_blas_gemv(hb_gb_state *st, void *arg) {
    (void)arg;
    const int m = (int)hb_gb_range(st, 0), n = (int)hb_gb_range(st, 1);
    float *A = buf((size_t)m * (size_t)n, -1, 1, 1), *x = buf((size_t)n, -1, 1, 2),
          *y = buf((size_t)m, 0, 0, 3);
    while (hb_gb_run_batch(st, 1)) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0f, A, n, x, 1, 0.0f, y, 1);
        hb_gb_clobber();
    }
    set_rates(st, 2.0 * m * n, 4.0 * ((double)m * n + m + n));
    free(A), free(x), free(y);
}
#endif

/* dot_rows and mf_grad: a 128-sample mini-batch over 4096-row tables (dim n). */
enum { BM_NT = 4096, BM_S = 128 };
static void bm_batch_rows(hb_krating *r, uint32_t *su, uint32_t *si, uint8_t *fresh) {
    for (uint32_t s = 0; s < BM_S; s++) {
        r[s] = (hb_krating){.u = (s * 2654435761u) % BM_NT, .i = (s * 40503u + 7u) % BM_NT, .r = 3.0f};
        su[s] = s / 2, si[s] = s % 64, fresh[s] = (uint8_t)((s % 2 == 0) | ((s < 64) << 1));
    }
}
static void bm_dot_rows(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0), ld = (n + 15) & ~(size_t)15;
    float *P = buf(BM_NT * ld, -1, 1, 1), *Q = buf(BM_NT * ld, -1, 1, 2), *z = buf(BM_S, 0, 0, 3);
    hb_krating r[BM_S];
    uint32_t su[BM_S], si[BM_S];
    uint8_t fresh[BM_S];
    bm_batch_rows(r, su, si, fresh);
    while (hb_gb_run_batch(st, 1)) {
        k->dot_rows(BM_S, n, ld, P, Q, r, z);
        hb_gb_clobber();
    }
    set_rates(st, 2.0 * n * BM_S, 8.0 * n * BM_S);
    free(P), free(Q), free(z);
}
static void bm_mf_grad(hb_gb_state *st, void *arg) {
    const hb_kernels *k = table_or_skip(st, arg);
    if (!k) return;
    const size_t n = (size_t)hb_gb_range(st, 0), ld = (n + 15) & ~(size_t)15;
    float *P = buf(BM_NT * ld, -1, 1, 1), *Q = buf(BM_NT * ld, -1, 1, 2), *dz = buf(BM_S, -1e-3f, 1e-3f, 3);
    float *gP = buf(BM_S * ld, 0, 0, 4), *gQ = buf(BM_S * ld, 0, 0, 5);
    hb_krating r[BM_S];
    uint32_t su[BM_S], si[BM_S];
    uint8_t fresh[BM_S];
    bm_batch_rows(r, su, si, fresh);
    /* the squared loss: the forward in the pass too */
    const hb_mf_grad_args a = {.dim = n, .ld = ld, .P = P, .Q = Q, .scale = 1.0f / BM_S, .sq = 1,
                               .r = r, .su = su, .si = si, .fresh = fresh, .dz = dz, .gP = gP,
                               .gQ = gQ};
    while (hb_gb_run_batch(st, 1)) {
        k->mf_grad(BM_S, &a, 0.0);
        hb_gb_clobber();
    }
    set_rates(st, 6.0 * n * BM_S, 16.0 * n * BM_S);
    free(P), free(Q), free(dz), free(gP), free(gQ);
}

/* ------------------------------------------------------------------ registration */

typedef hb_kshape shape;
#define VEC HB_KSHAPE_VEC
#define MAT HB_KSHAPE_MAT
typedef struct {
    const char *name;
    hb_gb_fn fn;
    shape sh;
} op;
/* kernel_list.h's ops, each run by its bm_<op>: every ISA row gets every op. */
#define HB_BM_OP_(arg, name, NAME, sh) {#name, bm_##name, sh},
static const op ops[] = {HB_KERNELS(HB_BM_OP_, ~)};

static const int64_t dims[] = {16, 32, 50, 64, 128, 256};
static const int64_t gemv_rows[] = {1682, 27278}; /* MovieLens 100K items, ML-latest-small-like */
static const int64_t mlp[][2] = {{50, 100}, {100, 50}}; /* MLP layer shapes besides the squares */
static const int64_t mlp_batch[] = {64, 256, 512};
/* the MLP's layers (in, out): dim 50 (100 -> 50 -> 50 -> 1) and dim 128 (256 -> 128 -> 128) */
static const int64_t mlp_layers[][2] = {{100, 50}, {50, 50}, {50, 1}, {256, 128}, {128, 128}};
#define N(a) (sizeof a / sizeof *a)

static void add_shapes(hb_gb_bench *b, const char *name, shape sh) {
    if (sh == VEC) {
        for (size_t d = 0; d < N(dims); d++) hb_gb_args(b, 1, &dims[d]);
        return;
    }
    if (strcmp(name, "sgemm") == 0) { /* per batch and layer: forward, dX, dW */
        for (size_t bi = 0; bi < N(mlp_batch); bi++)
            for (size_t l = 0; l < N(mlp_layers); l++) {
                const int64_t B = mlp_batch[bi], in = mlp_layers[l][0], out = mlp_layers[l][1];
                hb_gb_args(b, 4, (int64_t[]){1, B, out, in}); /* Z = X W^T */
                hb_gb_args(b, 4, (int64_t[]){0, B, in, out}); /* dX = dZ W */
                hb_gb_args(b, 4, (int64_t[]){2, out, in, B}); /* dW += dZ^T X */
            }
        return;
    }
    if (strcmp(name, "gemv") == 0) {
        for (size_t m = 0; m < N(gemv_rows); m++)
            for (size_t d = 0; d < N(dims); d++) hb_gb_args(b, 2, (int64_t[]){gemv_rows[m], dims[d]});
        return;
    }
    for (size_t d = 0; d < N(dims); d++) hb_gb_args(b, 2, (int64_t[]){dims[d], dims[d]});
    for (size_t s = 0; s < N(mlp); s++) hb_gb_args(b, 2, mlp[s]);
}

int main(int argc, char **argv) {
    char name[64];
#ifdef HB_HAVE_OPENBLAS
    openblas_set_num_threads(1); /* every line here is one thread */
    char ob[256];
    snprintf(ob, sizeof ob, "%s; core %s", openblas_get_config(), openblas_get_corename());
    hb_gb_context("openblas", ob);
#else
    hb_gb_context("openblas", "not found");
#endif
    hb_gb_context("git_sha", HB_GIT_SHA);
    hb_gb_context("compiler", HB_COMPILER);
    hb_gb_context("c_flags", HB_BUILD_FLAGS);
    hb_gb_context("kernel_flags", HB_KERNEL_FLAGS);
    hb_gb_context("best_isa", hb_isa_name(hb_isa_best()));
    for (int i = 0; i < HB_ISA_COUNT; i++)
        for (size_t o = 0; o < N(ops); o++) {
            snprintf(name, sizeof name, "%s/%s", ops[o].name, hb_isa_name((hb_isa)i));
            add_shapes(hb_gb_register(name, ops[o].fn, (void *)(intptr_t)i), ops[o].name, ops[o].sh);
        }
#ifdef HB_HAVE_OPENBLAS
    add_shapes(hb_gb_register("dot/openblas", bm_blas_dot, NULL), "dot", VEC);
    add_shapes(hb_gb_register("axpy/openblas", bm_blas_axpy, NULL), "axpy", VEC);
    add_shapes(hb_gb_register("gemv/openblas", bm_blas_gemv, NULL), "gemv", MAT);
    add_shapes(hb_gb_register("sgemm/openblas", bm_blas_sgemm, NULL), "sgemm", MAT);
#endif
    return hb_gb_main(argc, argv);
}
