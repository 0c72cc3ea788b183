#!/usr/bin/env bash
# seed_check.sh: does --preset seed give the notebook's results? Runs hogbench's seed preset for
# the five models x SEEDS (default 1 2 3) on u1 into OUT (results/seed-preset-u1.csv), the PyTorch
# replay (bench/peers/seed_reference.py, Debian python3-torch) for the same number of seeds into
# REF (results/seed-reference-u1-3seeds.csv) unless REF exists, and prints the comparison
# (bench/peers/seed_compare.py): mean test RMSE per model and the gap, NDCG@10 against the
# replay's seed-to-seed range.
# Usage: HOGBENCH_DATA=.../ml-100k bash bench/peers/seed_check.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
data=${HOGBENCH_DATA:?set HOGBENCH_DATA to the ml-100k folder}
seeds=${SEEDS:-1 2 3}
out=${OUT:-results/seed-preset-u1.csv}
ref=${REF:-results/seed-reference-u1-3seeds.csv}
py=/usr/bin/python3
for s in $seeds; do
    for m in mf mf_bias mlp mf_bias_bin mlp_bin; do
        "$build/hogbench" train --data "$data" --split u1 --model "$m" --preset seed --seed "$s" \
            --quiet --out "$out" >/dev/null
    done
done
if [ ! -s "$ref" ]; then
    i=0
    for s in $seeds; do # the replay's seeds 0.. (its own generator; one thread)
        "$py" bench/peers/seed_reference.py "$data" u1 1 10 all $i | { [ $i = 0 ] && cat || tail -n +2; }
        i=$((i + 1))
    done > "$ref"
fi
"$py" bench/peers/seed_compare.py "$out" "$ref"
