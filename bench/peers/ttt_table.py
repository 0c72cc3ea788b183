#!/usr/bin/python3
"""ttt_table.py PEERS.csv: time to target per engine and thread count from a peers file
(bench/peers/peer_rows.py's columns): each repeat's seconds, the median, and per round the ratio
hogbench / other engine (round k pairs the k-th run of each engine at that thread count, made
back to back by run_10m.sh)."""
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['seconds_to_target']]
key = lambda r: (r['threads'], r['engine'])
groups = {}
for r in rows:
    groups.setdefault(key(r), []).append(r)
print(f"{'threads':>7} {'engine':9} {'n':>2} {'epochs':>6} {'s to target (each)':>34} {'median':>7} {'with eval':>9} {'upd/s':>7}")
for (t, e), g in sorted(groups.items()):
    s = [float(r['seconds_to_target']) for r in g]
    w = [float(r['seconds_to_target_with_eval']) for r in g]
    u = statistics.median(float(r['updates_per_second']) for r in g) / 1e6
    print(f"{t:>7} {e:9} {len(g):>2} {g[0]['epochs_to_target']:>6} {' '.join(f'{x:.2f}' for x in s):>34} "
          f"{statistics.median(s):7.2f} {statistics.median(w):9.2f} {u:6.1f}M")
for t in sorted({r['threads'] for r in rows}):
    hb = [r for r in rows if r['threads'] == t and r['engine'] == 'hogbench']
    for e in sorted({r['engine'] for r in rows} - {'hogbench'}):
        o = [r for r in rows if r['threads'] == t and r['engine'] == e]
        # rounds: the k-th run of each engine at this thread count (run_10m.sh alternates them)
        rat = [float(a['seconds_to_target']) / float(b['seconds_to_target']) for a, b in zip(hb, o)]
        rw = [float(a['seconds_to_target_with_eval']) / float(b['seconds_to_target_with_eval']) for a, b in zip(hb, o)]
        if rat:
            print(f"threads {t}: hogbench / {e}, per round: {' '.join(f'{x:.2f}' for x in rat)} "
                  f"(median {statistics.median(rat):.2f}); with evaluation: {' '.join(f'{x:.2f}' for x in rw)} "
                  f"(median {statistics.median(rw):.2f})")
