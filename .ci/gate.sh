#!/usr/bin/env bash
# gate.sh: the deterministic regression lane: small fixed workloads (1 thread, fixed seed, fixed
# kernel table) under valgrind's cachegrind; their metrics must match results/baseline/gate.csv
# within 1e-6 and their instruction counts (Ir) stay within 2%, either way (Ir is checked only
# when the compiler is the baseline's). Timing noise cannot move either.
#
#   bash .ci/gate.sh [--refresh] [BUILD_DIR]    (BUILD_DIR default: $HB_BUILD_DIR, else build)
#
# --refresh reruns the workloads and rewrites the baseline (commit it with the change that
# moved it). HB_GATE_BASELINE=FILE compares against another file. Exit status: 0 pass (or
# skipped, with the reason), 1 a metric or Ir moved (either way), 2 setup error.
set -euo pipefail
cd "$(dirname "$0")/.."

refresh=0
build=${HB_BUILD_DIR:-build}
for a in "$@"; do
    case "$a" in
    --refresh) refresh=1 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "gate: unknown option $a" >&2; exit 2 ;;
    *) build=$a ;;
    esac
done
bin=$build/hogbench
baseline=${HB_GATE_BASELINE:-results/baseline/gate.csv}
ir_tol=2%      # instruction count, relative
metric_tol=1e-6 # rmse, mae, ndcg, final loss: absolute (the CSV holds 6 decimals)

# The workloads: name|train flags. Small enough for ~1 minute under cachegrind; avx2, because
# valgrind cannot run AVX-512; scalar for the reference table. Changing one changes its run
# key: refresh the baseline.
workloads=(
    "mf_bias-sgd-avx2|--data synthetic:users=300,items=400,ratings=20000 --model mf_bias --isa avx2 --epochs 10"
    "mf_bias-sgd-scalar|--data synthetic:users=300,items=400,ratings=20000 --model mf_bias --isa scalar --epochs 10"
    "mlp-nadam-avx2|--data synthetic:users=120,items=160,ratings=8000 --model mlp --hidden 32 --layers 2 --isa avx2 --epochs 3"
)
common=(--threads 1 --seed 1 --quiet)

[ -x "$bin" ] || { echo "gate: $bin not found: build first (cmake --build $build)" >&2; exit 2; }
if ! "$bin" isa | grep -q '^avx2 *supported'; then
    echo "gate: SKIPPED: this CPU (or build) cannot run the avx2 kernels the baseline uses"
    exit 0
fi
# One thread everywhere, no spinning OpenMP workers: Ir depends only on the work.
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
unset HOGBENCH_ISA OMP_PROC_BIND OMP_PLACES

have_vg=0
command -v valgrind >/dev/null && have_vg=1
if ((refresh && !have_vg)); then
    echo "gate: --refresh needs valgrind (apt-get install valgrind)" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/gate.csv
t0=$SECONDS
for w in "${workloads[@]}"; do
    name=${w%%|*}
    read -r -a flags <<<"${w#*|}"
    row=$work/$name.csv
    if ((have_vg)); then
        valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$work/$name.cg" \
            --log-file="$work/$name.vg" "$bin" train "${flags[@]}" "${common[@]}" --out "$row" \
            >"$work/$name.log" 2>&1 || { cat "$work/$name.log" "$work/$name.vg" >&2; echo "gate: $name failed" >&2; exit 2; }
        ir=$(awk '/^summary:/ {print $2}' "$work/$name.cg")
    else
        "$bin" train "${flags[@]}" "${common[@]}" --out "$row" >"$work/$name.log" 2>&1 ||
            { cat "$work/$name.log" >&2; echo "gate: $name failed" >&2; exit 2; }
        ir=""
    fi
    # the train row plus two columns: ir (instructions, whole process) and the tool
    [ -s "$out" ] || printf '%s,ir,ir_tool\n' "$(head -n 1 "$row")" >"$out"
    printf '%s,%s,%s\n' "$(sed -n 2p "$row")" "$ir" \
        "$( ((have_vg)) && valgrind --version || echo none)" >>"$out"
    echo "gate: $name: Ir ${ir:-(no valgrind)}"
done
echo "gate: workloads ran in $((SECONDS - t0)) s"

if ((refresh)); then
    mkdir -p "$(dirname "$baseline")"
    cp "$out" "$baseline"
    echo "gate: baseline rewritten: $baseline (commit it with the change that moved it)"
    exit 0
fi
[ -f "$baseline" ] || { echo "gate: $baseline missing: run bash .ci/gate.sh --refresh" >&2; exit 2; }

# The first data row's value of a column (a quote-aware CSV reader for mawk/gawk).
field() { # FILE COLUMN
    awk -v want="$2" '
    function split_csv(line, out,   n, i, c, f, q) {
        n = 0; f = ""; q = 0
        for (i = 1; i <= length(line); i++) {
            c = substr(line, i, 1)
            if (q) {
                if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { f = f c; i++ } else q = 0 }
                else f = f c
            } else if (c == "\"") q = 1
            else if (c == ",") { out[++n] = f; f = "" }
            else f = f c
        }
        out[++n] = f
        return n
    }
    NR == 1 { n = split_csv($0, h); for (i = 1; i <= n; i++) col[h[i]] = i; next }
    NR == 2 { split_csv($0, v); if (want in col) print v[col[want]]; exit }' "$1"
}

metrics="rmse,mae,ndcg_at_10,ndcg_at_100,final_loss"
tols="rmse=$metric_tol,mae=$metric_tol,ndcg_at_10=$metric_tol,ndcg_at_100=$metric_tol,final_loss=$metric_tol"
base_cc=$(field "$baseline" compiler)
new_cc=$(field "$out" compiler)
base_flags=$(field "$baseline" build_flags)
new_flags=$(field "$out" build_flags)
echo "gate: baseline built with $base_cc ($base_flags); this build: $new_cc ($new_flags)"
if ((!have_vg)); then
    echo "gate: Ir check SKIPPED: valgrind is not installed (apt-get install valgrind)"
elif [ "$base_cc" != "$new_cc" ]; then
    echo "gate: Ir check SKIPPED: instruction counts are only comparable for the same compiler" \
         "(baseline: $base_cc, this build: $new_cc); bash .ci/gate.sh --refresh on this" \
         "toolchain makes it the baseline"
else
    # flags are the project's own (CMakeLists.txt): a change of them is checked like any other
    [ "$base_flags" = "$new_flags" ] ||
        echo "gate: note: the C flags differ from the baseline's: Ir will show what they changed"
    metrics="$metrics,ir"
fi

set +e
"$bin" compare "$baseline" "$out" --metric "$metrics" --tolerance "$tols" --threshold "$ir_tol" \
    --require-all | tee "$work/compare.txt"
rc=${PIPESTATUS[0]}
set -e
if ((rc == 0)) && grep -qE '  improved($|:)' "$work/compare.txt"; then
    # a deterministic lane must match: a move the good way is a change too, and locking it in
    # keeps the next regression from hiding behind it
    echo "gate: FAIL: a metric or the instruction count moved the good way beyond the" \
         "tolerance; if intended, lock it in: bash .ci/gate.sh --refresh, and commit" \
         "$baseline with the change."
    exit 1
fi
if ((rc == 0)); then
    echo "gate: PASS"
    exit 0
fi
if ((rc == 1 || rc == 3)); then
    echo "gate: FAIL: a metric or the instruction count moved beyond the baseline" \
         "($baseline). If the change is intended, refresh it: bash .ci/gate.sh --refresh," \
         "and commit the new baseline with the change."
    exit 1
fi
echo "gate: compare failed (exit $rc)" >&2
exit 2
