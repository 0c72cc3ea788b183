/* svg.c: the report's charts as plain SVG text (lines, grouped bars, a log-log roofline). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

const char *const hb_rp_colors[RP_PALETTE] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                              "#9467bd", "#8c564b", "#e377c2", "#17becf"};

enum { W = 760, H = 380, ML = 72, MR = 190, MT = 40, MB = 52 };

static void hb_svg_text(hb_sbuf *o, double x, double y, const char *anchor, const char *extra,
                        const char *s) {
    hb_sb_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor,
                 extra ? extra : "");
    hb_html_esc(o, s);
    hb_sb_puts(o, "</text>\n");
}

static void hb_svg_open(hb_sbuf *o, const char *title, const char *xl, const char *yl) {
    hb_sb_printf(o,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n"
                 "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
                 W, H, W, H, W, H);
    hb_svg_text(o, W / 2.0, 22, "middle", " font-size=\"15\" font-weight=\"bold\"", title);
    hb_svg_text(o, ML + (W - ML - MR) / 2.0, H - 12, "middle", NULL, xl);
    hb_sb_printf(o, "<text transform=\"translate(16,%.1f) rotate(-90)\" text-anchor=\"middle\">",
                 MT + (H - MT - MB) / 2.0);
    hb_html_esc(o, yl);
    hb_sb_puts(o, "</text>\n");
}

static double hb_svg_nice(double span) {
    if (!(span > 0)) return 1;
    const double e = pow(10, floor(log10(span))), f = span / e;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}

static void hb_svg_fmt(char *b, size_t cap, double v) {
    if (v != 0 && (fabs(v) >= 1e4 || fabs(v) < 1e-2))
        snprintf(b, cap, "%.0e", v);
    else
        snprintf(b, cap, "%g", v);
}

/* linear axes: x in [0, xmax], y in [0, ymax]; grid and tick labels */
static void hb_svg_axes_lin(hb_sbuf *o, double xmax, double ymax, double xstep, double ystep,
                            int integer_x) {
    const double pw = W - ML - MR, ph = H - MT - MB;
    hb_sb_puts(o, "<g stroke=\"#dddddd\" stroke-width=\"1\">\n");
    for (double y = 0; y <= ymax * 1.0001; y += ystep)
        hb_sb_printf(o, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", ML,
                     MT + ph - y / ymax * ph, ML + pw, MT + ph - y / ymax * ph);
    hb_sb_puts(o, "</g>\n");
    for (double y = 0; y <= ymax * 1.0001; y += ystep) {
        char b[32];
        hb_svg_fmt(b, sizeof b, y);
        hb_svg_text(o, ML - 6, MT + ph - y / ymax * ph + 4, "end", NULL, b);
    }
    for (double x = 0; x <= xmax * 1.0001; x += xstep) {
        if (integer_x && x == 0) continue;
        char b[32];
        hb_svg_fmt(b, sizeof b, x);
        hb_svg_text(o, ML + x / xmax * pw, MT + ph + 16, "middle", NULL, b);
    }
    hb_sb_printf(o,
                 "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                 "stroke=\"#444444\"/>\n",
                 ML, MT, pw, ph);
}

static void hb_svg_legend(hb_sbuf *o, int n, const char *const *names, const int *colors,
                          int dash_last) {
    for (int k = 0; k < n; k++) {
        const double y = MT + 10 + 18 * k;
        const int dashed = dash_last && k == n - 1;
        hb_sb_printf(o,
                     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                     "stroke-width=\"3\"%s/>\n",
                     W - MR + 12, y, W - MR + 36, y,
                     dashed ? "#888888" : hb_rp_colors[colors[k] % RP_PALETTE],
                     dashed ? " stroke-dasharray=\"5,4\"" : "");
        hb_svg_text(o, W - MR + 42, y + 4, "start", NULL, names[k]);
    }
}

void hb_svg_lines(hb_sbuf *o, const char *title, const char *xl, const char *yl, int ns,
                  const hb_rp_series *s, int ideal) {
    double xmax = 1, ymax = 0;
    for (int k = 0; k < ns; k++)
        for (int i = 0; i < s[k].n; i++) {
            if (s[k].x[i] > xmax) xmax = s[k].x[i];
            if (s[k].y[i] > ymax) ymax = s[k].y[i];
        }
    if (ideal && xmax > ymax) ymax = xmax;
    const double xstep = hb_svg_nice(xmax / 6) < 1 ? 1 : hb_svg_nice(xmax / 6);
    xmax = ceil(xmax / xstep) * xstep;
    const double ystep = hb_svg_nice(ymax / 5);
    ymax = ceil(ymax * 1.05 / ystep) * ystep;
    if (!(ymax > 0)) ymax = 1;
    hb_svg_open(o, title, xl, yl);
    hb_svg_axes_lin(o, xmax, ymax, xstep, ystep, 1);
    const double pw = W - ML - MR, ph = H - MT - MB;
#define PX(v) (ML + (v) / xmax * pw)
#define PY(v) (MT + ph - (v) / ymax * ph)
    if (ideal)
        hb_sb_printf(o,
                     "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\" "
                     "stroke-dasharray=\"5,4\" stroke-width=\"1.5\"/>\n",
                     PX(1), PY(1), PX(xmax), PY(xmax > ymax ? ymax : xmax));
    const char *names[64] = {0};
    int colors[64] = {0}, nl = 0;
    for (int k = 0; k < ns; k++) {
        const char *col = hb_rp_colors[s[k].color % RP_PALETTE];
        hb_sb_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"",
                     col);
        for (int i = 0; i < s[k].n; i++)
            hb_sb_printf(o, "%s%.1f,%.1f", i ? " " : "", PX(s[k].x[i]), PY(s[k].y[i]));
        hb_sb_puts(o, "\"/>\n");
        for (int i = 0; i < s[k].n; i++) {
            hb_sb_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>",
                         PX(s[k].x[i]), PY(s[k].y[i]), col);
            hb_html_esc(o, s[k].name);
            hb_sb_printf(o, ": %g, %.3g</title></circle>\n", s[k].x[i], s[k].y[i]);
        }
        if (nl < 63) {
            names[nl] = s[k].name;
            colors[nl++] = s[k].color;
        }
    }
    if (ideal && nl < 64) {
        names[nl] = "ideal (linear)";
        colors[nl++] = 0;
    }
    hb_svg_legend(o, nl, names, colors, ideal);
#undef PX
#undef PY
    hb_sb_puts(o, "</svg>\n");
}

void hb_svg_bars(hb_sbuf *o, const char *title, const char *yl, int ng, const char *const *groups,
                 int nb, const char *const *bars, const double *v) {
    double ymax = 1;
    for (int k = 0; k < ng * nb; k++)
        if (!isnan(v[k]) && v[k] > ymax) ymax = v[k];
    const double ystep = hb_svg_nice(ymax / 5);
    ymax = ceil(ymax * 1.12 / ystep) * ystep;
    hb_svg_open(o, title, "", yl);
    const double pw = W - ML - MR, ph = H - MT - MB;
    hb_svg_axes_lin(o, 1, ymax, 2, ystep, 1); /* x ticks: none (step beyond the range) */
    const double gw = pw / (ng ? ng : 1), bw = gw * 0.8 / (nb ? nb : 1);
    for (int g = 0; g < ng; g++) {
        for (int b = 0; b < nb; b++) {
            const double val = v[g * nb + b];
            if (isnan(val)) continue;
            const double x = ML + g * gw + gw * 0.1 + b * bw, h = val / ymax * ph;
            hb_sb_printf(o,
                         "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                         "<title>",
                         x, MT + ph - h, bw * 0.92, h, hb_rp_colors[b % RP_PALETTE]);
            hb_html_esc(o, groups[g]);
            hb_sb_puts(o, " ");
            hb_html_esc(o, bars[b]);
            hb_sb_printf(o, ": %.2f</title></rect>\n", val);
            char lab[32];
            snprintf(lab, sizeof lab, "%.1f", val);
            hb_svg_text(o, x + bw * 0.46, MT + ph - h - 4, "middle", " font-size=\"10\"", lab);
        }
        hb_svg_text(o, ML + g * gw + gw / 2, MT + ph + 16, "middle", NULL, groups[g]);
    }
    hb_sb_printf(o,
                 "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444444\" "
                 "stroke-dasharray=\"5,4\"/>\n",
                 ML, MT + ph - 1.0 / ymax * ph, ML + pw, MT + ph - 1.0 / ymax * ph);
    int colors[64];
    for (int b = 0; b < nb && b < 64; b++) colors[b] = b;
    hb_svg_legend(o, nb < 64 ? nb : 64, bars, colors, 0);
    hb_sb_puts(o, "</svg>\n");
}

void hb_svg_roofline(hb_sbuf *o, const char *title, int nh, const char *const *hname,
                     const double *hval, int nb, const char *const *bname, const double *bval,
                     int ns, const hb_rp_series *s) {
    double xmin = 1e300, xmax = 0, ymin = 1e300, ymax = 0;
    for (int k = 0; k < ns; k++)
        for (int i = 0; i < s[k].n; i++) {
            if (!(s[k].x[i] > 0 && s[k].y[i] > 0)) continue;
            xmin = fmin(xmin, s[k].x[i]);
            xmax = fmax(xmax, s[k].x[i]);
            ymin = fmin(ymin, s[k].y[i]);
            ymax = fmax(ymax, s[k].y[i]);
        }
    double peak = 0;
    for (int k = 0; k < nh; k++) peak = fmax(peak, hval[k]);
    ymax = fmax(ymax, peak);
    for (int k = 0; k < nb; k++) /* the ridge points */
        if (bval[k] > 0 && peak > 0) xmax = fmax(xmax, peak / bval[k]);
    if (xmin > xmax) xmin = 0.1, xmax = 10;
    if (ymin > ymax) ymin = 0.1, ymax = 10;
    const double lx0 = floor(log10(xmin / 1.5)), lx1 = ceil(log10(xmax * 1.5));
    double ly0 = floor(log10(ymin / 1.5));
    const double ly1 = ceil(log10(ymax * 1.5));
    for (int k = 0; k < nb; k++) ly0 = fmin(ly0, floor(log10(bval[k] * pow(10, lx0))));
    if (ly1 - ly0 > 6) ly0 = ly1 - 6;
    hb_svg_open(o, title, "arithmetic intensity (flop per byte of rows moved)", "GFLOP/s");
    const double pw = W - ML - MR, ph = H - MT - MB;
#define LX(v) (ML + (log10(v) - lx0) / (lx1 - lx0) * pw)
#define LY(v) (MT + ph - (log10(v) - ly0) / (ly1 - ly0) * ph)
    hb_sb_puts(o, "<g stroke=\"#dddddd\">\n");
    for (double e = lx0; e <= lx1; e++)
        hb_sb_printf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>\n", LX(pow(10, e)),
                     MT, LX(pow(10, e)), MT + ph);
    for (double e = ly0; e <= ly1; e++)
        hb_sb_printf(o, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", ML,
                     LY(pow(10, e)), ML + pw, LY(pow(10, e)));
    hb_sb_puts(o, "</g>\n");
    for (double e = lx0; e <= lx1; e++) {
        char b[32];
        hb_svg_fmt(b, sizeof b, pow(10, e));
        hb_svg_text(o, LX(pow(10, e)), MT + ph + 16, "middle", NULL, b);
    }
    for (double e = ly0; e <= ly1; e++) {
        char b[32];
        hb_svg_fmt(b, sizeof b, pow(10, e));
        hb_svg_text(o, ML - 6, LY(pow(10, e)) + 4, "end", NULL, b);
    }
    hb_sb_printf(o,
                 "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                 "stroke=\"#444444\"/>\n",
                 ML, MT, pw, ph);
    const double X0 = pow(10, lx0), X1 = pow(10, lx1), Y0 = pow(10, ly0), Y1 = pow(10, ly1);
    for (int k = 0; k < nh; k++) {
        if (!(hval[k] > Y0 && hval[k] < Y1)) continue;
        hb_sb_printf(o,
                     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333333\" "
                     "stroke-width=\"1.5\"/>\n",
                     ML, LY(hval[k]), ML + pw, LY(hval[k]));
        hb_svg_text(o, ML + pw - 4, LY(hval[k]) - 4, "end", " font-size=\"11\"", hname[k]);
    }
    for (int k = 0; k < nb; k++) {
        if (!(bval[k] > 0)) continue;
        /* y = b x from the left edge to where it meets the top of the plot (or the right edge) */
        double xa = X0, ya = bval[k] * X0, xb = X1, yb = bval[k] * X1;
        if (ya < Y0) xa = Y0 / bval[k], ya = Y0;
        if (yb > Y1) xb = Y1 / bval[k], yb = Y1;
        if (xa >= xb) continue;
        hb_sb_printf(o,
                     "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#777777\" "
                     "stroke-dasharray=\"6,4\" stroke-width=\"1.5\"/>\n",
                     LX(xa), LY(ya), LX(xb), LY(yb));
        /* a number at the line's lower end; the legend says which roof it is */
        char num[16];
        snprintf(num, sizeof num, "%d", k + 1);
        hb_svg_text(o, LX(xa) + 6, LY(ya) - 4, "start", " font-size=\"11\" fill=\"#555555\"", num);
    }
    const char *names[64] = {0};
    int colors[64] = {0}, nl = 0;
    for (int k = 0; k < ns; k++) {
        const char *col = hb_rp_colors[s[k].color % RP_PALETTE];
        for (int i = 0; i < s[k].n; i++) {
            if (!(s[k].x[i] > 0 && s[k].y[i] > 0)) continue;
            hb_sb_printf(
                o,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" fill-opacity=\"0.8\">"
                "<title>",
                LX(s[k].x[i]), LY(s[k].y[i]), col);
            hb_html_esc(o, s[k].name);
            hb_sb_printf(o, ": %.3g flop/B, %.3g GFLOP/s</title></circle>\n", s[k].x[i], s[k].y[i]);
        }
        if (nl < 64) {
            names[nl] = s[k].name;
            colors[nl++] = s[k].color;
        }
    }
    hb_svg_legend(o, nl, names, colors, 0);
    for (int k = 0; k < nb; k++) { /* the bandwidth roofs under the series */
        const double y = MT + 10 + 18 * (nl + k) + 8;
        hb_sb_printf(o,
                     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#777777\" "
                     "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n",
                     W - MR + 12, y, W - MR + 36, y);
        char lab[160];
        snprintf(lab, sizeof lab, "%d: %s", k + 1, bname[k]);
        hb_svg_text(o, W - MR + 42, y + 4, "start", " font-size=\"11\"", lab);
    }
#undef LX
#undef LY
    hb_sb_puts(o, "</svg>\n");
}
