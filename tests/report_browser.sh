#!/usr/bin/env bash
# report_browser.sh: 'hogbench report' on the committed reference results (results/report/),
# loaded in headless Chromium: the DOM the browser builds must hold every table cell the file
# has, every table must have rows, values recomputed here from the CSV must be there, and a
# screenshot must not be blank. Exits 77 (ctest: skipped) with a message without Chromium.
# Usage: report_browser.sh HOGBENCH SOURCE_DIR PNG_STATS
set -euo pipefail
hb=$1 src=$2 png_stats=${3:-}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "report_browser: SKIPPED: no Chromium (Debian: apt-get install chromium; .ci/run installs it)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
csv=$src/results/reference-sweep.csv probe=$src/results/report/probe-vm.json
"$hb" report "$csv" --probe "$probe" --baseline scalar --out "$tmp/r" \
    --title "hogbench reference: this VM's scalar, avx2 and avx512 kernels as three machines"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions)
"$browser" "${flags[@]}" --dump-dom "file://$tmp/r/report.html" >"$tmp/dom.html" 2>"$tmp/err.txt" || {
    cat "$tmp/err.txt"
    exit 1
}
fail=0
die() {
    echo "report_browser: $*"
    fail=1
}
# 1. every table cell of the file, as the browser parsed it (same count, same texts)
grep -o '<td[^>]*>[^<]*</td>' "$tmp/r/report.html" | sed 's/<td[^>]*>//; s/<\/td>//' | sort >"$tmp/file.txt"
grep -o '<td[^>]*>[^<]*</td>' "$tmp/dom.html" | sed 's/<td[^>]*>//; s/<\/td>//' | sort >"$tmp/dom.txt"
n=$(wc -l <"$tmp/file.txt")
[ "$n" -gt 500 ] || die "only $n table cells in the report"
cmp -s "$tmp/file.txt" "$tmp/dom.txt" || die "the DOM's table cells differ from the file's: $(diff "$tmp/file.txt" "$tmp/dom.txt" | head -5)"
# 2. every table filled: no empty cell, no table without body rows, the sections' tables all there
grep -q '<td[^>]*></td>' "$tmp/dom.html" && die "an empty table cell"
tables=$(grep -o '<table>' "$tmp/dom.html" | wc -l)
bodies=$(tr -d '\n' <"$tmp/dom.html" | grep -o '<tbody><tr>' | wc -l)
[ "$tables" -ge 12 ] || die "$tables tables (expected machines, limits, 5 models, scaling, ISA, roofline, parity, ...)"
[ "$tables" = "$bodies" ] || die "$tables tables but $bodies with rows"
figs=$(grep -o '<svg' "$tmp/dom.html" | wc -l)
[ "$figs" -ge 7 ] || die "$figs figures (expected 5 scaling, 1 ISA, 1 roofline)"
# 3. values recomputed here from the CSV, by column name: the median updates/s of mf, dim 16,
#    1 thread per ISA, their ratio to scalar, and the median test RMSE of that config on scalar
medians=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["model"] == "mf" && $c["dim"] == 16 && $c["threads"] == 1 && $c["status"] == "ok" {
        print $c["isa"], $c["updates_per_second"], $c["rmse"] }' "$csv" | sort -k1,1 -k2,2n |
    awk '{ u[$1, ++n[$1]] = $2; r[$1, n[$1]] = $3 }
        END { for (k in n) { m = int((n[k] + 1) / 2); print k, u[k, m], r[k, m] } }')
scalar_ups=$(awk '$1 == "scalar" { print $2 }' <<<"$medians")
[ -n "$scalar_ups" ] || die "no scalar mf dim 16 rows in $csv"
while read -r isa ups rmse; do
    ratio=$(awk -v a="$ups" -v b="$scalar_ups" 'BEGIN { printf "×%.2f", a / b }')
    grep -q "$ratio" "$tmp/dom.html" || die "$isa: ratio $ratio (from the CSV) not in the report"
    grep -q "$rmse" "$tmp/dom.html" || die "$isa: median RMSE $rmse (from the CSV) not in the report"
done <<<"$medians"
# 4. a screenshot that is not blank: many colours, a good share of non-white pixels
"$browser" "${flags[@]}" --window-size=1400,3000 --screenshot="$tmp/shot.png" "file://$tmp/r/report.html" \
    >/dev/null 2>&1 || die "no screenshot"
if [ -n "$png_stats" ] && [ -x "$png_stats" ]; then
    read -r w h colours permille < <("$png_stats" "$tmp/shot.png")
    echo "report_browser: screenshot ${w}x$h, $colours colours, $permille per mille not white"
    [ "$colours" -ge 32 ] && [ "$permille" -ge 20 ] || die "the screenshot looks blank"
else
    echo "report_browser: no png_stats (libpng-dev missing): screenshot only checked to exist"
    [ -s "$tmp/shot.png" ] || die "empty screenshot"
fi
((fail == 0)) && echo "report_browser: ok: $n cells, $tables tables, $figs figures rendered by $("$browser" --version 2>/dev/null)"
exit $fail
