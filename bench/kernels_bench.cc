// kernels_bench.cc: Google Benchmark shim over the kernel tables: every op x ISA x size, OpenBLAS as a reference.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels.h"

#ifdef HB_HAVE_OPENBLAS
#include <cblas.h>
#endif

#ifndef HB_GIT_SHA
#define HB_GIT_SHA "unknown"
#endif
#ifndef HB_COMPILER
#define HB_COMPILER "unknown"
#endif
#ifndef HB_BUILD_FLAGS
#define HB_BUILD_FLAGS ""
#endif
#ifndef HB_KERNEL_FLAGS
#define HB_KERNEL_FLAGS ""
#endif

namespace {

// 64-byte aligned floats, uniform in [lo, hi) from a fixed xorshift seed.
struct Buf {
    float *p = nullptr;
    Buf(size_t n, float lo, float hi, uint64_t seed) {
        p = static_cast<float *>(std::aligned_alloc(64, ((n ? n : 1) * sizeof(float) + 63) / 64 * 64));
        for (size_t i = 0; i < n; i++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            p[i] = lo + (hi - lo) * static_cast<float>((seed >> 40) * (1.0 / 16777216.0));
        }
    }
    ~Buf() { std::free(p); }
    Buf(const Buf &) = delete;
    Buf &operator=(const Buf &) = delete;
};

void set_rates(benchmark::State &st, double flops, double bytes) {
    const double it = static_cast<double>(st.iterations());
    st.counters["GFLOP/s"] = benchmark::Counter(flops * it * 1e-9, benchmark::Counter::kIsRate);
    st.counters["GB/s"] = benchmark::Counter(bytes * it * 1e-9, benchmark::Counter::kIsRate);
}

// The kernel table for an ISA, or nullptr after SkipWithError when this CPU/binary lacks it.
const hb_kernels *table_or_skip(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = hb_kernels_for(isa);
    if (!k) st.SkipWithError((std::string(hb_isa_name(isa)) + ": not supported by this CPU/binary").c_str());
    return k;
}

// ------------------------------------------------------------------ one runner per table slot
// Flop counts follow the scalar formulas; bytes count each array streamed once in and, if
// written, once out.

void bm_dot(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t n = static_cast<size_t>(st.range(0));
    Buf x(n, -1, 1, 1), y(n, -1, 1, 2);
    for (auto _ : st) benchmark::DoNotOptimize(k->dot(n, x.p, y.p));
    set_rates(st, 2.0 * n, 8.0 * n);
}

void bm_axpy(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t n = static_cast<size_t>(st.range(0));
    Buf x(n, -1, 1, 1), y(n, -1, 1, 2);
    for (auto _ : st) {
        k->axpy(n, 1e-3f, x.p, y.p);
        benchmark::ClobberMemory();
    }
    set_rates(st, 2.0 * n, 12.0 * n);
}

void bm_sgd(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t n = static_cast<size_t>(st.range(0));
    Buf g(n, -1, 1, 1), w(n, -1, 1, 2);
    for (auto _ : st) {
        k->sgd(n, 0.01f, 0.05f, g.p, w.p);
        benchmark::ClobberMemory();
    }
    set_rates(st, 4.0 * n, 12.0 * n);
}

// Rotates over row pairs filling 16 KiB (L1-resident), as consecutive ratings hit different rows;
// lr = 0 leaves p and q unchanged, so millions of calls never decay them into subnormals (the
// instructions and their dependencies are the same as for lr > 0).
void bm_sgd_mf(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t n = static_cast<size_t>(st.range(0)), rows = std::max<size_t>(1, 2048 / n);
    Buf p(rows * n, -0.3f, 0.3f, 1), q(rows * n, -0.3f, 0.3f, 2);
    size_t row = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(k->sgd_mf(n, 3.5f, 0.2f, 0.0f, 0.05f, p.p + row * n, q.p + row * n));
        benchmark::ClobberMemory();
        row = row + 1 == rows ? 0 : row + 1;
    }
    set_rates(st, 12.0 * n, 16.0 * n);
}

// One iteration = 4096 ratings drawn over a 943 x 1682 (MovieLens 100K) pair of tables, with
// biases and per-row L2 weights, as the training loop calls it; lr = 0 for the reason above.
void bm_sgd_mf_run(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t n = static_cast<size_t>(st.range(0)), nu = 943, ni = 1682, nr = 4096;
    Buf P(nu * n, -0.3f, 0.3f, 1), Q(ni * n, -0.3f, 0.3f, 2), bu(nu, -0.1f, 0.1f, 3),
        bi(ni, -0.1f, 0.1f, 4), rw(ni, 0.5f, 2.0f, 5);
    std::vector<hb_krating> r(nr);
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (auto &x : r) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x = {static_cast<uint32_t>(s % nu), static_cast<uint32_t>((s >> 20) % ni), 1.0f + (s >> 40) % 5};
    }
    const hb_mf_args a = {n,    n,    0.0f,    0.05f,   0.01f,   3.5f,    P.p,  Q.p,    bu.p,
                          bi.p, rw.p, rw.p, nullptr, nullptr, nullptr, nullptr, 0.0f};
    for (auto _ : st) {
        benchmark::DoNotOptimize(k->sgd_mf_run(&a, r.data(), nr));
        benchmark::ClobberMemory();
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * nr));
    set_rates(st, 12.0 * n * nr, 16.0 * n * nr);
}

// The AdaGrad runs on the same workload (lr = 0: the rows stay put, the accumulators grow).
void bm_adagrad_run(benchmark::State &st, hb_isa isa, bool row) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t n = static_cast<size_t>(st.range(0)), nu = 943, ni = 1682, nr = 4096;
    Buf P(nu * n, -0.3f, 0.3f, 1), Q(ni * n, -0.3f, 0.3f, 2), bu(nu, -0.1f, 0.1f, 3),
        bi(ni, -0.1f, 0.1f, 4), rw(ni, 0.5f, 2.0f, 5);
    Buf Gu(row ? nu : nu * n, 1.0f, 2.0f, 6), Gi(row ? ni : ni * n, 1.0f, 2.0f, 7),
        Gbu(nu, 1.0f, 2.0f, 8), Gbi(ni, 1.0f, 2.0f, 9);
    std::vector<hb_krating> r(nr);
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (auto &x : r) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x = {static_cast<uint32_t>(s % nu), static_cast<uint32_t>((s >> 20) % ni), 1.0f + (s >> 40) % 5};
    }
    const hb_mf_args a = {n,    n,    0.0f, 0.05f, 0.01f, 3.5f,  P.p,   Q.p,   bu.p,
                          bi.p, rw.p, rw.p, Gu.p,  Gi.p,  Gbu.p, Gbi.p, 1e-7f};
    const hb_adagrad_mf_run_fn fn = row ? k->adagrad_row_mf_run : k->adagrad_mf_run;
    for (auto _ : st) {
        benchmark::DoNotOptimize(fn(&a, r.data(), nr));
        benchmark::ClobberMemory();
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * nr));
    set_rates(st, (row ? 14.0 : 18.0) * n * nr, (row ? 16.0 : 32.0) * n * nr);
}
void bm_adagrad_mf_run(benchmark::State &st, hb_isa isa) { bm_adagrad_run(st, isa, false); }
void bm_adagrad_row_mf_run(benchmark::State &st, hb_isa isa) { bm_adagrad_run(st, isa, true); }

void bm_nadam(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t n = static_cast<size_t>(st.range(0));
    Buf g(n, -1, 1, 1), w(n, -1, 1, 2), m(n, -0.1f, 0.1f, 3), v(n, 0, 0.1f, 4);
    // reg = 0: with L2 the fixed point drives g + reg*w, then m and v, into subnormals
    const hb_nadam_coef c = {1e-3f, 0.9f, 0.999f, 1e-7f, 0.05f, 0.9f, 1.5f, 0.0f};
    for (auto _ : st) {
        k->nadam(n, &c, g.p, w.p, m.p, v.p);
        benchmark::ClobberMemory();
    }
    set_rates(st, 19.0 * n, 28.0 * n);
}

void bm_gemv(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t m = static_cast<size_t>(st.range(0)), n = static_cast<size_t>(st.range(1));
    Buf A(m * n, -1, 1, 1), x(n, -1, 1, 2), y(m, 0, 0, 3);
    for (auto _ : st) {
        k->gemv(m, n, A.p, n, x.p, y.p);
        benchmark::ClobberMemory();
    }
    set_rates(st, 2.0 * m * n, 4.0 * (m * n + m + n));
}

void bm_gemv_t(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t m = static_cast<size_t>(st.range(0)), n = static_cast<size_t>(st.range(1));
    Buf A(m * n, -1, 1, 1), x(m, -1, 1, 2), y(n, 0, 0, 3);
    for (auto _ : st) {
        k->gemv_t(m, n, A.p, n, x.p, y.p);
        benchmark::ClobberMemory();
    }
    set_rates(st, 2.0 * m * n, 4.0 * (m * n + m + n));
}

void bm_ger(benchmark::State &st, hb_isa isa) {
    const hb_kernels *k = table_or_skip(st, isa);
    if (!k) return;
    const size_t m = static_cast<size_t>(st.range(0)), n = static_cast<size_t>(st.range(1));
    Buf A(m * n, -1, 1, 1), x(m, -1, 1, 2), y(n, -1, 1, 3);
    for (auto _ : st) {
        k->ger(m, n, 1e-4f, x.p, y.p, A.p, n);
        benchmark::ClobberMemory();
    }
    set_rates(st, 2.0 * m * n, 4.0 * (2 * m * n + m + n));
}

#ifdef HB_HAVE_OPENBLAS
void bm_blas_dot(benchmark::State &st) {
    const int n = static_cast<int>(st.range(0));
    Buf x(n, -1, 1, 1), y(n, -1, 1, 2);
    for (auto _ : st) benchmark::DoNotOptimize(cblas_sdot(n, x.p, 1, y.p, 1));
    set_rates(st, 2.0 * n, 8.0 * n);
}

void bm_blas_axpy(benchmark::State &st) {
    const int n = static_cast<int>(st.range(0));
    Buf x(n, -1, 1, 1), y(n, -1, 1, 2);
    for (auto _ : st) {
        cblas_saxpy(n, 1e-3f, x.p, 1, y.p, 1);
        benchmark::ClobberMemory();
    }
    set_rates(st, 2.0 * n, 12.0 * n);
}

void bm_blas_gemv(benchmark::State &st) {
    const int m = static_cast<int>(st.range(0)), n = static_cast<int>(st.range(1));
    Buf A(static_cast<size_t>(m) * n, -1, 1, 1), x(n, -1, 1, 2), y(m, 0, 0, 3);
    for (auto _ : st) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0f, A.p, n, x.p, 1, 0.0f, y.p, 1);
        benchmark::ClobberMemory();
    }
    set_rates(st, 2.0 * m * n, 4.0 * (static_cast<double>(m) * n + m + n));
}
#endif

// ------------------------------------------------------------------ registration
// The op list mirrors hb_kernels' slots (dispatch.c's HB_ROW); every ISA row gets every op.
enum Shape { kVec, kMat };
struct Op {
    const char *name;
    void (*fn)(benchmark::State &, hb_isa);
    Shape shape;
};
const Op kOps[] = {
    {"dot", bm_dot, kVec},       {"axpy", bm_axpy, kVec},     {"sgd", bm_sgd, kVec},
    {"sgd_mf", bm_sgd_mf, kVec}, {"sgd_mf_run", bm_sgd_mf_run, kVec},
    {"nadam", bm_nadam, kVec},   {"gemv", bm_gemv, kMat},     {"gemv_t", bm_gemv_t, kMat},
    {"ger", bm_ger, kMat},       {"adagrad_mf_run", bm_adagrad_mf_run, kVec},
    {"adagrad_row_mf_run", bm_adagrad_row_mf_run, kVec},
};
static_assert(sizeof kOps / sizeof kOps[0] == 11, "one entry per hb_kernels slot");

const int64_t kDims[] = {16, 32, 50, 64, 128, 256};
const int64_t kGemvRows[] = {1682, 27278}; // MovieLens 100K items, ML-latest-small-like items
const int64_t kMlp[][2] = {{50, 100}, {100, 50}}; // MLP layer shapes besides the square dims

void add_shapes(benchmark::internal::Benchmark *b, const char *op) {
    if (std::string(op) == "gemv") {
        for (int64_t m : kGemvRows)
            for (int64_t d : kDims) b->Args({m, d});
        return;
    }
    for (int64_t d : kDims) b->Args({d, d});
    for (const auto &s : kMlp) b->Args({s[0], s[1]});
}

void register_all() {
    for (int i = 0; i < HB_ISA_COUNT; i++) {
        const hb_isa isa = static_cast<hb_isa>(i);
        for (const Op &op : kOps) {
            const std::string name = std::string(op.name) + "/" + hb_isa_name(isa);
            auto *b = benchmark::RegisterBenchmark(name.c_str(), op.fn, isa);
            if (op.shape == kVec)
                for (int64_t d : kDims) b->Arg(d);
            else
                add_shapes(b, op.name);
        }
    }
#ifdef HB_HAVE_OPENBLAS
    auto *d = benchmark::RegisterBenchmark("dot/openblas", bm_blas_dot);
    auto *a = benchmark::RegisterBenchmark("axpy/openblas", bm_blas_axpy);
    for (int64_t n : kDims) {
        d->Arg(n);
        a->Arg(n);
    }
    add_shapes(benchmark::RegisterBenchmark("gemv/openblas", bm_blas_gemv), "gemv");
#endif
}

} // namespace

int main(int argc, char **argv) {
#ifdef HB_HAVE_OPENBLAS
    openblas_set_num_threads(1); // every line here is one thread
    benchmark::AddCustomContext("openblas", std::string(openblas_get_config()) + "; core " +
                                                openblas_get_corename());
#else
    benchmark::AddCustomContext("openblas", "not found");
#endif
    benchmark::AddCustomContext("git_sha", HB_GIT_SHA);
    benchmark::AddCustomContext("compiler", HB_COMPILER);
    benchmark::AddCustomContext("c_flags", HB_BUILD_FLAGS);
    benchmark::AddCustomContext("kernel_flags", HB_KERNEL_FLAGS);
    benchmark::AddCustomContext("best_isa", hb_isa_name(hb_isa_best()));
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
