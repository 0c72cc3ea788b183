#!/usr/bin/env bash
# run_kernels.sh: build and run the kernel micro-suite, then JSON -> results/kernels-<host>.csv -> plots/kernels-<host>.{png,svg}.
# Usage: bench/run_kernels.sh [extra kernels_bench flags]   (env: BUILD=build-simd MIN_TIME=0.05 REPS=3 HOST=$(hostname))
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build-simd}
host=${HOST:-$(hostname -s)}
cmake -S . -B "$build" -DHB_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target kernels_bench

# OpenBLAS 0.3.21's DYNAMIC_ARCH has picked Prescott (SSE3) kernels on this VM's CPU; pin the
# reference to its AVX-512 / AVX2 kernels unless the caller chose one.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
fi

mkdir -p results plots
json=results/kernels-bench.json
"$build/bench/kernels_bench" --benchmark_min_time="${MIN_TIME:-0.05}" \
    --benchmark_repetitions="${REPS:-3}" --benchmark_report_aggregates_only=true \
    --benchmark_enable_random_interleaving=true \
    --benchmark_out="$json" --benchmark_out_format=json "$@"
python3 bench/bench_to_csv.py "$json" --host "$host" -o "results/kernels-$host.csv"
if command -v gnuplot >/dev/null; then plots/plot_kernels.sh "results/kernels-$host.csv"
else echo "run_kernels.sh: gnuplot missing (apt-get install gnuplot-nox): no plot" >&2; fi
