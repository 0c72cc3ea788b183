# quality.gp: test RMSE and NDCG@10 vs embedding size per model (median over every ok run of
# that model and size: repeats, ISAs, thread counts).
# Usage: gnuplot -e "dir='TMP'; out='plots/NAME-quality'" plots/quality.gp  (after sweep.awk)
load "plots/common.gp"
set xlabel "embedding size (dim)"
set logscale x 2
set key outside right top
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1400,560 font ",10" noenhanced } \
    else { set terminal svg size 1400,560 dynamic font ",10" noenhanced }
    set output out.".".fmt
    set multiplot layout 1,2 title sprintf("Test quality vs embedding size (median over runs)\n%s; %s", machine, data)
    set title "test RMSE (rating models: stars; *_bin: predicted probability vs 0/1 label)"
    set ylabel "RMSE (lower is better)"
    plot for [m in models] dir."/size-".m.".dat" using 1:2 with linespoints lw 2 pt 7 \
        dt dash(m) lc rgb color(m) title m
    set title "NDCG@10 (the notebook's full-ranking protocol)"
    set ylabel "NDCG@10 (higher is better)"
    plot for [m in models] dir."/size-".m.".dat" using 1:3 with linespoints lw 2 pt 7 \
        dt dash(m) lc rgb color(m) title m
    unset multiplot
    unset output
}
