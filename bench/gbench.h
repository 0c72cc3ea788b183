/* gbench.h: a small C API over Google Benchmark (implemented once in gbench.cc), so that
 * hogbench's benchmarks are written in C: register a function with its argument sets, run
 * its timed loop in batches, report counters, labels and context. */
#ifndef HB_GBENCH_H
#define HB_GBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hb_gb_state hb_gb_state; /* one run of a benchmark: benchmark::State */
typedef struct hb_gb_bench hb_gb_bench; /* a registered benchmark: benchmark::Benchmark */
typedef void (*hb_gb_fn)(hb_gb_state *st, void *arg);

/* Registers fn under name (copied), called with arg for every argument set. */
hb_gb_bench *hb_gb_register(const char *name, hb_gb_fn fn, void *arg);
/* One argument set of n values (st's hb_gb_range(st, 0..n-1)). */
void hb_gb_args(hb_gb_bench *b, size_t n, const int64_t *v);
/* The iteration time is what hb_gb_set_iteration_time says, not the loop's wall time. */
void hb_gb_manual_time(hb_gb_bench *b);
/* Report in milliseconds (default: nanoseconds). */
void hb_gb_unit_ms(hb_gb_bench *b);
/* At most this many iterations (for benchmarks whose iteration is a whole epoch). */
void hb_gb_iterations_max(hb_gb_bench *b, int64_t n);

int64_t hb_gb_range(const hb_gb_state *st, int i);
/* The timed loop: while (hb_gb_run_batch(st, B)) { B iterations }. Batches keep the cost of
 * crossing into C++ (a few ns) off kernels that take a few ns themselves. */
int hb_gb_run_batch(hb_gb_state *st, int64_t batch);
int64_t hb_gb_iterations(const hb_gb_state *st);
void hb_gb_pause(hb_gb_state *st);
void hb_gb_resume(hb_gb_state *st);
void hb_gb_set_iteration_time(hb_gb_state *st, double seconds);
/* Ends this benchmark with an error (e.g. the CPU lacks the ISA); return right after. */
void hb_gb_skip(hb_gb_state *st, const char *why);
/* A counter: per_iteration * iterations / seconds when rate is nonzero, else the value. */
void hb_gb_counter(hb_gb_state *st, const char *name, double value, int rate);
void hb_gb_items_processed(hb_gb_state *st, int64_t items);
void hb_gb_label(hb_gb_state *st, const char *label);

/* A key/value in the JSON context (git sha, compiler, flags, machine). */
void hb_gb_context(const char *key, const char *value);
/* Initialize with argc/argv (Google Benchmark's flags), run what matches, shut down.
 * Returns 0, or 1 for an unrecognised argument. */
int hb_gb_main(int argc, char **argv);

/* Keep a value or memory effects from being optimised away (Google Benchmark's
 * DoNotOptimize and ClobberMemory, as plain asm barriers). */
#define hb_gb_keep(p) __asm__ volatile("" : : "r,m"(p) : "memory")
#if defined(__x86_64__) || defined(__i386__)
#define hb_gb_keep_f(x) __asm__ volatile("" : "+x"(x) : : "memory") /* a float, in its register */
#elif defined(__aarch64__)
#define hb_gb_keep_f(x) __asm__ volatile("" : "+w"(x) : : "memory")
#else
#define hb_gb_keep_f(x) hb_gb_keep(x)
#endif
#define hb_gb_clobber() __asm__ volatile("" : : : "memory")

#ifdef __cplusplus
}
#endif
#endif
