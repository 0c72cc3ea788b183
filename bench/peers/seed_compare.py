#!/usr/bin/python3
"""seed_compare.py HOGBENCH.csv REPLAY.csv: hogbench's --preset seed rows against the PyTorch
replay's rows (bench/peers/seed_reference.py): per model, mean test RMSE over the seeds of each
side and the gap (bar: |gap| <= 0.01), and NDCG@10's mean against the replay's min..max."""
import csv, sys
hb = [r for r in csv.DictReader(open(sys.argv[1])) if r['preset'] == 'seed' and r['status'] == 'ok']
ref = list(csv.DictReader(open(sys.argv[2])))
print(f"{'model':12} {'n':>3} {'hogbench rmse':>14} {'replay rmse':>12} {'gap':>8} {'bar':>5}  "
      f"{'hogbench ndcg@10 (per seed)':>36}  {'replay ndcg@10 min..max':>24}")
ok = True
for m in ['mf', 'mf_bias', 'mlp', 'mf_bias_bin', 'mlp_bin']:
    a = [r for r in hb if r['model'] == m]
    b = [r for r in ref if r['model'] == m]
    if not a or not b:
        continue
    ra = sum(float(r['rmse']) for r in a) / len(a)
    rb = sum(float(r['rmse']) for r in b) / len(b)
    na = [float(r['ndcg_at_10']) for r in a]
    nb = [float(r['ndcg10']) for r in b]
    gap = ra - rb
    good = abs(gap) <= 0.01
    ok &= good
    inr = min(nb) <= sum(na) / len(na) <= max(nb)
    print(f"{m:12} {len(a):>3} {ra:14.4f} {rb:12.4f} {gap:+8.4f} {'ok' if good else 'MISS':>5}  "
          f"{sum(na)/len(na):.4f} ({' '.join(f'{x:.4f}' for x in na)}) {'in' if inr else 'OUT':>3}  "
          f"{min(nb):.4f}..{max(nb):.4f}")
sys.exit(0 if ok else 1)
