#!/usr/bin/env bash
# svdpp_grid.sh: the validation-only search behind the standard protocol's `svdpp` defaults
# (src/params.c, hb_params_standard), on standard_grid.sh's five validation folds (10% of each
# of u1.base..u5.base held out, bench/peers/make_split.sh seed K); each grid line prints the
# mean over the five folds of the best point of the averaged learning curve (every 10 epochs).
# u1.test..u5.test are never read.
# Usage: HOGBENCH_DATA=.../ml-100k bash bench/tune/svdpp_grid.sh [VAL=/tmp/hbstd] [BUILD] [ROUND]
set -euo pipefail
cd "$(dirname "$0")/../.."
val=${1:-/tmp/hbstd}; build=${2:-build}; round=${3:-all}
data=${HOGBENCH_DATA:?set HOGBENCH_DATA}
. bench/tune/folds.sh
hb_folds "$val" "$data" "$build"
export THREADS=1
run() { python3 bench/tune/tune.py "$build/hogbench" "$val/grid" u1,u2,u3,u4,u5 svdpp "no-seed-filter=on;$1" "$2" 10 | tail -6; }
# 1. the probe's settings (bench/tune/svdpp_probe.sh, reg_y -0.08), and mf_bias's small init
if [[ $round == all || $round == 1 ]]; then
    run "lr=0.01;lr-decay=0.02;reg=0.08;reg-bias=0.01;dim=256,512;init-std=0.01,0.005" 60
fi
# 2. around the best of 1 (dim 512, init std 0.01: 0.8984 at 40 epochs): reg, reg-bias, std, lr
if [[ $round == all || $round == 2 ]]; then
    run "lr=0.01;lr-decay=0.02;reg=0.07,0.09;reg-bias=0.01;dim=512;init-std=0.01" 60
    run "lr=0.01;lr-decay=0.02;reg=0.08;reg-bias=0.05;dim=512;init-std=0.01,0.02" 60
    run "lr=0.015;lr-decay=0.02;reg=0.08;reg-bias=0.01;dim=512;init-std=0.01" 60
fi
# 3. reg-bias 0.05 (best of 2: std 0.02 0.8978 at 30, std 0.01 0.8979 at 40), curves every 5
if [[ $round == all || $round == 3 ]]; then
    run5() { python3 bench/tune/tune.py "$build/hogbench" "$val/grid" u1,u2,u3,u4,u5 svdpp "no-seed-filter=on;$1" "$2" 5 | tail -6; }
    run5 "lr=0.01;lr-decay=0.02;reg=0.07,0.08;reg-bias=0.05,0.1;dim=512;init-std=0.02" 50
fi
