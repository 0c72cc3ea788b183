/* dist.h: what src/dist_load.c shares with src/dist.c (MPI builds only). */
#ifndef HB_DIST_H
#define HB_DIST_H

#include <stdint.h>

/* The rank that trains each user under hb_train_mpi with this seed and N ranks: owner[u] for
 * u < n_users (the seeded permutation hb_train_mpi cuts into N contiguous runs). */
void hb_dist_user_ranks(uint32_t n_users, uint64_t seed, int N, uint32_t *owner);

#endif
