# kernels.gp: speed-up over the scalar kernels, one panel per kernel, one line per ISA, OpenBLAS as a reference line.
# Usage: gnuplot -e "csv='results/kernels-HOST.csv'; out='plots/kernels-HOST'" plots/kernels.gp  (writes out.png, out.svg)
if (!exists("csv")) csv = "results/kernels-vm.csv"
if (!exists("out")) out = "plots/kernels"

set datafile separator comma
ops = "dot axpy sgd sgd_mf nadam gemv gemv_t ger"
isas = "avx2 avx512 neon openblas"
# CSV columns (bench/bench_to_csv.py): 1 op, 2 isa, 3 shape, 6 shape_rank, 11 speedup_vs_scalar
sel(op, isa) = strcol(1) eq op && strcol(2) eq isa
count(op, isa) = int(system(sprintf("awk -F, -v op=%s -v isa=%s '$1==op && $2==isa {k++} END {print k+0}' '%s'", op, isa, csv)))
# xtic list ("16" 0, "32" 1, ...) from the scalar rows: shape labels at their ranks
tics(op) = system(sprintf("awk -F, -v op=%s '$1==op && $2==\"scalar\" {printf \"%%s\\\"%%s\\\" %%s\", (k++ ? \", \" : \"\"), $3, $6}' '%s'", op, csv))
host = system(sprintf("awk -F, 'NR==2 {print $12\" (\"$16\", best ISA \"$15\")\"}' '%s'", csv))

set termoption noenhanced
set logscale y 2
set grid ytics
set key top left font ",9" samplen 2
set ylabel "speed-up over scalar"
set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 0.6
set style line 2 lc rgb "#d62728" lw 2 pt 5 ps 0.6
set style line 3 lc rgb "#2ca02c" lw 2 pt 9 ps 0.6
set style line 4 lc rgb "#555555" lw 2 dt 2 pt 1 ps 0.6

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1800,900 font ",10" noenhanced; set output out.".png" }
    else { set terminal svg size 1800,900 dynamic font ",10" noenhanced; set output out.".svg" }
    set multiplot layout 2,4 title "hogbench kernels: speed-up over scalar, one thread - ".host
    do for [i=1:words(ops)] {
        op = word(ops, i)
        t = tics(op)
        if (strlen(t) > 0) { eval "set xtics rotate by -45 font ',8' (".t.")" }
        set title op
        cmd = "1 with lines lc rgb '#999999' dt 3 title 'scalar'"
        do for [j=1:words(isas)] {
            isa = word(isas, j)
            if (count(op, isa) > 0) {
                cmd = cmd.sprintf(", csv using (sel('%s', '%s') ? $6 : 1/0):(sel('%s', '%s') ? $11 : 1/0) with linespoints ls %d title '%s'", op, isa, op, isa, j, isa)
            }
        }
        eval "plot ".cmd
    }
    unset multiplot
    unset output
}
