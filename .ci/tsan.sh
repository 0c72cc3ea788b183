#!/usr/bin/env bash
# tsan.sh: the race lane: builds the library and tests/tsan_blocked.c under ThreadSanitizer (clang,
# LLVM's OpenMP), then trains mf_bias and the MLP with 4 workers under --schedule blocked, the
# schedule meant to have no data race: any TSan report fails. libgomp is not TSan-instrumented and
# TSan cannot see its barriers, so the lane runs on libomp with its Archer tool (libarcher.so,
# loaded through OMP_TOOL_LIBRARIES), which reports OpenMP's synchronization (barriers, dynamic
# loop hand-out, reductions) to TSan; TSan ignores memory accesses inside the uninstrumented
# runtime itself (ignore_noninstrumented_modules). No suppression hides anything of hogbench's.
# First it checks that the lane can fail: 'tsan_blocked race' races on purpose and must be reported.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v clang >/dev/null || need+=(clang)
dpkg-query -W -f='${Status}' libomp-14-dev 2>/dev/null | grep -q 'install ok installed' ||
    need+=(libomp-14-dev)
if ((${#need[@]})); then
    echo "tsan.sh: installing ${need[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
bash .ci/deps.sh

build=${HB_TSAN_BUILD_DIR:-build-tsan}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHB_TSAN=ON -DHB_BUILD_TESTS=OFF \
    >/dev/null
cmake --build "$build" -j"$(nproc)" --target tsan_blocked

archer=""
for d in "$(dirname "$(clang -print-file-name=libomp.so)")" /usr/lib/llvm-*/lib; do
    [ -f "$d/libarcher.so" ] && { archer="$d/libarcher.so"; break; }
done
if [ -z "$archer" ]; then
    echo "tsan.sh: libarcher.so (LLVM OpenMP's TSan tool, package libomp-14-dev) not found" >&2
    exit 2
fi
libs=$(ldd "$build/tsan_blocked")
if ! grep -q 'libomp' <<<"$libs"; then
    echo "tsan.sh: tsan_blocked is not linked against LLVM's libomp" >&2
    exit 2
fi
export OMP_TOOL_LIBRARIES="$archer" ARCHER_OPTIONS="verbose=1"
export TSAN_OPTIONS="ignore_noninstrumented_modules=1 exitcode=66 history_size=4"
export OMP_WAIT_POLICY=passive

# 1. the lane must see a race: the deliberate one
log="$build/tsan-race.log"
rc=0
"$build/tsan_blocked" race >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 66 ] || ! grep -q 'WARNING: ThreadSanitizer: data race' "$log"; then
    cat "$log"
    echo "tsan.sh: the deliberate race was not reported (exit $rc): the lane cannot fail" >&2
    exit 1
fi
grep -q 'Archer detected OpenMP application with TSan' "$log" ||
    { cat "$log"; echo "tsan.sh: Archer is not active" >&2; exit 1; }
echo "tsan.sh: the deliberate race is reported (exit 66)"

# 2. the blocked schedule: no report
log="$build/tsan-blocked.log"
rc=0
"$build/tsan_blocked" >"$log" 2>&1 || rc=$?
grep '^tsan_blocked' "$log" || true
if [ "$rc" -ne 0 ] || grep -q 'WARNING: ThreadSanitizer' "$log"; then
    cat "$log"
    echo "tsan.sh: ThreadSanitizer reports a race in the blocked schedule (exit $rc)" >&2
    exit 1
fi
echo "tsan.sh: no race in the blocked schedule (4 threads: mf_bias sgd sorted and shuffled, nadam, mlp) nor in the bucketed shuffle"
