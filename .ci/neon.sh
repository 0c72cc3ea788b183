#!/usr/bin/env bash
# neon.sh: the aarch64 lane: cross-build the kernels and their plain test, run it under qemu-aarch64.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v cmake >/dev/null || need+=(cmake)
if ((${#need[@]})); then
    echo "neon.sh: installing ${need[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi

build=build-aarch64
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
    -DHB_KERNEL_TESTS_ONLY=ON -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j"$(nproc)"

# the NEON row must be present and run: a plain pass with NEON skipped would prove nothing
out=$(qemu-aarch64 -L /usr/aarch64-linux-gnu "$build/test_kernels_plain") || {
    echo "$out"
    echo "neon.sh: test_kernels_plain failed under qemu-aarch64" >&2
    exit 1
}
echo "$out"
if ! grep -q '^neon ' <<<"$out" || grep -q '^neon .*skipped' <<<"$out"; then
    echo "neon.sh: the NEON kernels did not run" >&2
    exit 1
fi
