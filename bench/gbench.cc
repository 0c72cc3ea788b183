// gbench.cc: the C API of gbench.h over Google Benchmark; the only C++ in hogbench.
#include "gbench.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

struct hb_gb_state {
    benchmark::State *s;
};

extern "C" {

hb_gb_bench *hb_gb_register(const char *name, hb_gb_fn fn, void *arg) {
    auto *b = benchmark::RegisterBenchmark(name, [fn, arg](benchmark::State &s) {
        hb_gb_state st{&s};
        fn(&st, arg);
    });
    return reinterpret_cast<hb_gb_bench *>(b);
}

static benchmark::internal::Benchmark *B(hb_gb_bench *b) {
    return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}

void hb_gb_args(hb_gb_bench *b, size_t n, const int64_t *v) {
    B(b)->Args(std::vector<int64_t>(v, v + n));
}
void hb_gb_manual_time(hb_gb_bench *b) { B(b)->UseManualTime(); }
void hb_gb_unit_ms(hb_gb_bench *b) { B(b)->Unit(benchmark::kMillisecond); }
void hb_gb_iterations_max(hb_gb_bench *b, int64_t n) {
    // Google Benchmark has no upper bound on its own; a fixed count is the nearest.
    B(b)->Iterations(n);
}

int64_t hb_gb_range(const hb_gb_state *st, int i) { return st->s->range(static_cast<size_t>(i)); }
int hb_gb_run_batch(hb_gb_state *st, int64_t batch) {
    return st->s->KeepRunningBatch(static_cast<benchmark::IterationCount>(batch));
}
int64_t hb_gb_iterations(const hb_gb_state *st) { return st->s->iterations(); }
void hb_gb_pause(hb_gb_state *st) { st->s->PauseTiming(); }
void hb_gb_resume(hb_gb_state *st) { st->s->ResumeTiming(); }
void hb_gb_set_iteration_time(hb_gb_state *st, double seconds) { st->s->SetIterationTime(seconds); }
void hb_gb_skip(hb_gb_state *st, const char *why) { st->s->SkipWithError(why); }
void hb_gb_counter(hb_gb_state *st, const char *name, double value, int rate) {
    st->s->counters[name] = rate ? benchmark::Counter(value * static_cast<double>(st->s->iterations()),
                                                      benchmark::Counter::kIsRate)
                                 : benchmark::Counter(value);
}
void hb_gb_items_processed(hb_gb_state *st, int64_t items) { st->s->SetItemsProcessed(items); }
void hb_gb_label(hb_gb_state *st, const char *label) { st->s->SetLabel(label); }

void hb_gb_context(const char *key, const char *value) { benchmark::AddCustomContext(key, value); }

int hb_gb_main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // extern "C"
