#!/usr/bin/env bash
# bench.sh: builds the benchmark suites (C over bench/gbench.h, Google Benchmark underneath) and
# runs each briefly: they must build and run, and `hogbench compare` must read their JSON. It
# gates nothing (timings on a shared CI machine are noise). Usage: .ci/bench.sh [build dir]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-build-bench}
cmake -S . -B "$bench" -DCMAKE_BUILD_TYPE=Release -DHB_BUILD_TESTS=OFF -DHB_BUILD_BENCH=ON >/dev/null
cmake --build "$bench" -j"$(nproc)" --target kernels_bench e2e_bench hogbench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bench/bench/kernels_bench" --benchmark_filter='(dot|sgd_mf|gemv)/.*/(16|64)$|sgd_mf_run/.*/64|gemv/.*/1682/64' \
    --benchmark_min_time=0.01 --benchmark_out="$out/k.json" --benchmark_out_format=json >/dev/null
"$bench/bench/e2e_bench" --benchmark_min_time=0.01 --benchmark_filter='epoch/(mf|mf_bias|mlp)/|eval/mf_bias|load' \
    --benchmark_out="$out/e.json" --benchmark_out_format=json
for f in k e; do
    "$bench/hogbench" compare "$out/$f.json" "$out/$f.json" >/dev/null ||
        { echo "bench.sh: hogbench compare cannot read $f.json"; exit 1; }
done
echo "bench.sh: kernels_bench $(grep -c '"name"' "$out/k.json") and e2e_bench $(grep -c '"name"' "$out/e.json") benchmarks ran; compare reads both"
