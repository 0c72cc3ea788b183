#!/usr/bin/env bash
# issue15.sh: the speed bars of issue #15 in one run, the base build and the new one alternating
# (base, new, base, new, ...; ROUNDS rounds) so that drift on a shared machine falls on both.
# Each run appends its row to OUT/base.csv or OUT/new.csv; bench/speed/issue15_table.py prints
# the medians and ratios. Runs under `chrt -f 1` when allowed (a shared VM's other load then
# cannot take the core mid-run; say so in the report), else plainly.
#   HOGBENCH_DATA=... BASE=/path/hogbench NEW=build/hogbench [ROUNDS=5] [OUT=results/speed-15]
#     [WORKLOADS="mf_bias_lazy_1t mf_bias_lazy_2t"]
#     bash bench/speed/issue15.sh
# Workloads (ML-100K u1, the notebook protocol):
#   mlp_seed        mlp --preset seed (dense Nadam, batch 128: one worker, Keras' order)
#   mlp_lazy_2t     mlp --preset seed --nadam lazy --threads 2
#   mf_bias_seed    mf_bias --preset seed (dense Nadam)
#   mf_bias_lazy_1t mf_bias --preset seed --nadam lazy --threads 1
#   mf_bias_lazy_2t mf_bias --preset seed --nadam lazy --threads 2
#   mf_bias_1t / mf_bias_2t   mf_bias defaults (SGD batch 1), 1 and 2 threads
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${HOGBENCH_DATA:?set HOGBENCH_DATA to the ml-100k folder}"
base=${BASE:?BASE=the old hogbench binary} new=${NEW:-build/hogbench}
rounds=${ROUNDS:-5} out=${OUT:-results/speed-15}
mkdir -p "$out"
pre=()
if chrt -f 1 true 2>/dev/null; then pre=(chrt -f 1); fi
declare -A W=(
    [mlp_seed]="--model mlp --preset seed"
    [mlp_lazy_2t]="--model mlp --preset seed --nadam lazy --threads 2"
    [mf_bias_seed]="--model mf_bias --preset seed"
    [mf_bias_lazy_1t]="--model mf_bias --preset seed --nadam lazy --threads 1"
    [mf_bias_lazy_2t]="--model mf_bias --preset seed --nadam lazy --threads 2"
    [mf_bias_1t]="--model mf_bias --threads 1"
    [mf_bias_2t]="--model mf_bias --threads 2"
)
names=(mlp_seed mlp_lazy_2t mf_bias_seed mf_bias_lazy_1t mf_bias_lazy_2t mf_bias_1t mf_bias_2t)
# WORKLOADS="a b": only those (e.g. more rounds of the two lazy ones)
if [ -n "${WORKLOADS:-}" ]; then
    read -r -a names <<<"$WORKLOADS"
    for n in "${names[@]}"; do [ -n "${W[$n]:-}" ] || { echo "issue15: no workload $n" >&2; exit 2; }; done
fi
echo "issue15: ${#names[@]} workloads x $rounds rounds x 2 builds${pre:+ under ${pre[*]}}" >&2
for r in $(seq 1 "$rounds"); do
    for n in "${names[@]}"; do
        for b in base new; do
            bin=$base; [ "$b" = new ] && bin=$new
            # shellcheck disable=SC2086
            "${pre[@]}" "$bin" train ${W[$n]} --seed 1 --quiet --out "$out/$b.csv" >/dev/null
        done
    done
    echo "issue15: round $r/$rounds done" >&2
done
/usr/bin/python3 bench/speed/issue15_table.py "$out"
