#!/usr/bin/python3
"""sgd10m.py: issue #15's per-sample SGD bar: hogbench `mf` dim 64 (SGD, batch 1) against LIBMF
(mf-train -k 64 -l2 0.05) in updates/s per thread, at 1 and 2 threads, on the same split
(DIR/u1.base,u1.test and DIR/libmf.tr: bench/peers/make_split.sh), alternating hogbench, LIBMF,
hogbench, ... for ROUNDS rounds. hogbench's rate is its row's updates_per_second (training only);
LIBMF's is n_train * iterations / the time from its header line to its last iteration's line
(bench/peers/libmf.py's clock, line-buffered). 1 thread runs pinned to vCPU 0 (taskset -c 0).
Under `chrt -f 1` when allowed (say so when reporting).
Usage: HB_LIBMF_DIR=... sgd10m.py DIR [--bin build/hogbench] [--rounds 3] [--epochs 5]
       [--out results/speed-15/sgd10m.csv]"""
import argparse, csv, os, statistics, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers'))
import libmf  # noqa: E402  (its run(): timestamps every line mf-train prints)

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('dir')
ap.add_argument('--bin', default='build/hogbench')
ap.add_argument('--rounds', type=int, default=3)
ap.add_argument('--epochs', type=int, default=5)
ap.add_argument('--out', default='results/speed-15/sgd10m.csv')
a = ap.parse_args()
lm = os.environ.get('HB_LIBMF_DIR') or sys.exit('sgd10m.py: set HB_LIBMF_DIR to a built LIBMF')
pre = ['chrt', '-f', '1'] if subprocess.run(['chrt', '-f', '1', 'true'], capture_output=True).returncode == 0 else []
tr = os.path.join(a.dir, 'libmf.tr')
n_train = sum(1 for _ in open(tr))
hb_csv = a.out + '.hogbench.csv'
os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
rows = []
for r in range(1, a.rounds + 1):
    for t in (1, 2):
        pin = pre + (['taskset', '-c', '0'] if t == 1 else [])
        before = sum(1 for _ in open(hb_csv)) if os.path.exists(hb_csv) else 0
        subprocess.run(pin + [a.bin, 'train', '--data', a.dir, '--split', 'u1', '--no-seed-filter',
                              '--model', 'mf', '--dim', '64', '--optimizer', 'sgd', '--batch', '1',
                              '--epochs', str(a.epochs), '--threads', str(t), '--eval-users', '100',
                              '--seed', str(r), '--quiet', '--out', hb_csv],
                       check=True, stdout=subprocess.DEVNULL)
        hb = list(csv.DictReader(open(hb_csv)))[-1]
        lines = libmf.run(pin + [os.path.join(lm, 'mf-train'), '-k', '64', '-l2', '0.05', '-t',
                                 str(a.epochs), '-s', str(t), tr, os.path.join(a.dir, 'libmf.model')])
        lib_ups = n_train * len(lines) / lines[-1][0]
        rows.append({'round': r, 'threads': t, 'hogbench_ups': float(hb['updates_per_second']),
                     'hogbench_rmse': hb['rmse'], 'libmf_ups': lib_ups, 'libmf_iters': len(lines),
                     'priority': ' '.join(pre) or 'normal', 'git_sha': hb['git_sha']})
        print(f"round {r} threads {t}: hogbench {rows[-1]['hogbench_ups'] / 1e6:.1f}M, "
              f"LIBMF {lib_ups / 1e6:.1f}M upd/s", file=sys.stderr)
with open(a.out, 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
for t in (1, 2):
    h = statistics.median(x['hogbench_ups'] for x in rows if x['threads'] == t)
    l = statistics.median(x['libmf_ups'] for x in rows if x['threads'] == t)
    print(f'threads {t}: hogbench {h / 1e6:.1f}M, LIBMF {l / 1e6:.1f}M updates/s (medians of '
          f'{a.rounds}): {h / l:.2f}x')
