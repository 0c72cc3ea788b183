/* cost.h: what one training update (one rating) of each model moves and computes, derived from
 * the kernels it calls; the denominators of 'hogbench probe' and the report's roofline. */
#ifndef HB_COST_H
#define HB_COST_H

#include "hogbench/hogbench.h"

/* Per update, for the path hogwild.c takes (see hb_update_cost for the formulas). */
typedef struct hb_update_cost {
    double flops;        /* floating-point operations (a multiply-add counts 2; sqrt, div 1) */
    double bytes;        /* memory traffic: embedding rows and their optimizer state at their
                           padded length (64-byte lines), read and written back, biases,
                           and the 12-byte rating; dense MLP weights excluded (cache-resident) */
    double rows;         /* rows of row_bytes read and written at random (rows + moments) */
    double row_bytes;    /* one embedding row: 4 * ld, ld = dim rounded up to 16 floats */
    double entity_bytes; /* table bytes per user or item: row_bytes x (1 SGD, 3 Nadam) */
    double dense_bytes;  /* MLP: dense weights read and gradients updated per update (L1/L2) */
    const char *path;    /* "sgd_mf_run" (fused per-sample SGD) or "batched" */
} hb_update_cost;

/* The cost of one update of model with optimizer at dim, batch samples per step, and the MLP's
 * hidden width, layers and hidden activation (ignored for MF models). Rows touched in a
 * mini-batch are counted once per update (an upper bound: no repeats in the batch); the dense
 * MLP step is amortised over the batch. Returns -1 (cost zeroed) for dim 0, batch 0 or an MLP
 * without layers. */
int hb_update_cost_of(hb_model_kind model, hb_optimizer opt, unsigned dim, unsigned batch,
                      unsigned hidden, unsigned layers, hb_activation act, hb_update_cost *out);

#endif
