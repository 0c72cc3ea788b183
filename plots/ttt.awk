# ttt.awk: rows with a time to target (hogbench's results, or a peers file with an engine column:
# bench/peers/peer_rows.py) -> DIR/ttt.dat: one line per (engine, model, optimizer, threads):
# label (engine, model, preset, optimizer, threads), median seconds_to_target, median seconds_to_target_with_eval, runs that reached it, runs.
# Usage: awk -v dir=TMPDIR -f plots/csv.awk -f plots/ttt.awk FILE.csv   (mawk or gawk)

function median(s,    a, n, i, j, t) {
    n = split(s, a, " ")
    if (n == 0) return ""
    for (i = 2; i <= n; i++) {
        t = a[i] + 0
        for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
    return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}

NR == 1 {
    csvsplit($0, h)
    for (i in h) col[h[i]] = i
    if (!("seconds_to_target" in col)) { print "ttt.awk: no seconds_to_target column" > "/dev/stderr"; exit 1 }
    next
}
{
    if (csvsplit($0, f) < 5) next
    st = f[col["status"]]
    if (st != "ok" && st != "target_missed") next
    eng = ("engine" in col) ? f[col["engine"]] : "hogbench"
    if (f[col["target_metric"]] == "") next
    pre = ("preset" in col && f[col["preset"]] != "") ? " " f[col["preset"]] : ""
    k = eng " " f[col["model"]] pre " " f[col["optimizer"]] " " f[col["threads"]] "thr"
    if (!(k in n)) { order[++nk] = k; n[k] = 0; hit[k] = 0 }
    n[k]++
    if (f[col["seconds_to_target"]] != "") {
        hit[k]++
        s[k] = s[k] " " f[col["seconds_to_target"]]
        w[k] = w[k] " " f[col["seconds_to_target_with_eval"]]
    }
    if (!tgt) tgt = f[col["target_metric"]] "=" f[col["target_value"]]
    if (!data) data = f[col["dataset"]] " " f[col["split"]]
}
END {
    out = dir "/ttt.dat"
    for (i = 1; i <= nk; i++) {
        k = order[i]; a = median(s[k]); b = median(w[k])
        gsub(/ /, "_", k)
        print "\"" k "\"", (a == "" ? "NaN" : a), (b == "" ? "NaN" : b), hit[order[i]], n[order[i]] > out
    }
    print "target=\"" tgt "\"" > (dir "/ttt-meta")
    print "tdata=\"" data "\"" > (dir "/ttt-meta")
}
