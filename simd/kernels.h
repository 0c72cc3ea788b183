/* kernels.h: the hot kernels' signatures, their table (stamped from kernel_list.h) and the
 * tables' lookup by ISA (the enum itself is public: include/hogbench/isa.h). */
#ifndef HB_KERNELS_H
#define HB_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "hogbench/isa.h" /* hb_isa, hb_isa_name/parse/supported/best */

#ifdef __cplusplus
#define restrict __restrict
extern "C" {
#endif

/* Per-step scalars of one Nadam update (Keras/PyTorch schedule), computed by src/optim.c:
 *   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g*g
 *   w -= lr * (cg*g + cm*m) / (sqrt(v*cv) + eps)                                   */
typedef struct hb_nadam_coef {
    float lr, b1, b2, eps;
    float cg; /* (1 - mu_t) / (1 - prod_{s<=t} mu_s)        */
    float cm; /* mu_{t+1} / (1 - prod_{s<=t+1} mu_s)        */
    float cv; /* 1 / (1 - b2^t)                             */
    float reg; /* L2 added to the gradient: g += reg * w     */
} hb_nadam_coef;

/* One rating as the training loop stores it (the layout of hb_rating in hogbench.h). */
typedef struct hb_krating {
    uint32_t u, i;
    float r;
} hb_krating;

/* What sgd_mf_run needs besides the ratings: row-major tables P (users) and Q (items) with
 * leading dimension ld >= dim; biases bu, bi (both NULL: plain MF, bias 0); per-row L2 weights
 * rw_u, rw_i (both NULL: reg for every sample). */
typedef struct hb_mf_args {
    size_t dim, ld;
    float lr, reg, reg_bias, mu;
    float *P, *Q, *bu, *bi;
    const float *rw_u, *rw_i;
    /* AdaGrad's accumulators (the adagrad kernels only): per coordinate, Gu/Gi are shaped like
     * P/Q (leading dimension ld); row-wise, one float per row. Gbu/Gbi: the biases' (NULL
     * without biases). eps: per-coordinate AdaGrad's denominator guard. */
    float *Gu, *Gi, *Gbu, *Gbi;
    float eps;
    /* 16-bit storage (the *_bf16 and *_f16 kernels only, which read these instead of P and Q):
     * the tables in bf16 or IEEE binary16, same shape and ld. Every write rounds to nearest
     * even, or with sr = 1 stochastically (half.h's hb_sr_fold) from random lanes seeded by
     * seed (a call's stream: the same seed and inputs give the same result on one ISA). */
    uint16_t *P16, *Q16;
    uint64_t seed;
    int sr;
} hb_mf_args;

/* The scalar parts of a per-sample MF step on rating x, shared by every ISA's run kernels and
 * their oracles: the prediction's bias, the sample's L2 weight, and SGD's step on the biases
 * from the error e (no-op without biases). */
static inline float hb_mf_bias(const hb_mf_args *a, hb_krating x) {
    return a->bu ? a->bu[x.u] + a->bi[x.i] + a->mu : 0.0f;
}
static inline float hb_mf_reg(const hb_mf_args *a, hb_krating x) {
    return a->rw_u ? a->reg * 0.5f * (a->rw_u[x.u] + a->rw_i[x.i]) : a->reg;
}
static inline void hb_mf_sgd_bias_step(const hb_mf_args *a, hb_krating x, float e) {
    if (!a->bu) return;
    a->bu[x.u] += a->lr * (e - a->reg_bias * a->bu[x.u]);
    a->bi[x.i] += a->lr * (e - a->reg_bias * a->bi[x.i]);
}
/* AdaGrad's step on the two biases (the formulas of hb_adagrad_mf_run_ft below): per
 * coordinate (Gb first, then the step) and row-wise (the step, then Gb). */
static inline void hb_mf_adagrad_bias_step(const hb_mf_args *a, hb_krating x, float e) {
    if (!a->bu) return;
    const float gbu = a->reg_bias * a->bu[x.u] - e, gbi = a->reg_bias * a->bi[x.i] - e;
    a->Gbu[x.u] += gbu * gbu;
    a->Gbi[x.i] += gbi * gbi;
    a->bu[x.u] -= a->lr * gbu / (sqrtf(a->Gbu[x.u]) + a->eps);
    a->bi[x.i] -= a->lr * gbi / (sqrtf(a->Gbi[x.i]) + a->eps);
}
static inline void hb_mf_adagrad_row_bias_step(const hb_mf_args *a, hb_krating x, float e) {
    if (!a->bu) return;
    const float gbu = a->reg_bias * a->bu[x.u] - e, gbi = a->reg_bias * a->bi[x.i] - e;
    a->bu[x.u] -= a->lr / sqrtf(a->Gbu[x.u]) * gbu;
    a->bi[x.i] -= a->lr / sqrtf(a->Gbi[x.i]) * gbi;
    a->Gbu[x.u] += gbu * gbu;
    a->Gbi[x.i] += gbi * gbi;
}

/* Every slot has the same signature for every ISA: n (elements) first, restrict pointers,
 * output last. Row-major matrices with leading dimension lda (in elements). Each operation has
 * a function type (hb_<op>_ft: declares every ISA's kernel) and its pointer (hb_<op>_fn). */
typedef float hb_dot_ft(size_t n, const float *restrict x, const float *restrict y);
/* y += a * x */
typedef void hb_axpy_ft(size_t n, float a, const float *restrict x, float *restrict y);
/* w -= lr * (g + reg * w) */
typedef void hb_sgd_ft(size_t n, float lr, float reg, const float *restrict g, float *restrict w);
/* Fused MF SGD step (LIBMF's sg_update): e = r - (p.q + bias);
 * p += lr*(e*q - reg*p); q += lr*(e*p_old - reg*q). Returns e (before the update). */
typedef float hb_sgd_mf_ft(size_t n, float r, float bias, float lr, float reg,
                           float *restrict p, float *restrict q);
/* Classic per-sample MF SGD over n ratings, in order. For each rating x:
 *   bias = bu[u] + bi[i] + mu (0 without biases); rg = reg * 0.5f * (rw_u[u] + rw_i[i]) (reg
 *   without weights); e = sgd_mf(dim, x.r, bias, lr, rg, P_u, Q_i) (this ISA's own kernel);
 *   bu[u] += lr * (e - reg_bias * bu[u]); bi[i] += lr * (e - reg_bias * bi[i]).
 * Returns the sum of e^2 (in double, in rating order). The result is bit-identical to that loop;
 * a kernel may overlap consecutive ratings that share no user and no item. */
typedef double hb_sgd_mf_run_ft(const hb_mf_args *a, const hb_krating *r, size_t n);
/* The same loop under AdaGrad (mf/mf_bias, batch 1). For each rating x, with e computed as in
 * sgd_mf_run (this ISA's hb_mf_err), rg its L2 weight, g1 = rg*p - e*q and g2 = rg*q - e*p from
 * the old p and q, per lane d:
 *   adagrad_mf_run (per coordinate):  Gu[u][d] += g1^2; p[d] -= lr * g1 / (sqrt(Gu[u][d]) + eps)
 *                                     (and q with g2, Gi[i][d]);
 *   adagrad_row_mf_run (LIBMF's row-wise): p[d] -= lr / sqrt(Gu[u]) * g1, q likewise with
 *                                     Gi[i]; then Gu[u] += sum(g1^2)/dim, Gi[i] += sum(g2^2)/dim.
 * Biases (when bu): gb = reg_bias*b - e; per coordinate Gb += gb^2, b -= lr*gb/(sqrt(Gb)+eps);
 * row-wise b -= lr/sqrt(Gb)*gb, then Gb += gb^2. Returns the sum of e^2, in double. */
typedef double hb_adagrad_mf_run_ft(const hb_mf_args *a, const hb_krating *r, size_t n);
typedef hb_adagrad_mf_run_ft hb_adagrad_row_mf_run_ft;
/* sgd_mf_run and adagrad_row_mf_run on tables stored in 16 bits (a->P16, a->Q16: bf16 or
 * binary16), computed in f32: each step widens its two rows, runs the f32 step's arithmetic
 * (the same formulas; accumulation order per ISA) and narrows the new rows (a->sr: nearest
 * even or stochastic). Biases, L2 weights and AdaGrad's per-row G stay f32. */
typedef hb_sgd_mf_run_ft hb_sgd_mf_run_bf16_ft;
typedef hb_sgd_mf_run_ft hb_sgd_mf_run_f16_ft;
typedef hb_sgd_mf_run_ft hb_adagrad_row_mf_run_bf16_ft;
typedef hb_sgd_mf_run_ft hb_adagrad_row_mf_run_f16_ft;
/* Fused Nadam step on one row: parameters, first and second moments in one pass. */
typedef void hb_nadam_ft(size_t n, const hb_nadam_coef *c, const float *restrict g,
                         float *restrict w, float *restrict m, float *restrict v);
/* Nadam on n rows of a table (lazy per-row state, or one dense step on the touched rows): slot a
 * is table row rows[a] (W, M, V + rows[a]*ld, dim floats) with gradient g + a*ld and its own
 * step's coefficients cg[a], cm[a], cv[a] and L2 reg[a]; per element, as the nadam kernel:
 *   g' = g + reg*w; m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*g'^2;
 *   w -= lr*(cg*g' + cm*m) / (sqrt(v*cv) + eps).
 * Biases (b not NULL): b[rows[a]] with moments bm, bv, gradient gb[a] and L2 reg_b[a], the same
 * step. Rows must be distinct. */
typedef struct hb_nadam_rows_args {
    size_t dim, ld;
    float lr, b1, b2, eps;
    const uint32_t *rows;
    const float *g, *cg, *cm, *cv, *reg;
    float *W, *M, *V;
    float *b, *bm, *bv;
    const float *gb, *reg_b;
} hb_nadam_rows_args;
typedef void hb_nadam_rows_ft(size_t n, const hb_nadam_rows_args *a);
/* Dense Nadam's catch-up of one row over k steps without a gradient (src/optim.c computes the
 * coefficients): per element, with x = sqrt(v), q = 1/(y1*x + eps) and r = y1*x*q,
 *   w -= m*q * (d[0] + r*(d[1] + r*(d[2] + ...)))   (HB_CATCHUP_TERMS terms, Horner);
 *   m *= pm; v *= pv. */
#define HB_CATCHUP_TERMS 6
typedef struct hb_nadam_catchup_coef {
    float y1, eps, pm, pv;
    float d[HB_CATCHUP_TERMS];
} hb_nadam_catchup_coef;
typedef void hb_nadam_catchup_ft(size_t n, const hb_nadam_catchup_coef *c, float *restrict w,
                                 float *restrict m, float *restrict v);
/* y[m] = A[m x n] x[n] */
typedef void hb_gemv_ft(size_t m, size_t n, const float *restrict A, size_t lda,
                        const float *restrict x, float *restrict y);
/* y[n] = A[m x n]^T x[m] */
typedef void hb_gemv_t_ft(size_t m, size_t n, const float *restrict A, size_t lda,
                          const float *restrict x, float *restrict y);
/* A[m x n] += alpha * x[m] y[n]^T */
typedef void hb_ger_ft(size_t m, size_t n, float alpha, const float *restrict x,
                       const float *restrict y, float *restrict A, size_t lda);
/* C[m x n] = alpha * op(A) * op(B) + beta * C, all row-major. op(A) is m x k: A (lda >= k)
 * or, when ta, A^T with A stored k x m (lda >= m). op(B) is k x n: B (ldb >= n) or, when tb,
 * B^T with B stored n x k (ldb >= k). beta == 0 means C is written without being read.
 * Reentrant: the packing buffers are per thread (simd/generic/sgemm_buf.h), nothing is
 * allocated. */
typedef void hb_sgemm_ft(int ta, int tb, size_t m, size_t n, size_t k, float alpha,
                         const float *restrict A, size_t lda, const float *restrict B, size_t ldb,
                         float beta, float *restrict C, size_t ldc);

/* A mini-batch's predictions: z[j] = dot(dim, X + r[j].u*ld, Y + r[j].i*ld) for j < n, each
 * pair bitwise this ISA's dot kernel. */
typedef void hb_dot_rows_ft(size_t n, size_t dim, size_t ld, const float *restrict X,
                            const float *restrict Y, const hb_krating *restrict r, float *restrict z);
/* A mini-batch's per-slot MF gradients in one pass: for each sample j < n in order, with
 * p = P + r[j].u*ld, q = Q + r[j].i*ld, gp = gP + su[j]*ld, gq = gQ + si[j]*ld (dim floats each):
 *   sq (squared loss): z = dot(dim, p, q) (bitwise this ISA's dot), plus bu[u] + bi[i] + mu when
 *     bu is not NULL; e = z - r[j].r; loss += (double)e*e; dz[j] = e*scale (written);
 *   else dz[j] is given (read);
 *   gp = dz*q + (fresh[j] & 1 ? 0 : gp);   gq = dz*p + (fresh[j] & 2 ? 0 : gq)   (per element as
 *     axpy; a slot's first sample sets its row: no zeroing beforehand; lanes dim..ld untouched);
 *   when gbu: gbu[su] = (fresh & 1 ? 0 : gbu[su]) + dz, gbi[si] likewise with fresh & 2.
 * Returns loss (the caller's running sum, plus e^2 per sample in order; unchanged unless sq). */
typedef struct hb_mf_grad_args {
    size_t dim, ld;
    const float *P, *Q, *bu, *bi;
    float mu, scale;
    int sq;
    const hb_krating *r;
    const uint32_t *su, *si;
    const uint8_t *fresh;
    float *dz, *gP, *gQ, *gbu, *gbi;
} hb_mf_grad_args;
typedef double hb_mf_grad_ft(size_t n, const hb_mf_grad_args *a, double loss);

typedef hb_dot_ft *hb_dot_fn;
typedef hb_axpy_ft *hb_axpy_fn;
typedef hb_sgd_ft *hb_sgd_fn;
typedef hb_sgd_mf_ft *hb_sgd_mf_fn;
typedef hb_sgd_mf_run_ft *hb_sgd_mf_run_fn;
typedef hb_adagrad_mf_run_ft *hb_adagrad_mf_run_fn;
typedef hb_nadam_ft *hb_nadam_fn;
typedef hb_nadam_rows_ft *hb_nadam_rows_fn;
typedef hb_nadam_catchup_ft *hb_nadam_catchup_fn;
typedef hb_gemv_ft *hb_gemv_fn;
typedef hb_gemv_t_ft *hb_gemv_t_fn;
typedef hb_ger_ft *hb_ger_fn;
typedef hb_sgemm_ft *hb_sgemm_fn;
typedef hb_dot_rows_ft *hb_dot_rows_fn;
typedef hb_mf_grad_ft *hb_mf_grad_fn;

/* What a kernel's operands look like (its tests' and benchmarks' sizes): one or a few rows of
 * n elements (VEC), or an m x n matrix with a leading dimension (MAT). */
typedef enum hb_kshape { HB_KSHAPE_VEC, HB_KSHAPE_MAT } hb_kshape;

#include "kernel_list.h"

/* The table: one slot per listed operation, hb_<op>_ft *<op>. */
#define HB_KSLOT_(arg, op, OP, shape) hb_##op##_ft *op;
typedef struct hb_kernels {
    hb_isa isa;
    const char *name;
    HB_KERNELS(HB_KSLOT_, ~)
} hb_kernels;

/* Kernel declarations: hb_<op>_f32__<isa>, one per listed operation. */
#define HB_KDECL_(isa, op, OP, shape) hb_##op##_ft hb_##op##_f32__##isa;
#define HB_DECLARE_KERNELS(isa) HB_KERNELS(HB_KDECL_, isa)

HB_DECLARE_KERNELS(scalar)

/* AVX-512 with AVX512_BF16 (VCVTNE2PS2BF16 narrows to nearest): the bf16 slots of the avx512 table on CPUs
 * that have it (dispatch.c); the table's own bf16 kernels narrow by integer arithmetic. */
hb_sgd_mf_run_ft hb_sgd_mf_run_bf16_f32__avx512bf16, hb_adagrad_row_mf_run_bf16_f32__avx512bf16;

/* The table for one ISA (HB_ISA_AUTO: the best), or NULL if unsupported here. Every slot is
 * filled. Tables are constant: there is no process-wide choice. */
const hb_kernels *hb_kernels_for(hb_isa isa);
/* The CLI's default: the table HOGBENCH_ISA names (if set), else the best supported; NULL if
 * HOGBENCH_ISA names an unusable ISA. Reads the environment on every call; the library never
 * calls it (its functions take the ISA as a parameter). */
const hb_kernels *hb_kernels_get(void);

#ifdef __cplusplus
}
#endif
#endif
