#!/usr/bin/env bash
# api.sh: the library as another program uses it: cmake --install into a throwaway prefix, then
# build tests/test_api.c against the installed headers and libhogbench through pkg-config (and
# a find_package(hogbench) consumer through the CMake package), and run it.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-${HB_BUILD_DIR:-build}}
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j"$(nproc)" --target hogbench_core hb_simd hogbench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name hogbench.pc -print -quit)
export PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# pkg-config: only the installed header is reachable (no -I into the source tree)
cc -std=c17 -Wall -Wextra -Werror -O2 -o "$tmp/test_api" tests/test_api.c \
    $(pkg-config --cflags hogbench criterion) $(pkg-config --libs hogbench criterion)
OMP_NUM_THREADS=2 OMP_WAIT_POLICY=passive "$tmp/test_api" --jobs 1

# the CMake package: find_package(hogbench) and link hogbench::hogbench
mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/CMakeLists.txt" <<'CMK'
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(hogbench 0.1 REQUIRED)
file(WRITE ${CMAKE_BINARY_DIR}/main.c [=[
#include <hogbench/hogbench.h>
#include <stdio.h>
int main(void) {
    hb_isa isa;
    if (hb_isa_parse("scalar", &isa) != 0 || !hb_isa_supported(isa)) return 1;
    printf("consumer: hogbench %s, best isa %s\n", HB_VERSION, hb_isa_name(hb_isa_best()));
    return 0;
}
]=])
add_executable(consumer ${CMAKE_BINARY_DIR}/main.c)
target_link_libraries(consumer PRIVATE hogbench::hogbench)
CMK
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
"$tmp/consumer/build/consumer"
echo "api.sh: the installed library builds and passes tests/test_api.c (pkg-config) and a CMake consumer"
