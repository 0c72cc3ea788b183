# csv.awk: csvsplit(), the RFC 4180 field splitter shared by plots/sweep.awk and plots/curves.awk
# (load it first: awk -f plots/csv.awk -f plots/sweep.awk ...).

function csvsplit(line, f,    n, i, c, q, fld, L) {
    if (index(line, "\"") == 0) return split(line, f, ",")
    n = 0; fld = ""; q = 0; L = length(line)
    for (i = 1; i <= L; i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c == "\"") {
                if (substr(line, i + 1, 1) == "\"") { fld = fld "\""; i++ } else q = 0
            } else fld = fld c
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = fld; fld = "" }
        else fld = fld c
    }
    f[++n] = fld
    return n
}
