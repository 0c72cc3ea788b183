#!/usr/bin/env bash
# compare_demo.sh: the measurements behind README's "Regression gating in CI": results CSVs under
# results/compare/, then 'hogbench compare' on them.
#   noise [PAIRS]     PAIRS (default 11) pairs of runs of one build, interleaved (false alarms)
#   noise-seq [PAIRS] the same, each side run after the other (what drift does to that)
#   isa               the same configs with --isas scalar against the best ISA, interleaved
#   slow SLOWBIN      against a build configured with -DHB_TEST_SLOW_KERNEL=sgd_mf, interleaved
#   slow-kernel SLOWBIN  the same on the sgd_mf-heavy workload (WL=kernel)
#   report [PREFIX]   hogbench compare on every pair PREFIX-*-a.csv / -b.csv (default noise)
#   counts [PREFIX [compare flags]]  how many of those pairs and lines were flagged
# env: BIN (default build/hogbench), OUT (default results/compare), R (repetitions, default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-build/hogbench}
out=${OUT:-results/compare}
reps=${R:-5}
data="synthetic:users=1000,items=1500,ratings=150000"
mkdir -p "$out"

# Repetitions 1..UPTO of every config into FILE (sweep skips those FILE already holds). The
# mixed workload: three sweeps, epochs sized so each run trains for ~0.2-1 s. The kernel
# workload (WL=kernel): SGD batch 1 on tables that stay in cache, where the fused sgd_mf kernel
# is most of the time (~50-70% of an update).
side() { # BIN FILE UPTO [extra sweep flags]
    local b=$1 f=$2 upto=$3
    shift 3
    if [ "${WL:-mixed}" = kernel ]; then
        "$b" sweep --data synthetic:users=300,items=400,ratings=20000 --seed 1 --repeats "$upto" \
            --quiet --out "$f" --models mf_bias --optimizer sgd --batch 1 --dims 128,512 \
            --isas scalar,avx512 --threads 1 --epochs 100 "$@" >/dev/null
        return
    fi
    "$b" sweep --data "$data" --seed 1 --repeats "$upto" --quiet --out "$f" --models mf_bias \
        --threads 1,2 --epochs 20 "$@" >/dev/null
    "$b" sweep --data "$data" --seed 1 --repeats "$upto" --quiet --out "$f" --models mf_bias_bin \
        --threads 1 --epochs 5 "$@" >/dev/null
    "$b" sweep --data "$data" --seed 1 --repeats "$upto" --quiet --out "$f" --models mlp \
        --threads 1 --epochs 1 "$@" >/dev/null
}

# A and B one repetition at a time, in ABBA order, so that the machine's drift (other jobs,
# frequency) falls on both sides alike.
interleave() { # BIN_A FILE_A FLAGS_A BIN_B FILE_B FLAGS_B
    local r
    for r in $(seq 1 "$reps"); do
        if ((r % 2)); then
            side "$1" "$2" "$r" $3
            side "$4" "$5" "$r" $6
        else
            side "$4" "$5" "$r" $6
            side "$1" "$2" "$r" $3
        fi
    done
}

case "${1:-}" in
noise)
    for i in $(seq -w 1 "${2:-11}"); do
        interleave "$bin" "$out/noise-$i-a.csv" "" "$bin" "$out/noise-$i-b.csv" ""
        echo "compare_demo: pair $i done"
    done ;;
noise-seq)
    for i in $(seq -w 1 "${2:-11}"); do
        side "$bin" "$out/noise-seq-$i-a.csv" "$reps"
        side "$bin" "$out/noise-seq-$i-b.csv" "$reps"
        echo "compare_demo: pair $i done"
    done ;;
isa)
    interleave "$bin" "$out/isa-best.csv" "" "$bin" "$out/isa-scalar.csv" "--isas scalar" ;;
slow)
    interleave "$bin" "$out/slow-base.csv" "" "${2:?usage: compare_demo.sh slow SLOWBIN}" \
        "$out/slow-new.csv" "" ;;
slow-kernel)
    WL=kernel interleave "$bin" "$out/slowk-base.csv" "" \
        "${2:?usage: compare_demo.sh slow-kernel SLOWBIN}" "$out/slowk-new.csv" "" ;;
report)
    for a in "$out/${2:-noise}"-[0-9]*-a.csv; do
        echo "== ${a%-a.csv}: a vs b"
        "$bin" compare "$a" "${a%-a.csv}-b.csv" || echo "exit $?"
    done ;;
counts) # false alarms over the pairs PREFIX-*-a/b.csv under extra compare flags
    prefix=${2:-noise}
    shift $(($# < 2 ? $# : 2))
    pairs=0 flagged=0 lines=0 timing=0 acc=0
    for a in "$out/$prefix"-[0-9]*-a.csv; do
        set +e
        res=$("$bin" compare "$a" "${a%-a.csv}-b.csv" "$@")
        rc=$?
        set -e
        pairs=$((pairs + 1))
        ((rc == 0)) || flagged=$((flagged + 1))
        lines=$((lines + $(grep -c 'REGRESSED' <<<"$res" || true)))
        timing=$((timing + $(grep -c ' updates_per_second ' <<<"$res" || true)))
        acc=$((acc + $(grep -cE ' (rmse|mae|ndcg_at_10) ' <<<"$res" || true)))
    done
    echo "$prefix $*: $flagged of $pairs pairs exit non-zero; $lines REGRESSED lines" \
         "($timing timing and $acc accuracy lines compared)" ;;
*)
    sed -n '2,12p' "$0" >&2
    exit 2 ;;
esac
