#!/usr/bin/python3
"""issue15_table.py DIR: medians of updates/s per workload for DIR/base.csv and DIR/new.csv
(bench/speed/issue15.sh), the new/base ratio of the medians and the median of the paired ratios (round k's new run over
round k's base run, which ran just before it), the test RMSE of each side, and new's 2-thread
over 1-thread ratio for the mf_bias defaults. A workload is recognised by its columns."""
import csv, statistics, sys


def key(r):
    m, pre, t = r['model'], r['preset'], r['threads']
    if pre == 'seed':
        lazy = r.get('nadam') == 'lazy'
        return f"{m}_{'lazy_' + t + 't' if lazy else 'seed'}"
    return f'{m}_{t}t'


def load(path):
    out = {}
    for r in csv.DictReader(open(path)):
        if r.get('status', 'ok') != 'ok':
            continue
        out.setdefault(key(r), []).append(r)
    return out


d = sys.argv[1]
base, new = load(f'{d}/base.csv'), load(f'{d}/new.csv')
med = lambda rows, c: statistics.median(float(x[c]) for x in rows)
print(f"{'workload':18} {'n':>3} {'base upd/s':>12} {'new upd/s':>12} {'new/base':>9} {'paired':>7} "
      f"{'base rmse':>10} {'new rmse':>10}")
for k in sorted(set(base) | set(new)):
    b, n = base.get(k, []), new.get(k, [])
    if not b or not n:
        continue
    ub, un = med(b, 'updates_per_second'), med(n, 'updates_per_second')
    pr = statistics.median(float(y['updates_per_second']) / float(x['updates_per_second'])
                           for x, y in zip(b, n))
    print(f"{k:18} {min(len(b), len(n)):3d} {ub:12.4g} {un:12.4g} {un / ub:9.2f} {pr:7.2f} "
          f"{med(b, 'rmse'):10.4f} {med(n, 'rmse'):10.4f}")
for side, rows in (('base', base), ('new', new)):
    if 'mf_bias_1t' in rows and 'mf_bias_2t' in rows:
        r = med(rows['mf_bias_2t'], 'updates_per_second') / med(rows['mf_bias_1t'], 'updates_per_second')
        print(f"{side}: mf_bias defaults, 2 threads / 1 thread = {r:.2f}")
