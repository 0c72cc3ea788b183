/* internal.h: helpers shared by src/ (errors, aligned memory, RNG); not part of the API. */
#ifndef HB_INTERNAL_H
#define HB_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hogbench/hogbench.h"
#include "kernels.h"

#define HB_ALIGN 64 /* bytes: one cache line, one AVX-512 vector */
#define HB_PAD 16   /* floats: embedding rows are padded to a multiple of this */

/* Sets err (if non-NULL) from a printf format and returns s. */
hb_status hb_fail(hb_error *err, hb_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 64-byte aligned, zero-filled; NULL on failure or n == 0 overflow. */
void *hb_calloc_aligned(size_t n, size_t size);
void hb_free_aligned(void *p);

static inline size_t hb_round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

/* splitmix64: seeds and hashes integers. */
static inline uint64_t hb_splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* xoshiro256**: the generator behind every random draw (seeded through splitmix64). */
typedef struct hb_rng {
    uint64_t s[4];
} hb_rng;

static inline void hb_rng_seed(hb_rng *r, uint64_t seed) {
    for (int i = 0; i < 4; i++) r->s[i] = hb_splitmix64(&seed);
}
static inline uint64_t hb_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t hb_rng_next(hb_rng *r) {
    uint64_t *s = r->s;
    const uint64_t out = hb_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = hb_rotl(s[3], 45);
    return out;
}
/* Uniform in [0, 1) with 53 bits. */
static inline double hb_rng_double(hb_rng *r) { return (hb_rng_next(r) >> 11) * 0x1.0p-53; }
/* Uniform integer in [0, n) (Lemire's multiply-shift; bias < 2^-32 for n < 2^32). */
static inline uint64_t hb_rng_below(hb_rng *r, uint64_t n) {
    return (uint64_t)(((unsigned __int128)hb_rng_next(r) * n) >> 64);
}
double hb_rng_normal(hb_rng *r);

/* libgomp reads OMP_WAIT_POLICY once, when it is loaded, before main. Its default lets idle
 * workers spin at every barrier; on a shared or oversubscribed machine a spinning waiter
 * holds the CPU that the thread it waits for needs: on this project's 2-vCPU VM a 2-thread
 * epoch with 5 barriers took 13-27 ms spinning and 0.56 ms sleeping. So unless the user chose
 * a policy, programs call this first thing in main: it re-executes the program once with
 * OMP_WAIT_POLICY=passive (CSV rows record it in omp_wait_policy). Returns if exec fails. */
void hb_omp_passive_reexec(char **argv);

/* Subnormal floats flushed to zero (x86: MXCSR FTZ + DAZ; AArch64: FPCR.FZ) in the calling
 * thread. Training and evaluation call it at the top of every parallel region: with strong L2
 * an MLP's weights decay into subnormals, and on x86 every operation on one then takes a
 * microcode assist (a 25-epoch run went from seconds to minutes). Values below 1.2e-38 are
 * far below anything a model's output can resolve. */
void hb_fp_flush_subnormals(void);

/* Seconds from a monotonic clock. */
double hb_now(void);

#endif
