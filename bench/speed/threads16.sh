#!/usr/bin/env bash
# threads16.sh: issue #15's thread sweep on a many-core machine: 1..N threads on the 10M- and
# 25M-shaped synthetic sets, every model, one CSV row per run in results/threads-HOST.csv and
# its figures (plots/plot.sh, when gnuplot is there). Sized for one 10-minute command on a
# 16-core machine: the MF models (mf, mf_bias, mf_bias_bin, svdpp) 1 epoch at every thread
# count on both sets, the MLPs 1 epoch on the 10M set at 1,2,4,8,12,16 threads; dim 64; NDCG
# over 100 sampled users. It never downloads or installs anything (device machines have no
# network): it uses HB (default build/hogbench) if it runs, else builds with cmake.
#   [HB=build/hogbench] [THREADS=1-16] [MLP_THREADS=1,2,4,8,12,16] [SETS="10m 25m"]
#   [DIR=/tmp/hb-threads] [OUT=results/threads-HOST.csv] [SMALL=1] bash bench/speed/threads16.sh
# SMALL=1 shrinks both sets 25x (a check of the script on a small machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
host=$(hostname -s)
hb=${HB:-build/hogbench}
threads=${THREADS:-1-16} mlp_threads=${MLP_THREADS:-1,2,4,8,12,16}
sets=${SETS:-10m 25m} dir=${DIR:-/tmp/hb-threads} out=${OUT:-results/threads-$host.csv}
if ! "$hb" --version >/dev/null 2>&1; then
    echo "threads16.sh: $hb does not run here: building it (cmake, Release, no tests)"
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHB_BUILD_TESTS=OFF >/dev/null
    cmake --build build -j"$(nproc)" --target hogbench >/dev/null
    hb=build/hogbench
fi
"$hb" --version
spec() { # set name -> synthetic spec (the shapes of issue #15: 10M synthetic, ML-25M)
    local div=1
    [ "${SMALL:-0}" = 1 ] && div=25
    case "$1" in
        10m) echo "synthetic:users=$((100000 / div)),items=$((20000 / div)),ratings=$((10000000 / div)),zipf=1.0,seed=11" ;;
        25m) echo "synthetic:users=$((162541 / div)),items=$((59047 / div)),ratings=$((25000095 / div)),zipf=1.0,seed=11" ;;
        *) echo "threads16.sh: unknown set $1 (10m, 25m)" >&2; exit 2 ;;
    esac
}
mkdir -p "$dir" "$(dirname "$out")"
start=$(date +%s)
for s in $sets; do
    f=$dir/$s${SMALL:+-small}.csv
    if [ ! -f "$f" ]; then
        "$hb" data gen "$(spec "$s")" --out "$f"
        "$hb" data convert "$f" >/dev/null
    fi
    common=(--data "$f" --split random:0.1 --dims 64 --epochs 1 --eval-users 100 --quiet
            --out "$out")
    echo "threads16.sh: $s: mf, mf_bias, mf_bias_bin, svdpp at threads $threads ($(($(date +%s) - start)) s)"
    "$hb" sweep --models mf,mf_bias,mf_bias_bin,svdpp --threads "$threads" "${common[@]}" >/dev/null
    if [ "$s" = 10m ]; then
        echo "threads16.sh: $s: mlp, mlp_bin at threads $mlp_threads ($(($(date +%s) - start)) s)"
        "$hb" sweep --models mlp,mlp_bin --threads "$mlp_threads" "${common[@]}" >/dev/null
    fi
done
echo "threads16.sh: $out in $(($(date +%s) - start)) s"
if command -v gnuplot >/dev/null; then
    bash plots/plot.sh "$out"
else
    echo "threads16.sh: no gnuplot here: make the figures elsewhere with bash plots/plot.sh $out"
fi
