# ttt.gp: time to target per engine, model, optimizer and thread count: median training seconds
# (solid) and with the target checks' evaluation (light), log scale; "k/n" = runs that reached it.
# Usage: gnuplot -e "dir='TMP'; out='plots/NAME-ttt'" plots/ttt.gp  (after ttt.awk)
load dir."/ttt-meta"
set termoption noenhanced
set grid x
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y 10
set format y "%g"
set ylabel "seconds to target (log scale; lower is better)"
set xtics rotate by -30 font ",8"
set key top left
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1100,600 font ",10" noenhanced } \
    else { set terminal svg size 1100,600 dynamic font ",10" noenhanced }
    set output out.".".fmt
    set title sprintf("Time to target %s (median over runs)\n%s", target, tdata)
    plot dir."/ttt.dat" using 2:xtic(sprintf("%s (%d/%d)", strcol(1), column(4), column(5))) \
             lc rgb "#1f77b4" title "training", \
         "" using 3 lc rgb "#aec7e8" title "with evaluation"
    unset output
}
