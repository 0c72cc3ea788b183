#!/usr/bin/env bash
# main.sh: the README's main job: install what is missing, build, find MovieLens 100K (or fetch
# it), run the default sweep, draw its figures, probe this machine and write its report.
# Finishes in under 5 minutes on 2 cores.
#   data: $HOGBENCH_DATA, ./data/ml-100k or ../shared/data/ml-100k; else 'hogbench data fetch
#      ml-100k' into ./data (MD5 checked; needs a network); else synthetic data of ML-100K's
#      shape with a seeded random split, said so (its metrics are not MovieLens').
#   1. all five models x dims 16,32,64,128 x threads 1,max on the best ISA, test metrics every
#      2 epochs for the learning curves (split u1 on MovieLens);
#   2. every ISA (scalar, avx2, avx512 / neon) at dim 64, 1 thread, for the ISA figure (its
#      best-ISA runs are already in the file from step 1 and are skipped);
#   3. 'hogbench probe' (once per host: results/probe-HOST.json; HB_REPROBE=1 redoes it) and
#      'hogbench report' of the sweep against it: results/sweep-HOST-report/report.{html,md}.
# Rows go to results/sweep-HOST.csv (+ -curves.csv), figures to plots/sweep-HOST-*.{png,svg}.
# Rerunning resumes: finished runs are skipped; delete the CSVs for fresh numbers.
# Usage: bash bench/main.sh [--quick] [extra 'hogbench sweep' flags, e.g. --repeats 3]
#        --quick: dim 16 only, the ISA step on mf and mf_bias only, a quick probe (CI's
#        fresh-clone check: ~2 minutes with the build on 2 cores)
#        (env: HOGBENCH_DATA=ml-100k dir, HB_BUILD_DIR=build dir, default build; HB_NO_FETCH=1
#        skips the download; HOGBENCH_FETCH_BASE / HOGBENCH_FETCH_MD5 point it at a mirror)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [ "${1:-}" = "--quick" ]; then
    quick=1
    shift
fi
# curl + ca-certificates: the download; libhwloc-dev: the probe's topology (optional)
bash .ci/deps.sh gnuplot-nox curl ca-certificates unzip libhwloc-dev
build=${HB_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DHB_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target hogbench
hb=$build/hogbench

if [ -z "${HOGBENCH_DATA:-}" ]; then
    if [ -d data/ml-100k ]; then
        HOGBENCH_DATA="$(cd data/ml-100k && pwd)"
    elif [ -d ../shared/data/ml-100k ]; then
        HOGBENCH_DATA="$(cd ../shared/data/ml-100k && pwd)"
    elif [ "${HB_NO_FETCH:-0}" != 1 ]; then
        echo "main.sh: no MovieLens 100K folder here: fetching it into ./data (hogbench data fetch ml-100k)"
        md5=()
        [ -n "${HOGBENCH_FETCH_MD5:-}" ] && md5=(--md5 "$HOGBENCH_FETCH_MD5")
        if dir=$("$hb" data fetch ml-100k --dir data "${md5[@]}"); then
            HOGBENCH_DATA="$(cd "$dir" && pwd)"
        else
            echo "main.sh: the download failed (see above)"
        fi
    fi
fi
if [ -n "${HOGBENCH_DATA:-}" ]; then
    export HOGBENCH_DATA
    data=(--data "$HOGBENCH_DATA" --split u1)
    echo "main.sh: data: MovieLens 100K at $HOGBENCH_DATA, the notebook's split u1"
else
    data=(--data synthetic)
    echo "main.sh: data: NO MovieLens 100K (none found, none downloaded): using synthetic data of" \
        "ML-100K's shape (943 users x 1682 items, 100,000 ratings) with a seeded random 20% test" \
        "split; speeds are comparable, the RMSE and NDCG are not MovieLens'"
fi

host=$(hostname -s)
name=sweep-$host
out=results/$name.csv curves=results/$name-curves.csv
mkdir -p results
common=("${data[@]}" --eval-every 2 --out "$out" --curves "$curves")
dims=16,32,64,128 isa_dim=64 isa_models=all
if ((quick)); then # the scalar MLPs alone would take a minute
    dims=16 isa_dim=16 isa_models=mf,mf_bias
fi
start=$(date +%s)
"$hb" sweep --models all --dims "$dims" --threads 1,max --isas auto "${common[@]}" "$@"
"$hb" sweep --models "$isa_models" --dims "$isa_dim" --threads 1 --isas all "${common[@]}" "$@"
bash plots/plot.sh "$out" --curves "$curves"

probe=results/probe-$host.json
probe_flags=()
if ((quick)); then
    probe=results/probe-$host-quick.json
    probe_flags=(--quick)
fi
if [ ! -f "$probe" ] || [ "${HB_REPROBE:-0}" = 1 ]; then
    "$hb" probe "${probe_flags[@]}" --out "$probe"
else
    echo "main.sh: reusing $probe (HB_REPROBE=1 measures again)"
fi
report=results/$name-report
"$hb" report "$out" --probe "$probe" --out "$report" --title "hogbench main job on $host"
echo "main.sh: $out, $curves, plots/$name-*.{png,svg}, $probe and $report/report.html in" \
    "$(($(date +%s) - start)) s"
