#!/usr/bin/python3
"""sweep_medians.py: the reference-sweep table of the README from a sweep CSV: per model, the best
median updates/s and its config, avx2/scalar and avx512/scalar (median over dims of 1-thread
runs) and 2 threads / 1 with avx512 (median over dims). Usage: sweep_medians.py SWEEP.csv"""
import csv, statistics as st, sys
rows = list(csv.DictReader(open(sys.argv[1])))
from collections import defaultdict
g = defaultdict(list)
for r in rows:
    if r['status'] != 'ok': continue
    g[(r['model'], int(r['dim']), int(r['threads']), r['isa'])].append(float(r['updates_per_second']))
med = {k: st.median(v) for k, v in g.items()}
for m in ['mf', 'mf_bias', 'mlp', 'mf_bias_bin', 'mlp_bin']:
    ks = [k for k in med if k[0] == m]
    best = max(ks, key=lambda k: med[k])
    dims = sorted({k[1] for k in ks})
    r2 = st.median([med[(m, d, 1, 'avx2')] / med[(m, d, 1, 'scalar')] for d in dims])
    r5 = st.median([med[(m, d, 1, 'avx512')] / med[(m, d, 1, 'scalar')] for d in dims])
    t = st.median([med[(m, d, 2, 'avx512')] / med[(m, d, 1, 'avx512')] for d in dims])
    print(f"| {m} | {med[best]/1e6:.3g} M (dim {best[1]}, {best[2]} thread{'s' if best[2]>1 else ''}, {best[3]}) | {r2:.1f}x | {r5:.1f}x | {t:.2f}x |")
