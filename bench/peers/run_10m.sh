#!/usr/bin/env bash
# run_10m.sh: time to quality on 10M synthetic ratings, hogbench against LIBMF, same split, same
# machine, alternating (hogbench, LIBMF, hogbench, ...) so drift falls on both; 1 thread pinned to
# vCPU 0 (taskset -c 0), 2 threads unpinned.
#   data: 'hogbench data gen synthetic:users=100000,items=20000,ratings=10000000,zipf=1.0,seed=11'
#         cut 90/10 by bench/peers/make_split.sh (seed 0) into DIR (u1.base/u1.test, libmf.tr/te);
#   target: LIBMF's test RMSE after its 20 iterations (-k 64 -l2 0.05, defaults otherwise), +1%;
#   hogbench: mf, dim 64, its 10M configuration (chosen on a validation split carved from
#         u1.base, never the test: README "Time to quality on 10M ratings"), --target-stop;
#   LIBMF: bench/peers/libmf.py (training time from a run without -p, curve from a run with it).
# Writes results/peers-10m.csv (every engine, bench/peers/peer_rows.py's columns) and
# results/peers-10m-hogbench.csv (hogbench's own rows). Not in CI.
# HB_BIN names the hogbench binary (default build/hogbench; a copy keeps a rebuild from
# changing it mid-run).
# Usage: HB_LIBMF_DIR=/tmp/libmf bash bench/peers/run_10m.sh DIR [ROUNDS=3] [TARGET=0.5813]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:?split dir}; rounds=${2:-3}; target=${3:-0.5813}
out=results/peers-10m.csv hb=results/peers-10m-hogbench.csv bin=${HB_BIN:-build/hogbench}
: "${HB_LIBMF_DIR:?set HB_LIBMF_DIR to a built LIBMF checkout}"
hbcfg=(--model mf --dim 64 --optimizer adagrad-row --lr 0.15 --reg 0.02 --lr-decay 0.1
       --init uniform --init-std 0.13 --init-offset none)
for r in $(seq 1 "$rounds"); do
    for t in 1 2; do
        pin=(); [ "$t" = 1 ] && pin=(taskset -c 0)
        "${pin[@]}" "$bin" train --data "$dir" --split u1 --no-seed-filter "${hbcfg[@]}" \
            --threads "$t" --epochs 20 --target rmse="$target" --target-stop --eval-users 100 \
            --seed "$r" --quiet --out "$hb" | grep -E '^target'
        "${pin[@]}" /usr/bin/python3 bench/peers/libmf.py "$dir" --threads "$t" --target "$target" \
            --repeat "$r" --dataset synthetic-10m --out "$out" 2>/dev/null
    done
done
/usr/bin/python3 bench/peers/peer_rows.py "$hb" | sed 's/,\/tmp\/[^,]*,/,synthetic-10m,/' >> "$out"
