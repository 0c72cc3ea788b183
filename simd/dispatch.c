/* dispatch.c: one constant kernel table per ISA, what CPUID + XGETBV (x86) or HWCAP (Arm) say
 * this machine runs, and the best of them; which table a call uses is its caller's parameter
 * (the CLI resolves --isa and HOGBENCH_ISA). Compiled with baseline flags only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HB_X86 1
#endif
#if defined(__aarch64__)
#include <sys/auxv.h>
#endif

#ifdef HB_HAVE_AVX2
HB_DECLARE_KERNELS(avx2)
#endif
#ifdef HB_HAVE_AVX512
HB_DECLARE_KERNELS(avx512)
#endif
#ifdef HB_HAVE_NEON
HB_DECLARE_KERNELS(neon)
#endif

#ifdef HB_TEST_SLOW_SGD_MF
/* Test only (CMake -DHB_TEST_SLOW_KERNEL=sgd_mf): every 10th call a thread makes through the
 * sgd_mf slot (and every 10th rating through sgd_mf_run) first runs the kernel once more with
 * lr = 0 (the same rows; a step of 0 leaves them as they were), so that the fused MF step does
 * ~10% more work on every ISA and size: a known
 * slowdown for 'hogbench compare' and .ci/gate.sh to flag. The wrappers live in a section of
 * their own, which the linker places after .text, so that every other function keeps the
 * address (and alignment) it has in a normal build: code layout alone moves timings by tens
 * of percent on this kind of CPU. */
static _Thread_local unsigned hb_slow_calls;
#define HB_SLOW_SGD_MF(sfx)                                                                   \
    __attribute__((section("hb_test_slow"), noinline)) static float hb_sgd_mf_slow__##sfx(   \
        size_t n, float r, float bias, float lr, float reg, float *restrict p,                \
        float *restrict q) {                                                                  \
        if (++hb_slow_calls % 10 == 0) (void)hb_sgd_mf_f32__##sfx(n, r, bias, 0.0f, reg, p, q); \
        return hb_sgd_mf_f32__##sfx(n, r, bias, lr, reg, p, q);                               \
    }                                                                                         \
    /* the run does every 10th rating's step once more with lr = 0 first */                  \
    __attribute__((section("hb_test_slow"), noinline)) static double hb_sgd_mf_run_slow__##sfx( \
        const hb_mf_args *a, const hb_krating *r, size_t n) {                                 \
        for (size_t j = 0; j < n; j++)                                                        \
            if (++hb_slow_calls % 10 == 0)                                                    \
                (void)hb_sgd_mf_f32__##sfx(a->dim, r[j].r, 0.0f, 0.0f, a->reg,                \
                                           a->P + (size_t)r[j].u * a->ld,                     \
                                           a->Q + (size_t)r[j].i * a->ld);                    \
        return hb_sgd_mf_run_f32__##sfx(a, r, n);                                             \
    }
HB_SLOW_SGD_MF(scalar)
#ifdef HB_HAVE_AVX2
HB_SLOW_SGD_MF(avx2)
#endif
#ifdef HB_HAVE_AVX512
HB_SLOW_SGD_MF(avx512)
#endif
#ifdef HB_HAVE_NEON
HB_SLOW_SGD_MF(neon)
#endif
/* the listed slots below, then these two again: the later initializer wins (C17 6.7.9) */
#define HB_ROW_OVERRIDES(sfx) .sgd_mf = hb_sgd_mf_slow__##sfx, .sgd_mf_run = hb_sgd_mf_run_slow__##sfx,
#pragma GCC diagnostic ignored "-Woverride-init"
#else
#define HB_ROW_OVERRIDES(sfx)
#endif

/* A row: every listed operation's kernel for one ISA (kernel_list.h). */
#define HB_KROW_(sfx, op, OP, shape) .op = hb_##op##_f32__##sfx,
#define HB_ROW(isa_enum, sfx) \
    { .isa = isa_enum, .name = #sfx, HB_KERNELS(HB_KROW_, sfx) HB_ROW_OVERRIDES(sfx) }

#if defined(HB_HAVE_AVX512) && defined(HB_HAVE_AVX512BF16)
/* The avx512 row on CPUs with AVX512_BF16: its bf16 kernels narrow to nearest with
 * VCVTNE2PS2BF16 (the plain row's by integer arithmetic, to the same nearest-even result;
 * stochastic rounding is the same integer fold in both). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const hb_kernels hb_kAvx512Bf16 = {
    .isa = HB_ISA_AVX512, .name = "avx512", HB_KERNELS(HB_KROW_, avx512) HB_ROW_OVERRIDES(avx512)
    .sgd_mf_run_bf16 = hb_sgd_mf_run_bf16_f32__avx512bf16,
    .adagrad_row_mf_run_bf16 = hb_adagrad_row_mf_run_bf16_f32__avx512bf16};
#pragma GCC diagnostic pop
#endif

/* Rows for ISAs this binary was not built with stay NULL-named (unsupported). */
static const hb_kernels hb_kTables[HB_ISA_COUNT] = {
    [HB_ISA_SCALAR] = HB_ROW(HB_ISA_SCALAR, scalar),
#ifdef HB_HAVE_AVX2
    [HB_ISA_AVX2] = HB_ROW(HB_ISA_AVX2, avx2),
#endif
#ifdef HB_HAVE_AVX512
    [HB_ISA_AVX512] = HB_ROW(HB_ISA_AVX512, avx512),
#endif
#ifdef HB_HAVE_NEON
    [HB_ISA_NEON] = HB_ROW(HB_ISA_NEON, neon),
#endif
};
_Static_assert(HB_ISA_NEON == HB_ISA_COUNT - 1, "every ISA needs a table row");

static const char *const hb_kIsaNames[HB_ISA_COUNT] = {"scalar", "avx2", "avx512", "neon"};

const char *hb_isa_name(hb_isa isa) {
    if (isa == HB_ISA_AUTO) return "auto";
    return (unsigned)isa < HB_ISA_COUNT ? hb_kIsaNames[isa] : "?";
}

hb_status hb_isa_parse(const char *s, hb_isa *out) {
    if (!s) return HB_ERR_ARG;
    if (strcmp(s, "auto") == 0) {
        *out = HB_ISA_AUTO;
        return HB_OK;
    }
    for (int i = 0; i < HB_ISA_COUNT; i++)
        if (strcmp(s, hb_kIsaNames[i]) == 0) {
            *out = (hb_isa)i;
            return HB_OK;
        }
    return HB_ERR_ARG;
}

#ifdef HB_X86
static unsigned long long hb_xgetbv0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static int hb_cpu_has(hb_isa isa) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    const int f16c = (c >> 29) & 1; /* every AVX2 CPU has it: the avx2 binary16 kernels use it */
    if (!osxsave || !avx) return 0;
    const unsigned long long xcr0 = hb_xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return 0; /* OS saves XMM and YMM */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int avx2 = (b >> 5) & 1;
    if (isa == HB_ISA_AVX2) return avx2 && fma && f16c;
    if (isa == HB_ISA_AVX512) {
        const int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
        return avx2 && fma && f && dq && bw && vl && (xcr0 & 0xe6) == 0xe6; /* opmask, ZMM */
    }
    return 0;
}

#if defined(HB_HAVE_AVX512) && defined(HB_HAVE_AVX512BF16)
/* AVX512_BF16: CPUID leaf 7, subleaf 1, EAX bit 5 (on top of AVX-512 itself). */
static int hb_cpu_has_avx512bf16(void) {
    unsigned a, b, c, d;
    if (!hb_cpu_has(HB_ISA_AVX512) || !__get_cpuid_count(7, 1, &a, &b, &c, &d)) return 0;
    return (a >> 5) & 1;
}
#endif
#elif defined(__aarch64__)
static int hb_cpu_has(hb_isa isa) {
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
    return isa == HB_ISA_NEON && (getauxval(AT_HWCAP) & HWCAP_ASIMD);
}
#else
static int hb_cpu_has(hb_isa isa) {
    (void)isa;
    return 0;
}
#endif

int hb_isa_supported(hb_isa isa) {
    if (isa == HB_ISA_AUTO) return 1;
    if ((unsigned)isa >= HB_ISA_COUNT || !hb_kTables[isa].name) return 0;
    return isa == HB_ISA_SCALAR || hb_cpu_has(isa);
}

hb_isa hb_isa_best(void) {
    for (int i = HB_ISA_COUNT - 1; i > 0; i--)
        if (hb_isa_supported((hb_isa)i)) return (hb_isa)i;
    return HB_ISA_SCALAR;
}

const hb_kernels *hb_kernels_for(hb_isa isa) {
    if (isa == HB_ISA_AUTO) isa = hb_isa_best();
#if defined(HB_HAVE_AVX512) && defined(HB_HAVE_AVX512BF16) && defined(HB_X86)
    if (isa == HB_ISA_AVX512 && hb_cpu_has_avx512bf16()) return &hb_kAvx512Bf16;
#endif
    return hb_isa_supported(isa) ? &hb_kTables[isa] : NULL;
}

const hb_kernels *hb_kernels_get(void) {
    hb_isa isa = HB_ISA_AUTO;
    const char *env = getenv("HOGBENCH_ISA");
    if (env && *env && hb_isa_parse(env, &isa) != 0) return NULL;
    const hb_kernels *k = hb_kernels_for(isa);
    if (k && getenv("HOGBENCH_DEBUG")) fprintf(stderr, "hogbench: kernels: %s\n", k->name);
    return k;
}
