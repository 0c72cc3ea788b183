/* cost.c: flops and bytes per training update, counted from the kernels each path calls. */
#include <string.h>

#include "cost.h"
#include "internal.h"

/* Per element of a row: the fused MF step (sgd_mf_run): dot 2 + two updates p, q of a multiply and
 * an FMA each (p*(1 - lr reg) + lr e q) = 8. The sgd kernel: fma(reg, w, g) then fnma(lr, ., w)
 * = 4.
 * Nadam (simd/generic/nadam.inc): g+reg w 2, m 3, v 4, numerator 4, sqrt(v cv)+eps 3, w - num/den 2
 * = 18. Scalar terms per update are added as written in the kernels (e, biases, lr e). */
#define HB_F_MF_FUSED 8.0
#define HB_F_SGD 4.0
#define HB_F_NADAM 18.0

int hb_update_cost_of(hb_model_kind model, hb_optimizer opt, unsigned dim, unsigned batch,
                      unsigned hidden, unsigned layers, hb_activation act, hb_update_cost *out) {
    memset(out, 0, sizeof *out);
    const int mlp = hb_model_is_mlp(model),
              bias = model == HB_MODEL_MF_BIAS || model == HB_MODEL_MF_BIAS_BIN ||
                     model == HB_MODEL_SVDPP;
    if (dim == 0 || batch == 0 || (unsigned)model >= HB_MODEL_COUNT ||
        (mlp && (hidden == 0 || layers == 0)))
        return -1;
    const double d = dim, ld = (double)hb_round_up(dim, HB_PAD), row = 4.0 * ld;
    out->row_bytes = row;
    const int fused = !mlp && !hb_model_is_binary(model) && opt == HB_OPT_SGD && batch == 1;
    if (fused) {
        /* sgd_mf_run: p_u and q_i read and written once; mf_bias adds bu, bi (read and written),
         * the bias sum (2), e = r - (s + bias) (2), lr e and 1 - lr reg (3), two bias steps (6) */
        out->path = "sgd_mf_run";
        out->flops = HB_F_MF_FUSED * d + 5.0 + (bias ? 8.0 : 0.0);
        out->rows = 2.0;
        out->bytes = 2.0 * 2.0 * row + 12.0 + (bias ? 16.0 : 0.0);
        out->entity_bytes = row;
        return 0;
    }
    out->path = "batched";
    const double step = opt == HB_OPT_NADAM ? HB_F_NADAM : HB_F_SGD,
                 state = opt == HB_OPT_NADAM ? 3.0 : 1.0;
    /* the embedding rows: each update touches a user row and an item row, and the optimizer
     * step reads and writes them (and, under Nadam, their two moment rows) once per batch */
    out->rows = 2.0 * state;
    out->entity_bytes = row * state;
    out->bytes = 2.0 * state * 2.0 * row + 12.0 + (bias ? 2.0 * state * 2.0 * 4.0 : 0.0);
    double f = 2.0 * step * d + (bias ? 2.0 * step : 0.0); /* the row steps (and bias steps) */
    f += 5.0;                                              /* loss gradient (sigmoid for *_bin) */
    if (!mlp) {
        /* forward dot 2d (+ bias sum 3), backward: two axpy into the gradient rows 4d (+ 2) */
        f += 2.0 * d + 4.0 * d + (bias ? 5.0 : 0.0);
    } else {
        /* dense layers 2d -> hidden (x layers) -> 1: forward 2 in out + bias/activation
         * 2 out; backward dW 2 in out, db 2 out, dX 2 in out (batch 1: gemv, ger, axpy,
         * gemv_t per sample; else one GEMM per layer and direction per batch, the same
         * flops); then two axpy of the input gradient into the rows 4d; the dense optimizer
         * step over every weight once per batch (amortised) */
        double inout = 0.0, outs = 0.0, ins = 0.0, in = 2.0 * d;
        for (unsigned l = 0; l <= layers; l++) {
            const double o = l == layers ? 1.0 : (double)hidden;
            inout += in * o;
            outs += o;
            ins += in;
            in = o;
        }
        if (act == HB_ACT_LINEAR && batch > 1)
            /* identity hidden layers, mini-batch (src/mlp_batch.c): the backward is rank 1.
             * Per sample: the forward GEMMs 2 in out + 2 out, g = In^T D 2 in per layer, dX =
             * D v^T into the rows 4d; per batch: dW += v g^T 2 in out, v's way back 2 in out,
             * db 2 out */
            f += 2.0 * inout + 2.0 * outs + 2.0 * ins + 4.0 * d +
                 (4.0 * inout + 2.0 * outs) / (double)batch;
        else
            f += 6.0 * inout + 4.0 * outs + 4.0 * d;
        f += step * (inout + outs) / (double)batch;
        /* W read twice (forward, dX), dW read and written (dW += ...): per update at batch 1,
         * once per batch for the batch's GEMMs (src/mlp_batch.c) */
        out->dense_bytes = 4.0 * 4.0 * inout / (double)batch;
    }
    out->flops = f;
    return 0;
}
