#!/usr/bin/env bash
# standard.sh: chooses the standard protocol's defaults (ML-100K u1..u5, no seed filter) on
# validation only: carves 10% of each uK.base (bench/peers/make_split.sh, seed K) into
# VAL/uK/{u1.base,u1.test}, runs every config line of CONFIGS (train flags) on the five, and
# prints each config's mean validation RMSE (sorted). u1.test..u5.test are never read.
# Usage: HOGBENCH_DATA=.../ml-100k bash bench/tune/standard.sh CONFIGS [VAL=/tmp/hbstd] [BUILD]
set -euo pipefail
cd "$(dirname "$0")/../.."
configs=${1:?a file of train flag lines}; val=${2:-/tmp/hbstd}; build=${3:-build}
data=${HOGBENCH_DATA:?set HOGBENCH_DATA}
. bench/tune/folds.sh
hb_folds "$val" "$data" "$build"
while IFS= read -r cfg; do
    [ -n "$cfg" ] && [ "${cfg:0:1}" != "#" ] || continue
    s=0
    for k in 1 2 3 4 5; do
        # shellcheck disable=SC2086
        r=$("$build/hogbench" train --data "$val/u$k" --split u1 --no-seed-filter $cfg --threads 1 \
            --quiet | sed -n 's/^rmse=\([0-9.]*\).*/\1/p')
        s=$(awk -v a="$s" -v b="$r" 'BEGIN { print a + b }')
    done
    awk -v s="$s" -v c="$cfg" 'BEGIN { printf "%.5f  %s\n", s / 5, c }'
done < "$configs" | sort -n
