#!/usr/bin/env python3
"""bench_to_csv.py: kernels_bench JSON -> results/kernels-<host>.csv with the speed-up over scalar per kernel and size.

Usage: bench_to_csv.py BENCH.json [-o OUT.csv] [--host NAME]
Benchmarks are named <op>/<isa>/<size...> (isa may be "openblas"). With repetitions, the median
aggregate is used; otherwise the single run. Failed or skipped benchmarks (ISA missing) are left out.
"""
import argparse
import csv
import json
import os
import sys

FIELDS = ["op", "isa", "shape", "m", "n", "shape_rank", "cpu_ns", "real_ns", "gflops", "gbps",
          "speedup_vs_scalar", "host", "date", "git_sha", "best_isa", "compiler", "c_flags",
          "openblas", "num_cpus", "mhz_per_cpu"]
OPS = ["dot", "axpy", "sgd", "sgd_mf", "nadam", "gemv", "gemv_t", "ger", "sgemm"]
ISAS = ["scalar", "avx2", "avx512", "neon", "openblas"]


def to_ns(value, unit):
    return value * {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]


def load_rows(doc):
    """One row per (op, isa, shape): the median aggregate if present, else the plain run."""
    plain, median = {}, {}
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        name = b.get("run_name") or b["name"]
        parts = name.split("/")
        if len(parts) < 3:
            continue
        op, isa, dims = parts[0], parts[1], [int(p) for p in parts[2:]]
        key = (op, isa, tuple(dims))
        kind = b.get("run_type", "iteration")
        if kind == "aggregate":
            if b.get("aggregate_name") == "median":
                median[key] = b
        elif key not in plain:  # first repetition when aggregates are not reported
            plain[key] = b
    picked = dict(plain)
    picked.update(median)
    return picked


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json")
    ap.add_argument("-o", "--out", help="output CSV (default results/kernels-<host>.csv)")
    ap.add_argument("--host", help="host name for the file and rows (default: the JSON context's)")
    args = ap.parse_args()

    with open(args.json) as f:
        doc = json.load(f)
    ctx = doc.get("context", {})
    host = args.host or ctx.get("host_name", "unknown")
    out = args.out or os.path.join("results", f"kernels-{host}.csv")

    rows = load_rows(doc)
    if not rows:
        sys.exit(f"bench_to_csv: no usable benchmarks in {args.json}")
    # shape ranks per op (the x axis of the plot): sorted (m, n)
    shapes = {}
    for op, _, dims in rows:
        shapes.setdefault(op, set()).add(dims)
    rank = {op: {d: i for i, d in enumerate(sorted(s))} for op, s in shapes.items()}

    out_rows = []
    for (op, isa, dims), b in rows.items():
        ns = to_ns(b["cpu_time"], b.get("time_unit", "ns"))
        scalar = rows.get((op, "scalar", dims))
        speedup = to_ns(scalar["cpu_time"], scalar.get("time_unit", "ns")) / ns if scalar else ""
        # sgemm: (ta * 2 + tb, m, n, k)
        m, n = (dims[0], dims[1]) if len(dims) == 2 else (dims[1], dims[2]) if len(dims) == 4 else (1, dims[0])
        out_rows.append({
            "op": op, "isa": isa, "shape": "x".join(str(d) for d in dims), "m": m, "n": n,
            "shape_rank": rank[op][dims], "cpu_ns": f"{ns:.4g}",
            "real_ns": f"{to_ns(b['real_time'], b.get('time_unit', 'ns')):.4g}",
            "gflops": f"{b.get('GFLOP/s', 0):.4g}", "gbps": f"{b.get('GB/s', 0):.4g}",
            "speedup_vs_scalar": f"{speedup:.3f}" if speedup != "" else "",
            "host": host, "date": ctx.get("date", ""), "git_sha": ctx.get("git_sha", ""),
            "best_isa": ctx.get("best_isa", ""), "compiler": ctx.get("compiler", ""),
            "c_flags": ctx.get("c_flags", ""), "openblas": ctx.get("openblas", ""),
            "num_cpus": ctx.get("num_cpus", ""), "mhz_per_cpu": ctx.get("mhz_per_cpu", ""),
        })

    def order(r):
        op_i = OPS.index(r["op"]) if r["op"] in OPS else len(OPS)
        isa_i = ISAS.index(r["isa"]) if r["isa"] in ISAS else len(ISAS)
        return (op_i, r["op"], isa_i, r["isa"], r["shape_rank"])

    out_rows.sort(key=order)  # each (op, isa) series contiguous: gnuplot draws it as one line
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(out_rows)
    os.replace(tmp, out)
    print(f"bench_to_csv: {len(out_rows)} rows -> {out}")


if __name__ == "__main__":
    main()
