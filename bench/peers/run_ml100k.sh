#!/usr/bin/env bash
# run_ml100k.sh: time to quality on ML-100K u1 (the notebook's protocol), hogbench against the
# PyTorch trainer (bench/peers/torch_mf.py), at the same hyperparameters: the seed preset's
# (dense Nadam, lr 1e-3, batch 128, dim 50, 10 epochs) for mf, mf_bias and mlp, target test RMSE
# TARGET (default 0.98, which the seed's models reach); plus hogbench's own defaults with the
# same target. 2 threads each, alternating, ROUNDS rounds. Writes results/peers-ml100k.csv (every
# engine; bench/peers/peer_rows.py's columns) and results/peers-ml100k-hogbench.csv. Not in CI.
# Usage: HOGBENCH_DATA=.../ml-100k bash bench/peers/run_ml100k.sh [ROUNDS=3] [TARGET=0.98]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}; target=${2:-0.98}
data=${HOGBENCH_DATA:?set HOGBENCH_DATA}
out=results/peers-ml100k.csv hb=results/peers-ml100k-hogbench.csv bin=${HB_BIN:-build/hogbench}
for r in $(seq 1 "$rounds"); do
    for m in mf mf_bias mlp; do
        "$bin" train --data "$data" --split u1 --model "$m" --preset seed --threads 2 --seed "$r" \
            --target rmse="$target" --quiet --out "$hb" >/dev/null
        /usr/bin/python3 bench/peers/torch_mf.py "$data" --model "$m" --optimizer nadam --lr 0.001 \
            --batch 128 --epochs 10 --dim 50 --threads 2 --seed "$r" --target "$target" \
            --preset seed --dataset ml-100k --notebook --out "$out" 2>/dev/null
        "$bin" train --data "$data" --split u1 --model "$m" --threads 2 --seed "$r" \
            --target rmse="$target" --quiet --out "$hb" >/dev/null
    done
done
/usr/bin/python3 bench/peers/peer_rows.py "$hb" >> "$out"
