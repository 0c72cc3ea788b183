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
#   seq-noise [N]     N (default 20) comparisons of one build against itself, each by
#                     'compare --rerun' (both sides rerun ABBA until the sequential test decides)
#   seq-slow SLOWBIN [N]  the same against a build with -DHB_TEST_SLOW_KERNEL=sgd_mf
#   seq-both SLOWBIN [N]  seq-noise and seq-slow alternated, comparison by comparison
#   seq-counts [PREFIX]   verdicts recomputed from the rows (compare --sequential), pairs and
#                     wall time of every PREFIX-NN comparison (default: seq-noise, then seq-slow)
# env: BIN (default build/hogbench), OUT (default results/compare), R (repetitions, default 5),
#      MAXREP (the --rerun bound, default 150), SEQ_FLAGS (more compare flags)
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

# The sequential experiments' workload: one mf_bias SGD config (batch 1, one thread), whose
# time is mostly the fused sgd_mf kernel; ~0.3 s of training per run.
seq_wl="train --data $data --model mf_bias --optimizer sgd --batch 1 --threads 1 --epochs 100 --seed 1 --quiet"
seq_run() { # PREFIX BIN_A BIN_B N [FIRST]
    local i f
    for i in $(seq -f %02g "${5:-1}" "$4"); do
        f=$out/$1-$i
        rm -f "$f-a.csv" "$f-b.csv"
        set +e
        "$bin" compare "$f-a.csv" "$f-b.csv" --rerun "$2 $seq_wl --out $f-a.csv" \
            "$3 $seq_wl --out $f-b.csv" --max-repeats "${MAXREP:-150}" ${SEQ_FLAGS:-} \
            >"$f.txt" 2>/dev/null
        echo "exit $?" >>"$f.txt"
        set -e
        echo "compare_demo: $1 $i: $(grep -E '^(rerun|compare: [A-Z])' "$f.txt" | tr '\n' ' ')"
    done
}

case "${1:-}" in
seq-noise)
    seq_run seq-noise "$bin" "$bin" "${2:-20}" ;;
seq-slow)
    seq_run seq-slow "$bin" "${2:?usage: compare_demo.sh seq-slow SLOWBIN [N]}" "${3:-20}" ;;
seq-both) # the two alternated, so that both meet the same hours of the machine
    for i in $(seq 1 "${3:-20}"); do
        seq_run seq-noise "$bin" "$bin" "$i" "$i"
        seq_run seq-slow "$bin" "${2:?usage: compare_demo.sh seq-both SLOWBIN [N]}" "$i" "$i"
    done ;;
seq-counts) # recomputed from the rows: the test's verdict depends only on their order
    for prefix in ${2:-seq-noise seq-slow}; do
        n=0 reg=0 ok=0 other=0 pairs=0 secs=0 pmin=999999 pmax=0
        for a in "$out/$prefix"-[0-9]*-a.csv; do
            f=${a%-a.csv}
            set +e
            res=$("$bin" compare "$a" "$f-b.csv" --sequential --metric updates_per_second \
                ${SEQ_FLAGS:-})
            set -e
            line=$(grep ' updates_per_second ' <<<"$res")
            p=$(sed -n 's/.*SPRT \([0-9]*\) pairs.*/\1/p' <<<"$line")
            s=$(sed -n 's/^rerun: .* in \([0-9.]*\) s .*/\1/p' "$f.txt")
            n=$((n + 1)) pairs=$((pairs + p))
            ((p < pmin)) && pmin=$p
            ((p > pmax)) && pmax=$p
            secs=$(awk -v a="$secs" -v b="${s:-0}" 'BEGIN { print a + b }')
            case "$line" in
            *REGRESSED*) reg=$((reg + 1)) ;;
            *' ok'* | *improved*) ok=$((ok + 1)) ;;
            *) other=$((other + 1)) ;;
            esac
            # the verdict recomputed from the rows is the one the run printed
            grep -qF -- "${line##*  }" "$f.txt" || echo "$f: recomputed verdict differs from $f.txt" >&2
        done
        echo "$prefix: $n comparisons: $reg REGRESSED, $ok ok/improved, $other undecided;" \
             "pairs per comparison $pmin..$pmax (mean $(awk -v p=$pairs -v n=$n 'BEGIN { printf "%.1f", p / n }'));" \
             "wall time $(awk -v s=$secs -v n=$n 'BEGIN { printf "%.0f s in all, %.1f s mean", s, s / n }')"
        # what the pairs themselves say: the change NEW/BASE over every pair of every comparison
        python3 - "$out/$prefix" <<'PY'
import csv, glob, math, statistics, sys
s = []
for a in sorted(glob.glob(sys.argv[1] + "-[0-9]*-a.csv")):
    rows = [[float(r["updates_per_second"]) for r in csv.DictReader(open(f, newline=""))]
            for f in (a, a[:-6] + "-b.csv")]
    s += [math.log(y / x) for x, y in zip(*rows)]
m, sd = statistics.mean(s), statistics.stdev(s)
print(f"  {len(s)} pairs: NEW/BASE geometric mean {math.exp(m) - 1:+.2%} "
      f"(95% CI {math.exp(m - 1.96 * sd / len(s) ** .5) - 1:+.2%} .. "
      f"{math.exp(m + 1.96 * sd / len(s) ** .5) - 1:+.2%}), pair sd {sd:.1%}")
PY
    done ;;
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
