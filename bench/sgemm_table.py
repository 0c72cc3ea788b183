#!/usr/bin/env python3
"""sgemm_table.py: kernels_bench JSON (run with repetitions) -> one line per sgemm shape: GFLOP/s
per ISA and OpenBLAS, best of the repetitions and median, and our/OpenBLAS ratios.

Usage: sgemm_table.py BENCH.json [--markdown]
Names are sgemm/<isa>/<ta*2+tb>/<m>/<n>/<k>; NN is the MLP's dX = dZ W, NT its forward Z = X W^T,
TN its weight gradient dW += dZ^T X (beta 1). On a shared VM the best of many short interleaved
repetitions is the steadier figure (interference only ever slows a run down).
"""
import collections
import json
import statistics
import sys

KIND = {0: "NN dX", 1: "NT fwd", 2: "TN dW", 3: "TT"}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    md = "--markdown" in sys.argv[2:]
    runs = collections.defaultdict(lambda: collections.defaultdict(list))
    for b in json.load(open(sys.argv[1]))["benchmarks"]:
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        p = (b.get("run_name") or b["name"]).split("/")
        if p[0] != "sgemm" or len(p) < 6:
            continue
        runs[tuple(int(x) for x in p[2:6])][p[1]].append(b["GFLOP/s"])
    isas = ["scalar", "avx2", "avx512", "openblas"]
    if md:
        print("| product | m x n x k | " + " | ".join(i for i in isas) + " | avx512 / OpenBLAS | avx2 / OpenBLAS |")
        print("|---" * (len(isas) + 4) + "|")
    for key in sorted(runs, key=lambda k: (k[0], k[1], k[2], k[3])):
        v = runs[key]
        best = {i: max(v[i]) for i in isas if v.get(i)}
        med = {i: statistics.median(v[i]) for i in isas if v.get(i)}
        ob = best.get("openblas")
        r5 = best["avx512"] / ob if ob and "avx512" in best else float("nan")
        r2 = best["avx2"] / ob if ob and "avx2" in best else float("nan")
        shape = f"{key[1]} x {key[2]} x {key[3]}"
        if md:
            cells = " | ".join(f"{best[i]:.1f}" if i in best else "-" for i in isas)
            print(f"| {KIND[key[0]]} | {shape} | {cells} | {r5:.2f} | {r2:.2f} |")
        else:
            cells = " ".join(f"{i} {best.get(i, 0):6.1f} ({med.get(i, 0):6.1f})" for i in isas)
            print(f"{KIND[key[0]]:6s} {shape:16s} {cells}  avx512/ob {r5:4.2f} avx2/ob {r2:4.2f}")


if __name__ == "__main__":
    main()
