# sweep.awk: a hogbench sweep CSV (results/SCHEMA.md) -> the .dat tables plot.sh draws.
# Usage: awk -v dir=TMPDIR -f plots/csv.awk -f plots/sweep.awk results/NAME.csv   (mawk or gawk)
# Writes into dir: meta (title facts), models, scaling-MODEL.dat, ideal.dat, isa.dat,
# size-MODEL.dat. Timings use rows with status ok; every value is the median over repeats.

# csvsplit() comes from plots/csv.awk

# median of the space-separated numbers in s ("" when none)
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

# sorts the numbers in s ascending, returns them space-separated
function numsort(s,    a, n, i, j, t, out) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) {
        t = a[i] + 0
        for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
    out = ""
    for (i = 1; i <= n; i++) out = out (i > 1 ? " " : "") a[i]
    return out
}

function add(list, v) { return list == "" ? v : list " " v }

NR == 1 {
    csvsplit($0, h)
    for (i in h) col[h[i]] = i
    need = "model dim isa threads status updates_per_second seconds_per_epoch rmse ndcg_at_10"
    n = split(need, nn, " ")
    for (i = 1; i <= n; i++)
        if (!(nn[i] in col)) { print "sweep.awk: column " nn[i] " missing" > "/dev/stderr"; exit 1 }
    next
}
{
    if (csvsplit($0, f) < 10) next
    if (f[col["status"]] != "ok" && f[col["status"]] != "target_missed") next
    m = f[col["model"]]; d = f[col["dim"]] + 0; isa = f[col["isa"]]; t = f[col["threads"]] + 0
    if (!(m in seen_m)) { seen_m[m] = 1; models = add(models, m) }
    if (!(d in seen_d)) { seen_d[d] = 1; dims = add(dims, d) }
    if (!(isa in seen_i)) { seen_i[isa] = 1 }
    if (!(t in seen_t)) { seen_t[t] = 1; threads = add(threads, t) }
    k = m SUBSEP d SUBSEP isa SUBSEP t
    ups[k] = add(ups[k], f[col["updates_per_second"]])
    spe[k] = add(spe[k], f[col["seconds_per_epoch"]])
    md = m SUBSEP d
    rmse[md] = add(rmse[md], f[col["rmse"]])
    ndcg[md] = add(ndcg[md], f[col["ndcg_at_10"]])
    if (!host) {
        host = ("hostname" in col) ? f[col["hostname"]] : "?"
        cpu = ("cpu_model" in col) ? f[col["cpu_model"]] : "?"
        ncpu = ("logical_cpus" in col) ? f[col["logical_cpus"]] : "?"
        data = ("dataset" in col) ? f[col["dataset"]] " " f[col["split"]] : "?"
        sha = ("git_sha" in col) ? f[col["git_sha"]] : "?"
    }
    rows++
}
END {
    if (!rows) { print "sweep.awk: no rows with status ok" > "/dev/stderr"; exit 1 }
    best = ""
    nb = split("avx512 avx2 neon scalar", pref, " ")
    for (i = 1; i <= nb && best == ""; i++) if (pref[i] in seen_i) best = pref[i]
    isas = ""
    ni = split("scalar avx2 avx512 neon", order, " ")
    for (i = 1; i <= ni; i++) if (order[i] in seen_i) isas = add(isas, order[i])
    dims = numsort(dims); threads = numsort(threads)
    nd = split(dims, D, " "); nt = split(threads, T, " "); nm = split(models, M, " ")
    tmin = T[1]; tmax = T[nt]
    if (length(data) > 40) data = substr(data, 1, 40) "..."
    print "machine=\"" host ": " cpu ", " ncpu " logical CPUs\"" > (dir "/meta")
    print "data=\"" data "\"" > (dir "/meta")
    print "sha=\"" sha "\"" > (dir "/meta")
    print "best=\"" best "\"" > (dir "/meta")
    print "isas=\"" isas "\"" > (dir "/meta")
    print "tmin=" tmin "; tmax=" tmax "; nthreads=" nt > (dir "/meta")
    print "dims=\"" dims "\"" > (dir "/meta")
    print models > (dir "/models")
    # thread scaling: median over dims of ups(T) / ups(tmin), best ISA
    for (j = 1; j <= nt; j++) print T[j], T[j] / tmin > (dir "/ideal.dat")
    for (i = 1; i <= nm; i++) {
        out = dir "/scaling-" M[i] ".dat"
        print "# threads speedup" > out
        for (j = 1; j <= nt; j++) {
            r = ""
            for (e = 1; e <= nd; e++) {
                a = median(ups[M[i], D[e], best, T[j]]); b = median(ups[M[i], D[e], best, tmin])
                if (a != "" && b != "" && b > 0) r = add(r, a / b)
            }
            if (r != "") print T[j], median(r) > out
        }
        close(out)
    }
    # ISA: median over dims of ups(isa) / ups(scalar), tmin threads
    if ("scalar" in seen_i) {
        out = dir "/isa.dat"
        print "model " isas > out
        n = split(isas, I, " ")
        for (i = 1; i <= nm; i++) {
            line = M[i]
            for (j = 1; j <= n; j++) {
                r = ""
                for (e = 1; e <= nd; e++) {
                    a = median(ups[M[i], D[e], I[j], tmin]); b = median(ups[M[i], D[e], "scalar", tmin])
                    if (a != "" && b != "" && b > 0) r = add(r, a / b)
                }
                line = line " " (r == "" ? "NaN" : median(r))
            }
            print line > out
        }
        close(out)
    }
    # size: dim, rmse, ndcg@10 (all ok rows), s/epoch at tmin and tmax (best ISA)
    for (i = 1; i <= nm; i++) {
        out = dir "/size-" M[i] ".dat"
        print "# dim rmse ndcg10 spe_tmin spe_tmax" > out
        for (e = 1; e <= nd; e++) {
            r = median(rmse[M[i], D[e]]); g = median(ndcg[M[i], D[e]])
            s1 = median(spe[M[i], D[e], best, tmin]); s2 = median(spe[M[i], D[e], best, tmax])
            if (r == "" && s1 == "" && s2 == "") continue
            print D[e], (r == "" ? "NaN" : r), (g == "" ? "NaN" : g), (s1 == "" ? "NaN" : s1), (s2 == "" ? "NaN" : s2) > out
        }
        close(out)
    }
}
