/* hogbench.h: the public C API: datasets, models, Hogwild training, metrics, results. */
#ifndef HOGBENCH_H
#define HOGBENCH_H

#include <stddef.h>
#include <stdint.h>

#include "isa.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HB_VERSION "0.1.0"

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
    float r_min, r_max;           /* rating range: the declared one (MovieLens' scale for its
                                     files, --rating-range), else the filtered train split's */
    uint64_t xxh3;                /* XXH3-64 of the filtered train then test ratings */
    char name[160];               /* "ml-100k" or the synthetic spec */
    char split[32];
    /* --- appended by the general loader (hb_dataset_load); zero from older paths --- */
    char **user_names, **item_names; /* --ids string: original ids by dense index, else NULL
                                        (user_ids/item_ids then hold the dense index) */
    size_t n_duplicates;          /* duplicate (user, item) rows removed by the policy */
    size_t n_test_cold;           /* test rows dropped: their user or item is not in train */
    uint32_t n_cold_users, n_cold_items; /* distinct test users / items absent from train */
    int notebook_filter;          /* 1: the notebook's two-stage filtering was applied */
    int cache;                    /* HB_CACHE_*: what the binary cache did for this load */
    double load_seconds;          /* wall time of the load (parse or cache, split, filter) */
    uint64_t source_xxh3;         /* XXH3-64 of the source file (0: not computed) */
    uint64_t source_bytes;        /* bytes of rating text parsed (0: cache or synthetic) */
    hb_rating *test_cold;         /* the n_test_cold test rows left out of test (without the
                                     notebook's filtering): their known side's dense index, the
                                     unknown side HB_COLD; scored with --cold-rows score */
} hb_dataset;

#define HB_COLD UINT32_MAX /* a cold row's user or item that the train split does not have */

enum { HB_CACHE_NONE = 0, HB_CACHE_HIT, HB_CACHE_WRITTEN, HB_CACHE_UNWRITABLE };

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

/* A validation split carved from ds's train ratings (never its test): each goes to validation
 * with probability frac by a hash of (seed, row); validation rows whose user or item the rest
 * lacks are dropped. Same users, items and index space as ds; *out's test is the validation. */
hb_status hb_dataset_holdout(const hb_dataset *ds, double frac, uint64_t seed, hb_dataset **out,
                             hb_error *err);

/* XXH3-64 of the dataset's filtered ratings (train then test, little-endian 12-byte rows). */
uint64_t hb_dataset_fingerprint(const hb_dataset *ds);

/* ------------------------------------------------------ general loader */

typedef enum hb_format {
    HB_FORMAT_AUTO = 0, /* from the directory's files, the extension, then the first line */
    HB_FORMAT_CSV,      /* comma-separated (ratings.csv of ML-20M/25M/32M/latest) */
    HB_FORMAT_TSV,      /* tab-separated (ML-100K's u.data, u1.base, ...) */
    HB_FORMAT_DAT,      /* '::'-separated (ratings.dat of ML-1M/10M) */
} hb_format;

/* Duplicate (user, item) rows within one file: ERROR names both lines and fails; FIRST and LAST
 * keep one occurrence and count the others in hb_dataset.n_duplicates. */
typedef enum hb_dup_policy { HB_DUP_ERROR = 0, HB_DUP_FIRST, HB_DUP_LAST } hb_dup_policy;

/* Ids: INT accepts non-negative decimal integers up to 2^63-1; STRING takes any field without
 * control characters as an opaque id (dense order: byte-wise ascending). */
typedef enum hb_id_kind { HB_IDS_INT = 0, HB_IDS_STRING } hb_id_kind;

/* Options of hb_dataset_load; start from hb_load_opts_default(). */
typedef struct hb_load_opts {
    hb_format format;
    char columns[64];     /* "user,item,rating[,timestamp]" in file order, "-" skips a column;
                             "": the format's (4 columns, or 3 when AUTO sees 3) */
    int header;           /* -1: the format's (ratings.csv: yes; AUTO: sniffed), 0: none, 1: one */
    hb_id_kind ids;
    int has_range;        /* 1: ratings outside [r_lo, r_hi] are errors and r_min/r_max are these;
                             0: MovieLens files get GroupLens' declared scale (ML-100K/1M 1..5
                             whole stars, ML-10M and ratings.csv 0.5..5 half stars), other data
                             its observed range */
    float r_lo, r_hi;
    char split[48];       /* "": the data's own (ML-100K: u1, else random:0.2); u1..u5|ua|ub,
                             random:F[:SEED], kfold:N:K[:SEED] (K 1-based), per-user:F[:SEED],
                             time:F (the latest fraction F by timestamp) */
    uint64_t seed;        /* split seed when the spec has none */
    int notebook_filter;  /* -1: on for ML-100K's predefined splits and synthetic data, else off */
    hb_dup_policy duplicates;
    int cache;            /* 1: read/write FILE.hbcache (keyed by the file's XXH3) */
    uint64_t cache_min_bytes; /* files smaller than this are never cached (default 16 MiB) */
    int threads;          /* parser threads (0: OpenMP's default) */
} hb_load_opts;

hb_load_opts hb_load_opts_default(void);

/* Sets one option from its command-line spelling: format (csv|tsv|dat|auto), columns, header
 * (yes|no|auto), ids (int|string), rating-range (LO:HI), duplicates (error|first|last), split,
 * seed, seed-filter (yes|no|auto), cache (yes|no), threads. Fails with HB_ERR_ARG and a message
 * naming the option and what it expects. */
hb_status hb_load_opts_set(hb_load_opts *o, const char *key, const char *value, hb_error *err);

/* The loader: the one entry point for files (hb_dataset_synthetic and hb_dataset_from_raw build
 * datasets from a generator or from memory). Loads ratings from PATH: an ML-100K folder
 * (predefined splits u1..ub, or u.data with another split), a folder holding ratings.dat
 * (ML-1M/10M) or ratings.csv (ML-20M..32M, latest), any delimited file, or a synthetic[:...]
 * spec. Splits, then either applies the notebook's filtering
 * or drops (and counts) test rows whose user or item is absent from train; re-indexes users and
 * items 0..n-1 in ascending original id. On failure returns an error naming the file, the line
 * and what was expected, and *out is NULL. */
hb_status hb_dataset_load(const char *path, const hb_load_opts *o, hb_dataset **out,
                          hb_error *err);

/* Parses PATH as hb_dataset_load would and writes its binary cache (PATH.hbcache) whatever its
 * size; cache_path receives the cache's path. */
hb_status hb_dataset_convert(const char *path, const hb_load_opts *o, char *cache_path,
                             size_t cap, hb_error *err);

/* Writes the synthetic ratings (every one, unsplit, with seeded timestamps) as text: format CSV
 * (header userId,movieId,rating,timestamp), TSV or DAT ('::'). Generation and formatting run in
 * parallel; memory stays near the ratings themselves. */
hb_status hb_synth_write(const hb_synth_params *p, const char *path, hb_format format,
                         int threads, hb_error *err);

/* -------------------------------------------------------------- models */

typedef enum hb_model_kind {
    HB_MODEL_MF = 0,
    HB_MODEL_MF_BIAS,
    HB_MODEL_MLP,
    HB_MODEL_MF_BIAS_BIN,
    HB_MODEL_MLP_BIN,
    HB_MODEL_SVDPP, /* SVD++ (Koren 2008): mf_bias plus |N(u)|^-1/2 sum of y_j over u's train items */
    HB_MODEL_COUNT
} hb_model_kind;

/* SGD; Nadam (Keras/PyTorch); ADAGRAD: per-coordinate AdaGrad (w -= lr g / (sqrt(G) + eps),
 * G += g^2 first, as PyTorch's Adagrad); ADAGRAD_ROW: LIBMF's row-wise adaptive SGD (one G per
 * embedding row, starting at 1: the row steps by lr / sqrt(G), then G += mean over the row of
 * g^2). The AdaGrad pair runs in the fused per-sample MF kernels (mf, mf_bias, --batch 1). */
typedef enum hb_optimizer {
    HB_OPT_SGD = 0,
    HB_OPT_NADAM,
    HB_OPT_ADAGRAD,
    HB_OPT_ADAGRAD_ROW,
    HB_OPT_COUNT
} hb_optimizer;
/* "sgd", "nadam", "adagrad", "adagrad-row". */
const char *hb_optimizer_name(hb_optimizer o);
hb_status hb_optimizer_parse(const char *s, hb_optimizer *out); /* HB_OK or HB_ERR_ARG */

/* Nadam on embedding rows. LAZY: a row's moments and step count advance only when a mini-batch
 * touches it (O(touched rows) per step: the fast option for large data). DENSE: Keras' and
 * PyTorch's semantics: one global step count, and every step decays every row's moments and
 * moves every row by its momentum (O(all rows) per step), so mini-batches run one after the
 * other and --threads parallelizes the step over the tables. */
typedef enum hb_nadam_mode { HB_NADAM_LAZY = 0, HB_NADAM_DENSE } hb_nadam_mode;

/* --target METRIC=VALUE: the metric a run is timed to (time to quality, as MLPerf Training
 * times to a target). RMSE, MAE and LOGLOSS are reached at or below the value, NDCG@10 and AUC
 * at or above it; LOGLOSS and AUC exist for the binary models only. */
typedef enum hb_target_metric {
    HB_TARGET_NONE = 0,
    HB_TARGET_RMSE,
    HB_TARGET_MAE,
    HB_TARGET_NDCG10,
    HB_TARGET_LOGLOSS,
    HB_TARGET_AUC,
    HB_TARGET_COUNT
} hb_target_metric;
/* "rmse", "mae", "ndcg_at_10", "logloss", "auc" ("" for NONE). */
const char *hb_target_name(hb_target_metric t);
/* Parses "METRIC=VALUE" (metric as hb_target_name, or ndcg@10). HB_OK, or HB_ERR_ARG. */
hb_status hb_target_parse(const char *spec, hb_target_metric *t, double *value);
/* 1 when higher values are better (NDCG, AUC). */
int hb_target_higher(hb_target_metric t);
typedef enum hb_activation { HB_ACT_LINEAR = 0, HB_ACT_RELU } hb_activation;
/* How the embedding tables P and Q are stored while training: F32, or in 16 bits (BF16: the top
 * half of an f32; F16: IEEE binary16) and computed in f32, which halves the bytes a step moves.
 * 16-bit storage runs in the fused per-sample kernels only (mf, mf_bias; SGD or AdaGrad-row;
 * --batch 1); biases and optimizer state stay f32. Evaluation, scoring, saving and the model's
 * views see the f32 tables, which hold exactly the 16-bit values after hb_train. */
typedef enum hb_storage { HB_STORAGE_F32 = 0, HB_STORAGE_BF16, HB_STORAGE_F16, HB_STORAGE_COUNT } hb_storage;
/* 16-bit storage's rounding of every write: to nearest, ties to even; or stochastic (Buckwild!,
 * De Sa et al. 2015: up with probability equal to the dropped fraction of an ulp, so updates
 * smaller than half an ulp are kept in expectation instead of rounding away). */
typedef enum hb_rounding { HB_ROUND_NEAREST = 0, HB_ROUND_STOCHASTIC, HB_ROUND_COUNT } hb_rounding;
/* "f32", "bf16", "f16"; "nearest", "stochastic". */
const char *hb_storage_name(hb_storage s);
const char *hb_rounding_name(hb_rounding r);
/* KERAS: uniform(-0.05, 0.05) embeddings; NORMAL: N(0, init_std); UNIFORM: uniform(0, init_std),
 * non-negative as LIBMF starts (every p.q starts positive, near the ratings' side). */
typedef enum hb_init { HB_INIT_KERAS = 0, HB_INIT_NORMAL, HB_INIT_UNIFORM } hb_init;
/* BLOCKED: the rating matrix is cut into a G x G grid of user x item blocks; each epoch runs G
 * strata of G blocks that share no user and no item, so workers never write the same row
 * (DSGD/LIBMF-style; rows of a block stay in cache). Inside a block the ratings are either
 * reshuffled every epoch (BLOCKED_SHUFFLE) or kept in a fixed sorted order: by user, in 4
 * interleaved user-disjoint streams (BLOCKED_SORTED; LIBMF's partial-random order, where the
 * randomness per epoch is the order of the blocks). BLOCKED picks SORTED for per-sample SGD
 * on mf/mf_bias when G >= 4 (16+ blocks, whose order changes every epoch), SHUFFLE otherwise.
 * HOGWILD: one shuffled order split into contiguous slices, rows shared freely. */
typedef enum hb_schedule {
    HB_SCHED_BLOCKED = 0,
    HB_SCHED_HOGWILD,
    HB_SCHED_BLOCKED_SHUFFLE,
    HB_SCHED_BLOCKED_SORTED
} hb_schedule;
const char *hb_schedule_name(hb_schedule s);

const char *hb_model_name(hb_model_kind k);
/* HB_OK and *out for a model's name ("mf", "mf_bias", ...), else HB_ERR_ARG. */
hb_status hb_model_parse(const char *s, hb_model_kind *out);
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
    float lr_decay;       /* lr_epoch = lr / (1 + lr_decay * epoch), SGD and Nadam */
    float reg;            /* L2 on embeddings (and dense weights) */
    float reg_bias;       /* L2 on user/item biases */
    int reg_rows;         /* SGD batch 1: scale each sample's L2 by mean_count/count of its
                             user and item (each row gets ~reg per epoch, as in PMF's MAP
                             objective) instead of reg per touch */
    uint32_t batch;       /* samples per optimizer step per worker */
    uint64_t seed;
    int global_mean;      /* mf_bias: add the train mean to every prediction */
    hb_activation activation; /* MLP hidden layers */
    uint32_t hidden;      /* MLP hidden width (50) */
    uint32_t n_hidden;    /* MLP hidden layers (3) */
    hb_init init;         /* KERAS: uniform(-0.05,0.05) embeddings, glorot dense, zero biases */
    float init_std;       /* HB_INIT_NORMAL: embedding std; HB_INIT_UNIFORM: the upper bound */
    int init_offset;      /* 1: start factor 0 of every user and item at sqrt(train mean), so
                             p.q starts at the mean rating (MF without biases); mlp: the output
                             bias starts at the train mean. 2: bias-dims (MF) */
    float beta1, beta2, eps; /* Nadam */
    hb_schedule schedule;
    uint32_t blocks;      /* BLOCKED grid size G (0: auto, max(2T, rows/1 MiB)) */
    uint32_t eval_every;  /* evaluate every N epochs (0: only at the end) */
    uint32_t eval_users;  /* NDCG over a sample of this many users drawn from seed (0: every
                             user, the notebook's protocol); RMSE/MAE always use every test row */
    /* --- time to target (appended) --- */
    hb_target_metric target;  /* NONE: no target */
    double target_value;
    int target_stop;      /* 1: stop at the first check that meets the target (else run every
                             epoch asked for and only record when it was met) */
    hb_nadam_mode nadam;  /* embedding rows under Nadam: lazy or dense */
    int cold_rows;        /* 1: RMSE/MAE also score the dataset's cold test rows (a user or item
                             absent from train): the train mean, plus the known side's bias for
                             mf_bias (the unknown side's: the mean of its biases), as the
                             literature scores them; 0: they stay out (the default) */
    int tuned;            /* 1: the values came from 'hogbench tune' (recorded, not used) */
    hb_isa isa;           /* the kernel table training and evaluation run on (the defaults:
                             HB_ISA_AUTO, the best supported; resolved once per call) */
    /* --- 16-bit embeddings (appended) --- */
    hb_storage storage;   /* F32 (the default) or 16-bit tables while training */
    hb_rounding rounding; /* 16-bit storage: stochastic (the presets') or nearest even */
} hb_train_params;

/* The notebook's settings for a model (Nadam lr 1e-3, 10 epochs, dim 50, batch 128 or 512):
 * the CLI's --preset seed. */
hb_train_params hb_params_notebook(hb_model_kind k);
/* hogbench's tuned defaults for a model under the notebook's protocol (its filter; see
 * README for how they were chosen). */
hb_train_params hb_params_default(hb_model_kind k);
/* The defaults under the standard protocol (no notebook filter: ML-100K's u1..u5 as the
 * literature uses them), chosen on validation splits carved from u1.base..u5.base. */
hb_train_params hb_params_standard(hb_model_kind k);
/* Checks ranges; fills err with the offending field. */
hb_status hb_params_check(const hb_train_params *p, hb_error *err);

typedef struct hb_model hb_model;

/* Allocates and initializes a model for ds's shape. */
hb_status hb_model_create(const hb_train_params *p, const hb_dataset *ds, hb_model **out,
                          hb_error *err);
void hb_model_free(hb_model **m);
/* Scores n pairs (u[j], i[j]) into out[j]: the rating, or the probability for binary models,
 * computed with the kernel table of isa (HB_ISA_AUTO: the best) and one workspace for the
 * batch. HB_ERR_ARG for an index outside the model, HB_ERR_UNSUPPORTED for an ISA this CPU or
 * build cannot run, HB_ERR_NOMEM; out is then unspecified. */
hb_status hb_model_score(const hb_model *m, hb_isa isa, size_t n, const uint32_t *u,
                         const uint32_t *i, float *out, hb_error *err);
/* Read-only views of a model: its parameters (isa as trained or HB_ISA_AUTO when loaded),
 * shape, factor tables (row-major, n x dim with row stride *ld floats, ld >= dim), biases
 * (NULL for models without them) and the global mean added to every mf_bias prediction. */
const hb_train_params *hb_model_params(const hb_model *m);
uint32_t hb_model_n_users(const hb_model *m);
uint32_t hb_model_n_items(const hb_model *m);
uint32_t hb_model_dim(const hb_model *m);
const float *hb_model_user_factors(const hb_model *m, size_t *ld);
const float *hb_model_item_factors(const hb_model *m, size_t *ld);
const float *hb_model_user_biases(const hb_model *m);
const float *hb_model_item_biases(const hb_model *m);
float hb_model_global_mean(const hb_model *m);
/* XXH3-64 over every parameter array (for bit-identity checks). */
uint64_t hb_model_hash(const hb_model *m);
/* Writes every parameter as .npy plus users.npy, items.npy and model.json into dir, as one
 * unit: into a fresh folder beside dir, which then takes dir's place (an old model folder is
 * swapped out and removed, so no stale file of it survives). dir must pass
 * hb_model_dir_check. HB_ERR_IO on failure, with dir untouched. */
hb_status hb_model_save(const hb_model *m, const hb_dataset *ds, const char *dir,
                        hb_error *err);
/* HB_OK when dir may be (re)written by hb_model_save: missing, an empty folder, or a folder
 * that holds only what hb_model_save writes (model.json and .npy files); anything else
 * (another file, a subfolder, a non-folder) is HB_ERR_IO with a message naming it. */
hb_status hb_model_dir_check(const char *dir, hb_error *err);
/* Loads a folder hb_model_save wrote: model.json, the factor, bias and dense-layer .npy files.
 * The parameters' XXH3 must equal model.json's model_xxh3. The model scores as the saved one
 * did; its params hold the saved shape (model, dim, hidden layers, activation) and
 * hb_params_default's values otherwise (isa: HB_ISA_AUTO); its optimizer state starts fresh. HB_ERR_IO when a file cannot be read,
 * HB_ERR_PARSE (naming the file and what was expected) when one is not what was saved;
 * *out is then NULL. */
hb_status hb_model_load(const char *dir, hb_model **out, hb_error *err);

/* ------------------------------------------------------------ training */

#define HB_NDCG_KS 4
extern const int hb_ndcg_ks[HB_NDCG_KS]; /* 10, 20, 30, 100 */

typedef struct hb_metrics {
    double rmse, mae;
    double ndcg[HB_NDCG_KS];
    double eval_seconds;
    uint32_t ndcg_users;  /* users NDCG was averaged over when sampled (--eval-users), else 0 */
    double logloss, auc;  /* binary models: test BCE and ROC AUC against the 0/1 labels (NaN
                             for rating models) */
    int pointwise;        /* 1: only RMSE/MAE (and logloss/AUC) were computed, NDCG is NaN */
} hb_metrics;

/* "seed-full-ranking", or "seed-full-ranking-sampled:N" when NDCG used a sample of N users. */
const char *hb_ndcg_protocol(const hb_metrics *m, char *buf, size_t cap);

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
    uint32_t blocks;      /* BLOCKED grid size used (0 under HOGWILD); hb_train_mpi: item blocks */
    hb_metrics metrics;
    /* distributed training (hb_train_mpi, include/hogbench/hogbench_mpi.h); hb_train: 0 */
    int ranks, hosts;            /* MPI ranks and distinct hosts that trained the model */
    double comm_seconds;         /* seconds waiting on communication during the epochs (mean
                                    over ranks; evaluation excluded) */
    double comm_bytes_per_epoch; /* bytes sent per epoch by all ranks together */
    /* time to target: 0 / NaN when no target was given or it was not met */
    uint32_t epochs_to_target;        /* the first checked epoch whose metric met the target */
    double seconds_to_target;         /* training seconds up to the end of that epoch */
    double seconds_to_target_with_eval; /* the same plus every target check up to that one */
    double check_seconds;             /* every target check's evaluation, in all */
} hb_train_result;

/* Trains m on ds->train with Hogwild workers through the kernel table of m's params.isa,
 * calling cb after every epoch, then evaluates on ds->test. Returns HB_ERR_DIVERGED on NaN/Inf,
 * HB_ERR_UNSUPPORTED when this CPU or build cannot run params.isa. The caller's floating-point
 * mode (MXCSR / FPCR) is as it was on return. */
hb_status hb_train(hb_model *m, const hb_dataset *ds, hb_epoch_cb cb, void *ctx,
                   hb_train_result *res, hb_error *err);

/* Lets hb_train overlap epochs when it is given a callback (without one it always may): with the
 * blocked schedule, 2 or more threads and no evaluation between epochs, workers then take epoch
 * e + 1's ready blocks while epoch e's last ones run, instead of waiting at the epoch's end
 * for the slowest one. The parameters after training are the same bits either way; but cb then
 * runs while later blocks may be updating the parameters, so it must read only its
 * hb_epoch_stats. Off (0) by default; the CLI's callbacks print and record the stats and turn
 * it on. */
void hb_model_set_epoch_overlap(hb_model *m, int on);

/* RMSE/MAE on the test split and NDCG@k with the notebook's full-ranking protocol, on the
 * kernel table of m's params.isa (HB_ERR_UNSUPPORTED if unusable here). The caller's
 * floating-point mode is as it was on return (as for every function below). */
hb_status hb_evaluate(const hb_model *m, const hb_dataset *ds, int threads, hb_metrics *out,
                      hb_error *err);
/* The pointwise metrics only (RMSE, MAE; binary models also logloss and AUC): one pass over
 * the test ratings, what a target check on those metrics needs. NDCG fields are NaN. */
hb_status hb_evaluate_pointwise(const hb_model *m, const hb_dataset *ds, int threads,
                                hb_metrics *out, hb_error *err);

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
