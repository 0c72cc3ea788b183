# epoch_time.gp: seconds per epoch vs embedding size per model, at the fewest and the most
# threads (best ISA, median over repeats).
# Usage: gnuplot -e "dir='TMP'; out='plots/NAME-epoch-time'" plots/epoch_time.gp  (after sweep.awk)
load "plots/common.gp"
set xlabel "embedding size (dim)"
set ylabel "seconds per epoch (s, log scale)"
set logscale x 2
set logscale y 10
set format y "%g"
set key outside right top
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1000,600 font ",10" noenhanced } \
    else { set terminal svg size 1000,600 dynamic font ",10" noenhanced }
    set output out.".".fmt
    set title sprintf("Seconds per epoch vs embedding size (%s kernels; solid: %d thread%s, dashed: %d)\n%s; %s", \
                      best, tmin, tmin > 1 ? "s" : "", tmax, machine, data)
    if (tmax > tmin) {
        plot for [m in models] dir."/size-".m.".dat" using 1:4 with linespoints lw 2 pt 7 \
                 lc rgb color(m) title sprintf("%s, %d thr", m, tmin), \
             for [m in models] dir."/size-".m.".dat" using 1:5 with linespoints lw 2 pt 6 dt 2 \
                 lc rgb color(m) title sprintf("%s, %d thr", m, tmax)
    } else {
        plot for [m in models] dir."/size-".m.".dat" using 1:4 with linespoints lw 2 pt 7 \
                 lc rgb color(m) title sprintf("%s, %d thr", m, tmin)
    }
    unset output
}
