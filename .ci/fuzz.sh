#!/usr/bin/env bash
# fuzz.sh: the fuzzing lane: builds the libFuzzer targets with clang under ASan+UBSan, replays the
# committed reproducers, then fuzzes the ratings parser and the configuration parsers for a
# bounded time (FUZZ_SECONDS in all, default 60) from the committed seeds. Fails on any crash,
# leak, sanitizer report or timeout; the input that caused it is kept under $build/artifacts/
# (add it to tests/fuzz/reproducers/ as parse-NAME or config-NAME once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v clang >/dev/null || need+=(clang)
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q 'install ok installed' ||
    need+=(libclang-rt-14-dev)
dpkg-query -W -f='${Status}' libomp-14-dev 2>/dev/null | grep -q 'install ok installed' ||
    need+=(libomp-14-dev)
if ((${#need[@]})); then
    echo "fuzz.sh: installing ${need[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
bash .ci/deps.sh

build=${HB_FUZZ_BUILD_DIR:-build-fuzz}
total=${FUZZ_SECONDS:-60}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHB_BUILD_FUZZ=ON \
    -DHB_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_parse fuzz_config

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
art="$build/artifacts"
work="$build/fuzz-work"
rm -rf "$work"
mkdir -p "$art" "$work/parse" "$work/config"
cp tests/fuzz/seed_parse/* "$work/parse/"
cp tests/fuzz/seed_config/* "$work/config/"

# 1. the reproducers of every crash found so far: each must run clean
shopt -s nullglob
for f in tests/fuzz/reproducers/parse-*; do "$build/fuzz_parse" "$f" >/dev/null 2>&1 || {
    echo "fuzz.sh: reproducer $f fails again" >&2; "$build/fuzz_parse" "$f"; exit 1; }; done
for f in tests/fuzz/reproducers/config-*; do "$build/fuzz_config" -close_fd_mask=2 "$f" >/dev/null 2>&1 || {
    echo "fuzz.sh: reproducer $f fails again" >&2; "$build/fuzz_config" "$f"; exit 1; }; done

# 2. bounded fuzzing: two thirds of the time to the parser, a third to the config parsers
t_parse=$((total * 2 / 3))
t_config=$((total - t_parse))
jobs=$(nproc)
run() { # name seconds extra-flags...
    local name=$1 secs=$2
    shift 2
    local log="$build/fuzz-$name.log"
    echo "fuzz.sh: fuzz_$name for ${secs}s"
    if ! "$build/fuzz_$name" "$work/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$art/$name-" -print_final_stats=1 "$@" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz.sh: fuzz_$name found a failure; input under $art/" >&2
        exit 1
    fi
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$log" | sed "s/^/fuzz_$name /"
}
run parse "$t_parse" -max_len=65536
run config "$t_config" -close_fd_mask=2
echo "fuzz.sh: no crash in ${total}s (${jobs} CPUs)"
