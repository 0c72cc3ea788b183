/* metrics.h: NDCG row kernel and evaluation internals shared with hogwild.c and tests. */
#ifndef HB_METRICS_H
#define HB_METRICS_H

#include "internal.h"

typedef struct hb_sg {
    float s, g;
} hb_sg;

typedef struct hb_ndcg_ws {
    int kmax;
    hb_sg *cand, *tmp; /* a row's candidates and merge scratch (n_cols each) */
    uint8_t *bins;     /* a row's histogram bins (n_cols) */
    float *ideal;
    double *disc; /* disc[r] = sum_{q<r} 1/log2(q+2) */
} hb_ndcg_ws;

hb_status hb_ndcg_ws_init(hb_ndcg_ws *w, size_t n_cols, int kmax);
void hb_ndcg_ws_free(hb_ndcg_ws *w);
/* NDCG@ks of one row: scores and gains dense (n), rel the row's nonzero gains (any order). */
void hb_ndcg_row(hb_ndcg_ws *w, size_t n, const float *scores, const float *gains,
                 const float *rel, size_t n_rel, const int *ks, int nk, double *out);

hb_status hb_evaluate_with(const hb_model *m, const hb_dataset *ds, const hb_kernels *k,
                           int threads, hb_metrics *out);
#endif
