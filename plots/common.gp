# common.gp: what every sweep figure shares; loaded by the other .gp files after 'dir' and 'out'.
load dir."/meta"
models = system("cat '".dir."/models'")
set termoption noenhanced
set grid
set key font ",9" samplen 2
# one colour per model, the same in every figure
color(m) = m eq "mf" ? "#1f77b4" : m eq "mf_bias" ? "#d62728" : m eq "mlp" ? "#2ca02c" : \
           m eq "mf_bias_bin" ? "#ff7f0e" : m eq "mlp_bin" ? "#9467bd" : "#555555"
dash(m) = (strstrt(m, "_bin") > 0) ? 2 : 1
