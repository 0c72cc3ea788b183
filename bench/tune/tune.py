#!/usr/bin/python3
"""tune.py: grid search of a model's hyperparameters on validation folds, reading the learning
curves from 'hogbench train --eval-every' and averaging them over the folds. Defaults are tuned
on MovieLens 100K's u2..u5 folds (notebook filtering keeps only each fold's test users, so
these runs never train or evaluate on u1.test's users, give or take the boundary user), never
on u1. Prints the best settings.
Runs with --threads $THREADS (default 2, as the defaults are used).
Usage: tune.py HOGBENCH DATA_DIR SPLITS MODEL 'flag1=v1,v2;flag2=v3,v4' [epochs] [eval_every]
       e.g. tune.py build/hogbench ../shared/data/ml-100k u2,u3,u4,u5 mf 'dim=64,128;reg=0.05,0.1'"""
import itertools, os, re, subprocess, sys

hb, vdir, splits, model, grid = sys.argv[1:6]
epochs = sys.argv[6] if len(sys.argv) > 6 else '60'
every = sys.argv[7] if len(sys.argv) > 7 else '5'
axes = [(k, v.split(',')) for k, v in (a.split('=') for a in grid.split(';'))]
line = re.compile(r'epoch +(\d+)/\d+ .*test rmse ([\d.]+) mae ([\d.]+) ndcg@10 ([\d.]+)')
best = []
for combo in itertools.product(*[v for _, v in axes]):
    flags = []
    for (k, _), v in zip(axes, combo):
        flags += [f'--{k}'] if v == 'on' else [] if v == 'off' else [f'--{k}', v]
    curves = []
    for split in splits.split(','):
        cmd = [hb, 'train', '--data', vdir, '--split', split, '--model', model, '--epochs',
               epochs, '--eval-every', every, '--threads', os.environ.get('THREADS', '2')] + flags
        p = subprocess.run(cmd, capture_output=True, text=True)
        c = [(int(m[1]), float(m[2]), float(m[4])) for m in line.finditer(p.stderr)]
        if not c:
            print(' '.join(flags), split, 'failed:', p.stderr.strip().splitlines()[-1:])
            break
        curves.append(c)
    else:
        n = len(curves)
        curve = [(c0[0], sum(c[j][1] for c in curves) / n, sum(c[j][2] for c in curves) / n)
                 for j, c0 in enumerate(curves[0])]
    if len(curves) != len(splits.split(',')):
        continue
    ep, rmse, ndcg = min(curve, key=lambda c: c[1])
    epn, _, ndcgb = max(curve, key=lambda c: c[2])
    print(f'{" ".join(flags):60s} best rmse {rmse:.4f} @ {ep:3d} (ndcg10 {ndcg:.4f}); '
          f'best ndcg10 {ndcgb:.4f} @ {epn}', flush=True)
    best.append((rmse, ep, ndcg, flags))
best.sort(key=lambda b: b[0])
print('\nbest by validation rmse:')
for rmse, ep, ndcg, flags in best[:5]:
    print(f'  rmse {rmse:.4f} ndcg10 {ndcg:.4f} epochs {ep:3d} {" ".join(flags)}')
