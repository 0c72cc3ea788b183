#!/usr/bin/env bash
# notebook_mf.sh: the validation-only search behind the notebook protocol's `mf` default
# (src/params.c, hb_params_default): bench/tune/mimic_split.py carves three u1-shaped folds from
# u1.base (u1.test is never read), bench/tune/tune.py runs each grid on them with one thread
# and prints the best mean validation RMSE per config (epoch = the best of the averaged curve).
# The grids are the ones run for the choice, in order (about 400 runs, ~8 min on a quiet core).
# Usage: HOGBENCH_DATA=.../ml-100k bash bench/tune/notebook_mf.sh [VAL=/tmp/hbmimic] [BUILD]
set -euo pipefail
cd "$(dirname "$0")/../.."
val=${1:-/tmp/hbmimic}; build=${2:-build}
data=${HOGBENCH_DATA:?set HOGBENCH_DATA}
[ -s "$val/u3.test" ] || python3 bench/tune/mimic_split.py "$data" "$val" 3 >/dev/null
export THREADS=1
run() { python3 bench/tune/tune.py "$build/hogbench" "$val" u1,u2,u3 mf "$1" "$2" 5 | tail -6; }
fixed='init=normal;init-offset=bias-dims'
# 1. AdaGrad-row (LIBMF's) against the old SGD defaults' neighbourhood
run "optimizer=adagrad-row;lr=0.03,0.1;reg=0.05,0.1,0.2;dim=128;init-offset=none,mean,bias-dims" 120
run "optimizer=sgd;lr=0.01;reg=0.1,0.15,0.2;dim=128;init=normal;init-std=0.1;init-offset=none,bias-dims;reg-rows=on,off;lr-decay=0,0.05" 150
# 2. the init's scale, dims, lr (the gain: std 0.1 -> 0.05 -> 0.02)
run "optimizer=sgd;lr=0.005,0.01,0.02;reg=0.05,0.08,0.1,0.12;dim=64,256,512;init-std=0.05,0.1;lr-decay=0.05;$fixed" 150
run "optimizer=sgd;lr=0.01;reg=0.08,0.1,0.12;dim=32,64,128;init-std=0.01,0.02,0.03;lr-decay=0.05;$fixed" 150
run "optimizer=sgd;lr=0.005,0.01,0.02;reg=0.06,0.08;dim=128,256;init-std=0.02;lr-decay=0,0.02,0.1;$fixed" 200
run "optimizer=adagrad-row;lr=0.02,0.05,0.1;reg=0.05,0.08,0.12;dim=128;init=normal;init-std=0.02;init-offset=bias-dims,mean" 150
run "optimizer=sgd;lr=0.01;reg=0.02,0.04,0.06;dim=128;init-std=0.02;lr-decay=0.02;reg-rows=on;$fixed" 150
# 3. the neighbourhood of the best (chosen: dim 512, std 0.015, reg 0.07, 130 epochs)
run "optimizer=sgd;lr=0.005;reg=0.07,0.08,0.09;dim=256,512;init-std=0.015,0.02,0.03;lr-decay=0.02;$fixed" 200
