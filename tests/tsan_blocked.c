/* tsan_blocked.c: the blocked schedule under ThreadSanitizer. It is the one schedule meant to
 * have no data race (workers hold blocks that share no user and no item; the MLP's dense weights
 * are read from per-worker snapshots and stepped under a mutex), so 4 workers training under it
 * must give no report. A plain executable, not a Criterion suite (TSan does not run under
 * Criterion's forks); built with -fsanitize=thread by .ci/tsan.sh, against LLVM's OpenMP with
 * its Archer tool loaded, which tells TSan about OpenMP's barriers and dynamic loops.
 *   tsan_blocked        trains the configurations below and shuffles an order in buckets with
 *                       4 threads (src/shuffle.c); exit 0, or TSan's exit code on a report
 *   tsan_blocked race   a deliberate race in this file: the lane must see it (exit non-zero) */
#include <omp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "hogbench/hogbench.h"
#include "kernels.h"
#include "shuffle.h"

/* Two OpenMP threads write one int; the relaxed flag orders them in time but is no
 * synchronization to TSan, so the second write races with the first every time. */
static int hb_race(void) {
    static int shared;
    atomic_int flag = 0;
    int ran = 0;
#pragma omp parallel num_threads(2)
    {
        if (omp_get_num_threads() == 2) {
            if (omp_get_thread_num() == 0) {
                shared = 1;
                atomic_store_explicit(&flag, 1, memory_order_relaxed);
            } else {
                while (!atomic_load_explicit(&flag, memory_order_relaxed)) {
                }
                shared = 2;
            }
#pragma omp single
            ran = 1;
        }
    }
    printf("tsan_blocked race: %s (shared %d)\n", ran ? "two threads wrote" : "one thread only",
           shared);
    return ran ? 0 : 2;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "race") == 0) return hb_race();
    if (argc > 1) {
        fprintf(stderr, "usage: tsan_blocked [race]\n");
        return 2;
    }
    /* the scalar kernels: TSan instruments accesses of up to 16 bytes, so the AVX2/AVX-512
     * kernels' 32- and 64-byte row loads and stores would go unseen */
    const hb_kernels *kt = hb_kernels_for(HB_ISA_SCALAR);
    if (!kt) {
        fprintf(stderr, "tsan_blocked: no scalar kernel table\n");
        return 2;
    }
    hb_synth_params sp = hb_synth_default();
    sp.users = 400;
    sp.items = 300;
    sp.ratings = 58000; /* blocks of ~600 ratings: long enough for the workers to overlap */
    sp.seed = 5;
    hb_dataset *ds = NULL;
    hb_error err = {{0}};
    if (hb_dataset_synthetic(&sp, &ds, &err) != HB_OK) {
        fprintf(stderr, "tsan_blocked: %s\n", err.msg);
        return 2;
    }
    /* every path the blocked schedule runs: per-sample SGD in the sorted order (G = 8 >= 4) and
     * in reshuffled blocks (the per-block shuffles run in parallel too), mini-batch Nadam's lazy
     * row steps, and the MLP's dense weights (snapshot and step under the mutex) */
    static const struct {
        const char *name;
        hb_model_kind model;
        hb_schedule sched;
        hb_optimizer opt;
        uint32_t batch;
    } cfgs[] = {
        {"mf_bias sgd blocked (sorted)", HB_MODEL_MF_BIAS, HB_SCHED_BLOCKED, HB_OPT_SGD, 1},
        {"mf_bias sgd blocked-shuffle", HB_MODEL_MF_BIAS, HB_SCHED_BLOCKED_SHUFFLE, HB_OPT_SGD, 1},
        {"mf_bias nadam batch 32 blocked", HB_MODEL_MF_BIAS, HB_SCHED_BLOCKED, HB_OPT_NADAM, 32},
        {"mlp nadam batch 64 blocked", HB_MODEL_MLP, HB_SCHED_BLOCKED, HB_OPT_NADAM, 64},
    };
    int bad = 0;
    for (size_t k = 0; k < sizeof cfgs / sizeof *cfgs; k++) {
        hb_train_params p = hb_params_default(cfgs[k].model);
        p.threads = 4;
        p.schedule = cfgs[k].sched;
        p.optimizer = cfgs[k].opt;
        p.batch = cfgs[k].batch;
        p.dim = 16;
        p.hidden = 16;
        p.n_hidden = 2;
        p.epochs = 3;
        p.isa = kt->isa;
        hb_model *m = NULL;
        hb_train_result res;
        hb_status st = hb_model_create(&p, ds, &m, &err);
        if (st == HB_OK) st = hb_train(m, ds, NULL, NULL, &res, &err);
        hb_model_free(&m);
        if (st != HB_OK) {
            fprintf(stderr, "tsan_blocked: %s: %s\n", cfgs[k].name, err.msg);
            bad = 1;
            continue;
        }
        printf("tsan_blocked: %-32s 4 threads, %u blocks, %u epochs, %s kernels, test rmse "
               "%.4f\n", cfgs[k].name, res.blocks, res.epochs_done, kt->name, res.metrics.rmse);
    }
    hb_dataset_free(&ds);
    /* the bucketed shuffle of large orders (forced here on 100K ratings): 4 threads draw,
     * scatter and shuffle disjoint chunks and buckets */
    enum { N = 100000 };
    static hb_rating r[N];
    for (uint32_t j = 0; j < N; j++) r[j] = (hb_rating){.u = j, .i = j, .r = 1.0f};
    hb_shuffle_ws sh;
    hb_rng g;
    hb_rng_seed(&g, 1);
    if (hb_shuffle_reserve(&sh, N, 1000) != HB_OK) return 2;
    hb_shuffle_ratings(r, N, &g, 4, &sh);
    hb_shuffle_free(&sh);
    static unsigned char seen[N];
    int perm = 1;
    for (uint32_t j = 0; j < N; j++) {
        if (r[j].u >= N || seen[r[j].u]) perm = 0;
        else seen[r[j].u] = 1;
    }
    printf("tsan_blocked: bucketed shuffle, 4 threads, %d ratings: %s\n", N,
           perm ? "a permutation" : "NOT a permutation");
    return bad || !perm ? 2 : 0;
}
