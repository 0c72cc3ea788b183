/* hogbench_mpi.h: one model trained across MPI ranks (built with -DHB_WITH_MPI=ON). */
#ifndef HOGBENCH_MPI_H
#define HOGBENCH_MPI_H

#include <mpi.h>

#include "hogbench/hogbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* hb_train across the ranks of comm (a collective: every rank calls it with the same
 * parameters, a model created from them and the same dataset; MPI initialized with at least
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

#ifdef __cplusplus
}
#endif
#endif
