#!/usr/bin/env bash
# mpi_scaling.sh: distributed training's throughput, communication share, strong and weak
# scaling on this machine: mf_bias (dim 64, SGD batch 1, 3 epochs) on synthetic data, one
# row per run in results/mpi-scaling-HOST.csv (the MPI build: bash .ci/mpi.sh builds it).
#
#   bash bench/mpi_scaling.sh [BUILD_DIR]        (default build-mpi; REPEATS=3)
#
# strong: the issue's 10M-rating shape (100k users, 20k items, Zipf 1.0) on ranks x threads
#         1x1 1x2 2x1 2x2 4x1 4x2; weak: 2.5M ratings and 25k users per rank, 20k items, on
#         1, 2 and 4 ranks of 1 thread; mlp: 1M ratings (dim 32, batch 256, 2 epochs: the
#         dense allreduce after every block) on 1, 2 and 4 ranks of 1 thread. Every rank
#         generates the whole data set and keeps its share. Repeats are the outer loop. More ranks x threads than cores oversubscribe:
#         the rows record logical_cpus, so the tables can say by how much.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-mpi}
bin=$build/hogbench
reps=${REPEATS:-3}
out=results/mpi-scaling-$(hostname -s).csv
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to none)
[ -x "$bin" ] || { echo "mpi_scaling: $bin missing: bash .ci/mpi.sh builds it" >&2; exit 2; }
common=(--model mf_bias --dim 64 --optimizer sgd --batch 1 --epochs 3 --isa auto --eval-users 200
        --seed 1 --quiet --out "$out")
strong=synthetic:users=100000,items=20000,ratings=10000000,zipf=1.0
run() { # RANKS THREADS DATA [FLAGS...]: the last flags win
    local n=$1 t=$2 d=$3
    shift 3
    if ((n == 1)); then "$bin" train --data "$d" --threads "$t" "${common[@]}" "$@"
    else "${mpirun[@]}" -np "$n" "$bin" train --data "$d" --threads "$t" "${common[@]}" "$@"; fi |
        tail -n 1
}
for rep in $(seq "$reps"); do
    for rt in 1x1 1x2 2x1 2x2 4x1 4x2; do
        echo "strong, repeat $rep: ${rt/x/ ranks x } threads (load $(cut -d' ' -f1 /proc/loadavg))"
        run "${rt%x*}" "${rt#*x}" "$strong"
    done
    for n in 1 2 4; do
        echo "weak, repeat $rep: $n ranks x 1 thread (load $(cut -d' ' -f1 /proc/loadavg))"
        run "$n" 1 "synthetic:users=$((25000 * n)),items=20000,ratings=$((2500000 * n)),zipf=1.0"
    done
    for n in 1 2 4; do
        echo "mlp, repeat $rep: $n ranks x 1 thread (load $(cut -d' ' -f1 /proc/loadavg))"
        run "$n" 1 synthetic:users=10000,items=2000,ratings=1000000 --model mlp --dim 32 \
            --optimizer nadam --batch 256 --epochs 2
    done
done
echo "mpi_scaling: rows in $out"
