#!/usr/bin/env bash
# reference_report.sh: rewrites the committed reference report, results/report/, from the
# reference sweep (results/reference-sweep.csv: this VM's scalar, avx2 and avx512 kernel tables,
# three "machines") and this VM's probe (results/report/probe-vm.json; PROBE=1 measures it again
# first). tests/report_browser.sh renders the same report in headless Chromium.
# Usage: [PROBE=1] bash bench/reference_report.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
probe=results/report/probe-vm.json
if [ "${PROBE:-0}" = 1 ]; then
    "$build/hogbench" probe --out "$probe"
fi
"$build/hogbench" report results/reference-sweep.csv --probe "$probe" --baseline scalar \
    --out results/report \
    --title "hogbench reference: this VM's scalar, avx2 and avx512 kernels as three machines"
