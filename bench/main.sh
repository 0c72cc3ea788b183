#!/usr/bin/env bash
# main.sh: the README's main job: install what is missing, build, then train and evaluate the
# five models with hogbench's defaults on MovieLens 100K u1 (or synthetic data of its shape
# when no MovieLens directory is found), appending one CSV row per run to results/.
# Usage: bash bench/main.sh [extra 'hogbench train' flags]   (env: HOGBENCH_DATA=ml-100k dir)
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHB_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target hogbench
if [ -z "${HOGBENCH_DATA:-}" ] && [ -d ../shared/data/ml-100k ]; then
    export HOGBENCH_DATA="$(cd ../shared/data/ml-100k && pwd)"
fi
out=results/default-$(hostname -s).csv
mkdir -p results
for m in mf mf_bias mlp mf_bias_bin mlp_bin; do
    ./build/hogbench train --model "$m" --split u1 --out "$out" "$@"
done
echo "main.sh: rows appended to $out"
