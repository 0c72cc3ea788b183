# curves.gp: learning curves, test RMSE vs epoch and vs training seconds, one run per model
# (see curves.awk for which).
# Usage: gnuplot -e "dir='TMP'; out='plots/NAME-curves'" plots/curves.gp  (after both .awk)
load "plots/common.gp"
cmodels = system("cat '".dir."/curve-models'")
desc = system("tr '\\n' ';' < '".dir."/curve-desc' | sed 's/;$//; s/;/; /g'")
set key outside right top
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,600 font ",10" noenhanced } \
    else { set terminal svg size 1400,600 dynamic font ",10" noenhanced }
    set output out.".".fmt
    set multiplot layout 1,2 title sprintf("Learning curves: test RMSE (*_bin: vs 0/1 labels)\n%s; %s\n%s", machine, data, desc) font ",9"
    set title "vs epoch"
    set xlabel "epoch"
    set ylabel "test RMSE"
    plot for [m in cmodels] dir."/curve-".m.".dat" using 1:3 with linespoints lw 2 pt 7 ps 0.5 \
        dt dash(m) lc rgb color(m) title m
    set title "vs training time"
    set xlabel "training seconds (s, excluding evaluation; log scale)"
    set logscale x 10
    set format x "%g"
    plot for [m in cmodels] dir."/curve-".m.".dat" using 2:3 with linespoints lw 2 pt 7 ps 0.5 \
        dt dash(m) lc rgb color(m) title m
    unset logscale x
    unset multiplot
    unset output
}
