#!/usr/bin/env bash
# make_split.sh: one split, exported once, for hogbench and its peers: a ratings file (or a
# synthetic spec, written by 'hogbench data gen') cut 90/10 by awk's rand() seeded by SEED (one
# draw per line: the same split for the same file and seed) into DIR/u1.base and DIR/u1.test (ML-100K's tab-separated layout: user item rating timestamp;
# hogbench reads DIR with --split u1 --no-seed-filter), plus DIR/libmf.tr and DIR/libmf.te
# (LIBMF's "user item rating" text).
# Usage: bash bench/peers/make_split.sh SPEC|FILE.tsv DIR [TEST_FRACTION=0.1] [SEED=0] [BUILD_DIR]
set -euo pipefail
src=${1:?spec or file}; dir=${2:?output dir}; frac=${3:-0.1}; seed=${4:-0}; build=${5:-build}
mkdir -p "$dir"
if [[ $src == synthetic* ]]; then
    "$build/hogbench" data gen "$src" --out "$dir/all.tsv" --format tsv >/dev/null
    src=$dir/all.tsv
fi
awk -v f="$frac" -v s="$seed" -v d="$dir" 'BEGIN { FS = "\t"; OFS = "\t"; srand(s) }
    NF >= 3 && $1 ~ /^[0-9]+$/ {
        ts = NF >= 4 ? $4 : 0
        if (rand() < f) { print $1, $2, $3, ts > (d "/u1.test"); print $1, $2, $3 > (d "/libmf.te") }
        else { print $1, $2, $3, ts > (d "/u1.base"); print $1, $2, $3 > (d "/libmf.tr") }
    }' "$src"
rm -f "$dir/all.tsv"
wc -l "$dir/u1.base" "$dir/u1.test"
