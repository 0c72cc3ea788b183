#!/usr/bin/python3
"""Writes tests/golden/ndcg_golden.h: NDCG@k golden values from sklearn.metrics.ndcg_score.

Builds small gain/score matrices deterministically (numpy seed SEED), every value exactly
representable in float32 (multiples of 1/16 or 1/64), with the cases hb_ndcg_dense must
match sklearn on: ties (rounded scores, blocks of zeros as when train cells are zeroed, tie
groups straddling k, all scores equal, -0.0 next to 0.0), negative scores, rows whose gains
are all 0, rows with one relevant item, rating-like 0..5 gains that are mostly 0 (a users x
movies test matrix), normalized gains as the binary models use, and fewer columns than k.

Usage: make_ndcg_golden.py [OUT.h]   (default: ndcg_golden.h next to this script)
Run it with Debian's python3 (python3-numpy, python3-sklearn); commit script and header."""
import os
import sys

import numpy as np
import sklearn
from sklearn.metrics import ndcg_score

SEED = 20240501
KS = [1, 3, 5, 10, 20, 30, 100]
rng = np.random.default_rng(SEED)
cases = []


def q(x, step):
    """Rounds to a multiple of step (a power of two): exact in float32 for |x| < 2^(24)*step."""
    return np.round(np.asarray(x, dtype=np.float64) / step) * step


def add(name, gains, scores, ks=KS):
    g = np.asarray(gains, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    assert g.shape == s.shape and g.ndim == 2 and g.shape[1] >= 2, name
    assert (g >= 0).all(), name
    # every value must survive the trip through float32 unchanged
    assert (g.astype(np.float32).astype(np.float64) == g).all(), name
    assert (s.astype(np.float32).astype(np.float64) == s).all(), name
    cases.append((name, g, s, list(ks)))


def rating_like(rows, cols, density):
    """Test-matrix gains: 1..5 on a density fraction of cells, 0 elsewhere."""
    g = rng.integers(1, 6, size=(rows, cols)).astype(np.float64)
    g[rng.random((rows, cols)) >= density] = 0
    return g


# 1. distinct scores, small integer gains
g = rng.integers(0, 4, size=(4, 8))
s = np.stack([rng.permutation(8) for _ in range(4)]) / 16.0
add("distinct_scores", g, s)

# 2. rows whose gains are all 0 mixed with normal rows (they count as 0 in the average)
g = rng.integers(0, 6, size=(6, 12)).astype(np.float64)
g[[1, 4]] = 0
s = q(rng.normal(size=(6, 12)), 1 / 16)
add("zero_gain_rows", g, s)

# 3. exactly one relevant item per row, at varied ranks
g = np.zeros((6, 20))
for r, (col, val) in enumerate([(0, 5), (7, 1), (19, 3), (3, 4), (11, 2), (15, 5)]):
    g[r, col] = val
s = q(rng.normal(size=(6, 20)), 1 / 16)
s[0, 0] = 4.0   # the relevant item ranked first
s[2, 19] = -4.0  # ranked last
add("single_relevant", g, s)

# 4. a users x movies test matrix: mostly 0 gains, train cells scored 0, scores rounded to 1/8
g = rating_like(30, 60, 0.12)
s = q(rng.normal(3.5, 1.0, size=(30, 60)), 1 / 8)
train = (rng.random((30, 60)) < 0.15) & (g == 0)
s[train] = 0.0
add("ratings_train_zeroed", g, s)

# 5. coarse rounding: very many ties
g = rating_like(10, 40, 0.3)
s = q(rng.normal(size=(10, 40)), 1 / 2)
add("coarse_ties", g, s)

# 6. blocks of zero scores (mostly zeroed rows) with a few positive and negative scores
g = rating_like(8, 50, 0.2)
s = np.zeros((8, 50))
for r in range(8):
    idx = rng.choice(50, size=r + 1, replace=False)
    s[r, idx] = q(rng.normal(size=r + 1), 1 / 16)
add("zero_blocks", g, s)

# 7. tie groups straddling k = 1, 3, 5, 10, 20
n = 32
s = np.zeros((4, n))
s[0, :] = [2.0] * 2 + [1.0] * 6 + [0.5] * 8 + [0.25] * 10 + [0.0] * 6  # groups end at 2, 8, 16, 26
s[1, :] = [3.0] + [1.5] * 4 + [-1.0] * 27                              # ends at 1, 5 (k=5 on the edge)
s[2, :] = [1.0] * 4 + [0.75] * 18 + [0.125] * 10                         # 4 | 22 straddles 5, 10, 20
s[3, :] = [0.5] * 9 + [0.25] * 2 + [0.0] * 21                            # 9 | 11 straddles 10
g = rating_like(4, n, 0.4)
perm = rng.permutation(n)  # shuffle columns so groups are not contiguous in memory
add("ties_straddle_k", g[:, perm], s[:, perm])

# 8. all scores equal in a row (0, a positive and a negative constant)
g = rating_like(3, 25, 0.3)
g[0, 0] = 5
s = np.zeros((3, 25))
s[1] = 0.5
s[2] = -2.25
add("all_scores_equal", g, s)

# 9. negative scores only
g = rating_like(5, 30, 0.3)
s = -q(rng.random((5, 30)) * 8, 1 / 16) - 1 / 16
add("negative_scores", g, s)

# 10. fewer columns than k (5 columns, k up to 100)
g = np.array([[0, 3, 0, 5, 1], [0, 0, 0, 0, 0], [4, 0, 0, 0, 0], [1, 2, 3, 4, 5],
              [2, 2, 0, 0, 2]], dtype=np.float64)
s = np.array([[0.5, 0.25, 0.5, -1, 0], [1, 2, 3, 4, 5], [0, 0, 0, 0, 0],
              [0.125, 0.125, 0.25, 0.25, 0.0625], [-0.5, 0.5, 0.5, 0.5, -0.5]])
add("five_columns", g, s)

# 11. two columns
g = np.array([[1, 0], [0, 1], [2, 3], [1, 1], [0, 0]], dtype=np.float64)
s = np.array([[0.5, 0.25], [0.5, 0.25], [0.0, 0.0], [1.0, -1.0], [3.0, 2.0]])
add("two_columns", g, s)

# 12. one row
g = rating_like(1, 10, 0.5)
g[0, 3] = 4
s = q(rng.normal(size=(1, 10)), 1 / 4)
add("one_row", g, s)

# 13. every row without gain: the average is 0
g = np.zeros((3, 7))
s = q(rng.normal(size=(3, 7)), 1 / 16)
add("no_gain_at_all", g, s)

# 14. binary models: gains (r - 1) / 4 in {0, .25, .5, .75, 1}, sigmoid-like scores in (0, 1)
#     rounded to 1/64, train cells scored 0
r = rating_like(12, 80, 0.15)
g = np.where(r > 0, (r - 1) / 4, 0)
s = q(1 / (1 + np.exp(-rng.normal(size=(12, 80)))), 1 / 64)
s[(rng.random((12, 80)) < 0.2) & (r == 0)] = 0.0
add("binary_normalized_gains", g, s)

# 15. -0.0 and 0.0 are one tie group (np.unique and == agree)
g = np.array([[0, 2, 0, 1, 3, 0], [1, 0, 2, 0, 0, 5]], dtype=np.float64)
s = np.array([[0.0, -0.0, 0.0, -0.0, 0.5, -0.25], [-0.0, -0.0, 1.0, 0.0, 0.0, -1.0]])
add("signed_zeros", g, s)

# 16. wider than 100 columns: k=100 cuts, many ties near the cut and a block of train zeros
g = rating_like(25, 240, 0.08)
s = q(rng.normal(3.0, 0.8, size=(25, 240)), 1 / 16)
s[:, 60:140] = 0.0
add("wide_k100_cut", g, s)

# 17. a perfectly ranked row, a reversed row and a random row with distinct gains
gd = np.arange(12, 0, -1, dtype=np.float64) / 4.0
g = np.stack([gd, gd, gd])
s = np.stack([np.arange(12, 0, -1) / 16.0, np.arange(1, 13) / 16.0, rng.permutation(12) / 16.0])
add("perfect_reversed_random", g, s)

# 18. larger random case, scores to 1/16 (few ties), to exercise the heap threshold
g = rating_like(40, 300, 0.06)
s = q(rng.normal(size=(40, 300)) * 3, 1 / 16)
add("large_fine_scores", g, s)


def fmt_f32(v):
    t = repr(float(v))
    if t in ("0.0", "-0.0"):
        return t + "f"
    assert float(t) == v
    return t + "f"


def c_array(ctype, name, vals, fmt, per_line=10):
    items = [fmt(v) for v in vals]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "static const %s %s[%d] = {\n    %s};\n" % (ctype, name, len(items), ",\n    ".join(lines))


out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "ndcg_golden.h")
parts = ["/* ndcg_golden.h: GENERATED by tests/golden/make_ndcg_golden.py (numpy seed %d) with\n"
         " * scikit-learn %s and numpy %s: expected = sklearn.metrics.ndcg_score(gains, scores, k=k)\n"
         " * for every case and k. Do not edit; rerun the script. Matrices are row-major float32. */\n"
         "#ifndef HB_NDCG_GOLDEN_H\n#define HB_NDCG_GOLDEN_H\n\n#include <stddef.h>\n\n"
         % (SEED, sklearn.__version__, np.__version__)]
rows = []
for c, (name, g, s, ks) in enumerate(cases):
    exp = [ndcg_score(g, s, k=k) for k in ks]
    parts.append("/* case %d: %s, %d x %d */\n" % (c, name, g.shape[0], g.shape[1]))
    parts.append(c_array("float", "hb_golden_%s_gains" % name, g.ravel(), fmt_f32))
    parts.append(c_array("float", "hb_golden_%s_scores" % name, s.ravel(), fmt_f32))
    parts.append(c_array("int", "hb_golden_%s_ks" % name, ks, str, 16))
    parts.append(c_array("double", "hb_golden_%s_expected" % name, exp, lambda v: "%.17g" % v, 3))
    parts.append("\n")
    rows.append("    {\"%s\", %d, %d, hb_golden_%s_gains, hb_golden_%s_scores, hb_golden_%s_ks, %d,\n"
                "     hb_golden_%s_expected}," % (name, g.shape[0], g.shape[1], name, name, name,
                                                  len(ks), name))
parts.append("typedef struct hb_ndcg_golden {\n    const char *name;\n    size_t n_rows, n_cols;\n"
             "    const float *gains, *scores;\n    const int *ks;\n    int nk;\n"
             "    const double *expected; /* one per k */\n} hb_ndcg_golden;\n\n")
parts.append("static const hb_ndcg_golden hb_ndcg_golden_cases[] = {\n" + "\n".join(rows) + "\n};\n")
parts.append("#define HB_NDCG_GOLDEN_N (sizeof hb_ndcg_golden_cases / sizeof *hb_ndcg_golden_cases)\n\n"
             "#endif\n")
with open(out, "w") as f:
    f.write("".join(parts))
print("wrote %s: %d cases, sklearn %s" % (out, len(cases), sklearn.__version__))
