/* mlp_batch.c: the MLP's mini-batch forward and backward as matrix products (one GEMM per layer
 * and direction instead of a gemv, ger and gemv_t per sample). */
#include <string.h>

#include "model.h"

/* ------------------------------------------------------------------------------------------
 * TEMP: replaced by k->sgemm at merge.
 * C[m x n] = alpha * op(A) * op(B) + beta * C, all row-major. op(A) is m x k: A (lda >= k)
 * or, when ta, A^T with A stored k x m (lda >= m). op(B) is k x n: B (ldb >= n) or, when tb,
 * B^T with B stored n x k (ldb >= k). beta == 0 means C is written without being read.
 * Plain C for the baseline ISA: op(B) packed in chunks of at most NC columns and KC rows,
 * op(A) (times alpha) in KC x MR panels, an MR x 2 VW block of C accumulated in registers over
 * each panel with GNU vector types (VW = 4: SSE2 on x86-64's baseline, NEON on aarch64). */
#ifndef HB_GEMM_VW
#define HB_GEMM_VW 4
#endif
typedef float hb_vf __attribute__((vector_size(HB_GEMM_VW * sizeof(float))));
#define HB_GEMM_MR 4
#define HB_GEMM_NR (2 * HB_GEMM_VW)
#define HB_GEMM_NC 512
#define HB_GEMM_BP 16384 /* floats of packed op(B) */

__attribute__((unused)) /* once HB_SGEMM names k->sgemm */
static void hb_sgemm_tmp(int ta, int tb, size_t m, size_t n, size_t k, float alpha,
                         const float *A, size_t lda, const float *B, size_t ldb, float beta,
                         float *C, size_t ldc) {
    for (size_t i = 0; i < m; i++) {
        float *c = C + i * ldc;
        if (beta == 0.0f) memset(c, 0, n * sizeof *c);
        else if (beta != 1.0f)
            for (size_t j = 0; j < n; j++) c[j] *= beta;
    }
    _Alignas(64) float bp[HB_GEMM_BP];
    _Alignas(64) float ap[HB_GEMM_BP / HB_GEMM_NR * HB_GEMM_MR];
    for (size_t jc = 0; jc < n; jc += HB_GEMM_NC) {
        const size_t nc = n - jc < HB_GEMM_NC ? n - jc : HB_GEMM_NC;
        const size_t ncp = (nc + HB_GEMM_NR - 1) / HB_GEMM_NR * HB_GEMM_NR;
        const size_t KC = HB_GEMM_BP / ncp;
        for (size_t p0 = 0; p0 < k; p0 += KC) {
            const size_t kc = k - p0 < KC ? k - p0 : KC;
            /* bp: panel q (columns jc + q NR ..) is kc x NR at bp + q kc NR; tail: zeros */
            for (size_t q = 0; q < ncp / HB_GEMM_NR; q++)
                for (size_t p = 0; p < kc; p++)
                    for (size_t j = 0; j < HB_GEMM_NR; j++) {
                        const size_t c = jc + q * HB_GEMM_NR + j;
                        bp[(q * kc + p) * HB_GEMM_NR + j] =
                            c >= jc + nc ? 0.0f
                            : tb         ? B[c * ldb + p0 + p]
                                         : B[(p0 + p) * ldb + c];
                    }
            for (size_t i0 = 0; i0 < m; i0 += HB_GEMM_MR) {
                const size_t mr = m - i0 < HB_GEMM_MR ? m - i0 : HB_GEMM_MR;
                for (size_t p = 0; p < kc; p++) /* tail: zero rows */
                    for (size_t r = 0; r < HB_GEMM_MR; r++)
                        ap[p * HB_GEMM_MR + r] =
                            r >= mr ? 0.0f
                                    : alpha * (ta ? A[(p0 + p) * lda + i0 + r]
                                                  : A[(i0 + r) * lda + p0 + p]);
                for (size_t q = 0; q < ncp / HB_GEMM_NR; q++) {
                    const float *bq = bp + q * kc * HB_GEMM_NR;
                    hb_vf c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0},
                          c30 = {0}, c31 = {0};
                    for (size_t p = 0; p < kc; p++) {
                        hb_vf b0, b1;
                        memcpy(&b0, bq + p * HB_GEMM_NR, sizeof b0);
                        memcpy(&b1, bq + p * HB_GEMM_NR + HB_GEMM_VW, sizeof b1);
                        const float *a = ap + p * HB_GEMM_MR;
                        c00 += a[0] * b0;
                        c01 += a[0] * b1;
                        c10 += a[1] * b0;
                        c11 += a[1] * b1;
                        c20 += a[2] * b0;
                        c21 += a[2] * b1;
                        c30 += a[3] * b0;
                        c31 += a[3] * b1;
                    }
                    _Alignas(64) float t[HB_GEMM_MR][HB_GEMM_NR];
                    const size_t v = sizeof(hb_vf);
                    memcpy(t[0], &c00, v);
                    memcpy(t[0] + HB_GEMM_VW, &c01, v);
                    memcpy(t[1], &c10, v);
                    memcpy(t[1] + HB_GEMM_VW, &c11, v);
                    memcpy(t[2], &c20, v);
                    memcpy(t[2] + HB_GEMM_VW, &c21, v);
                    memcpy(t[3], &c30, v);
                    memcpy(t[3] + HB_GEMM_VW, &c31, v);
                    const size_t j0 = jc + q * HB_GEMM_NR;
                    const size_t nr = jc + nc - j0 < HB_GEMM_NR ? jc + nc - j0 : HB_GEMM_NR;
                    for (size_t r = 0; r < mr; r++)
                        for (size_t j = 0; j < nr; j++) C[(i0 + r) * ldc + j0 + j] += t[r][j];
                }
            }
        }
    }
}

/* The one place the GEMM is named: at merge, (k)->sgemm(__VA_ARGS__). */
#define HB_SGEMM(k, ...) ((void)(k), hb_sgemm_tmp(__VA_ARGS__)) /* TEMP: replaced by k->sgemm at merge */
/* ------------------------------------------------------------------------------------------ */

hb_status hb_mlp_batch_init(hb_mlp_ws *w, const hb_model *m, size_t B) {
    const int relu = m->p.activation == HB_ACT_RELU;
    size_t wide = 0;
    for (uint32_t l = 0; l < m->n_layers; l++) {
        if (m->L[l].in > wide) wide = m->L[l].in;
        if (m->L[l].out > wide) wide = m->L[l].out;
    }
    w->B = B;
    int ok = (w->X0 = hb_calloc_aligned(B * m->L[0].in, 4)) &&
             (w->D[0] = hb_calloc_aligned(B * wide, 4)) &&
             (w->D[1] = hb_calloc_aligned(B * wide, 4)) && (w->y = hb_calloc_aligned(B, 4)) && (w->ones = hb_calloc_aligned(B, 4)) &&
             (w->su = hb_calloc_aligned(B, 4)) && (w->si = hb_calloc_aligned(B, 4));
    for (uint32_t l = 0; ok && l < m->n_layers; l++) {
        const int act = relu && l + 1 < m->n_layers; /* the output layer is linear */
        ok = (w->Z[l] = hb_calloc_aligned(B * m->L[l].out, 4)) &&
             (w->A[l] = act ? hb_calloc_aligned(B * m->L[l].out, 4) : w->Z[l]);
    }
    for (size_t b = 0; ok && b < B; b++) w->ones[b] = 1.0f;
    return ok ? HB_OK : HB_ERR_NOMEM; /* what was made is freed by hb_mlp_ws_free */
}

void hb_mlp_batch(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w, const hb_rating *r,
                  size_t bn, const float *y, const int32_t *su, const int32_t *si, float scale,
                  float *gP, float *gQ, size_t ldg, double *loss) {
    const uint32_t d = m->dim, nl = m->n_layers;
    const size_t in0 = m->L[0].in; /* 2 d */
    const int relu = m->p.activation == HB_ACT_RELU, binary = hb_model_is_binary(m->p.model);
    for (size_t b = 0; b < bn; b++) { /* gather: X0 row b = [p_u, q_i] */
        memcpy(w->X0 + b * in0, m->P + (size_t)r[b].u * m->ld, d * sizeof(float));
        memcpy(w->X0 + b * in0 + d, m->Q + (size_t)r[b].i * m->ld, d * sizeof(float));
    }
    /* forward: Z_l = b_l + X W_l^T (the bias rows first, the GEMM adds), A_l = act(Z_l) */
    const float *X = w->X0;
    for (uint32_t l = 0; l < nl; l++) {
        const hb_layer *L = &m->L[l];
        const size_t out = L->out;
        float *Z = w->Z[l], *A = w->A[l];
        for (size_t b = 0; b < bn; b++) memcpy(Z + b * out, L->b, out * sizeof *Z);
        HB_SGEMM(k, 0, 1, bn, out, L->in, 1.0f, X, L->in, L->W, L->in, 1.0f, Z, out);
        if (A != Z)
            for (size_t e = 0; e < bn * out; e++) A[e] = Z[e] < 0 ? 0.0f : Z[e];
        X = A;
    }
    /* the loss gradient of every sample (the output layer has one unit) */
    float *D = w->D[0], *Dn = w->D[1];
    for (size_t b = 0; b < bn; b++) D[b] = hb_loss_grad(binary, w->Z[nl - 1][b], y[b], loss) * scale;
    /* backward: dW_l += D^T In, db_l += 1^T D (the column sums), D_prev = D W_l (masked by
     * ReLU) */
    for (uint32_t l = nl; l-- > 0;) {
        const hb_layer *L = &m->L[l];
        const size_t out = L->out, in = L->in;
        const float *In = l ? w->A[l - 1] : w->X0;
        HB_SGEMM(k, 1, 0, out, in, bn, 1.0f, D, out, In, in, 1.0f, w->dW[l], in);
        HB_SGEMM(k, 0, 0, 1, out, bn, 1.0f, w->ones, bn, D, out, 1.0f, w->db[l], out);
        HB_SGEMM(k, 0, 0, bn, in, out, 1.0f, D, out, L->W, in, 0.0f, Dn, in);
        if (l && relu) {
            const float *Zp = w->Z[l - 1];
            for (size_t e = 0; e < bn * in; e++)
                if (Zp[e] < 0) Dn[e] = 0.0f;
        }
        float *t = D;
        D = Dn;
        Dn = t;
    }
    /* scatter dL/dX0's halves into the rows' gradient slots */
    for (size_t b = 0; b < bn; b++) {
        k->axpy(d, 1.0f, D + b * in0, gP + (size_t)su[b] * ldg);
        k->axpy(d, 1.0f, D + b * in0 + d, gQ + (size_t)si[b] * ldg);
    }
}
