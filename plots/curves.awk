# curves.awk: a hogbench curves CSV (--curves) -> curve-MODEL.dat (epoch, elapsed s, test RMSE,
# train loss; evaluated epochs only) for one run per model: the best ISA, the most threads, dim 64 if swept (else
# the largest), the lowest repeat; a run whose rows appear twice keeps the last.
# Usage: awk -v dir=TMPDIR -f plots/csv.awk -f plots/curves.awk CURVES.csv CURVES.csv   (two passes)

# csvsplit() comes from plots/csv.awk

function rank(isa) { return isa == "avx512" ? 4 : isa == "neon" ? 3 : isa == "avx2" ? 2 : 1 }

FNR == 1 { csvsplit($0, h); for (i in h) col[h[i]] = i; pass++; next }
{
    csvsplit($0, f)
    m = f[col["model"]]; d = f[col["dim"]] + 0; isa = f[col["isa"]]; t = f[col["threads"]] + 0
    rep = f[col["repeat"]] + 0
}
pass == 1 {
    if (!(m in bestr) || rank(isa) > bestr[m]) bestr[m] = rank(isa)
    if (!(m in maxt) || t > maxt[m]) maxt[m] = t
    if (d == 64) has64[m] = 1
    if (!(m in maxd) || d > maxd[m]) maxd[m] = d
    if (!(m in order)) { order[m] = ++nm; name[nm] = m }
    next
}
pass == 2 {
    want_d = (m in has64) ? 64 : maxd[m]
    if (rank(isa) != bestr[m] || t != maxt[m] || d != want_d) next
    if ((m in minrep) && rep > minrep[m]) next
    if (!(m in minrep) || rep < minrep[m]) { minrep[m] = rep; delete_model(m) }
    ep = f[col["epoch"]] + 0
    if (f[col["test_rmse"]] == "") next  # evaluated epochs only (--eval-every, and the last)
    if (ep > maxep[m]) maxep[m] = ep
    el[m, ep] = f[col["elapsed_seconds"]]
    rm[m, ep] = f[col["test_rmse"]]
    ls[m, ep] = f[col["train_loss"]]
    desc[m] = m " (dim " d ", " isa ", " t " thr)"
}
function delete_model(m,    e) { for (e = 1; e <= maxep[m]; e++) { delete el[m, e]; delete rm[m, e]; delete ls[m, e] } maxep[m] = 0 }
END {
    list = ""
    for (i = 1; i <= nm; i++) {
        m = name[i]
        if (!(m in desc)) continue
        out = dir "/curve-" m ".dat"
        print "# epoch elapsed_seconds test_rmse train_loss" > out
        for (e = 1; e <= maxep[m]; e++)
            if ((m, e) in el)
                print e, el[m, e], rm[m, e], ls[m, e] > out
        close(out)
        list = list (list == "" ? "" : " ") m
        print desc[m] > (dir "/curve-desc")
    }
    print list > (dir "/curve-models")
}
