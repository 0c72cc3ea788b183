/* report_out.c: the report's sections, written once into HTML and Markdown at the same time
 * (hb_doc_* below), with SVG figures inline in the HTML and as files next to the Markdown. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

/* ------------------------------------------------------------------ the document writer */

void hb_html_esc(hb_sbuf *o, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': hb_sb_puts(o, "&amp;"); break;
        case '<': hb_sb_puts(o, "&lt;"); break;
        case '>': hb_sb_puts(o, "&gt;"); break;
        case '"': hb_sb_puts(o, "&quot;"); break;
        default: hb_sb_put(o, s, 1);
        }
    }
}

/* Markdown table cells: no '|', no newline. */
static void md_cell(hb_sbuf *o, const char *s) {
    for (; *s; s++) {
        if (*s == '|')
            hb_sb_puts(o, "\\|");
        else if (*s == '\n' || *s == '\r')
            hb_sb_puts(o, " ");
        else
            hb_sb_put(o, s, 1);
    }
}

void hb_doc_h2(hb_rp_doc *d, const char *id, const char *title) {
    hb_sb_printf(&d->html, "<h2 id=\"%s\">", id);
    hb_html_esc(&d->html, title);
    hb_sb_puts(&d->html, "</h2>\n");
    hb_sb_printf(&d->md, "\n## %s\n\n", title);
}

void hb_doc_h3(hb_rp_doc *d, const char *title) {
    hb_sb_puts(&d->html, "<h3>");
    hb_html_esc(&d->html, title);
    hb_sb_puts(&d->html, "</h3>\n");
    hb_sb_printf(&d->md, "\n### %s\n\n", title);
}

void hb_doc_p(hb_rp_doc *d, const char *fmt, ...) {
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hb_sb_puts(&d->html, "<p>");
    hb_html_esc(&d->html, buf);
    hb_sb_puts(&d->html, "</p>\n");
    hb_sb_printf(&d->md, "%s\n\n", buf);
}

void hb_doc_table(hb_rp_doc *d, int ncols, const char *const *head) {
    hb_sb_puts(&d->html, "<table>\n<thead><tr>");
    hb_sb_puts(&d->md, "|");
    for (int c = 0; c < ncols; c++) {
        hb_sb_puts(&d->html, "<th>");
        hb_html_esc(&d->html, head[c]);
        hb_sb_puts(&d->html, "</th>");
        hb_sb_puts(&d->md, " ");
        md_cell(&d->md, head[c]);
        hb_sb_puts(&d->md, " |");
    }
    hb_sb_puts(&d->html, "</tr></thead>\n<tbody>\n");
    hb_sb_puts(&d->md, "\n|");
    for (int c = 0; c < ncols; c++) hb_sb_puts(&d->md, "---|");
    hb_sb_puts(&d->md, "\n");
    d->in_row = 0;
}

static void hb_doc_tr_close(hb_rp_doc *d) {
    if (!d->in_row) return;
    hb_sb_puts(&d->html, "</tr>\n");
    hb_sb_puts(&d->md, "\n");
    d->in_row = 0;
}

void hb_doc_tr(hb_rp_doc *d) {
    hb_doc_tr_close(d);
    hb_sb_puts(&d->html, "<tr>");
    hb_sb_puts(&d->md, "|");
    d->in_row = 1;
}

void hb_doc_td(hb_rp_doc *d, const char *cls, const char *fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!buf[0]) snprintf(buf, sizeof buf, "—");
    if (cls && *cls)
        hb_sb_printf(&d->html, "<td class=\"%s\">", cls);
    else
        hb_sb_puts(&d->html, "<td>");
    hb_html_esc(&d->html, buf);
    hb_sb_puts(&d->html, "</td>");
    const int bold = cls && strstr(cls, "bad");
    hb_sb_puts(&d->md, bold ? " **" : " ");
    md_cell(&d->md, buf);
    hb_sb_puts(&d->md, bold ? "** |" : " |");
}

void hb_doc_table_end(hb_rp_doc *d) {
    hb_doc_tr_close(d);
    hb_sb_puts(&d->html, "</tbody>\n</table>\n");
    hb_sb_puts(&d->md, "\n");
}

void hb_doc_svg(hb_rp_doc *d, const char *name, const hb_sbuf *svg, const char *caption) {
    if (svg->oom) {
        d->html.oom = 1;
        return;
    }
    hb_sb_puts(&d->html, "<figure>\n");
    hb_sb_put(&d->html, svg->s, svg->len);
    hb_sb_puts(&d->html, "<figcaption>");
    hb_html_esc(&d->html, caption);
    hb_sb_puts(&d->html, "</figcaption>\n</figure>\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.svg", d->dir, name);
    if (!d->failed && hb_write_atomic(path, svg->s, svg->len, &d->err) != HB_OK) d->failed = 1;
    hb_sb_printf(&d->md, "![%s](%s.svg)\n\n*%s*\n\n", caption, name, caption);
    d->nfig++;
}

/* ------------------------------------------------------------------ formatting */

static void fmt_si(char *b, size_t cap, double v) {
    if (isnan(v)) {
        snprintf(b, cap, "—");
        return;
    }
    const char *u = "";
    if (v >= 1e9)
        v /= 1e9, u = " G";
    else if (v >= 1e6)
        v /= 1e6, u = " M";
    else if (v >= 1e3)
        v /= 1e3, u = " k";
    snprintf(b, cap, v < 10 ? "%.2f%s" : v < 100 ? "%.1f%s" : "%.0f%s", v, u);
}

static void fmt_ratio(char *b, size_t cap, double v) {
    if (isnan(v))
        snprintf(b, cap, "—");
    else
        snprintf(b, cap, v < 10 ? "×%.2f" : "×%.1f", v);
}

static const char *mlabel(const hb_rp *r, int m) { return r->m[m].label; }

static size_t F_UPS = offsetof(hb_rp_row, ups), F_RMSE = offsetof(hb_rp_row, rmse),
              F_NDCG = offsetof(hb_rp_row, ndcg10), F_TTQ = offsetof(hb_rp_row, ttq);

static int has_cell(const hb_rp *r, int c, int m) {
    double a, b, x;
    return hb_rp_cell_stats(r, c, m, F_UPS, &a, &b, &x) > 0;
}

/* ------------------------------------------------------------------ sections */

static void parity_row(hb_rp *r, hb_rp_doc *d, int ci, const char *metric, size_t field,
                       size_t sfield);

static void sec_intro(hb_rp *r, hb_rp_doc *d) {
    size_t ok = 0;
    for (size_t i = 0; i < r->nrows; i++) ok += r->rows[i].ok;
    hb_sbuf files = {0};
    for (int f = 0; f < r->nfiles; f++)
        hb_sb_printf(&files, "%s%s (%zu rows%s)", f ? ", " : "", r->files[f].path,
                     r->files[f].nrows, r->skipped[f] ? ": learning curves, skipped" : "");
    hb_doc_p(d,
             "From %zu rows (%zu finished: status ok or target_missed) in %s; %d machine%s, %d "
             "config%s, %d probe%s. Baseline for ratios: %s.%s",
             r->nrows, ok, files.s ? files.s : "", r->nm, r->nm == 1 ? "" : "s", r->nc,
             r->nc == 1 ? "" : "s", r->nprobes, r->nprobes == 1 ? "" : "s", mlabel(r, r->baseline),
             r->torn ? " An incomplete last line (a writer stopped mid-row) was left out." : "");
    hb_sb_free(&files);
    hb_doc_p(
        d,
        "A machine is one (%s%s%s%s) of the rows (build = compiler, build flags and git sha): "
        "%s Configs are matched across machines by the run-key columns (every column before "
        "'data', results/SCHEMA.md)%s. Intervals are the min–max of the repeats: for n repeats "
        "they cover the median with probability 1 − 2^(1−n) (75%% for 3, 94%% for 5); a ratio's "
        "interval is [min/max_base, max/min_base], the ratios of any two repeats.",
        r->by_host ? "hostname, " : "", r->by_cpu ? "cpu_model, " : "", r->by_isa ? "isa, " : "",
        r->by_build ? "build" : "",
        r->by_isa ? "the ISAs of one build on one host are separate machines."
                  : "the ISA is part of the config.",
        r->by_isa ? " less isa" : "");
    /* the parity check counted ahead (its section counts again as it writes) */
    for (int c = 0; c < r->nc; c++) {
        int n = 0;
        for (int a = 0; a < r->nm; a++) n += has_cell(r, c, a);
        if (n < 2) continue;
        parity_row(r, NULL, c, "rmse", F_RMSE, offsetof(hb_rp_row, rmse_s));
        parity_row(r, NULL, c, "ndcg_at_10", F_NDCG, offsetof(hb_rp_row, ndcg10_s));
    }
    hb_doc_p(d, "Quality parity: %d metric row%s flagged (listed under Quality parity).",
             r->flagged, r->flagged == 1 ? "" : "s");
    r->flagged = 0;
    hb_sb_puts(&d->html,
               "<nav><b>Sections:</b> <a href=\"#machines\">machines</a> · "
               "<a href=\"#limits\">limits</a> · <a href=\"#throughput\">throughput</a> · "
               "<a href=\"#ttq\">time to quality</a> · <a href=\"#scaling\">thread scaling</a> · "
               "<a href=\"#isa\">ISA speed-ups</a> · <a href=\"#roofline\">roofline</a> · "
               "<a href=\"#parity\">quality parity</a> · <a href=\"#missing\">missing</a> · "
               "<a href=\"#method\">method</a></nav>\n");
}

static void sec_machines(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "machines", "Machines");
    static const char *const head[] = {"machine",
                                       "host",
                                       "CPU",
                                       "cores (logical/physical)",
                                       "ISA (used; supported)",
                                       "caches",
                                       "memory",
                                       "topology",
                                       "OS",
                                       "compiler",
                                       "flags",
                                       "git sha",
                                       "rows (finished)",
                                       "speed vs baseline"};
    hb_doc_table(d, 14, head);
    for (int a = 0; a < r->nm; a++) {
        const int mi = r->mo[a];
        const hb_rp_machine *m = &r->m[mi];
        const hb_rp_probe *p = m->probe >= 0 ? &r->probes[m->probe] : NULL;
        hb_doc_tr(d);
        hb_doc_td(d, mi == r->baseline ? "key base" : "key", "%s%s", m->label,
                  mi == r->baseline ? " (baseline)" : "");
        hb_doc_td(d, NULL, "%s", m->host);
        hb_doc_td(d, NULL, "%s", m->cpu);
        hb_doc_td(d, NULL, "%s/%s", m->logical, m->physical);
        hb_doc_td(d, NULL, "%s; %s", r->by_isa ? m->isa : "per config", m->isa_supported);
        if (p && p->caches[0])
            hb_doc_td(d, NULL, "%s", p->caches);
        else
            hb_doc_td(d, NULL, "L1d %s KiB, L2 %s KiB, L3 %s KiB", m->l1, m->l2, m->l3);
        if (p && p->mem_kib > 0)
            hb_doc_td(d, "num", "%.1f GiB", (double)p->mem_kib / (1024.0 * 1024.0));
        else
            hb_doc_td(d, NULL, "no probe");
        if (p)
            hb_doc_td(d, NULL, "%d package%s, %d NUMA node%s, %d cores, %d PUs (%s)", p->packages,
                      p->packages == 1 ? "" : "s", p->numa, p->numa == 1 ? "" : "s", p->cores,
                      p->pus, p->topo_source);
        else
            hb_doc_td(d, NULL, "no probe");
        hb_doc_td(d, NULL, "%s", m->os);
        hb_doc_td(d, NULL, "%s", m->compiler);
        hb_doc_td(d, NULL, "%s", m->flags);
        hb_doc_td(d, NULL, "%s", m->sha);
        hb_doc_td(d, "num", "%zu (%zu)", m->nrows, m->nok);
        /* geometric mean of the ratios of medians over the configs both machines ran */
        double s = 0;
        int n = 0;
        for (int c = 0; c < r->nc; c++) {
            double a1, b1, c1, a2, b2, c2;
            if (hb_rp_cell_stats(r, c, mi, F_UPS, &a1, &b1, &c1) &&
                hb_rp_cell_stats(r, c, r->baseline, F_UPS, &a2, &b2, &c2)) {
                s += log(a1 / a2);
                n++;
            }
        }
        char rb[32];
        fmt_ratio(rb, sizeof rb, n ? exp(s / n) : NAN);
        if (n)
            hb_doc_td(d, "num", "%s (geo-mean of %d configs)", rb, n);
        else
            hb_doc_td(d, NULL, "no config in common");
    }
    hb_doc_table_end(d);
}

static void sec_limits(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "limits", "Machine limits (hogbench probe)");
    if (!r->nprobes) {
        hb_doc_p(
            d,
            "No probe given: run 'hogbench probe --out probe-HOST.json' on each machine and pass "
            "it with --probe to place every row against its machine's limits.");
        return;
    }
    for (int k = 0; k < r->nprobes; k++) {
        const hb_rp_probe *p = &r->probes[k];
        char t[512];
        snprintf(t, sizeof t, "%s (%s), %d threads: %s", p->host, p->cpu, p->threads_all, p->path);
        hb_doc_h3(d, t);
        int matched = 0;
        for (int a = 0; a < r->nm; a++) matched += r->m[a].probe == k;
        hb_doc_p(
            d,
            "Measured in %.1f s%s; applies to %d machine%s of the rows (same hostname and CPU). "
            "STREAM arrays of %.0f MiB each (%s): copy counts 16 and triad 24 bytes per element.",
            p->seconds, p->quick ? " with --quick (rough figures)" : "", matched,
            matched == 1 ? "" : "s", p->stream_bytes / (1 << 20), p->stream_level);
        static const char *const h1[] = {"limit", "1 thread", "all threads"};
        hb_doc_table(d, 3, h1);
        hb_doc_tr(d);
        hb_doc_td(d, NULL, "STREAM copy (GB/s)");
        hb_doc_td(d, "num", "%.2f", p->copy1);
        hb_doc_td(d, "num", "%.2f", p->copyN);
        hb_doc_tr(d);
        hb_doc_td(d, NULL, "STREAM triad (GB/s)");
        hb_doc_td(d, "num", "%.2f", p->triad1);
        hb_doc_td(d, "num", "%.2f", p->triadN);
        for (int f = 0; f < p->nf; f++) {
            if (p->f[f].threads != 1) continue;
            double n = NAN;
            for (int g = 0; g < p->nf; g++)
                if (!strcmp(p->f[g].isa, p->f[f].isa) && p->f[g].threads == p->threads_all)
                    n = p->f[g].gflops;
            hb_doc_tr(d);
            hb_doc_td(d, NULL, "peak multiply-add, %s (GFLOP/s)", p->f[f].isa);
            hb_doc_td(d, "num", "%.1f", p->f[f].gflops);
            hb_doc_td(d, "num", "%.1f", n);
        }
        hb_doc_table_end(d);
        /* random rows: one line per table size, columns row sizes x threads */
        double rows[8];
        int nr = 0;
        for (int g = 0; g < p->ng && nr < 8; g++) {
            int seen = 0;
            for (int q = 0; q < nr; q++) seen |= rows[q] == p->g[g].row_bytes;
            if (!seen) rows[nr++] = p->g[g].row_bytes;
        }
        const char *head[20];
        int nh = 0;
        head[nh++] = "table";
        head[nh++] = "level";
        char hb[16][48];
        for (int t = 0; t < 2; t++)
            for (int q = 0; q < nr && nh < 18; q++) {
                snprintf(hb[nh - 2], sizeof hb[0], "%.0f-B rows, %d thr (read / update)", rows[q],
                         t ? p->threads_all : 1);
                head[nh] = hb[nh - 2];
                nh++;
            }
        hb_doc_p(d, "Random rows per second (M rows/s, read = a dot with the row, update = "
                    "row += a v: read and written; the access pattern of SGD on embedding tables):");
        hb_doc_table(d, nh, head);
        double last = -1;
        for (int g = 0; g < p->ng; g++) {
            if (p->g[g].table_bytes == last) continue;
            last = p->g[g].table_bytes;
            hb_doc_tr(d);
            const double tb = p->g[g].table_bytes;
            hb_doc_td(d, "num", tb >= 1 << 20 ? "%.0f MiB" : "%.0f KiB",
                      tb >= 1 << 20 ? tb / (1 << 20) : tb / 1024);
            hb_doc_td(d, NULL, "%s", p->g[g].level);
            for (int t = 0; t < 2; t++)
                for (int q = 0; q < nr; q++) {
                    const int th = t ? p->threads_all : 1;
                    double rd = NAN, up = NAN;
                    for (int e = 0; e < p->ng; e++)
                        if (p->g[e].table_bytes == tb && p->g[e].row_bytes == rows[q] &&
                            p->g[e].threads == th)
                            rd = p->g[e].read, up = p->g[e].update;
                    hb_doc_td(d, "num", "%.1f / %.1f", rd / 1e6, up / 1e6);
                }
        }
        hb_doc_table_end(d);
    }
}

static void sec_throughput(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "throughput", "Updates per second");
    hb_doc_p(d,
             "Median updates/s over the repeats (min–max, n), and the ratio of medians to the "
             "baseline %s (interval: the ratios of any two repeats).",
             mlabel(r, r->baseline));
    const char *model = NULL;
    const int ncol = 1 + 2 * r->nm;
    const char **head = hb_rp_alloc(&r->A, (size_t)ncol * sizeof *head);
    head[0] = "config";
    for (int a = 0; a < r->nm; a++) {
        head[1 + 2 * a] = hb_rp_printf(&r->A, "%s: updates/s", mlabel(r, r->mo[a]));
        head[2 + 2 * a] = hb_rp_printf(&r->A, "%s / baseline", mlabel(r, r->mo[a]));
    }
    for (int k = 0; k < r->nc; k++) {
        const int ci = r->co[k];
        const hb_rp_config *c = &r->c[ci];
        if (!model || strcmp(model, c->model) != 0) {
            if (model) hb_doc_table_end(d);
            model = c->model;
            hb_doc_h3(d, model);
            hb_doc_table(d, ncol, head);
        }
        hb_doc_tr(d);
        hb_doc_td(d, "key", "%s", c->label);
        double bm, bl, bh;
        const int bn = hb_rp_cell_stats(r, ci, r->baseline, F_UPS, &bm, &bl, &bh);
        for (int a = 0; a < r->nm; a++) {
            const int mi = r->mo[a];
            double med, lo, hi;
            const int n = hb_rp_cell_stats(r, ci, mi, F_UPS, &med, &lo, &hi);
            if (!n) {
                hb_doc_td(d, "miss", "not run");
                hb_doc_td(d, "miss", "—");
                continue;
            }
            char m1[32], m2[32], m3[32];
            fmt_si(m1, sizeof m1, med);
            fmt_si(m2, sizeof m2, lo);
            fmt_si(m3, sizeof m3, hi);
            hb_doc_td(d, "num", "%s (%s–%s, n=%d)", m1, m2, m3, n);
            if (!bn) {
                hb_doc_td(d, "miss", "no baseline");
                continue;
            }
            fmt_ratio(m1, sizeof m1, med / bm);
            hb_doc_td(d, "num", "%s (%.2f–%.2f)", m1, lo / bh, hi / bl);
        }
    }
    if (model) hb_doc_table_end(d);
}

static void sec_ttq(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "ttq", "Time to quality");
    if (!r->has_ttq) {
        hb_doc_p(d, "No time-to-quality in these rows: they have no seconds_to_target column (rows "
                    "written with a target carry target_metric, target_value, epochs_to_target, "
                    "seconds_to_target and seconds_to_target_with_eval).");
        return;
    }
    hb_doc_p(d,
             "Median seconds of training until the config's target was first reached (evaluation "
             "time excluded; with it in parentheses), over the repeats that reached it; 'missed' "
             "counts the repeats that finished without reaching it (status target_missed). Ratio: "
             "to the baseline's median.");
    const int ncol = 2 + r->nm;
    const char **head = hb_rp_alloc(&r->A, (size_t)ncol * sizeof *head);
    head[0] = "config";
    head[1] = "target";
    for (int a = 0; a < r->nm; a++) head[2 + a] = mlabel(r, r->mo[a]);
    hb_doc_table(d, ncol, head);
    int rows = 0;
    for (int k = 0; k < r->nc; k++) {
        const int ci = r->co[k];
        const char *tm = "", *tv = "";
        int any = 0;
        for (int a = 0; a < r->nm; a++)
            for (int i = r->cell[(size_t)ci * (size_t)r->nm + (size_t)r->mo[a]]; i >= 0;
                 i = r->rows[i].next) {
                const hb_rp_row *w = &r->rows[i];
                if (w->tmetric[0]) tm = w->tmetric, tv = w->tvalue;
                any |= !isnan(w->ttq) || w->missed;
            }
        if (!any) continue;
        rows++;
        hb_doc_tr(d);
        hb_doc_td(d, "key", "%s %s", r->c[ci].model, r->c[ci].label);
        hb_doc_td(d, NULL, "%s %s", tm, tv);
        double bm, bl, bh;
        const int bn = hb_rp_cell_stats(r, ci, r->baseline, F_TTQ, &bm, &bl, &bh);
        for (int a = 0; a < r->nm; a++) {
            const int mi = r->mo[a];
            double med, lo, hi;
            const int n = hb_rp_cell_stats(r, ci, mi, F_TTQ, &med, &lo, &hi);
            int missed = 0, total = 0;
            double ev[256];
            int ne = 0;
            for (int i = r->cell[(size_t)ci * (size_t)r->nm + (size_t)mi]; i >= 0;
                 i = r->rows[i].next) {
                const hb_rp_row *w = &r->rows[i];
                if (!w->ok) continue;
                total++;
                missed += w->missed || isnan(w->ttq);
                if (!isnan(w->ttq_eval) && ne < 256) ev[ne++] = w->ttq_eval;
            }
            if (!total) {
                hb_doc_td(d, "miss", "not run");
                continue;
            }
            if (!n) {
                hb_doc_td(d, "bad", "missed %d/%d", missed, total);
                continue;
            }
            double em = NAN;
            if (ne) {
                for (int x = 1; x < ne; x++)
                    for (int y = x; y > 0 && ev[y - 1] > ev[y]; y--) {
                        const double t = ev[y];
                        ev[y] = ev[y - 1];
                        ev[y - 1] = t;
                    }
                em = ne % 2 ? ev[ne / 2] : 0.5 * (ev[ne / 2 - 1] + ev[ne / 2]);
            }
            char rb[32] = "";
            if (bn) fmt_ratio(rb, sizeof rb, med / bm);
            hb_doc_td(d, missed ? "num warn" : "num", "%.3g s (%.3g s with eval), %s%s%s n=%d%s",
                      med, em, rb, bn ? "," : "", "", n,
                      missed ? hb_rp_printf(&r->A, ", missed %d/%d", missed, total) : "");
        }
    }
    if (!rows) {
        hb_doc_tr(d);
        hb_doc_td(d, NULL, "no row has a target");
        for (int a = 0; a < ncol - 1; a++) hb_doc_td(d, NULL, "—");
    }
    hb_doc_table_end(d);
}

/* the config key without its threads line: configs that differ only in threads */
static char *strip_threads(hb_rp *r, const hb_rp_config *c) {
    char *k = hb_rp_strdup(&r->A, c->key);
    char *t = strstr(k, "threads=");
    if (t && (t == k || t[-1] == '\n')) {
        char *e = strchr(t, '\n');
        memmove(t, e ? e + 1 : t + strlen(t), strlen(e ? e + 1 : t + strlen(t)) + 1);
    }
    return k;
}

/* The distinct thread counts of r's configs (at most cap), ascending; returns how many. */
static int hb_rp_thread_counts(const hb_rp *r, unsigned *thr, int cap) {
    int nt = 0;
    for (int c = 0; c < r->nc; c++) {
        int seen = 0;
        for (int q = 0; q < nt; q++) seen |= thr[q] == r->c[c].threads;
        if (!seen && nt < cap) thr[nt++] = r->c[c].threads;
    }
    for (int x = 1; x < nt; x++)
        for (int y = x; y > 0 && thr[y - 1] > thr[y]; y--) {
            const unsigned t = thr[y];
            thr[y] = thr[y - 1];
            thr[y - 1] = t;
        }
    return nt;
}

static void sec_scaling(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "scaling", "Thread scaling");
    unsigned thr[64];
    const int nt = hb_rp_thread_counts(r, thr, 64);
    if (nt < 2) {
        hb_doc_p(d, "Only one thread count (%u) in these rows: no scaling curves.",
                 nt ? thr[0] : 0);
        return;
    }
    hb_doc_p(d,
             "Median updates/s per thread count, and the speed-up over the same machine's 1-thread "
             "median. The figures show, per model, the largest dim with the most thread counts.");
    char **sk = hb_rp_alloc(&r->A, (size_t)r->nc * sizeof *sk);
    for (int c = 0; c < r->nc; c++) sk[c] = strip_threads(r, &r->c[c]);
    const int ncol = 2 + nt;
    const char **head = hb_rp_alloc(&r->A, (size_t)ncol * sizeof *head);
    head[0] = "config";
    head[1] = "machine";
    for (int q = 0; q < nt; q++)
        head[2 + q] = hb_rp_printf(&r->A, "%u thread%s", thr[q], thr[q] == 1 ? "" : "s");
    const char *model = NULL;
    int *done = hb_rp_alloc(&r->A, (size_t)r->nc * sizeof *done);
    int best = -1, best_n = 0;
    for (int k = 0; k <= r->nc; k++) {
        const int ci = k < r->nc ? r->co[k] : -1;
        if (ci < 0 || !model || strcmp(model, r->c[ci].model) != 0) {
            if (model) {
                hb_doc_table_end(d);
                if (best >= 0 && best_n >= 2) { /* the figure for this model */
                    hb_rp_series *s = hb_rp_alloc(&r->A, (size_t)r->nm * sizeof *s);
                    int ns = 0;
                    for (int a = 0; a < r->nm; a++) {
                        const int mi = r->mo[a];
                        double *xs = hb_rp_alloc(&r->A, (size_t)nt * sizeof *xs),
                               *ys = hb_rp_alloc(&r->A, (size_t)nt * sizeof *ys);
                        double one = NAN;
                        int n = 0;
                        for (int q = 0; q < nt; q++)
                            for (int c2 = 0; c2 < r->nc; c2++) {
                                if (r->c[c2].threads != thr[q] || strcmp(sk[c2], sk[best]) != 0)
                                    continue;
                                double med, lo, hi;
                                if (!hb_rp_cell_stats(r, c2, mi, F_UPS, &med, &lo, &hi)) continue;
                                if (thr[q] == 1) one = med;
                                xs[n] = thr[q];
                                ys[n++] = med;
                            }
                        if (isnan(one) || n < 2) continue;
                        for (int q = 0; q < n; q++) ys[q] /= one;
                        s[ns] = (hb_rp_series){mlabel(r, mi), a, n, xs, ys};
                        ns++;
                    }
                    if (ns) {
                        hb_sbuf svg = {0};
                        char *title = hb_rp_printf(&r->A, "%s, dim %u: speed-up over 1 thread",
                                                   model, r->c[best].dim);
                        hb_svg_lines(&svg, title, "threads", "speed-up over 1 thread", ns, s, 1);
                        hb_doc_svg(d, hb_rp_printf(&r->A, "scaling-%s", model), &svg, title);
                        hb_sb_free(&svg);
                    }
                }
            }
            if (ci < 0) break;
            model = r->c[ci].model;
            best = -1;
            best_n = 0;
            hb_doc_h3(d, model);
            hb_doc_table(d, ncol, head);
        }
        if (done[ci]) continue;
        /* one table row per machine for this group of configs */
        int group_n = 0;
        for (int q = 0; q < nt; q++)
            for (int c2 = 0; c2 < r->nc; c2++)
                if (r->c[c2].threads == thr[q] && !strcmp(sk[c2], sk[ci])) group_n++;
        if (group_n > best_n || (group_n == best_n && best >= 0 && r->c[ci].dim >= r->c[best].dim))
            best = ci, best_n = group_n;
        for (int a = 0; a < r->nm; a++) {
            const int mi = r->mo[a];
            int any = 0;
            for (int c2 = 0; c2 < r->nc; c2++)
                if (!strcmp(sk[c2], sk[ci]) && has_cell(r, c2, mi)) any = 1;
            if (!any) continue;
            hb_doc_tr(d);
            /* the label without its threads part */
            const char *lab = r->c[ci].label, *comma = strchr(lab, ',');
            const char *rest = comma ? strchr(comma + 1, ',') : NULL;
            hb_doc_td(d, "key", "%.*s%s", (int)(comma ? comma - lab : (long)strlen(lab)), lab,
                      rest ? rest : "");
            hb_doc_td(d, NULL, "%s", mlabel(r, mi));
            double one = NAN;
            for (int c2 = 0; c2 < r->nc; c2++)
                if (!strcmp(sk[c2], sk[ci]) && r->c[c2].threads == 1) {
                    double lo, hi;
                    hb_rp_cell_stats(r, c2, mi, F_UPS, &one, &lo, &hi);
                }
            for (int q = 0; q < nt; q++) {
                int found = 0;
                for (int c2 = 0; c2 < r->nc && !found; c2++) {
                    if (r->c[c2].threads != thr[q] || strcmp(sk[c2], sk[ci]) != 0) continue;
                    double med, lo, hi;
                    if (!hb_rp_cell_stats(r, c2, mi, F_UPS, &med, &lo, &hi)) continue;
                    char b[32], rb[32];
                    fmt_si(b, sizeof b, med);
                    fmt_ratio(rb, sizeof rb, med / one);
                    hb_doc_td(d, "num", "%s (%s)", b, rb);
                    found = 1;
                }
                if (!found) hb_doc_td(d, "miss", "not run");
            }
        }
        for (int c2 = 0; c2 < r->nc; c2++)
            if (!strcmp(sk[c2], sk[ci])) done[c2] = 1;
    }
}

static void sec_isa(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "isa", "ISA speed-ups");
    if (!r->by_isa) {
        hb_doc_p(d,
                 "The ISA is part of the config here (--machine-by without isa): each ISA's rows "
                 "are separate configs in the tables above.");
        return;
    }
    int shown = 0;
    for (int g = 0; g < r->nm; g++) {
        int mem[16], nmem = 0;
        for (int a = 0; a < r->nm && nmem < 16; a++)
            if (r->m[r->mo[a]].group == g) mem[nmem++] = r->mo[a];
        if (nmem < 2) continue;
        shown++;
        const int ref = mem[0]; /* the lowest ISA: scalar when present */
        const hb_rp_machine *m0 = &r->m[ref];
        hb_doc_h3(d, hb_rp_printf(&r->A, "%s, %s, %s %s (git %s): against %s", m0->host, m0->cpu,
                                  m0->compiler, m0->flags, m0->sha, m0->isa));
        hb_doc_p(d, "Ratio of median updates/s to the %s kernels' on the same host and build.",
                 m0->isa);
        const char **head = hb_rp_alloc(&r->A, (size_t)(1 + nmem) * sizeof *head);
        head[0] = "config";
        for (int b = 1; b < nmem; b++)
            head[b] = hb_rp_printf(&r->A, "%s / %s", r->m[mem[b]].isa, m0->isa);
        hb_doc_table(d, nmem, head);
        /* figure: per model, the median over that model's 1-thread configs */
        const char *models[16];
        int nmod = 0;
        double *v = hb_rp_alloc(&r->A, 16 * 16 * sizeof *v);
        for (int k = 0; k < r->nc; k++) {
            const int ci = r->co[k];
            double bm, bl, bh;
            if (!hb_rp_cell_stats(r, ci, ref, F_UPS, &bm, &bl, &bh)) continue;
            int mod = -1;
            for (int q = 0; q < nmod; q++)
                if (!strcmp(models[q], r->c[ci].model)) mod = q;
            if (mod < 0 && nmod < 16) models[mod = nmod++] = r->c[ci].model;
            hb_doc_tr(d);
            hb_doc_td(d, "key", "%s %s", r->c[ci].model, r->c[ci].label);
            for (int b = 1; b < nmem; b++) {
                double med, lo, hi;
                if (!hb_rp_cell_stats(r, ci, mem[b], F_UPS, &med, &lo, &hi)) {
                    hb_doc_td(d, "miss", "not run");
                    continue;
                }
                char rb[32];
                fmt_ratio(rb, sizeof rb, med / bm);
                hb_doc_td(d, "num", "%s", rb);
            }
        }
        hb_doc_table_end(d);
        for (int q = 0; q < nmod; q++)
            for (int b = 1; b < nmem; b++) {
                double vals[1024];
                int n = 0;
                for (int k = 0; k < r->nc && n < 1024; k++) {
                    const int ci = r->co[k];
                    if (r->c[ci].threads != 1 || strcmp(r->c[ci].model, models[q]) != 0) continue;
                    double bm, bl, bh, med, lo, hi;
                    if (hb_rp_cell_stats(r, ci, ref, F_UPS, &bm, &bl, &bh) &&
                        hb_rp_cell_stats(r, ci, mem[b], F_UPS, &med, &lo, &hi))
                        vals[n++] = med / bm;
                }
                double med = NAN;
                if (n) {
                    for (int x = 1; x < n; x++)
                        for (int y = x; y > 0 && vals[y - 1] > vals[y]; y--) {
                            const double t = vals[y];
                            vals[y] = vals[y - 1];
                            vals[y - 1] = t;
                        }
                    med = n % 2 ? vals[n / 2] : 0.5 * (vals[n / 2 - 1] + vals[n / 2]);
                }
                v[q * (nmem - 1) + (b - 1)] = med;
            }
        if (nmod) {
            const char **bars = hb_rp_alloc(&r->A, (size_t)nmem * sizeof *bars);
            for (int b = 1; b < nmem; b++) bars[b - 1] = r->m[mem[b]].isa;
            hb_sbuf svg = {0};
            char *title = hb_rp_printf(&r->A, "%s: speed-up over %s, 1 thread (median over dims)",
                                       m0->host, m0->isa);
            hb_svg_bars(&svg, title, hb_rp_printf(&r->A, "updates/s relative to %s", m0->isa), nmod,
                        models, nmem - 1, bars, v);
            hb_doc_svg(d, hb_rp_printf(&r->A, "isa-%d", shown), &svg, title);
            hb_sb_free(&svg);
        }
    }
    if (!shown)
        hb_doc_p(
            d, "No host and build has rows from more than one ISA (run 'hogbench sweep --isas all' "
               "to compare kernel tables).");
}

static void sec_roofline(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "roofline", "Against each machine's roofline");
    int any = 0;
    for (int a = 0; a < r->nm; a++) any |= r->m[a].probe >= 0;
    if (!any) {
        hb_doc_p(
            d,
            "No machine has a probe (pass 'hogbench probe' profiles with --probe): no roofline.");
        return;
    }
    hb_doc_p(
        d,
        "Each config's median updates/s as a percentage of the lower of two roofs for its "
        "machine, threads and ISA: the FMA roof (the probe's peak multiply-add GFLOP/s of that "
        "kernel table / flops per update) and the random-row roof (the probe's row-update rate "
        "at this table size and row size / random rows per update). Table size: (users + items) "
        "x row bytes (x3 with Nadam's moments), with ML-100K's full 943 + 1682 as its bound. "
        "Thread counts between 1 and all are interpolated linearly. The bytes and flops per update "
        "are derived from the kernels (see Method); the small per-epoch costs (shuffles, "
        "barriers) and evaluation are not in the model, so short epochs sit far below the roof. "
        "Above 100%%: the run touched fewer random rows than the model counts (the sorted "
        "within-block order keeps a user's row in L1 across their ratings) or the probe ran on "
        "a busier machine than the rows.");
    const int ncol = 1 + r->nm;
    const char **head = hb_rp_alloc(&r->A, (size_t)ncol * sizeof *head);
    head[0] = "config";
    for (int a = 0; a < r->nm; a++)
        head[1 + a] = hb_rp_printf(&r->A, "%s: %% of roof", mlabel(r, r->mo[a]));
    hb_doc_table(d, ncol, head);
    for (int k = 0; k < r->nc; k++) {
        const int ci = r->co[k];
        hb_doc_tr(d);
        hb_doc_td(d, "key", "%s %s", r->c[ci].model, r->c[ci].label);
        for (int a = 0; a < r->nm; a++) {
            const int mi = r->mo[a];
            double med, lo, hi;
            if (!hb_rp_cell_stats(r, ci, mi, F_UPS, &med, &lo, &hi)) {
                hb_doc_td(d, "miss", "not run");
                continue;
            }
            const char *bound;
            const double roof = hb_rp_roof(r, ci, mi, &bound, NULL, 0);
            if (isnan(roof)) {
                hb_doc_td(d, "miss", r->m[mi].probe < 0 ? "no probe" : "no roof");
                continue;
            }
            char rb[32];
            fmt_si(rb, sizeof rb, roof);
            hb_doc_td(d, "num", "%.1f%% of %s/s (%s)", 100.0 * med / roof, rb, bound);
        }
    }
    hb_doc_table_end(d);
    /* one roofline figure per probe */
    for (int k = 0; k < r->nprobes; k++) {
        const hb_rp_probe *p = &r->probes[k];
        const char *hname[8];
        double hval[8];
        int nh = 0;
        for (int f = 0; f < p->nf && nh < 8; f++)
            if (p->f[f].threads == p->threads_all) {
                hname[nh] = hb_rp_printf(&r->A, "%s peak (%d threads) %.0f GFLOP/s", p->f[f].isa,
                                         p->threads_all, p->f[f].gflops);
                hval[nh++] = p->f[f].gflops;
            }
        const char *bname[4];
        double bval[4];
        int nb = 0;
        if (p->triadN > 0) {
            bname[nb] = hb_rp_printf(&r->A, "triad %.1f GB/s", p->triadN);
            bval[nb++] = p->triadN;
        }
        /* random 256-byte rows, all threads, the smallest (L1) and largest tables: bytes moved
         * = 2 x row (read and write) per update */
        double smallest = 1e300, largest = 0;
        for (int g = 0; g < p->ng; g++) {
            if (p->g[g].threads != p->threads_all || p->g[g].row_bytes != 256) continue;
            smallest = fmin(smallest, p->g[g].table_bytes);
            largest = fmax(largest, p->g[g].table_bytes);
        }
        for (int g = 0; g < p->ng && nb < 4; g++)
            if (p->g[g].threads == p->threads_all && p->g[g].row_bytes == 256 &&
                (p->g[g].table_bytes == smallest || p->g[g].table_bytes == largest)) {
                const double gb = p->g[g].update * 2.0 * 256.0 / 1e9;
                bname[nb] = hb_rp_printf(&r->A, "rows %s %.1f GB/s", p->g[g].level, gb);
                bval[nb++] = gb;
            }
        hb_rp_series *s = hb_rp_alloc(&r->A, (size_t)r->nm * sizeof *s);
        int ns = 0;
        for (int a = 0; a < r->nm; a++) {
            const int mi = r->mo[a];
            if (r->m[mi].probe != k) continue;
            double *xs = hb_rp_alloc(&r->A, (size_t)r->nc * sizeof *xs),
                   *ys = hb_rp_alloc(&r->A, (size_t)r->nc * sizeof *ys);
            int n = 0;
            for (int c = 0; c < r->nc; c++) {
                double med, lo, hi;
                if (!hb_rp_cell_stats(r, c, mi, F_UPS, &med, &lo, &hi)) continue;
                hb_model_kind kind;
                hb_update_cost uc;
                const hb_rp_config *cf = &r->c[c];
                if (hb_model_parse(cf->model, &kind) != 0 ||
                    hb_update_cost_of(
                        kind, strcmp(cf->optimizer, "nadam") == 0 ? HB_OPT_NADAM : HB_OPT_SGD,
                        cf->dim, cf->batch ? cf->batch : 1, cf->hidden ? cf->hidden : 50,
                        cf->layers ? cf->layers : 3, cf->activation, &uc) != 0)
                    continue;
                xs[n] = uc.flops / uc.bytes;
                ys[n++] = med * uc.flops / 1e9;
            }
            if (n) s[ns++] = (hb_rp_series){mlabel(r, mi), a, n, xs, ys};
        }
        if (!ns) continue;
        hb_sbuf svg = {0};
        char *title =
            hb_rp_printf(&r->A, "%s: every config against the roofs (all thread counts)", p->host);
        hb_svg_roofline(&svg, title, nh, hname, hval, nb, bname, bval, ns, s);
        hb_doc_svg(d, hb_rp_printf(&r->A, "roofline-%d", k + 1), &svg, title);
        hb_sb_free(&svg);
    }
}

/* Parity of one metric across the machines of config ci; writes the table row. */
static void parity_row(hb_rp *r, hb_rp_doc *d, int ci, const char *metric, size_t field,
                       size_t sfield) {
    int ref = -1;
    double rm, rl, rh;
    if (hb_rp_cell_stats(r, ci, r->baseline, field, &rm, &rl, &rh)) ref = r->baseline;
    for (int a = 0; a < r->nm && ref < 0; a++)
        if (hb_rp_cell_stats(r, ci, r->mo[a], field, &rm, &rl, &rh)) ref = r->mo[a];
    if (ref < 0) return;
    const hb_rp_config *c = &r->c[ci];
    double worst = 0;
    const char *verdict = "ok";
    char note[512] = "";
    /* the reference's first value as written */
    const char *ref_s = NULL;
    for (int i = r->cell[(size_t)ci * (size_t)r->nm + (size_t)ref]; i >= 0 && !ref_s;
         i = r->rows[i].next)
        if (r->rows[i].ok) ref_s = *(const char *const *)((const char *)&r->rows[i] + sfield);
    int exact_all = 1, exact_any = 0;
    for (int a = 0; a < r->nm; a++) {
        const int mi = r->mo[a];
        double med, lo, hi;
        if (!hb_rp_cell_stats(r, ci, mi, field, &med, &lo, &hi)) continue;
        const double dv = fabs(med - rm);
        if (dv > worst) worst = dv;
        const char *isa_a = c->isa ? c->isa : r->m[mi].isa,
                   *isa_r = c->isa ? c->isa : r->m[ref].isa;
        const int exact = c->threads == 1 && !strcmp(isa_a, isa_r);
        int same = 1;
        for (int i = r->cell[(size_t)ci * (size_t)r->nm + (size_t)mi]; i >= 0; i = r->rows[i].next)
            if (r->rows[i].ok && ref_s &&
                strcmp(*(const char *const *)((const char *)&r->rows[i] + sfield), ref_s))
                same = 0;
        if (exact) {
            exact_any = 1;
            if (!same) {
                verdict = "NOT IDENTICAL";
                snprintf(note, sizeof note, "1 thread, %s on %s and %s: expected bit-identical",
                         isa_a, mlabel(r, mi), mlabel(r, ref));
            }
        } else {
            exact_all = 0;
        }
        if (dv > r->tol && strcmp(verdict, "NOT IDENTICAL") != 0) {
            verdict = "DIFFERS";
            snprintf(note, sizeof note, "%s differs from %s by %.4g > %g", mlabel(r, mi),
                     mlabel(r, ref), dv, r->tol);
        }
    }
    const int flagged = strcmp(verdict, "ok") != 0;
    if (!flagged && exact_any && exact_all)
        verdict = "identical";
    else if (!flagged)
        verdict = worst == 0 ? "equal" : "within tolerance";
    r->flagged += flagged;
    if (!d) return; /* counting only */
    hb_doc_tr(d);
    hb_doc_td(d, "key", "%s %s", c->model, c->label);
    hb_doc_td(d, NULL, "%s", metric);
    for (int a = 0; a < r->nm; a++) {
        double med, lo, hi;
        const int n = hb_rp_cell_stats(r, ci, r->mo[a], field, &med, &lo, &hi);
        if (!n)
            hb_doc_td(d, "miss", "not run");
        else if (lo == hi)
            hb_doc_td(d, "num", "%.6f", med);
        else
            hb_doc_td(d, "num", "%.6f (%.6f–%.6f)", med, lo, hi);
    }
    hb_doc_td(d, "num", "%.2g", worst);
    hb_doc_td(d, flagged ? "bad" : "good", "%s%s%s", verdict, note[0] ? ": " : "", note);
}

static void sec_parity(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "parity", "Quality parity");
    hb_doc_p(
        d,
        "The same config must reach the same quality on every machine: test RMSE and NDCG@10 "
        "(medians over the repeats) may differ from the reference machine (the baseline where "
        "it ran the config) by at most %g; 1-thread runs with the same ISA (hence the same run "
        "key) must agree exactly, digit for digit as written. Multi-threaded runs are not "
        "bit-reproducible (MLPs' shared dense weights, Hogwild), and other ISAs sum in another "
        "order: they get the tolerance. Flagged rows are listed, not hidden.",
        r->tol);
    int comparable = 0;
    for (int c = 0; c < r->nc; c++) {
        int n = 0;
        for (int a = 0; a < r->nm; a++) n += has_cell(r, c, a);
        comparable += n >= 2;
    }
    if (!comparable) {
        hb_doc_p(d, "No config ran on two machines: nothing to compare.");
        return;
    }
    const int ncol = 4 + r->nm;
    const char **head = hb_rp_alloc(&r->A, (size_t)ncol * sizeof *head);
    head[0] = "config";
    head[1] = "metric";
    for (int a = 0; a < r->nm; a++) head[2 + a] = mlabel(r, r->mo[a]);
    head[2 + r->nm] = "max |Δ|";
    head[3 + r->nm] = "verdict";
    const int before = r->flagged;
    hb_doc_table(d, ncol, head);
    for (int k = 0; k < r->nc; k++) {
        const int ci = r->co[k];
        int n = 0;
        for (int a = 0; a < r->nm; a++) n += has_cell(r, ci, a);
        if (n < 2) continue;
        parity_row(r, d, ci, "rmse", F_RMSE, offsetof(hb_rp_row, rmse_s));
        parity_row(r, d, ci, "ndcg_at_10", F_NDCG, offsetof(hb_rp_row, ndcg10_s));
    }
    hb_doc_table_end(d);
    hb_doc_p(d, "%d config%s on two or more machines; %d metric row%s flagged.", comparable,
             comparable == 1 ? "" : "s", r->flagged - before, r->flagged - before == 1 ? "" : "s");
}

static void sec_missing(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "missing", "What is missing");
    static const char *const h1[] = {"config", "ran on", "missing on"};
    int n = 0;
    for (int k = 0; k < r->nc; k++) {
        const int ci = r->co[k];
        hb_sbuf on = {0}, off = {0};
        for (int a = 0; a < r->nm; a++) {
            hb_sbuf *b = has_cell(r, ci, r->mo[a]) ? &on : &off;
            hb_sb_printf(b, "%s%s", b->len ? ", " : "", mlabel(r, r->mo[a]));
        }
        if (off.len) {
            if (!n++) {
                hb_doc_p(d, "Configs not run (or not finished) on every machine:");
                hb_doc_table(d, 3, h1);
            }
            hb_doc_tr(d);
            hb_doc_td(d, "key", "%s %s", r->c[ci].model, r->c[ci].label);
            hb_doc_td(d, NULL, "%s", on.len ? on.s : "none");
            hb_doc_td(d, "miss", "%s", off.s);
        }
        hb_sb_free(&on);
        hb_sb_free(&off);
    }
    if (n)
        hb_doc_table_end(d);
    else
        hb_doc_p(d, "Every config ran on every machine.");
    static const char *const h2[] = {"row", "machine", "config", "status", "message"};
    int bad = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const hb_rp_row *w = &r->rows[i];
        if (w->ok) continue;
        if (!bad++) {
            hb_doc_p(d, "Rows that did not finish (not counted above):");
            hb_doc_table(d, 5, h2);
        }
        hb_doc_tr(d);
        hb_doc_td(d, NULL, "%s:%zu", r->files[w->file].path, w->line);
        hb_doc_td(d, NULL, "%s", mlabel(r, w->machine));
        hb_doc_td(d, "key", "%s %s", r->c[w->config].model, r->c[w->config].label);
        hb_doc_td(d, "bad", "%s", w->status);
        hb_doc_td(d, NULL, "%s", w->message);
    }
    if (bad)
        hb_doc_table_end(d);
    else
        hb_doc_p(d, "Every row finished (status ok).");
}

static void sec_method(hb_rp *r, hb_rp_doc *d) {
    hb_doc_h2(d, "method", "Method");
    hb_doc_p(
        d, "Bytes and flops per update (src/cli/cost.c, from the kernels each path calls; d = dim, "
           "L = d rounded up to 16 floats, one row = 4L bytes): per-sample SGD on mf/mf_bias "
           "(sgd_mf_run) does 8d + 5 flops (dot 2d, two row updates of a multiply and an FMA per "
           "element 6d; mf_bias + 8) and moves 16L + 12 bytes (both rows read and written, the "
           "rating; mf_bias + 16 for the biases) over 2 random rows. The batched path (Nadam, "
           "batch > 1, binary models) adds the gradient rows (axpy, 4d) and a row step per touched "
           "row (SGD 4, Nadam 18 flops per element: gradient + L2 2, m 3, v 4, numerator 4, "
           "sqrt + eps 3, update 2), with Nadam's two moment rows: 48L bytes over 6 random rows. "
           "MLPs add 6 flops per dense weight per update (forward gemv, backward ger and gemv_t; "
           "one GEMM each per layer and mini-batch at batch > 1) and the dense optimizer step "
           "amortised over the batch; with identity hidden layers (the seed preset) at batch > 1 "
           "the backward is rank 1: 2 flops per dense weight per update, 2 per layer input and "
           "4d, plus 4 per weight per batch. Their dense weights stay in "
           "L1/L2 and are not counted as bytes.");
    hb_doc_p(
        d,
        "Machine limits come from 'hogbench probe': STREAM copy and triad on doubles (best of "
        "the repeats), random-row read and update rates per table size, row size and thread "
        "count (seeded order; with several threads each updates its own interleaved share), and "
        "peak multiply-add throughput per kernel table from register-only loops. %s",
        r->nprobes ? "" : "(No probe was given.)");
}

void hb_rp_render(hb_rp *r, hb_rp_doc *d) {
    hb_sb_puts(&d->html,
               "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    hb_html_esc(&d->html, r->title);
    hb_sb_puts(&d->html,
               "</title>\n<style>\n"
               "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}\n"
               "h1{font-size:24px}h2{font-size:20px;margin-top:32px;border-bottom:1px solid #ccc}\n"
               "h3{font-size:16px}nav{margin:12px 0}nav a{color:#1f5fa8}\n"
               "table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}\n"
               "th,td{border:1px solid #ccc;padding:3px 7px;vertical-align:top}\n"
               "th{background:#f0f3f7;text-align:left}td.num{text-align:right;white-space:nowrap}\n"
               "td.key{font-weight:600}td.base{background:#fff8dc}td.miss{color:#999}\n"
               "td.bad{color:#b00020;font-weight:700;background:#fdecea}td.good{color:#1b7a1b}\n"
               "td.warn{color:#a05a00}figure{margin:12px 0}figcaption{font-size:12px;color:#555}\n"
               "</style>\n</head>\n<body>\n<h1>");
    hb_html_esc(&d->html, r->title);
    hb_sb_puts(&d->html, "</h1>\n");
    hb_sb_printf(&d->md, "# %s\n\n", r->title);
    sec_intro(r, d);
    sec_machines(r, d);
    sec_limits(r, d);
    sec_throughput(r, d);
    sec_ttq(r, d);
    sec_scaling(r, d);
    sec_isa(r, d);
    sec_roofline(r, d);
    sec_parity(r, d);
    sec_missing(r, d);
    sec_method(r, d);
    hb_sb_printf(&d->html,
                 "<p style=\"color:#777;font-size:12px\">Written by hogbench %s "
                 "'report'; %d figure%s.</p>\n</body>\n</html>\n",
                 HB_VERSION, d->nfig, d->nfig == 1 ? "" : "s");
    hb_sb_printf(&d->md, "\n---\nWritten by hogbench %s 'report' (the HTML twin: report.html).\n",
                 HB_VERSION);
}
