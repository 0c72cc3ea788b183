/* hogbench_mpi.h: one model trained across MPI ranks (built with -DHB_WITH_MPI=ON). */
#ifndef HOGBENCH_MPI_H
#define HOGBENCH_MPI_H

#include <mpi.h>

#include "hogbench/hogbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* hb_train across the ranks of comm (a collective: every rank calls it with the same
 * parameters, a model created from them and the same dataset, or each its shard from
 * hb_dataset_load_mpi with the same seed and comm; MPI initialized with at least
 * MPI_THREAD_FUNNELED). Users are split over the ranks (a seeded permutation; a rank keeps
 * only its users' rows and ratings); the items are cut into 2 blocks per rank that circulate
 * around the ring of ranks (DSGD, Gemulla et al. 2011, with NOMAD's overlap, Yun et al.
 * 2014): a rank trains its users against the block in hand, with m->p.threads workers and the
 * kernels of hb_train, while the next block is in flight (nonblocking sends); a block carries
 * its rows' factors, biases and optimizer state, and is in one place at a time, so no row is
 * ever written by two ranks. The MLPs' dense weights (and their Nadam moments) are averaged
 * across the ranks (an allreduce) after every block. After each epoch the loss is reduced;
 * at --eval-every epochs and at the end every rank receives every item row and scores its own
 * users, and the sums are reduced: the same metrics as one process up to float summation
 * order. On return every rank's m holds the item rows and dense weights and rank 0's also
 * holds every user row (what hb_model_save writes; the optimizer state stays with the ranks).
 * cb runs on every rank after every epoch with the global loss. res as hb_train's, plus ranks,
 * hosts and the communication counters. Fails (the same way on every rank) with HB_ERR_ARG
 * when comm has more ranks than users or than half the items. */
hb_status hb_train_mpi(hb_model *m, const hb_dataset *ds, MPI_Comm comm, hb_epoch_cb cb,
                       void *ctx, hb_train_result *res, hb_error *err);

/* What hb_dataset_load_mpi did on this rank. */
typedef struct hb_mpi_load_info {
    int shard;             /* 1: ds holds only the rank's users' ratings (the counts below are
                              the whole dataset's); 0: every rank loaded everything (fallback) */
    size_t n_train, n_test, n_test_cold; /* the whole dataset's (as one process loads it) */
    uint64_t bytes_parsed; /* bytes of rating text this rank parsed (its share of each file) */
    uint64_t bytes_total;  /* bytes of the files (every share together) */
    size_t rows_parsed;    /* rating lines this rank parsed */
    double parse_seconds;  /* opening, counting and parsing the share */
    double agree_seconds;  /* the ranks agreeing on ids, duplicates, split, filtering and
                              the fingerprint */
    double exchange_seconds; /* the ratings sent to their users' ranks (MPI_Alltoallv) */
    double load_seconds;   /* the whole call */
    int err_rank;          /* on failure: the rank whose own error it is (it parsed the bad
                              line); the others return the same status and message */
    char fallback[96];     /* shard 0: why ("synthetic data", "a per-user split", ...) */
} hb_mpi_load_info;

/* hb_dataset_load across the ranks of comm (a collective; every rank passes the same path,
 * options and seed, the training seed that hb_train_mpi splits the users with). For an
 * ML-100K predefined split (u1..ub) and for one ratings file (any split),
 * each rank maps the file(s) but reads and parses only its share: the data cut into
 * comm-size byte ranges at line starts, as the parallel parser cuts its pieces (messages
 * name FILE:LINE with the file's own line numbers: the newlines of the earlier shares are
 * summed first). The ranks then agree on one id space (every rank's distinct ids are
 * gathered), on duplicates (each (user, item) pair is checked by one rank), on the split (a
 * hash of the row's index in the file, as one process; per-user: each user's rows split by
 * one rank; time: the radix select's histograms summed), on the notebook's filtering and the
 * dense re-indexing, and on the fingerprint (XXH3 of the filtered rows in file order, its
 * state passed from rank to rank); each rank then receives its users' ratings in file order
 * (MPI_Alltoallv). *out is then a shard: user_ids/item_ids (names), n_users, n_items, r_min,
 * r_max, xxh3, name, split, n_train_raw, n_test_raw, n_duplicates, n_test_cold and the cold
 * counts are the whole dataset's, exactly as hb_dataset_load gives them; train/test hold the
 * ratings of the users this rank trains under hb_train_mpi with that seed and comm (n_train
 * and n_test count those; info has the whole dataset's); test_cold is NULL. Anything else
 * (synthetic data) is loaded whole on every rank (info->shard 0).
 * On failure every rank returns the same status and message (info->err_rank's own). */
hb_status hb_dataset_load_mpi(const char *path, const hb_load_opts *o, uint64_t seed,
                              MPI_Comm comm, hb_dataset **out, hb_mpi_load_info *info,
                              hb_error *err);

/* hb_model_create for a shard of hb_dataset_load_mpi (a collective): the train mean and
 * positive rate that initialize the model are the whole dataset's (sums over every rank's
 * ratings; exact, hence equal to hb_model_create's, for ratings on a whole or half star grid),
 * so the model equals the one hb_model_create makes from the whole dataset. */
hb_status hb_model_create_mpi(const hb_train_params *p, const hb_dataset *shard, MPI_Comm comm,
                              hb_model **out, hb_error *err);

#ifdef __cplusplus
}
#endif
#endif
