#!/usr/bin/env bash
# defaults_table.sh: trains the five models with hogbench's defaults (and, with --seed-preset,
# the notebook's settings) on MovieLens 100K u1 and prints the README's markdown table next to
# the seed reference (../shared/reference/seed-reference-u1.csv, the notebook in PyTorch).
# Usage: HOGBENCH_DATA=ml-100k bash bench/defaults_table.sh [build/hogbench] [extra train flags]
set -euo pipefail
hb=${1:-build/hogbench}
shift || true
ref=${HB_REFERENCE:-../shared/reference/seed-reference-u1.csv}
: "${HOGBENCH_DATA:?set HOGBENCH_DATA to the ml-100k folder}"
echo "| model | defaults | RMSE | MAE | NDCG@10 | s/epoch | train s | eval s | seed RMSE | seed NDCG@10 | seed s/epoch | seed eval s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for m in mf mf_bias mlp mf_bias_bin mlp_bin; do
    tmp=$(mktemp)
    "$hb" train --data "$HOGBENCH_DATA" --split u1 --model "$m" --quiet --out "$tmp" "$@" >/dev/null
    python3 - "$tmp" "$m" "$ref" <<'PY'
import csv, sys
row = list(csv.DictReader(open(sys.argv[1])))[-1]
g = lambda k: f"{float(row[k]):.6g}"
seed = {r['model']: r for r in csv.DictReader(open(sys.argv[3]))}.get(sys.argv[2], {})
d = (f"{row['optimizer']} lr {g('lr')} reg {g('reg')}"
     + (f"/{g('reg_bias')}" if row['model'].startswith('mf_bias') else '')
     + (" rows" if row.get('reg_rows') == '1' else '')
     + f", batch {row['batch']}, dim {row['dim']}, {row['epochs']} ep"
     + (f", decay {g('lr_decay')}" if float(row['lr_decay']) else '')
     + (f", {row['activation']}" if 'mlp' in row['model'] else '')
     + (f", init {row['init']}" + (f"+{row['init_offset']}" if row.get('init_offset', 'none') != 'none' else '')))
print(f"| {row['model']} | {d} | {float(row['rmse']):.4f} | {float(row['mae']):.4f} | "
      f"{float(row['ndcg_at_10']):.4f} | {float(row['seconds_per_epoch']):.4f} | "
      f"{float(row['train_seconds']):.3f} | {float(row['eval_seconds']):.3f} | "
      f"{seed.get('rmse', '')} | {seed.get('ndcg10', '')} | {seed.get('sec_per_epoch', '')} | {seed.get('eval_sec', '')} |")
PY
    rm -f "$tmp"
done
