#!/usr/bin/env bash
# svdpp_probe.sh: runs bench/tune/svdpp_probe.c on the standard protocol's five validation folds
# (standard_grid.sh's VAL/grid) without and with SVD++'s implicit term, and prints the mean
# validation RMSE per checked epoch. u1.test..u5.test are never read.
# Usage: bash bench/tune/svdpp_probe.sh [VAL=/tmp/hbstd] [dim lr reg reg_bias reg_y epochs std decay]
set -euo pipefail
cd "$(dirname "$0")/../.."
val=${1:-/tmp/hbstd}; shift || true
args=${*:-256 0.01 0.08 0.01 1.0 60 0.01 0.02}
[ -s "$val/grid/u5.test" ] || { echo "run bench/tune/standard_grid.sh first (it makes $val/grid)" >&2; exit 2; }
bin=$(mktemp); trap 'rm -f "$bin"' EXIT
cc -std=c17 -O2 -o "$bin" bench/tune/svdpp_probe.c -lm
for imp in 0 1; do
    for k in 1 2 3 4 5; do
        # shellcheck disable=SC2086
        "$bin" "$val/grid/u$k.base" "$val/grid/u$k.test" $args "$imp" 1
    done | awk -v imp="$imp" '{ s[$1] += $2; n[$1]++; if ($1 > m) m = $1 } END {
        printf "%s:", imp ? "svd++    " : "biased mf"
        for (e = 1; e <= m; e++) if (e in s) printf " %d %.4f", e, s[e] / n[e]; print "" }'
done
