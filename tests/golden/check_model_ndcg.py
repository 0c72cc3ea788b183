#!/usr/bin/python3
"""Recomputes a saved hogbench model's test metrics the way the seed notebook does, in numpy and
sklearn, independently of hogbench's C evaluation.

    hogbench train --data ML100K_DIR --split S --model M --save-model MODEL_DIR
    check_model_ndcg.py ML100K_DIR S MODEL_DIR [--float64]

Reads SPLIT.base / SPLIT.test (tab-separated user, item, rating, timestamp), applies the
notebook's four filter lines, indexes users and movies by ascending original id (and checks
users.npy / items.npy agree), predicts every user x movie cell from the saved parameters
(model.json says which: mf, mf_bias[_bin], mlp[_bin]; its "activation" for the MLP's hidden
layers, its "link"), sets the train cells of the prediction matrix to 0 and prints
sklearn.metrics.ndcg_score(real, pred, k) for k = 10, 20, 30, 100, plus RMSE and MAE on the test
pairs. Binary models, as in the notebook: gains are the normalized ratings
(r - min_r) / (max_r - min_r) with min/max over the filtered train, predictions go through the
sigmoid, and RMSE/MAE are taken against the labels (normalized rating > 0.5).

Predictions are computed in float32 (what Keras and hogbench do) and stored in a float64 matrix
(the notebook's np.zeros); --float64 computes them in float64 instead, to show how much the
result depends on the last bits of the scores."""
import json
import os
import sys

import numpy as np
from sklearn.metrics import ndcg_score

KS = (10, 20, 30, 100)


def read_split(path):
    rows = []
    with open(path, newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line:
                u, m, r, _ts = line.split("\t")
                rows.append((int(u), int(m), float(r)))
    return rows


def notebook_data(d, split):
    train = read_split(os.path.join(d, split + ".base"))
    test = read_split(os.path.join(d, split + ".test"))
    # train = train[train['user'].isin(set(test['user']))]  ... the notebook's four lines
    s = {u for u, _, _ in test}
    train = [t for t in train if t[0] in s]
    s = {m for _, m, _ in test}
    train = [t for t in train if t[1] in s]
    s = {u for u, _, _ in train}
    test = [t for t in test if t[0] in s]
    s = {m for _, m, _ in train}
    test = [t for t in test if t[1] in s]
    users = sorted({u for u, _, _ in train})
    movies = sorted({m for _, m, _ in train})
    u_id = {u: i for i, u in enumerate(users)}
    m_id = {m: i for i, m in enumerate(movies)}

    def idx(rows):
        return (np.array([u_id[u] for u, _, _ in rows]), np.array([m_id[m] for _, m, _ in rows]),
                np.array([r for _, _, r in rows], dtype=np.float64))

    return users, movies, idx(train), idx(test)


def load(md, name):
    return np.load(os.path.join(md, name))


def scores_fn(md, meta, dt):
    """Returns f(u_idx array, m_idx array) -> predictions (after the link), dtype dt."""
    kind = meta["model"]
    P = load(md, "user_factors.npy").astype(dt)
    Q = load(md, "item_factors.npy").astype(dt)
    binary = bool(meta["binary"])
    if kind.startswith("mlp"):
        layers = []
        for l in range(int(meta["dense_layers"])):
            layers.append((load(md, "dense%d_W.npy" % l).astype(dt), load(md, "dense%d_b.npy" % l).astype(dt)))
        relu = meta.get("activation", "linear") == "relu"

        def raw(u, m):
            h = np.concatenate([P[u], Q[m]], axis=1)
            for l, (W, b) in enumerate(layers):
                h = h @ W.T + b
                if relu and l + 1 < len(layers):
                    h = np.maximum(h, dt(0))
            return h[:, 0]
    else:
        bias = os.path.exists(os.path.join(md, "user_bias.npy"))
        if bias:
            bu = load(md, "user_bias.npy").astype(dt)
            bi = load(md, "item_bias.npy").astype(dt)
            mu = dt(meta.get("global_mean", 0.0))

        def raw(u, m):
            if (u == u[0]).all():  # one user's row of the matrix: a gemv, as hogbench does
                z = Q[m] @ P[u[0]]
            else:
                z = np.einsum("ij,ij->i", P[u], Q[m])
            if bias:  # Keras' Add()([dot, ub, mb]) order, then the global mean
                z = z + bu[u] + bi[m] + mu
            return z
    link = meta.get("link", "sigmoid" if binary else "identity")
    assert link == ("sigmoid" if binary else "identity"), "link %r for binary=%r" % (link, binary)

    def f(u, m):
        z = raw(u, m).astype(dt)
        if binary:
            z = (dt(1) / (dt(1) + np.exp(-z))).astype(dt)
        return z
    return f


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        sys.exit(__doc__)
    d, split, md = args
    dt = np.float64 if "--float64" in argv else np.float32
    with open(os.path.join(md, "model.json")) as f:
        meta = json.load(f)
    users, movies, (u_tr, m_tr, r_tr), (u_te, m_te, r_te) = notebook_data(d, split)
    nu, nm = len(users), len(movies)
    su, sm = load(md, "users.npy"), load(md, "items.npy")
    assert su.tolist() == users, "users.npy does not match the notebook's sorted user ids"
    assert sm.tolist() == movies, "items.npy does not match the notebook's sorted movie ids"
    binary = bool(meta["binary"])
    predict = scores_fn(md, meta, dt)

    min_r, max_r = r_tr.min(), r_tr.max()
    r_test_full = (r_te - min_r) / (max_r - min_r)
    # test_matrix(): real[u, m] = rating (binary models: the normalized rating)
    real = np.zeros((nu, nm))
    real[u_te, m_te] = r_test_full if binary else r_te
    # predict(): one batch of every movie per user, then the train cells set to 0
    pred = np.zeros((nu, nm))
    allm = np.arange(nm)
    for u in range(nu):
        pred[u, allm] = predict(np.full(nm, u), allm)
    pred[u_tr, m_tr] = 0

    p = predict(u_te, m_te).astype(np.float64)
    y = np.where(r_test_full > 0.5, 1.0, 0.0) if binary else r_te
    rmse = float(np.sqrt(np.mean((p - y) ** 2)))
    mae = float(np.mean(np.abs(p - y)))
    print("model=%s split=%s users=%d items=%d n_train=%d n_test=%d scores=%s" %
          (meta["model"], split, nu, nm, len(u_tr), len(u_te), np.dtype(dt).name))
    print("rmse=%.9f mae=%.9f" % (rmse, mae))
    print(" ".join("ndcg@%d=%.12f" % (k, ndcg_score(real, pred, k=k)) for k in KS))


if __name__ == "__main__":
    main(sys.argv)
