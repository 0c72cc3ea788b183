#!/usr/bin/python3
"""mimic_split.py: validation folds shaped like u1 under the notebook's protocol, carved from
u1.base alone (u1.test is never read). u1.test holds about 38.5% of the ratings of users
1..462, so after the notebook's filtering u1 trains on ~32K ratings of ~460 users. Here the
upper half of u1.base's user ids plays that role: each fold holds out a seeded 38.5% of their
ratings, and the notebook's filtering then keeps ~30K training ratings of ~470 users.
Writes OUT/u1..uK.{base,test} (named so hogbench's ML-100K loader reads them as splits). Never commit OUT: it is MovieLens data.
Usage: mimic_split.py DATA OUT [folds=3] [fraction=0.385]"""
import os, random, sys

data, out = sys.argv[1], sys.argv[2]
folds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
frac = float(sys.argv[4]) if len(sys.argv) > 4 else 0.385
rows = open(os.path.join(data, 'u1.base')).read().splitlines()
# The notebook's filter keeps only test users, so a fold's users are the ones we hold out for.
# Use the upper half of user ids (ML-100K's u1 folds hold out the lower ids).
uid = [int(r.split('\t')[0]) for r in rows]
cut = sorted(set(uid))[len(set(uid)) // 2]
os.makedirs(out, exist_ok=True)
for f in range(1, folds + 1):
    rng = random.Random(1000 + f)
    nb = nt = 0
    with open(os.path.join(out, f'u{f}.base'), 'w') as b, open(os.path.join(out, f'u{f}.test'), 'w') as t:
        for r, u in zip(rows, uid):
            if u > cut and rng.random() < frac:
                t.write(r + '\n'); nt += 1
            else:
                b.write(r + '\n'); nb += 1
    print(f'{out}/u{f}: {nb} base rows, {nt} held out (users with id > {cut})')
