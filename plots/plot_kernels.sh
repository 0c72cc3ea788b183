#!/usr/bin/env bash
# plot_kernels.sh: results/kernels-<host>.csv -> plots/kernels-<host>.{png,svg} (speed-up over scalar per kernel and size).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gnuplot >/dev/null || { echo "plot_kernels.sh: needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
shopt -s nullglob
csvs=("$@")
((${#csvs[@]})) || csvs=(results/kernels-*.csv)
((${#csvs[@]})) || { echo "plot_kernels.sh: no results/kernels-*.csv (run bench/run_kernels.sh)" >&2; exit 1; }
for csv in "${csvs[@]}"; do
    host=$(basename "$csv" .csv); host=${host#kernels-}
    gnuplot -e "csv='$csv'; out='plots/kernels-$host'" plots/kernels.gp
    echo "plot_kernels.sh: plots/kernels-$host.png plots/kernels-$host.svg"
done
