#!/usr/bin/env bash
# main.sh: the README's main job: install what is missing, build, then run the default sweep on
# MovieLens 100K u1 (or on synthetic data of its shape when no MovieLens directory is found;
# hogbench says which) and draw its figures. Finishes in under 5 minutes on 2 cores.
#   1. all five models x dims 16,32,64,128 x threads 1,max on the best ISA, test metrics every
#      2 epochs for the learning curves;
#   2. every ISA (scalar, avx2, avx512 / neon) at dim 64, 1 thread, for the ISA figure (its
#      best-ISA runs are already in the file from step 1 and are skipped).
# Rows go to results/sweep-HOST.csv (+ -curves.csv), figures to plots/sweep-HOST-*.{png,svg}.
# Rerunning resumes: finished runs are skipped; delete the CSVs for fresh numbers.
# Usage: bash bench/main.sh [extra 'hogbench sweep' flags, e.g. --repeats 3]
#        (env: HOGBENCH_DATA=ml-100k dir, HB_BUILD_DIR=build dir, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh gnuplot-nox
build=${HB_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DHB_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target hogbench
if [ -z "${HOGBENCH_DATA:-}" ] && [ -d ../shared/data/ml-100k ]; then
    export HOGBENCH_DATA="$(cd ../shared/data/ml-100k && pwd)"
fi
name=sweep-$(hostname -s)
out=results/$name.csv curves=results/$name-curves.csv
mkdir -p results
common=(--split u1 --eval-every 2 --out "$out" --curves "$curves")
start=$(date +%s)
"$build/hogbench" sweep --models all --dims 16,32,64,128 --threads 1,max --isas auto "${common[@]}" "$@"
"$build/hogbench" sweep --models all --dims 64 --threads 1 --isas all "${common[@]}" "$@"
bash plots/plot.sh "$out" --curves "$curves"
echo "main.sh: $out, $curves and plots/$name-*.{png,svg} in $(($(date +%s) - start)) s"
