#!/usr/bin/python3
"""mpi_model.py: distributed training's measured scaling (from bench/mpi_scaling.sh's CSV) and
a scaling model of the DSGD ring to 64-1024 nodes (a MODEL: the numbers it prints for clusters
were not measured). Prints the README's tables.

Usage: mpi_model.py results/mpi-scaling-HOST.csv [--rate R] [--alpha US --beta GBS]

The model, per epoch, for N ranks (all alike), n training ratings, I items, rows of rb bytes
(factors, bias and optimizer state, as sent: 4 * ld + 64-byte-aligned bias, x3 under Nadam)
and 2 item blocks per rank (NB = 2N), each rank training R updates/s:
  T_work = n / (N R)                  every rank's share of the updates
  T_hot  = w_max n / R                one item block visits the N ranks one after another, so
                                      the heaviest block (w_max of the ratings: the most-rated
                                      item's share p_top plus its 1/NB of the rest) bounds the
                                      epoch whatever N is
  T_comm = NB alpha + I rb / beta     a rank sends and receives every item block once per epoch
  T_N    = max(T_work, T_hot, T_comm) + 2 alpha log2 N   (transfers hidden behind training;
                                      the loss allreduce); without overlap the max becomes
                                      max(T_work, T_hot) + T_comm
  E      = T_1 / (N T_N), T_1 = n / R
"""
import csv, math, statistics as st, sys
from collections import defaultdict

args = sys.argv[1:]
def opt(name, default):
    if name in args:
        i = args.index(name)
        v = float(args[i + 1])
        del args[i:i + 2]
        return v
    return default

RATE = opt('--rate', 60e6)        # updates/s per rank: one core of this VM, quiet (README)
ALPHA_LO = opt('--alpha', 0.5) * 1e-6   # loopback, bench/mpi_pingpong.c (this machine)
BETA_LO = opt('--beta', 3.5) * 1e9
path = args[0] if args else 'results/mpi-scaling-vm.csv'

def row_bytes(dim, nadam=False, bias=True):
    ld = (dim + 15) // 16 * 16
    f = 4 * ld
    b = 4 if bias else 0  # the block's bias array, 64-byte aligned per block (negligible)
    return (3 * f + 3 * b + 4) if nadam else f + b

def epoch(n, items, N, R, alpha, beta, rb, p_top):
    NB = 2 * N
    w_max = p_top + (1 - p_top) / NB
    t_work = n / (N * R)
    t_hot = w_max * n / R if N > 1 else t_work
    t_comm = (NB * alpha + items * rb / beta) if N > 1 else 0.0
    t_sync = 2 * alpha * math.log2(N) if N > 1 else 0.0
    overlap = max(t_work, t_hot, t_comm) + t_sync
    serial = max(t_work, t_hot) + t_comm + t_sync
    return overlap, serial, t_work, t_hot, t_comm

# ------------------------------------------------------------------ measured here
allrows = [r for r in csv.DictReader(open(path)) if r['status'] == 'ok']
rows = [r for r in allrows if r['model'] == 'mf_bias']
g = defaultdict(list)
for r in rows:
    g[(r['dataset'], int(r['ranks']), int(r['threads']))].append(r)
def med(v, c):
    return st.median(float(x[c]) for x in v)
def rng(v, c, s=1e6, f='%.1f'):
    x = [float(y[c]) / s for y in v]
    return (f + ' [' + f + '..' + f + ']') % (st.median(x), min(x), max(x))

cpus = int(rows[0]['logical_cpus'])
print(f'## measured: {path} ({rows[0]["cpu_model"]}, {cpus} logical CPUs, shared)\n')
print('| data (train ratings) | ranks x threads | threads / CPUs | runs | updates/s (M), median [min..max] '
      '| s/epoch | speed-up vs 1x1 | communication share | MB sent per epoch (all ranks) |')
print('|---|---|---|---|---|---|---|---|---|')
base = {}
for (ds, N, T), v in sorted(g.items(), key=lambda kv: (int(kv[1][0]['n_train']), kv[0][1], kv[0][2])):
    if N == 1 and T == 1: base[ds] = med(v, 'updates_per_second')
for (ds, N, T), v in sorted(g.items(), key=lambda kv: (int(kv[1][0]['n_train']), kv[0][1], kv[0][2])):
    share = [float(x['comm_seconds']) / float(x['train_seconds']) for x in v]
    sp = med(v, 'updates_per_second') / base[ds] if ds in base else float('nan')
    users = ds.split('users=')[1].split(',')[0]
    print(f'| {users} users, {int(v[0]["n_train"])/1e6:.1f}M | {N} x {T} | {N*T}/{cpus} | {len(v)} | '
          f'{rng(v, "updates_per_second")} | {med(v, "seconds_per_epoch"):.3f} | {sp:.2f} | '
          f'{st.median(share):.0%} [{min(share):.0%}..{max(share):.0%}] | '
          f'{med(v, "comm_bytes_per_epoch")/1e6:.1f} |')

# the MLP: its dense weights averaged (allreduce) after every block
gm = defaultdict(list)
for r in allrows:
    if r['model'] == 'mlp': gm[(int(r['ranks']), int(r['threads']))].append(r)
if gm:
    n_mlp = int(next(iter(gm.values()))[0]['n_train'])
    print(f'\nmlp (dim 32, Nadam, batch 256, {n_mlp/1e6:.1f}M train ratings):')
    for (N, T), v in sorted(gm.items()):
        share = st.median(float(x['comm_seconds']) / float(x['train_seconds']) for x in v)
        print(f'  {N} x {T}: {rng(v, "updates_per_second", 1e3, "%.0f")}k updates/s, communication '
              f'{share:.0%}, {med(v, "comm_bytes_per_epoch")/1e6:.1f} MB/epoch, '
              f'test RMSE {med(v, "rmse"):.4f}')

# weak scaling: ratings per rank fixed
weak = {}
for (ds, N, T), v in g.items():
    if T == 1 and 'ratings=' in ds:
        per = int(ds.split('ratings=')[1].split(',')[0]) // N
        if per == 2500000: weak[N] = (med(v, 'seconds_per_epoch'), v)
if 1 in weak:
    print('\nweak scaling (2.5M generated ratings and 25k users per rank, 1 thread each): '
          'efficiency = s/epoch(1) / s/epoch(N): ' +
          ', '.join(f'{N} ranks {weak[1][0] / weak[N][0]:.2f}' for N in sorted(weak)))

# ------------------------------------------------------------------ the model against them
print('\n## the model against these runs (loopback: alpha %.1f us, beta %.2f GB/s from '
      'bench/mpi_pingpong.c; the ranks share %d CPUs)\n' % (ALPHA_LO * 1e6, BETA_LO / 1e9, cpus))
print('| data | ranks x threads | predicted updates/s (M) | measured (M), median | predicted comm share | measured |')
print('|---|---|---|---|---|---|')
for (ds, N, T), v in sorted(g.items(), key=lambda kv: (int(kv[1][0]['n_train']), kv[0][1], kv[0][2])):
    if N == 1: continue
    one = [w for (d2, n2, t2), w in g.items() if d2 == ds and n2 == 1]
    if not one: continue
    # the ranks share the machine: the best one-process rate is the most the CPUs give
    cap = max(med(w, 'updates_per_second') for w in one)
    r1 = med(g[(ds, 1, T)], 'updates_per_second') if (ds, 1, T) in g else cap
    n = int(v[0]['n_train'])
    items = int(ds.split('items=')[1].split(',')[0])
    R = min(N * r1, cap) / N           # what each rank gets of the cores
    # loopback transfers are copies by these same CPUs: they add to the work, not overlap it
    ov, ser, tw, th, tc = epoch(n, items, N, R, ALPHA_LO, BETA_LO, row_bytes(int(v[0]["dim"])), 0.010)
    t = ser
    share = [float(x['comm_seconds']) / float(x['train_seconds']) for x in v]
    print(f'| {n/1e6:.1f}M | {N} x {T} | {n / t / 1e6:.1f} | {med(v, "updates_per_second")/1e6:.1f} | '
          f'{tc / t:.0%} | {st.median(share):.0%} |')

# ------------------------------------------------------------------ the model, clusters
nets = [('25 GbE (TCP)', 25e-6, 25e9 / 8), ('100 GbE (TCP)', 10e-6, 100e9 / 8),
        ('HDR InfiniBand (200 Gb/s)', 1.5e-6, 200e9 / 8)]
shapes = [('ML-25M (20M train of 25M ratings, 162,541 users, 59,047 items; p_top 0.33%, assumed)',
           20.0e6, 59047, 0.0033),
          ('1B synthetic (10M users, 1M items, Zipf 0.8; p_top 0.74%, estimated)', 1.0e9, 1000000, 0.0074)]
for rate, label in [(RATE, 'one core per rank: this VM\'s vCPU 0 when quiet, results/e2e-10m.csv'),
                    (10 * RATE, 'a 16-core node per rank, 10x one core')]:
    print(f'\n## MODEL (not measured): mf_bias dim 64, SGD, R = {rate/1e6:.0f}M updates/s per rank '
          f'({label}); epoch seconds and efficiency E with transfers overlapped (without)\n')
    rb = row_bytes(64)
    for name, n, items, p_top in shapes:
        t1 = n / rate
        print(f'{name}: one rank {t1:.2f} s/epoch\n')
        print('| network | ' + ' | '.join(f'{N} nodes' for N in (64, 128, 256, 512, 1024)) + ' |')
        print('|---|' + '---|' * 5)
        for net, a, b in nets:
            cells = []
            for N in (64, 128, 256, 512, 1024):
                ov, ser, tw, th, tc = epoch(n, items, N, rate, a, b, rb, p_top)
                bound = 'hot' if th >= max(tw, tc) else 'comm' if tc >= tw else 'work'
                cells.append(f'{ov*1e3:.1f} ms, E {t1/(N*ov):.0%} ({t1/(N*ser):.0%}) {bound}')
            print(f'| {net} | ' + ' | '.join(cells) + ' |')
        print()
