#!/usr/bin/python3
"""torch_mf.py: a PyTorch trainer (Debian's python3-torch) for mf, mf_bias and mlp as hogbench
defines them (README "Models"), as a peer in time-to-quality runs.

Reads a split in ML-100K's layout (DIR/SPLIT.base, DIR/SPLIT.test: user item rating [timestamp],
tab-separated; bench/peers/make_split.sh writes one for any data), applies the notebook's
filtering unless --no-seed-filter (then test rows whose user or item train lacks are dropped, as
hogbench does), trains with mini-batches of --batch ratings in a fresh random order every epoch
(--optimizer sgd | adagrad | nadam, L2 per sample: reg * |row|^2 for each rating's rows, as
hogbench's mini-batches), checks the test RMSE after every epoch and records the time to
--target RMSE (training time; and with the checks' time). Embeddings are sparse for sgd and
adagrad (only the touched rows move: PyTorch's fast path), dense for nadam (PyTorch's NAdam
has no sparse form: every row moves every step, like hogbench's --nadam dense).
Init: Keras' (uniform +-0.05 embeddings, glorot dense layers); the MLP is concat(p, q) ->
Dense(50) x3 (relu) -> Dense(1) with its output bias at the train mean; mf_bias adds zero-started
biases and the train mean. --notebook: the notebook's (and the seed preset's) definitions instead:
linear hidden layers and a zero output bias; biases uniform +-0.05 and no global mean.
Writes one row in hogbench's CSV schema (bench/peers/peer_rows.py, engine=pytorch).
Usage: torch_mf.py DIR --model M --optimizer O --lr X --reg X --batch B --epochs N --dim K
       --target RMSE --out PEERS.csv [--split u1] [--threads T] [--seed S] [--no-seed-filter]"""
import argparse, os, sys, time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_rows


def load(d, split, seed_filter):
    def read(p):
        a = np.loadtxt(p, delimiter='\t', usecols=(0, 1, 2), dtype=np.float64, ndmin=2)
        return a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2].astype(np.float32)
    tu, ti, tr = read(os.path.join(d, f'{split}.base'))
    su, si, sr = read(os.path.join(d, f'{split}.test'))
    if seed_filter:  # the notebook's two stages
        k = np.isin(tu, su) & np.isin(ti, si)
        tu, ti, tr = tu[k], ti[k], tr[k]
    k = np.isin(su, tu) & np.isin(si, ti)
    su, si, sr = su[k], si[k], sr[k]
    users, items = np.unique(tu), np.unique(ti)
    return (np.searchsorted(users, tu), np.searchsorted(items, ti), tr,
            np.searchsorted(users, su), np.searchsorted(items, si), sr, len(users), len(items))


class Model(nn.Module):
    def __init__(s, kind, nu, ni, dim, sparse, mean, notebook=False):
        super().__init__()
        s.kind = kind
        s.P, s.Q = nn.Embedding(nu, dim, sparse=sparse), nn.Embedding(ni, dim, sparse=sparse)
        nn.init.uniform_(s.P.weight, -0.05, 0.05)
        nn.init.uniform_(s.Q.weight, -0.05, 0.05)
        if kind == 'mf_bias':
            s.bu, s.bi = nn.Embedding(nu, 1, sparse=sparse), nn.Embedding(ni, 1, sparse=sparse)
            for b in (s.bu, s.bi):  # the notebook: Embedding(n, 1), uniform +-0.05, no global mean
                nn.init.uniform_(b.weight, -0.05, 0.05) if notebook else nn.init.zeros_(b.weight)
            s.mu = 0.0 if notebook else float(mean)
        if kind == 'mlp':
            layers, w = [], 2 * dim
            for _ in range(3):
                layers += [nn.Linear(w, 50)] + ([] if notebook else [nn.ReLU()])
                w = 50
            layers.append(nn.Linear(w, 1))
            for l in layers:
                if isinstance(l, nn.Linear):
                    nn.init.xavier_uniform_(l.weight)
                    nn.init.zeros_(l.bias)
            if not notebook:
                layers[-1].bias.data.fill_(float(mean))
            s.net = nn.Sequential(*layers)

    def forward(s, u, i):
        p, q = s.P(u), s.Q(i)
        if s.kind == 'mlp':
            return s.net(torch.cat([p, q], -1))[:, 0], p, q
        y = (p * q).sum(-1)
        if s.kind == 'mf_bias':
            y = y + s.bu(u)[:, 0] + s.bi(i)[:, 0] + s.mu
        return y, p, q


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('dir')
    ap.add_argument('--split', default='u1')
    ap.add_argument('--model', default='mf', choices=['mf', 'mf_bias', 'mlp'])
    ap.add_argument('--optimizer', default='adagrad', choices=['sgd', 'adagrad', 'nadam'])
    ap.add_argument('--lr', type=float, default=0.05)
    ap.add_argument('--reg', type=float, default=0.0)
    ap.add_argument('--batch', type=int, default=1024)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--dim', type=int, default=64)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--target', type=float, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--no-seed-filter', action='store_true')
    ap.add_argument('--dataset', default='')
    ap.add_argument('--preset', default='')
    ap.add_argument('--notebook', action='store_true',
                    help="the notebook's models: mf_bias without a global mean and uniform biases; "
                         "the MLP with linear hidden layers and its output bias from 0")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    tu, ti, tr, su, si, sr, nu, ni = load(a.dir, a.split, not a.no_seed_filter)
    sparse = a.optimizer != 'nadam'
    m = Model(a.model, nu, ni, a.dim, sparse, tr.mean(), a.notebook)
    emb = [p for n, p in m.named_parameters() if not n.startswith('net.')]
    dense = [p for n, p in m.named_parameters() if n.startswith('net.')]
    if a.optimizer == 'sgd':
        opts = [torch.optim.SGD(emb, lr=a.lr)] + ([torch.optim.SGD(dense, lr=a.lr)] if dense else [])
    elif a.optimizer == 'adagrad':
        opts = [torch.optim.Adagrad(emb, lr=a.lr)] + ([torch.optim.Adagrad(dense, lr=a.lr)] if dense else [])
    else:
        opts = [torch.optim.NAdam(list(m.parameters()), lr=a.lr, eps=1e-7)]
    U, I, R = torch.from_numpy(tu), torch.from_numpy(ti), torch.from_numpy(tr)
    SU, SI, SR = torch.from_numpy(su), torch.from_numpy(si), torch.from_numpy(sr)
    n = len(tr)
    train_s = check_s = 0.0
    curve = []
    for ep in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            y, p, q = m(U[idx], I[idx])
            loss = ((y - R[idx]) ** 2).mean() + a.reg * ((p * p).sum(-1) + (q * q).sum(-1)).mean()
            for o in opts:
                o.zero_grad()
            loss.backward()
            for o in opts:
                o.step()
        train_s += time.perf_counter() - t0
        t1 = time.perf_counter()
        with torch.no_grad():
            rmse = float(torch.sqrt(((m(SU, SI)[0] - SR) ** 2).mean()))
        check_s += time.perf_counter() - t1
        curve.append((ep, train_s, train_s + check_s, rmse))
        print(f'pytorch: epoch {ep}/{a.epochs}  {train_s:.3f} s  test rmse {rmse:.4f}', file=sys.stderr)
    e, ts, te = peer_rows.time_to_target(curve, a.target)
    peer_rows.append(a.out, {
        'engine': 'pytorch', 'model': a.model, 'preset': a.preset, 'optimizer': a.optimizer, 'lr': a.lr,
        'lr_decay': 0, 'reg': a.reg, 'batch': a.batch, 'epochs': a.epochs, 'dim': a.dim,
        'threads': a.threads, 'isa': 'torch-' + torch.__version__, 'seed': a.seed, 'init': 'keras',
        'dataset': a.dataset or a.dir, 'split': a.split, 'target_metric': 'rmse', 'target_value': a.target,
        'nadam': 'dense' if a.optimizer == 'nadam' else '', 'repeat': 1, 'n_train': n, 'n_test': len(sr),
        'epochs_done': a.epochs, 'train_seconds': f'{train_s:.6f}', 'seconds_per_epoch': f'{train_s / a.epochs:.6f}',
        'updates_per_second': f'{n * a.epochs / train_s:.0f}', 'rmse': f'{curve[-1][3]:.6f}',
        'status': 'ok' if e else 'target_missed', 'epochs_to_target': e or '',
        'seconds_to_target': f'{ts:.6f}' if e else '', 'seconds_to_target_with_eval': f'{te:.6f}' if e else ''})
    print(f'pytorch: {a.model} {a.optimizer}: {a.epochs} epochs in {train_s:.3f} s, test rmse {curve[-1][3]:.4f}; '
          f'target {a.target}: ' + (f'epoch {e}, {ts:.3f} s ({te:.3f} s with checks)' if e else 'missed'))


if __name__ == '__main__':
    main()
