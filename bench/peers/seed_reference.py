#!/usr/bin/python3
"""The seed notebook's five Keras models, replayed in PyTorch (Debian python3-torch) on the
same data protocol, optimizer (Nadam lr=1e-3, eps=1e-7), batch sizes and epochs, with the
seed's evaluation (RMSE/MAE on u1.test, sklearn ndcg_score on the full user x movie matrix
with train cells zeroed). Prints one CSV row per model with per-epoch wall time.
A copy of ../shared/reference/seed_reference.py with one change: a 6th argument seeds torch and
numpy (the original fixes 0), printed in a first 'seed' column; models may be 'all'.
Usage: seed_reference.py ML100K_DIR [split=u1] [threads=2] [epochs=10] [models=all] [seed=0]"""
import sys, time, numpy as np, pandas as pd, torch, torch.nn as nn
from sklearn.metrics import ndcg_score

d = sys.argv[1]; split = sys.argv[2] if len(sys.argv) > 2 else 'u1'
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
which = sys.argv[5].split(',') if len(sys.argv) > 5 and sys.argv[5] != 'all' else ['mf', 'mf_bias', 'mlp', 'mf_bias_bin', 'mlp_bin']
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
torch.set_num_threads(threads); torch.manual_seed(seed); np.random.seed(seed)

train = pd.read_csv(f'{d}/{split}.base', header=None, sep='\t'); train.columns = ['user', 'movie', 'rating', 'extra']
test = pd.read_csv(f'{d}/{split}.test', header=None, sep='\t'); test.columns = ['user', 'movie', 'rating', 'extra']
train = train[train['user'].isin(set(test['user']))]
train = train[train['movie'].isin(set(test['movie']))]
test = test[test['user'].isin(set(train['user']))]
test = test[test['movie'].isin(set(train['movie']))]
users = sorted(set(train['user'])); u_id = {u: i for i, u in enumerate(users)}
movies = sorted(set(train['movie'])); m_id = {m: i for i, m in enumerate(movies)}
u_tr = np.array([u_id[u] for u in train['user']]); m_tr = np.array([m_id[m] for m in train['movie']])
u_te = np.array([u_id[u] for u in test['user']]); m_te = np.array([m_id[m] for m in test['movie']])
r_tr = train['rating'].to_numpy(np.float32); r_te = test['rating'].to_numpy(np.float32)
nu, nm = len(users), len(movies)
mn, mx = r_tr.min(), r_tr.max()
b_tr = ((r_tr - mn) / (mx - mn) > 0.5).astype(np.float32); b_te = ((r_te - mn) / (mx - mn) > 0.5).astype(np.float32)
full_te = (r_te - mn) / (mx - mn)

def emb(n, k):
    e = nn.Embedding(n, k); nn.init.uniform_(e.weight, -0.05, 0.05); return e
def dense(i, o):
    l = nn.Linear(i, o); nn.init.xavier_uniform_(l.weight); nn.init.zeros_(l.bias); return l

class MF(nn.Module):
    def __init__(s, bias, sig):
        super().__init__(); s.bias, s.sig = bias, sig
        s.ue, s.me = emb(nu, 50), emb(nm, 50)
        if bias: s.ub, s.mb = emb(nu, 1), emb(nm, 1)
    def forward(s, u, m):
        y = (s.ue(u) * s.me(m)).sum(-1)
        if s.bias: y = y + s.ub(u)[:, 0] + s.mb(m)[:, 0]
        return torch.sigmoid(y) if s.sig else y
class MLP(nn.Module):
    def __init__(s, sig):
        super().__init__(); s.sig = sig
        s.ue, s.me = emb(nu, 50), emb(nm, 50)
        s.net = nn.Sequential(dense(100, 50), dense(50, 50), dense(50, 50), dense(50, 1))
    def forward(s, u, m):
        y = s.net(torch.cat([s.ue(u), s.me(m)], -1))[:, 0]
        return torch.sigmoid(y) if s.sig else y

specs = {'mf': (lambda: MF(False, False), 128, False), 'mf_bias': (lambda: MF(True, False), 128, False),
         'mlp': (lambda: MLP(False), 128, False), 'mf_bias_bin': (lambda: MF(True, True), 512, True),
         'mlp_bin': (lambda: MLP(True), 128, True)}
real_r = np.zeros((nu, nm)); real_r[u_te, m_te] = r_te
real_b = np.zeros((nu, nm)); real_b[u_te, m_te] = full_te
U = torch.tensor(u_te); M = torch.tensor(m_te)
print('seed,model,epochs,threads,sec_per_epoch,rmse,mae,ndcg10,ndcg20,ndcg30,ndcg100,eval_sec')
for name in which:
    make, bs, binary = specs[name]
    model = make(); opt = torch.optim.NAdam(model.parameters(), lr=1e-3, eps=1e-7)
    y_tr = torch.tensor(b_tr if binary else r_tr); lossf = nn.BCELoss() if binary else nn.MSELoss()
    ut, mt = torch.tensor(u_tr), torch.tensor(m_tr); n = len(u_tr)
    t0 = time.perf_counter()
    for ep in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            opt.zero_grad(); loss = lossf(model(ut[idx], mt[idx]), y_tr[idx]); loss.backward(); opt.step()
    sec = (time.perf_counter() - t0) / epochs
    with torch.no_grad():
        p = model(U, M).numpy()
        yt = b_te if binary else r_te
        rmse = float(np.sqrt(np.mean((p - yt) ** 2))); mae = float(np.mean(np.abs(p - yt)))
        t1 = time.perf_counter()
        pred = np.zeros((nu, nm))
        allm = torch.arange(nm)
        for u in range(nu):
            pred[u] = model(torch.full((nm,), u, dtype=torch.long), allm).numpy()
        pred[u_tr, m_tr] = 0
        real = real_b if binary else real_r
        nd = [ndcg_score(real, pred, k=k) for k in (10, 20, 30, 100)]
        ev = time.perf_counter() - t1
    print(f'{seed},{name},{epochs},{threads},{sec:.3f},{rmse:.4f},{mae:.4f},' + ','.join(f'{x:.4f}' for x in nd) + f',{ev:.2f}', flush=True)
