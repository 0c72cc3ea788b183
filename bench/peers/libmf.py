#!/usr/bin/python3
"""libmf.py: LIBMF (github.com/cjlin1/libmf, built outside this repository) as a hogbench peer.

Runs LIBMF's mf-train on DIR/libmf.tr with DIR/libmf.te (bench/peers/make_split.sh writes both,
the same split hogbench reads as DIR --split u1 --no-seed-filter) twice, timestamping every line
LIBMF prints (it flushes one per iteration, after the iteration):
  1. without -p: the iterations' training time (LIBMF's own per-iteration loss and objective
     included; it starts timing at its header line, after loading and gridding, as hogbench's
     train_seconds starts after loading);
  2. with -p DIR/libmf.te: the test RMSE after every iteration, and the time with evaluation.
It writes one row per run in hogbench's CSV schema (bench/peers/peer_rows.py, engine=libmf):
epochs_to_target is the first iteration (1-based) whose test RMSE is at or below --target,
seconds_to_target run 1's time to the end of that iteration, seconds_to_target_with_eval run 2's.
Usage: HB_LIBMF_DIR=/path/to/libmf libmf.py DIR --threads T --target RMSE --out PEERS.csv
       [--k 64] [--l2 0.05] [--iters 20] [--eta 0.1] [--repeat R]"""
import argparse, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_rows


def run(cmd):
    """Runs cmd; returns [(seconds since its header line, fields)] for every iteration line."""
    # stdbuf -oL: LIBMF ends its header line with "\n" but flushes only after each iteration,
    # so through a pipe the header arrived with iteration 0's line and the clock started an
    # iteration late (LIBMF's time to a target 1 iteration short; its rate ~25% high at -t 5)
    p = subprocess.Popen(['stdbuf', '-oL'] + cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
    t0, out = None, []
    for line in p.stdout:
        now = time.perf_counter()
        f = line.split()
        if f and f[0] == 'iter':
            t0 = now
        elif t0 is not None and f and f[0].isdigit():
            out.append((now - t0, f))
    if p.wait() != 0:
        sys.exit(f'libmf.py: {" ".join(cmd)} failed')
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('dir')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--target', type=float, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--k', type=int, default=64)
    ap.add_argument('--l2', type=float, default=0.05)
    ap.add_argument('--eta', type=float, default=0.1)
    ap.add_argument('--iters', type=int, default=20)
    ap.add_argument('--repeat', type=int, default=1)
    ap.add_argument('--dataset', default='')
    ap.add_argument('--isa', default='sse', help='the build LIBMF was made with (its Makefile: sse; avx)')
    a = ap.parse_args()
    libmf = os.environ.get('HB_LIBMF_DIR')
    if not libmf or not os.access(os.path.join(libmf, 'mf-train'), os.X_OK):
        sys.exit('libmf.py: set HB_LIBMF_DIR to a built LIBMF checkout (make in it)')
    tr, te = os.path.join(a.dir, 'libmf.tr'), os.path.join(a.dir, 'libmf.te')
    model = os.path.join(a.dir, 'libmf.model')
    base = [os.path.join(libmf, 'mf-train'), '-k', str(a.k), '-l2', str(a.l2), '-r', str(a.eta),
            '-t', str(a.iters), '-s', str(a.threads)]
    train = run(base + [tr, model])
    evald = run(base + ['-p', te, tr, model])
    n_train = sum(1 for _ in open(tr))
    n_test = sum(1 for _ in open(te))
    curve = [(i + 1, train[i][0], evald[i][0], float(evald[i][1][2])) for i in range(min(len(train), len(evald)))]
    ep, ts, te_s = peer_rows.time_to_target(curve, a.target)
    secs = train[-1][0]
    peer_rows.append(a.out, {
        'engine': 'libmf', 'model': 'mf', 'preset': 'libmf-default', 'optimizer': 'adagrad-row',
        'lr': a.eta, 'lr_decay': 0, 'reg': a.l2, 'batch': 1, 'epochs': a.iters, 'dim': a.k,
        'threads': a.threads, 'isa': a.isa, 'seed': '', 'init': 'uniform',
        'dataset': a.dataset or a.dir, 'split': 'u1', 'target_metric': 'rmse', 'target_value': a.target,
        'repeat': a.repeat, 'n_train': n_train, 'n_test': n_test, 'epochs_done': len(train),
        'train_seconds': f'{secs:.6f}', 'seconds_per_epoch': f'{secs / len(train):.6f}',
        'updates_per_second': f'{n_train * len(train) / secs:.0f}', 'rmse': f'{curve[-1][3]:.6f}',
        'status': 'ok' if ep else 'target_missed', 'epochs_to_target': ep or '',
        'seconds_to_target': f'{ts:.6f}' if ep else '', 'seconds_to_target_with_eval': f'{te_s:.6f}' if ep else ''})
    print(f'libmf: threads {a.threads}: {len(train)} iterations in {secs:.3f} s '
          f'({n_train * len(train) / secs / 1e6:.1f}M upd/s), test rmse {curve[-1][3]:.4f}; target {a.target}: '
          + (f'iteration {ep}, {ts:.3f} s ({te_s:.3f} s with evaluation)' if ep else 'missed'))
    for i, (e, t1, t2, v) in enumerate(curve):
        print(f'  iter {e:3d}  {t1:8.3f} s  {t2:8.3f} s with eval  test rmse {v:.4f}', file=sys.stderr)


if __name__ == '__main__':
    main()
