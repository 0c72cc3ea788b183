#!/usr/bin/python3
"""Counts after the seed notebook's filtering of a MovieLens 100K split, without pandas or
hogbench: the expected values of tests/test_data.c's HOGBENCH_DATA test.

The notebook's four filter lines, in order (each uses the *current* frames):
    train = train[train['user'].isin(set(test['user']))]
    train = train[train['movie'].isin(set(test['movie']))]
    test = test[test['user'].isin(set(train['user']))]
    test = test[test['movie'].isin(set(train['movie']))]
Note the second line uses test as it is (unfiltered) and the fourth line uses the train
filtered by the first two lines; the third and fourth use the same filtered train.

Usage: ml100k_counts.py ML100K_DIR [SPLIT=u1]"""
import sys


def read(path):
    rows = []
    with open(path, newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line:
                continue
            u, m, r, _ts = line.split("\t")
            rows.append((int(u), int(m), float(r)))
    return rows


d = sys.argv[1]
split = sys.argv[2] if len(sys.argv) > 2 else "u1"
train = read(f"{d}/{split}.base")
test = read(f"{d}/{split}.test")
n_train_raw, n_test_raw = len(train), len(test)
test_users = {u for u, _, _ in test}
train = [t for t in train if t[0] in test_users]
test_movies = {m for _, m, _ in test}
train = [t for t in train if t[1] in test_movies]
train_users = {u for u, _, _ in train}
test = [t for t in test if t[0] in train_users]
train_movies = {m for _, m, _ in train}
test = [t for t in test if t[1] in train_movies]
print(f"split={split}")
print(f"n_train_raw={n_train_raw}")
print(f"n_test_raw={n_test_raw}")
print(f"n_users={len(train_users)}")
print(f"n_items={len(train_movies)}")
print(f"n_train={len(train)}")
print(f"n_test={len(test)}")
print(f"r_min={min(r for _, _, r in train):g}")
print(f"r_max={max(r for _, _, r in train):g}")
print(f"first_user_id={min(train_users)} last_user_id={max(train_users)}")
print(f"first_item_id={min(train_movies)} last_item_id={max(train_movies)}")
