#!/usr/bin/env bash
# measure.sh: f32 against 16-bit embedding tables (--storage), one run alternating the variants
# (f32, bf16 nearest, bf16 stochastic, f16 nearest) so that a shared machine's drift hits them
# alike; one CSV row per run (results/SCHEMA.md), medians and ratios from bench/storage/table.py.
#
#   DATA=PATH|SPEC SPLIT=random:0.1 OUT=results/storage-25m.csv DIMS="64 128" THREADS="1 2"
#   REPS=3 EPOCHS=3 SCHEDULES=blocked [EXTRA="more train flags"] bash bench/storage/measure.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build}/hogbench
: "${DATA:?DATA=ratings file or synthetic spec}" "${OUT:?OUT=results CSV}"
SPLIT=${SPLIT:-random:0.1}
DIMS=${DIMS:-64 128}
THREADS=${THREADS:-1 2}
REPS=${REPS:-3}
EPOCHS=${EPOCHS:-3}
SCHEDULES=${SCHEDULES:-blocked}
EXTRA=${EXTRA:-}
variants=("--storage f32" "--storage bf16 --rounding nearest" "--storage bf16 --rounding stochastic"
          "--storage f16 --rounding nearest")
for rep in $(seq "$REPS"); do
    for sched in $SCHEDULES; do
        for dim in $DIMS; do
            for t in $THREADS; do
                for v in "${variants[@]}"; do
                    # NDCG over 200 sampled users: full ranking of every user would dominate
                    # the run; RMSE uses every test rating
                    # shellcheck disable=SC2086
                    "$bin" train --data "$DATA" --split "$SPLIT" --model mf --optimizer sgd \
                        --batch 1 --dim "$dim" --threads "$t" --epochs "$EPOCHS" \
                        --schedule "$sched" --eval-users 200 $v $EXTRA --quiet --out "$OUT" >/dev/null
                    echo "rep $rep $sched dim $dim threads $t $v"
                done
            done
        done
    done
done
