#!/usr/bin/env bash
# fresh_clone.sh: the README's promise, checked: the main job (bench/main.sh --quick) in a
# throwaway clone of the committed HEAD, with HOGBENCH_DATA unset and no ../shared, must exit 0,
# say which data it used and leave this machine's report. Two runs:
#   1. as a newcomer: no MovieLens folder; it tries the real download (with a network it then
#      runs on ML-100K, without one on synthetic data of its shape);
#   2. the download branch offline: a stand-in ML-100K archive (generated, not MovieLens) behind
#      a file:// URL with its MD5, which the job must fetch, check, unpack and run on (split u1).
# Usage: bash .ci/fresh_clone.sh   (~2-4 minutes on 2 cores: one build, two quick sweeps)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/hogbench-fresh.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
    echo "fresh_clone: note: uncommitted changes are not in the clone (it tests HEAD)"
git clone -q . "$tmp/hogbench"
cd "$tmp/hogbench"
if [ -e ../shared ]; then
    echo "fresh_clone: $tmp/shared exists: not a fresh place" >&2
    exit 1
fi
host=$(hostname -s)
report=results/sweep-$host-report
fail() {
    echo "fresh_clone: FAILED: $*" >&2
    tail -40 "$tmp/main.log" >&2
    exit 1
}

# 1. a newcomer's first command
start=$(date +%s)
env -u HOGBENCH_DATA -u HOGBENCH_FETCH_BASE bash bench/main.sh --quick >"$tmp/main.log" 2>&1 ||
    fail "bench/main.sh --quick exited $? in a fresh clone"
grep -E '^main.sh: data: ' "$tmp/main.log" || fail "the job did not say which data it used"
for f in report.html report.md; do
    [ -s "$report/$f" ] || fail "no $report/$f"
done
[ -s "results/sweep-$host.csv" ] || fail "no results/sweep-$host.csv"
echo "fresh_clone: 1. newcomer run: exit 0 and $report/report.html in $(($(date +%s) - start)) s"

# 2. the download branch, offline
if ! command -v python3 >/dev/null; then
    echo "fresh_clone: 2. skipped: python3 (to build the stand-in archive) is not installed"
    exit 0
fi
rm -rf data results/sweep-"$host"* results/probe-"$host"*
mirror=$tmp/mirror
mkdir -p "$mirror/src/ml-100k"
build/hogbench data gen synthetic:users=300,items=400,ratings=12000,seed=3 --format tsv \
    --out "$mirror/src/ml-100k/u.data" >/dev/null
awk -v d="$mirror/src/ml-100k" 'NR % 5 == 0 { print > (d "/u1.test"); next } { print > (d "/u1.base") }' \
    "$mirror/src/ml-100k/u.data"
(cd "$mirror/src" && python3 -c "import zipfile, os
z = zipfile.ZipFile('../ml-100k.zip', 'w')
for f in sorted(os.listdir('ml-100k')): z.write('ml-100k/' + f)
z.close()")
md5=$(md5sum "$mirror/ml-100k.zip" | cut -d' ' -f1)
start=$(date +%s)
env -u HOGBENCH_DATA HOGBENCH_FETCH_BASE="file://$mirror/" HOGBENCH_FETCH_MD5="$md5" \
    bash bench/main.sh --quick >"$tmp/main.log" 2>&1 || fail "the fetch run exited $?"
grep -q "^main.sh: data: MovieLens 100K at $tmp/hogbench/data/ml-100k, the notebook's split u1" "$tmp/main.log" ||
    fail "the job did not run on the fetched folder"
[ -s data/ml-100k/u1.base ] || fail "nothing unpacked into data/ml-100k"
[ -s "$report/report.html" ] || fail "no report after the fetch run"
grep -q ',ml-100k,u1,' "results/sweep-$host.csv" || fail "the rows are not on ml-100k u1"
echo "fresh_clone: 2. fetch run (file:// mirror, MD5 $md5): exit 0, split u1, report in $(($(date +%s) - start)) s"
