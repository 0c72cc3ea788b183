#!/usr/bin/env python3
"""probe_table.py: the README's table of a 'hogbench probe' profile (JSON) as Markdown.
Usage: python3 bench/probe_table.py results/report/probe-vm.json"""
import json
import sys


def main(path):
    p = json.load(open(path))
    n = p["threads_all"]
    s = {(r["kernel"], r["threads"]): r["gb_per_s"] for r in p["stream"]["results"]}
    f = {(r["isa"], r["threads"]): r["gflops"] for r in p["fma"]}
    g = p["gather"]["results"]
    print(f"| limit ({p['machine']['cpu_model']}, {n} threads; probe took {p['seconds']:.1f} s) | 1 thread | {n} threads |")
    print("|---|---|---|")
    for k in ("copy", "triad"):
        mib = p["stream"]["array_bytes"] / 2**20
        print(f"| STREAM {k}, 3 x {mib:.0f} MiB arrays ({p['stream']['level']}) | {s[(k, 1)]:.1f} GB/s | {s.get((k, n), float('nan')):.1f} GB/s |")
    for isa in dict.fromkeys(r["isa"] for r in p["fma"]):
        print(f"| peak multiply-add, {isa} | {f[(isa, 1)]:.1f} GFLOP/s | {f.get((isa, n), float('nan')):.1f} GFLOP/s |")
    for r in g:
        if r["row_bytes"] != 256 or r["threads"] != 1:
            continue
        other = next((x for x in g if x["row_bytes"] == 256 and x["threads"] == n
                      and x["table_bytes"] == r["table_bytes"]), None)
        kib = r["table_bytes"] / 1024
        size = f"{kib / 1024:.0f} MiB" if kib >= 1024 else f"{kib:.0f} KiB"
        both = f"{other['update_rows_per_s'] / 1e6:.0f} M/s" if other else "—"
        print(f"| random 256-B row updates, {size} table ({r['level']}) | {r['update_rows_per_s'] / 1e6:.0f} M/s | {both} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results/report/probe-vm.json")
