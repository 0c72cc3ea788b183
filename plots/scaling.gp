# scaling.gp: speed-up (updates/s over the fewest threads) vs threads per model, with the
# ideal line; best ISA, median over embedding sizes and repeats.
# Usage: gnuplot -e "dir='TMP'; out='plots/NAME-scaling'" plots/scaling.gp  (after sweep.awk)
load "plots/common.gp"
set xlabel "threads (OpenMP workers)"
set ylabel sprintf("speed-up over %d thread%s (updates/s ratio)", tmin, tmin > 1 ? "s" : "")
set key top left
set xtics 1
set xrange [tmin - 0.2 : tmax + 0.2]
set yrange [0:*]
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 900,600 font ",10" noenhanced } \
    else { set terminal svg size 900,600 dynamic font ",10" noenhanced }
    set output out.".".fmt
    set title sprintf("Hogwild thread scaling (%s kernels, median over dims %s)\n%s; %s", best, dims, machine, data)
    plot dir."/ideal.dat" using 1:2 with lines dt 3 lw 2 lc rgb "#555555" title "ideal (linear)", \
         for [m in models] dir."/scaling-".m.".dat" using 1:2 with linespoints lw 2 pt 7 \
             dt dash(m) lc rgb color(m) title m
    unset output
}
