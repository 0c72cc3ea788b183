/* hogbench.h: the public C API: datasets, models, Hogwild training, metrics, results. */
#ifndef HOGBENCH_H
#define HOGBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HB_VERSION "0.1.0"

typedef enum hb_status {
    HB_OK = 0,
    HB_ERR_IO,          /* a file could not be opened, read or written */
    HB_ERR_PARSE,       /* a file's contents are not what was expected */
    HB_ERR_ARG,         /* a parameter is out of range */
    HB_ERR_NOMEM,       /* an allocation failed */
    HB_ERR_DIVERGED,    /* training produced NaN or Inf */
    HB_ERR_UNSUPPORTED, /* the CPU or build cannot do what was asked */
} hb_status;

/* A message that names the file, line and expectation; filled by every failing call. */
typedef struct hb_error {
    char msg[1024];
} hb_error;

const char *hb_status_str(hb_status s);

/* ---------------------------------------------------------------- data */

/* One rating: 0-based dense user and item indices. 12 bytes. */
typedef struct hb_rating {
    uint32_t u, i;
    float r;
} hb_rating;

typedef struct hb_dataset {
    hb_rating *train, *test;
    size_t n_train, n_test;
    size_t n_train_raw, n_test_raw; /* rows before the notebook's filtering */
    uint32_t n_users, n_items;
    int64_t *user_ids, *item_ids; /* original ids, indexed by dense index (ascending) */
    float r_min, r_max;           /* rating range observed in the filtered train split */
    uint64_t xxh3;                /* XXH3-64 of the filtered train then test ratings */
    char name[160];               /* "ml-100k" or the synthetic spec */
    char split[32];
} hb_dataset;

/* Loads DIR/SPLIT.base and DIR/SPLIT.test (SPLIT one of u1..u5, ua, ub) as GroupLens ships
 * them (tab-separated user, item, rating, timestamp), applies the notebook's filtering and
 * re-indexes users and items 0..n-1 in ascending original id. On failure returns an error
 * naming the file and line, and *out is NULL. */
hb_status hb_dataset_load_ml100k(const char *dir, const char *split, hb_dataset **out,
                                 hb_error *err);

/* Parameters of the planted low-rank generator. */
typedef struct hb_synth_params {
    uint32_t users, items;
    uint64_t ratings;
    uint32_t dim;        /* rank of the planted model */
    uint64_t seed;
    double zipf;         /* item popularity exponent */
    double test_fraction;
} hb_synth_params;

/* ML-100K's shape: 943 users, 1682 items, 100000 ratings, rank 8, seed 42, zipf 0.8. */
hb_synth_params hb_synth_default(void);
/* Parses "synthetic[:key=value,...]" (keys users, items, ratings, dim, seed, zipf). */
hb_status hb_synth_parse(const char *spec, hb_synth_params *p, hb_error *err);
/* Generates ratings from the planted model, splits them (test_fraction, seeded), applies
 * the notebook's filtering. Deterministic in the parameters. */
hb_status hb_dataset_synthetic(const hb_synth_params *p, hb_dataset **out, hb_error *err);

/* Frees and nulls *ds. */
void hb_dataset_free(hb_dataset **ds);

/* Applies the notebook's protocol in place to raw (original-id) ratings: keep train rows whose
 * user and item occur in test, then test rows whose user and item occur in the filtered train;
 * re-index 0..n-1 by ascending original id; compute r_min/r_max and the fingerprint.
 * raw arrays hold original ids in (u, i) as int64 pairs. */
typedef struct hb_raw_rating {
    int64_t u, i;
    float r;
} hb_raw_rating;
hb_status hb_dataset_from_raw(const hb_raw_rating *train, size_t n_train,
                              const hb_raw_rating *test, size_t n_test, hb_dataset **out,
                              hb_error *err);

/* XXH3-64 of the dataset's filtered ratings (train then test, little-endian 12-byte rows). */
uint64_t hb_dataset_fingerprint(const hb_dataset *ds);

/* -------------------------------------------------------------- models */

typedef enum hb_model_kind {
    HB_MODEL_MF = 0,
    HB_MODEL_MF_BIAS,
    HB_MODEL_MLP,
    HB_MODEL_MF_BIAS_BIN,
    HB_MODEL_MLP_BIN,
    HB_MODEL_COUNT
} hb_model_kind;

typedef enum hb_optimizer { HB_OPT_SGD = 0, HB_OPT_NADAM } hb_optimizer;
typedef enum hb_activation { HB_ACT_LINEAR = 0, HB_ACT_RELU } hb_activation;
typedef enum hb_init { HB_INIT_KERAS = 0, HB_INIT_NORMAL } hb_init;
/* BLOCKED: the rating matrix is cut into a G x G grid of user x item blocks; each epoch runs G
 * strata of G blocks that share no user and no item, so workers never write the same row
 * (DSGD/LIBMF-style; rows of a block stay in cache). HOGWILD: one shuffled order split into
 * contiguous slices, rows shared freely. */
typedef enum hb_schedule { HB_SCHED_BLOCKED = 0, HB_SCHED_HOGWILD } hb_schedule;
const char *hb_schedule_name(hb_schedule s);

const char *hb_model_name(hb_model_kind k);
int hb_model_parse(const char *s, hb_model_kind *out);
int hb_model_is_binary(hb_model_kind k);
int hb_model_is_mlp(hb_model_kind k);

#define HB_MLP_MAX_LAYERS 8

typedef struct hb_train_params {
    hb_model_kind model;
    uint32_t dim;         /* embedding size */
    uint32_t epochs;
    int threads;          /* OpenMP workers */
    hb_optimizer optimizer;
    float lr;
    float lr_decay;       /* SGD: lr_epoch = lr / (1 + lr_decay * epoch) */
    float reg;            /* L2 on embeddings (and dense weights) */
    float reg_bias;       /* L2 on user/item biases */
    uint32_t batch;       /* samples per optimizer step per worker */
    uint64_t seed;
    int global_mean;      /* mf_bias: add the train mean to every prediction */
    hb_activation activation; /* MLP hidden layers */
    uint32_t hidden;      /* MLP hidden width (50) */
    uint32_t n_hidden;    /* MLP hidden layers (3) */
    hb_init init;         /* KERAS: uniform(-0.05,0.05) embeddings, glorot dense, zero biases */
    float init_std;       /* HB_INIT_NORMAL: embedding std */
    int init_mean;        /* start factor 0 of every user and item at sqrt(train mean), so
                             p.q starts at the mean rating (MF without biases) */
    float beta1, beta2, eps; /* Nadam */
    hb_schedule schedule;
    uint32_t blocks;      /* BLOCKED grid size G (0: auto, max(2T, rows/1 MiB)) */
    uint32_t eval_every;  /* evaluate every N epochs (0: only at the end) */
    int verbose;          /* progress lines on stderr */
} hb_train_params;

/* The notebook's settings for a model (Nadam lr 1e-3, 10 epochs, dim 50, batch 128 or 512). */
hb_train_params hb_params_seed(hb_model_kind k);
/* hogbench's tuned defaults for a model (see README for how they were chosen). */
hb_train_params hb_params_default(hb_model_kind k);
/* Checks ranges; fills err with the offending field. */
hb_status hb_params_check(const hb_train_params *p, hb_error *err);

typedef struct hb_model hb_model;

/* Allocates and initializes a model for ds's shape. */
hb_status hb_model_create(const hb_train_params *p, const hb_dataset *ds, hb_model **out,
                          hb_error *err);
void hb_model_free(hb_model **m);
/* Prediction (rating, or probability for binary models) for one pair. */
float hb_model_predict(const hb_model *m, uint32_t u, uint32_t i);
/* XXH3-64 over every parameter array (for bit-identity checks). */
uint64_t hb_model_hash(const hb_model *m);
/* Writes every parameter as .npy plus users.npy, items.npy and model.json into dir. */
hb_status hb_model_save(const hb_model *m, const hb_dataset *ds, const char *dir,
                        hb_error *err);

/* ------------------------------------------------------------ training */

#define HB_NDCG_KS 4
extern const int hb_ndcg_ks[HB_NDCG_KS]; /* 10, 20, 30, 100 */

typedef struct hb_metrics {
    double rmse, mae;
    double ndcg[HB_NDCG_KS];
    double eval_seconds;
} hb_metrics;

typedef struct hb_epoch_stats {
    uint32_t epoch;       /* 1-based */
    double loss;          /* train MSE (rating models) or BCE (binary) during the epoch */
    double elapsed;       /* seconds of training so far */
    double updates_per_second;
    int evaluated;
    hb_metrics metrics;
} hb_epoch_stats;

typedef void (*hb_epoch_cb)(const hb_epoch_stats *s, void *ctx);

typedef struct hb_train_result {
    double train_seconds, updates_per_second, final_loss;
    uint32_t epochs_done;
    uint32_t blocks;      /* BLOCKED grid size used (0 under HOGWILD) */
    hb_metrics metrics;
} hb_train_result;

/* Trains m on ds->train with Hogwild workers through the process-wide kernel table, calling
 * cb after every epoch, then evaluates on ds->test. Returns HB_ERR_DIVERGED on NaN/Inf. */
hb_status hb_train(hb_model *m, const hb_dataset *ds, hb_epoch_cb cb, void *ctx,
                   hb_train_result *res, hb_error *err);

/* RMSE/MAE on the test split and NDCG@k with the notebook's full-ranking protocol. */
hb_status hb_evaluate(const hb_model *m, const hb_dataset *ds, int threads, hb_metrics *out);

/* ------------------------------------------------------------- metrics */

/* NDCG@k exactly as sklearn.metrics.ndcg_score(real, pred, k=k) on dense row-major
 * n_rows x n_cols matrices: tie-averaged DCG over predicted scores, ideal DCG over the true
 * gains, 0 for rows whose gains are all 0, averaged over all rows. */
hb_status hb_ndcg_dense(size_t n_rows, size_t n_cols, const float *gains, const float *scores,
                        const int *ks, int nk, double *out);

#ifdef __cplusplus
}
#endif
#endif
