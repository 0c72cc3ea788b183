#!/usr/bin/env bash
# plot.sh: a sweep's results (and learning curves) -> figures in plots/, PNG and SVG: thread
# scaling, updates/s per ISA normalised to scalar, RMSE and NDCG@10 vs embedding size, seconds
# per epoch vs embedding size, learning curves, time to target (rows with --target). Needs gnuplot
# (Debian: gnuplot-nox) and awk.
# Usage: bash plots/plot.sh results/NAME.csv [--curves CURVES.csv] [--out plots/PREFIX]
#        (default PREFIX: plots/NAME; figures are PREFIX-{scaling,isa,quality,epoch-time,curves,ttt})
#        bash plots/plot.sh --ttt-only results/peers-NAME.csv   (a peers file: the ttt figure)
set -euo pipefail
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
csv="" curves="" out="" ttt_only=0
while (($#)); do
    case "$1" in
        --curves) curves=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        --ttt-only) ttt_only=1; shift ;;
        -h|--help) usage ;;
        -*) echo "plot.sh: unknown option $1" >&2; usage ;;
        *) [ -z "$csv" ] || usage; csv=$1; shift ;;
    esac
done
[ -n "$csv" ] || usage
[ -f "$csv" ] || { echo "plot.sh: $csv: no such file" >&2; exit 1; }
[ -z "$curves" ] || [ -f "$curves" ] || { echo "plot.sh: $curves: no such file" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot.sh: needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
csv=$(realpath "$csv"); [ -z "$curves" ] || curves=$(realpath "$curves")
[ -n "$out" ] || out=plots/$(basename "$csv" .csv)
out=$(realpath -m "$out")
cd "$(dirname "$0")/.."
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
made=()
fig() { # name script
    gnuplot -e "dir='$tmp'; out='$out-$1'" "plots/$2"
    made+=("$out-$1.png" "$out-$1.svg")
}
if ((ttt_only)); then
    awk -v dir="$tmp" -f plots/csv.awk -f plots/ttt.awk "$csv"
    fig ttt ttt.gp
    printf 'plot.sh: %s\n' "${made[@]#$PWD/}"
    exit 0
fi
awk -v dir="$tmp" -f plots/csv.awk -f plots/sweep.awk "$csv"
if grep -q '^tmin=.*nthreads=1$' "$tmp/meta"; then
    echo "plot.sh: one thread count: no scaling figure" >&2
else
    fig scaling scaling.gp
fi
if [ -f "$tmp/isa.dat" ]; then fig isa isa.gp; else echo "plot.sh: no scalar rows: no ISA figure" >&2; fi
fig quality quality.gp
fig epoch-time epoch_time.gp
if head -1 "$csv" | grep -q seconds_to_target && awk -v dir="$tmp" -f plots/csv.awk -f plots/ttt.awk "$csv" \
    && [ -s "$tmp/ttt.dat" ]; then
    fig ttt ttt.gp
fi
if [ -n "$curves" ]; then
    awk -v dir="$tmp" -f plots/csv.awk -f plots/curves.awk "$curves" "$curves"
    if [ -s "$tmp/curve-models" ]; then fig curves curves.gp
    else echo "plot.sh: $curves holds no evaluated epoch: no curves figure" >&2; fi
fi
printf 'plot.sh: %s\n' "${made[@]#$PWD/}"
