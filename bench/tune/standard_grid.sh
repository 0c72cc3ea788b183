#!/usr/bin/env bash
# standard_grid.sh: the validation-only search behind the standard protocol's `mf_bias` defaults
# (src/params.c, hb_params_standard). The folds are standard.sh's: 10% of each of
# u1.base..u5.base (bench/peers/make_split.sh, seed K) held out as validation, linked as
# VAL/grid/uK.{base,test} so bench/tune/tune.py reads them as five ML-100K splits; each grid
# line prints the mean over the five validation folds of the best point of the averaged
# learning curve (checked every 10 epochs). u1.test..u5.test are never read.
# Usage: HOGBENCH_DATA=.../ml-100k bash bench/tune/standard_grid.sh [VAL=/tmp/hbstd] [BUILD]
set -euo pipefail
cd "$(dirname "$0")/../.."
val=${1:-/tmp/hbstd}; build=${2:-build}
data=${HOGBENCH_DATA:?set HOGBENCH_DATA}
. bench/tune/folds.sh
hb_folds "$val" "$data" "$build"
export THREADS=1
run() { python3 bench/tune/tune.py "$build/hogbench" "$val/grid" u1,u2,u3,u4,u5 mf_bias "no-seed-filter=on;$1" "$2" 10 | tail -6; }
# 1. SGD with small inits (the previous defaults: per-coordinate AdaGrad, uniform 0.13: 0.9094)
run "optimizer=sgd;lr=0.005,0.01;reg=0.04,0.06,0.08;reg-bias=0.01;dim=256;init=normal;init-std=0.02;lr-decay=0.02" 150
run "optimizer=sgd;lr=0.01;reg=0.08,0.1,0.12;reg-bias=0.01;dim=256,512;init=normal;init-std=0.01,0.02;lr-decay=0.02" 120
# 2. AdaGrad with the same small init (stopped after 2 configs: 0.9107 and 0.9138)
# run "optimizer=adagrad,adagrad-row;lr=0.03,0.1;reg=0.08,0.12;dim=256;init=normal;init-std=0.02" 120
# 3. wider and smaller: dim 1024, init std 0.005
run "optimizer=sgd;lr=0.01;reg=0.06,0.07,0.08;reg-bias=0.01;dim=1024;init=normal;init-std=0.005,0.01;lr-decay=0.02" 90
# 4. bias L2, decay, per-row L2
run "optimizer=sgd;lr=0.01;reg=0.07;reg-bias=0.001,0.03;dim=512;init=normal;init-std=0.01;lr-decay=0.02,0.05;reg-rows=off,on" 90
# 5. the neighbourhood of the best (chosen, the cheapest of the 0.9044 ties: dim 512, std 0.005,
#    reg 0.06, reg-bias 0.05, lr 0.01, decay 0.02, 50 epochs)
run "optimizer=sgd;lr=0.01;reg=0.06,0.07;reg-bias=0.03,0.05;dim=512,1024;init=normal;init-std=0.005;lr-decay=0.02" 80
