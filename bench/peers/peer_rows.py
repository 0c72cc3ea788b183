#!/usr/bin/python3
"""peer_rows.py: the peers' rows in hogbench's CSV schema, and hogbench's rows tagged with it.

Peers (LIBMF, the PyTorch trainer) write the columns below, named and meant as in
results/SCHEMA.md, plus `engine` (hogbench, libmf, pytorch) first; a column a peer cannot fill
stays empty. `python3 bench/peers/peer_rows.py HOGBENCH.csv >> PEERS.csv` appends hogbench's own
rows (engine=hogbench) to a peers file, so one file and one figure hold every engine."""
import csv, os, socket, sys, time

COLS = ['engine', 'model', 'preset', 'optimizer', 'lr', 'lr_decay', 'reg', 'batch', 'epochs', 'dim',
        'threads', 'isa', 'seed', 'init', 'dataset', 'split', 'target_metric', 'target_value', 'nadam',
        'repeat', 'n_train', 'n_test', 'epochs_done', 'train_seconds', 'seconds_per_epoch',
        'updates_per_second', 'rmse', 'mae', 'ndcg_at_10', 'status', 'message', 'epochs_to_target',
        'seconds_to_target', 'seconds_to_target_with_eval', 'hostname', 'cpu_model', 'timestamp_utc']


def cpu_model():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return '?'


def append(path, row):
    """Appends one row (a dict; missing columns empty) to path, writing the header first when new."""
    row = dict(row)
    row.setdefault('hostname', socket.gethostname())
    row.setdefault('cpu_model', cpu_model())
    row.setdefault('timestamp_utc', time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    if not new:
        with open(path, newline='') as f:
            head = next(csv.reader(f))
        if head != COLS:
            sys.exit(f'peer_rows: {path}: another header; refusing to append')
    with open(path, 'a', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        if new:
            w.writerow(COLS)
        w.writerow(['' if row.get(c) is None else row.get(c, '') for c in COLS])


def time_to_target(curve, target, higher=False):
    """curve: [(epoch, train_seconds, seconds_with_eval, metric)]; the first epoch meeting target."""
    for ep, ts, te, v in curve:
        if v is not None and (v >= target if higher else v <= target):
            return ep, ts, te
    return None, None, None


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    w = csv.writer(sys.stdout, lineterminator='\n')
    for r in csv.DictReader(open(sys.argv[1], newline='')):
        r['engine'] = 'hogbench'
        w.writerow([r.get(c, '') for c in COLS])
