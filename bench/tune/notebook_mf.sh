#!/usr/bin/env bash
# notebook_mf.sh: the validation-only search behind the notebook protocol's `mf` default
# (src/params.c, hb_params_default): bench/tune/mimic_split.py carves three u1-shaped folds from
# u1.base (u1.test is never read), bench/tune/tune.py runs each grid on them with one thread
# and prints the best mean validation RMSE per config (epoch = the best of the averaged curve).
# The grids are the ones run for the choice, in order (about 400 runs, ~8 min on a quiet core;
# rounds 4-5, LIBMF's recipe and then today's uniform-start SGD default, another ~110; a flag a
# grid does not give takes today's default, so a replay of rounds 1-3 can differ a little).
# Usage: HOGBENCH_DATA=.../ml-100k bash bench/tune/notebook_mf.sh [VAL=/tmp/hbmimic] [BUILD]
set -euo pipefail
cd "$(dirname "$0")/../.."
val=${1:-/tmp/hbmimic}; build=${2:-build}
data=${HOGBENCH_DATA:?set HOGBENCH_DATA}
[ -s "$val/u3.test" ] || python3 bench/tune/mimic_split.py "$data" "$val" 3 >/dev/null
export THREADS=1
run() { python3 bench/tune/tune.py "$build/hogbench" "$val" u1,u2,u3 mf "$1" "$2" "${3:-5}" | tail -6; }
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
# 4. LIBMF's recipe (issue #12's 0.9420 came from a LIBMF-like model): row-wise AdaGrad from
#    uniform(0, std), no offsets, no decay. Probes first (not part of the build):
#    bench/tune/als_probe.c (ALS-WR, exact per-row ridge solves: 0.9496 at best, early-stopped;
#    0.959-0.963 converged) and bench/tune/libmf_probe.c (LIBMF's solver, scalar: 0.9379, as
#    LIBMF's AVX build; one AdaGrad G per row, hogbench's adagrad-row: 0.9399-0.9402).
#    Best: std 0.01-0.015, reg 0.04-0.05, lr 0.015-0.02 (0.9374-0.9378, NDCG@10 0.026-0.042);
#    taken for the recipe in README: std 0.015, reg 0.05, lr 0.02, 50 epochs (0.9378 @ 49).
fixed4='optimizer=adagrad-row;init=uniform;lr-decay=0;dim=512'
run "$fixed4;init-std=0.03,0.0442,0.07;init-offset=none,bias-dims;reg=0.05,0.07;lr=0.02" 60 1
run "$fixed4;init-offset=none;init-std=0.015,0.02,0.03;reg=0.04,0.05;lr=0.02" 70 1
run "$fixed4;init-offset=none;init-std=0.005,0.01;reg=0.05;lr=0.015,0.02,0.03" 80 1
# 5. The recipe ranks badly (NDCG@10 0.038 on validation against the SGD defaults' 0.09; on u1
#    0.056-0.061, under the seed's 0.1130 that tests/test_accuracy.c holds the defaults to), so
#    the default is the best validation RMSE among runs whose validation NDCG@10 is >= 0.075
#    (u1's reads ~1.5x validation's for both configurations above): plain SGD from the same
#    uniform start (round 4's init without AdaGrad), no offsets. Chosen: dim 1024, std 0.015,
#    reg 0.04, lr 0.005, decay 0.02, 130 epochs (0.9399, NDCG@10 0.080).
fixed5='optimizer=sgd;init=uniform;init-offset=none;lr-decay=0.02'
run "$fixed5;dim=512;init-std=0.015;reg=0.05,0.07;lr=0.005,0.01" 150
run "$fixed5;dim=512;init-std=0.015;reg-rows=on;reg=0.02,0.04,0.06;lr=0.01" 150
run "$fixed5;dim=512;init-std=0.015;reg=0.03,0.04;lr=0.005,0.01" 250
run "$fixed5;dim=512;init-std=0.005,0.03,0.06;reg=0.04;lr=0.005" 200
run "$fixed5;dim=128,1024;init-std=0.015;reg=0.04;lr=0.005" 200
run "$fixed5;dim=1024;init-std=0.01,0.015,0.02;reg=0.03,0.04;lr=0.005" 200
