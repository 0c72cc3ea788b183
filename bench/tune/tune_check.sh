#!/usr/bin/env bash
# tune_check.sh: 'hogbench tune' on data the code was not tuned on, against a hand-tuned setting.
# DATA (default: synthetic data of another shape, seed and planted rank than anything the
# defaults were chosen on) with MODEL (mf_bias): (1) the model's defaults; (2) hogbench tune,
# TRIALS trials on a validation split carved from train; (3) a hand grid of lr x reg x dim with
# the defaults' epochs, scored on the TEST split (an optimistic bound: tuned on the test itself).
# Rows go to OUT (results/tune-check.csv); the summary prints the three test RMSEs and the gaps.
# Usage: bash bench/tune/tune_check.sh [DATA] [MODEL] [TRIALS=12] [BUILD=build]
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-synthetic:users=4000,items=3000,ratings=400000,dim=16,seed=5,zipf=1.1}
model=${2:-mf_bias}; trials=${3:-12}; build=${4:-build}
out=${OUT:-results/tune-check.csv}
common=(--data "$data" --no-seed-filter --model "$model" --threads 2 --quiet --out "$out")
rmse() { sed -n 's/^rmse=\([0-9.]*\).*/\1/p'; }
d=$("$build/hogbench" train "${common[@]}" | rmse)
t=$("$build/hogbench" tune "${common[@]}" --trials "$trials" 2>/dev/null | tee /dev/stderr | rmse)
best=9 bestcfg=
for lr in 0.005 0.01 0.02; do for reg in 0.03 0.06 0.12; do for dim in 32 128; do
    r=$("$build/hogbench" train "${common[@]}" --lr $lr --reg $reg --dim $dim | rmse)
    if awk -v a="$r" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$r bestcfg="lr $lr reg $reg dim $dim"; fi
done; done; done
echo "tune_check: $model on $data: defaults $d, hogbench tune $t, hand grid on test $best ($bestcfg);" \
     "tune - hand = $(awk -v a="$t" -v b="$best" 'BEGIN { printf "%+.4f", a - b }')," \
     "defaults - hand = $(awk -v a="$d" -v b="$best" 'BEGIN { printf "%+.4f", a - b }')"
