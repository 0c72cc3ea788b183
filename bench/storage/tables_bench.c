/* tables_bench.c: the fused per-sample SGD kernel alone on f32 against 16-bit tables of a given
 * shape (no data loading, init or evaluation around it): NR random ratings (items Zipf-like,
 * users uniform) over U x I tables of dim D, rounds alternating f32, bf16 (nearest, stochastic)
 * and f16, one thread, the best ISA; prints updates/s per round and the paired ratios.
 *   cc -O2 -std=c17 -Isimd -Iinclude bench/storage/tables_bench.c build/libhogbench_simd.a -lm \
 *      -o /tmp/tables_bench && /tmp/tables_bench U I D NR ROUNDS */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "half.h"
#include "kernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static uint64_t xs(uint64_t *s) {
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: tables_bench USERS ITEMS DIM RATINGS ROUNDS\n");
        return 2;
    }
    const size_t U = strtoull(argv[1], 0, 10), I = strtoull(argv[2], 0, 10), D = strtoull(argv[3], 0, 10);
    const size_t NR = strtoull(argv[4], 0, 10), R = strtoull(argv[5], 0, 10);
    const hb_kernels *k = hb_kernels_for(HB_ISA_AUTO);
    float *P = aligned_alloc(64, U * D * 4), *Q = aligned_alloc(64, I * D * 4);
    uint16_t *Pb = aligned_alloc(64, U * D * 2), *Qb = aligned_alloc(64, I * D * 2);
    uint16_t *Ph = aligned_alloc(64, U * D * 2), *Qh = aligned_alloc(64, I * D * 2);
    hb_krating *r = malloc(NR * sizeof *r);
    if (!P || !Q || !Pb || !Qb || !Ph || !Qh || !r) return 1;
    uint64_t s = 88172645463325252ull;
    for (size_t e = 0; e < U * D; e++) P[e] = (float)((double)(xs(&s) >> 11) * 0x1p-53 * 0.2);
    for (size_t e = 0; e < I * D; e++) Q[e] = (float)((double)(xs(&s) >> 11) * 0x1p-53 * 0.2);
    for (size_t e = 0; e < U * D; e++) Pb[e] = hb_f32_to_bf16(P[e]), Ph[e] = hb_f32_to_f16(P[e]);
    for (size_t e = 0; e < I * D; e++) Qb[e] = hb_f32_to_bf16(Q[e]), Qh[e] = hb_f32_to_f16(Q[e]);
    for (size_t j = 0; j < NR; j++) { /* items: u^3 skews towards low ids (popular) */
        const double u = (double)(xs(&s) >> 11) * 0x1p-53;
        r[j] = (hb_krating){(uint32_t)(xs(&s) % U), (uint32_t)(u * u * u * (double)I), 3.5f};
    }
    const char *name[4] = {"f32", "bf16-rne", "bf16-sr", "f16-rne"};
    double ups[64][4];
    if (R > 64) return 2;
    printf("%s: %zu x %zu, dim %zu: f32 tables %.0f MB, 16-bit %.0f MB; %zu ratings per run\n", k->name,
           U, I, D, (double)(U + I) * D * 4 / 1e6, (double)(U + I) * D * 2 / 1e6, NR);
    for (size_t round = 0; round < R; round++) {
        for (int v = 0; v < 4; v++) {
            hb_mf_args a = {.dim = D, .ld = D, .lr = 0.001f, .reg = 0.05f, .P = P, .Q = Q,
                            .P16 = v == 3 ? Ph : Pb, .Q16 = v == 3 ? Qh : Qb, .sr = v == 2,
                            .seed = round * 4 + (uint64_t)v};
            hb_sgd_mf_run_fn fn = v == 0 ? k->sgd_mf_run : v == 3 ? k->sgd_mf_run_f16 : k->sgd_mf_run_bf16;
            const double t0 = now();
            volatile double l = fn(&a, r, NR);
            (void)l;
            ups[round][v] = (double)NR / (now() - t0);
        }
        printf("round %zu:", round + 1);
        for (int v = 0; v < 4; v++) printf(" %s %.2fM (%.2fx)", name[v], ups[round][v] / 1e6, ups[round][v] / ups[round][0]);
        printf("\n");
    }
    return 0;
}
