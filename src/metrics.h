/* metrics.h: NDCG row kernel and evaluation internals shared with hogwild.c and tests. */
#ifndef HB_METRICS_H
#define HB_METRICS_H

#include "internal.h"

typedef struct hb_sg {
    float s, g;
} hb_sg;

typedef struct hb_ndcg_grp {
    size_t s, e; /* ranks [s, e) of a tie group */
    double g;    /* the sum of its gains */
} hb_ndcg_grp;

typedef struct hb_ndcg_ws {
    int kmax;
    hb_sg *it, *tmp;  /* a row's items of nonzero gain and merge scratch (n_cols each) */
    float *cand;      /* a row's scores that may rank above kmax (n_cols) */
    float *gmax;      /* a row's group maxima (kmax + 1) */
    float *ideal;     /* a row's positive gains (n_cols) */
    hb_ndcg_grp *grp; /* the tie groups with a gain that start above rank kmax (kmax + 1) */
    double *disc;     /* disc[r] = sum_{q<r} 1/log2(q+2) */
} hb_ndcg_ws;

hb_status hb_ndcg_ws_init(hb_ndcg_ws *w, size_t n_cols, int kmax);
void hb_ndcg_ws_free(hb_ndcg_ws *w);
/* NDCG@ks of one row: scores and gains dense (n), rel the row's nonzero gains (any order). */
void hb_ndcg_row(hb_ndcg_ws *w, size_t n, const float *scores, const float *gains,
                 const float *rel, size_t n_rel, const int *ks, int nk, double *out);
/* The same from the row's gains alone: gains[j] belongs to column items[j]; the items must be
 * distinct (the columns not listed have gain 0). */
void hb_ndcg_row_sparse(hb_ndcg_ws *w, size_t n, const float *scores, const uint32_t *items,
                        const float *gains, size_t n_rel, const int *ks, int nk, double *out);

hb_status hb_evaluate_with(const hb_model *m, const hb_dataset *ds, const hb_kernels *k,
                           int threads, hb_metrics *out);

/* The sums behind hb_metrics, so that parts evaluated apart (one per MPI rank, src/dist.c)
 * add up: squared and absolute errors over n_test test rows, per-k NDCG sums over n_eval
 * users (each user's NDCG added in the order given). */
typedef struct hb_eval_sums {
    double se, ae, ndcg[HB_NDCG_KS];
    uint64_t n_test, n_eval;
} hb_eval_sums;
/* RMSE/MAE sums over every test row of ds, NDCG sums over users[0..n_eval) (users NULL: users
 * 0..n_eval-1) with the notebook's protocol; m->p.eval_users is not looked at. */
hb_status hb_evaluate_part(const hb_model *m, const hb_dataset *ds, const hb_kernels *k,
                           int threads, const uint32_t *users, uint32_t n_eval,
                           hb_eval_sums *sums);
/* --eval-users: out[0..n) is the sample of n of n_users users drawn from seed (out holds
 * n_users entries: a partial Fisher-Yates over them). */
void hb_eval_sample(uint64_t seed, uint32_t n_users, uint32_t n, uint32_t *out);
hb_status hb_evaluate_pointwise_with(const hb_model *m, const hb_dataset *ds,
                                     const hb_kernels *k, int threads, hb_metrics *out);
/* The value of target t's metric in m (NaN for NONE or a metric m lacks). */
double hb_target_of(hb_target_metric t, const hb_metrics *m);
#endif
