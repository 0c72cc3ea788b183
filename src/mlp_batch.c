/* mlp_batch.c: the MLP's mini-batch forward and backward as matrix products (one GEMM per layer
 * and direction instead of a gemv, ger and gemv_t per sample). */
#include <string.h>

#include "model.h"

/* The GEMM: the kernel table's sgemm (simd/generic/sgemm.inc), row-major. */
#define HB_SGEMM(k, ...) (k)->sgemm(__VA_ARGS__)

hb_status hb_mlp_batch_init(hb_mlp_ws *w, const hb_model *m, size_t B) {
    const int relu = m->p.activation == HB_ACT_RELU;
    size_t wide = 0;
    for (uint32_t l = 0; l < m->n_layers; l++) {
        if (m->L[l].in > wide) wide = m->L[l].in;
        if (m->L[l].out > wide) wide = m->L[l].out;
    }
    w->B = B;
    w->wide = wide;
    const size_t rows = B < 3 ? 3 : B; /* the linear backward keeps 3 vectors in D[1] */
    int ok = (w->X0 = hb_calloc_aligned(B * m->L[0].in, 4)) &&
             (w->D[0] = hb_calloc_aligned(rows * wide, 4)) &&
             (w->D[1] = hb_calloc_aligned(rows * wide, 4)) && (w->y = hb_calloc_aligned(B, 4)) && (w->ones = hb_calloc_aligned(B, 4)) &&
             (w->su = hb_calloc_aligned(B, 4)) && (w->si = hb_calloc_aligned(B, 4));
    for (uint32_t l = 0; ok && l < m->n_layers; l++) {
        const int act = relu && l + 1 < m->n_layers; /* the output layer is linear */
        ok = (w->Z[l] = hb_calloc_aligned(B * m->L[l].out, 4)) &&
             (w->A[l] = act ? hb_calloc_aligned(B * m->L[l].out, 4) : w->Z[l]);
    }
    for (size_t b = 0; ok && b < B; b++) w->ones[b] = 1.0f;
    return ok ? HB_OK : HB_ERR_NOMEM; /* what was made is freed by hb_mlp_ws_free */
}

/* Backward when every hidden activation is the identity. The output layer has one unit, so
 * dL/dZ_l = D v_l^T, rank 1: v_{nl-1} = 1, v_{l-1} = W_l^T v_l. Then dW_l += v_l (In_l^T D)^T,
 * db_l += v_l 1^T D and dL/dX0 = D (W_0^T v_0)^T: a gemv_t over each layer's input and vector
 * products, in place of the three GEMMs per layer of the general path (the same sums, grouped
 * differently: In^T D once, then scaled by v_l; within float rounding of the GEMMs'). */
static void hb_mlp_batch_linear_back(const hb_model *m, const hb_kernels *k, hb_mlp_ws *w,
                                     size_t bn, const float *D, const int32_t *su,
                                     const int32_t *si, float *gP, float *gQ, size_t ldg) {
    const uint32_t d = m->dim, nl = m->n_layers;
    const size_t wide = w->wide; /* D[1] holds 3 vectors of the widest layer */
    float *v = w->D[1], *vn = v + wide, *g = vn + wide; /* v_l, v_{l-1}, In_l^T D */
    float s = 0.0f; /* 1^T D */
    for (size_t b = 0; b < bn; b++) s += D[b];
    v[0] = 1.0f;
    for (uint32_t l = nl; l-- > 0;) {
        const hb_layer *L = &m->L[l];
        const size_t out = L->out, in = L->in;
        const float *In = l ? w->A[l - 1] : w->X0;
        k->gemv_t(bn, in, In, in, D, g);          /* g = In^T D */
        k->ger(out, in, 1.0f, v, g, w->dW[l], in); /* dW_l += v g^T */
        k->axpy(out, s, v, w->db[l]);              /* db_l += s v */
        k->gemv_t(out, in, L->W, in, v, vn);       /* v_{l-1} = W_l^T v_l */
        float *t = v;
        v = vn;
        vn = t;
    }
    /* dL/dX0 row b = D[b] v: its halves into the rows' gradient slots */
    for (size_t b = 0; b < bn; b++) {
        k->axpy(d, D[b], v, gP + (size_t)su[b] * ldg);
        k->axpy(d, D[b], v + d, gQ + (size_t)si[b] * ldg);
    }
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
        /* bias rows: one, then the rows so far copied after themselves (log2 bn copies, not
         * bn small ones: those showed in profiles as memmove) */
        memcpy(Z, L->b, out * sizeof *Z);
        for (size_t h = 1; h < bn; h *= 2) memcpy(Z + h * out, Z, (bn - h < h ? bn - h : h) * out * sizeof *Z);
        HB_SGEMM(k, 0, 1, bn, out, L->in, 1.0f, X, L->in, L->W, L->in, 1.0f, Z, out);
        if (A != Z)
            for (size_t e = 0; e < bn * out; e++) A[e] = Z[e] < 0 ? 0.0f : Z[e];
        X = A;
    }
    /* the loss gradient of every sample (the output layer has one unit) */
    float *D = w->D[0], *Dn = w->D[1];
    for (size_t b = 0; b < bn; b++) D[b] = hb_loss_grad(binary, w->Z[nl - 1][b], y[b], loss) * scale;
    if (!relu) { /* identity hidden activations: every layer's dL/dZ_l is D v_l^T (below) */
        hb_mlp_batch_linear_back(m, k, w, bn, D, su, si, gP, gQ, ldg);
        return;
    }
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
