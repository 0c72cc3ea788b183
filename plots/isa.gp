# isa.gp: updates/s of each kernel table relative to scalar, per model (fewest threads, median
# over embedding sizes and repeats).
# Usage: gnuplot -e "dir='TMP'; out='plots/NAME-isa'" plots/isa.gp  (after sweep.awk)
load "plots/common.gp"
set style data histograms
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "updates/s relative to scalar (x, higher is faster)"
set xlabel "model"
set key top right
set yrange [0:*]
set grid noxtics ytics
nisa = words(isas)
icolor(i) = word(isas, i) eq "scalar" ? "#999999" : word(isas, i) eq "avx2" ? "#1f77b4" : \
            word(isas, i) eq "avx512" ? "#d62728" : "#2ca02c"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 900,600 font ",10" noenhanced } \
    else { set terminal svg size 900,600 dynamic font ",10" noenhanced }
    set output out.".".fmt
    set title sprintf("Kernel tables: updates/s normalised to scalar (%d thread%s, median over dims %s)\n%s; %s", \
                      tmin, tmin > 1 ? "s" : "", dims, machine, data)
    plot for [i=2:nisa+1] dir."/isa.dat" using i:xtic(1) lc rgb icolor(i-1) title columnheader(i)
    unset output
}
