/* part.h: one MPI rank's share of distributed training, run by src/hogwild.c's workers for
 * src/dist.c (internal; nothing here knows MPI). */
#ifndef HB_PART_H
#define HB_PART_H

#include "model.h"

/* The workers and per-block training orders of one rank: its ratings cut into nb item blocks,
 * blocks[b] holding block b's ratings with the rank's local user index (0..n_users of shape)
 * and the block's local item index (0..blocks[b].n_items). shape is a model view with
 * n_users = the rank's users and n_items = the largest block (the workers' buffers); the
 * orders are seeded from seed (a per-rank value) and follow shape->p.schedule as hb_train
 * would. blocks must outlive the part. HB_ERR_NOMEM with err filled on failure. */
typedef struct hb_part hb_part;
hb_status hb_part_create(const hb_model *shape, const hb_dataset *blocks, int nb, uint64_t seed,
                         hb_part **out, hb_error *err);

/* One pass over block b's ratings with the part's threads and the kernel table of view's p.isa,
 * view being the model whose user rows are the rank's and whose item rows (Q, biases, their
 * optimizer state, rw_i) are block b's, n_items = its size. progress (may be NULL) is called
 * by the calling thread (thread 0 of the team) between strata: the MPI layer drives its
 * transfers there. *loss gets the pass's summed loss. */
void hb_part_run(hb_part *pt, hb_model *view, int b, float lr, float r_min, float span,
                 void (*progress)(void *), void *ctx, double *loss);

/* The grid size G used inside block b (0 under the hogwild schedule). */
uint32_t hb_part_blocks(const hb_part *pt, int b);

void hb_part_free(hb_part **pt);

#endif
