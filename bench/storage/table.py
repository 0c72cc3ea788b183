#!/usr/bin/env python3
"""table.py: medians of updates/s and test RMSE per (schedule, dim, threads, storage, rounding)
from bench/storage/measure.sh's CSV; each 16-bit variant's speed against f32 as the median (and
range) of its per-round ratios (round k's run against round k's f32 run, which ran next to it:
on a shared machine the pairing cancels most of the drift), and its RMSE difference.
Usage: table.py RESULTS.csv [...]"""
import csv
import statistics
import sys
from collections import defaultdict

rows = []
for path in sys.argv[1:]:
    with open(path, newline="") as f:
        rows += [r for r in csv.DictReader(f) if r.get("status") == "ok"]
groups = defaultdict(list)
for r in rows:
    key = (r["dataset"][:60], r["schedule"], int(r["dim"]), int(r["threads"]))
    groups[key].append(r)
print("| data | schedule | dim | threads | storage | runs | updates/s (median) | x f32 (paired: median [min..max]) | test RMSE (median) | - f32 |")
print("|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(groups):
    by = defaultdict(list)
    for r in groups[key]:
        name = r["storage"] + ("" if r["storage"] == "f32" else "-" + ("sr" if r["rounding"] == "stochastic" else "rne"))
        by[name].append(r)
    if "f32" not in by:
        continue
    ups32 = statistics.median(float(r["updates_per_second"]) for r in by["f32"])
    rm32 = statistics.median(float(r["rmse"]) for r in by["f32"])
    for name in ["f32", "bf16-rne", "bf16-sr", "f16-rne", "f16-sr"]:
        if name not in by:
            continue
        ups = statistics.median(float(r["updates_per_second"]) for r in by[name])
        rm = statistics.median(float(r["rmse"]) for r in by[name])
        base = {r["repeat"]: float(r["updates_per_second"]) for r in by["f32"]}
        ratios = sorted(float(r["updates_per_second"]) / base[r["repeat"]]
                        for r in by[name] if r["repeat"] in base)
        rt = f"{statistics.median(ratios):.2f} [{ratios[0]:.2f}..{ratios[-1]:.2f}]" if ratios else "-"
        print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {name} | {len(by[name])} | "
              f"{ups / 1e6:.2f} M | {rt} | {rm:.4f} | {rm - rm32:+.4f} |")
