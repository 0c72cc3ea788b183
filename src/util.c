/* util.c: error formatting, aligned allocation, the normal sampler, the clock, names. */
#include <math.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

void hb_fp_flush_subnormals(void) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(_mm_getcsr() | 0x8040u); /* FTZ (bit 15) | DAZ (bit 6) */
#elif defined(__aarch64__)
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr | (UINT64_C(1) << 24)));
#endif
}

hb_fpmode hb_fp_save(void) {
    hb_fpmode s = {0};
#if defined(__x86_64__) || defined(__i386__)
    s.ctl = _mm_getcsr();
#elif defined(__aarch64__)
    __asm__ volatile("mrs %0, fpcr" : "=r"(s.ctl));
#endif
    return s;
}

void hb_fp_restore(hb_fpmode s) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(((unsigned)s.ctl & ~0x3fu) | (_mm_getcsr() & 0x3fu)); /* flags raised stay */
#elif defined(__aarch64__)
    __asm__ volatile("msr fpcr, %0" : : "r"(s.ctl));
#else
    (void)s;
#endif
}

hb_status hb_fail(hb_error *err, hb_status s, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* Tables of 4 MiB or more are 2 MiB-aligned and asked for transparent huge pages: embedding
 * rows are read in random order, and with 4 KiB pages every row costs a TLB miss (measured on
 * a 100k x 64 table: the prefetches of the next rows stalled on page walks). */
#define HB_HUGE (2u << 20)
void *hb_calloc_aligned(size_t n, size_t size) {
    if (n == 0 || size == 0 || n > SIZE_MAX / size) return NULL;
    const int huge = n * size >= 2 * (size_t)HB_HUGE;
    const size_t align = huge ? HB_HUGE : HB_ALIGN, bytes = hb_round_up(n * size, align);
    void *p = aligned_alloc(align, bytes);
    if (!p) return NULL;
#ifdef MADV_HUGEPAGE
    if (huge) madvise(p, bytes, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
    memset(p, 0, bytes);
    return p;
}

void hb_free_aligned(void *p) { free(p); }

double hb_rng_normal(hb_rng *r) {
    /* Box-Muller; one of the pair is discarded to keep the stream position simple. */
    double u1 = hb_rng_double(r), u2 = hb_rng_double(r);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void hb_omp_passive_reexec(char **argv) {
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT")) return;
    /* under valgrind (it preloads vgpreload_*.so) /proc/self/exe is the tool, not the program */
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload")) return;
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
    execv("/proc/self/exe", argv);
}

double hb_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *hb_status_str(hb_status s) {
    switch (s) {
    case HB_OK: return "ok";
    case HB_ERR_IO: return "i/o error";
    case HB_ERR_PARSE: return "parse error";
    case HB_ERR_ARG: return "invalid argument";
    case HB_ERR_NOMEM: return "out of memory";
    case HB_ERR_DIVERGED: return "diverged";
    case HB_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown";
}
