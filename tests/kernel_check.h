/* kernel_check.h: checks shared by test_kernels (Criterion) and test_kernels_plain: each ISA vs the scalar oracle, the oracle vs double. */
#ifndef HB_KERNEL_CHECK_H
#define HB_KERNEL_CHECK_H

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

/* Tolerances, derived rather than tuned.
 * Reductions (dot, gemv rows, gemv_t columns, the sgd_mf error): the worst case of a float sum of
 * n products is gamma_n * sum|x_i y_i| (Higham, Thm 3.1); with the random-sign inputs used here
 * the partial sums stay O(sqrt(n) max|x_i y_i|), so each of the two sums compared (kernel and
 * oracle, whatever their order) is well within n * u * max|x_i y_i| of the exact value, u = eps/2.
 * Their difference is then within n * eps * max; HB_RED_C = 2 leaves a 2x margin.
 * Element-wise ops: each rounding costs at most u times the magnitude of the terms it combines;
 * a kernel with k roundings on the longest chain is within k*u*mag of exact, and two of them
 * (kernel, oracle; the kernel fuses, so it has fewer) within k*eps*mag of each other, where mag
 * is the sum of the absolute values of the terms (computed in double from the inputs). */
#define HB_RED_C 2.0
#define HB_TINY ((double)FLT_MIN)

/* The ops under test: kernel_list.h's, in its order. */
#define HB_OP_ENUM_(arg, op, OP, shape) HB_OP_##OP,
typedef enum hb_op { HB_KERNELS(HB_OP_ENUM_, ~) HB_OP_COUNT } hb_op;

#define HB_OP_NAME_(arg, op, OP, shape) #op,
static const char *const hb_kOpNames[HB_OP_COUNT] = {HB_KERNELS(HB_OP_NAME_, ~)};
#define HB_OP_SHAPE_(arg, op, OP, shape) shape,
static const hb_kshape hb_kOpShapes[HB_OP_COUNT] = {HB_KERNELS(HB_OP_SHAPE_, ~)};

/* One (ISA, op) sweep's outcome. */
typedef struct hb_report {
    size_t cases, failed;
    double worst;    /* largest err/tol seen over all compared values (< 1 passes) */
    char first[448]; /* the first failure, reproducible from seed and case */
} hb_report;

/* Default seed; HB_SEED (decimal or 0x hex) overrides it. */
static uint64_t hb_check_seed(void) {
    const char *s = getenv("HB_SEED");
    uint64_t seed = s && *s ? strtoull(s, NULL, 0) : UINT64_C(0x5eed2024c0ffee17);
    return seed ? seed : 1;
}

static uint64_t hb_rng_next(uint64_t *s) { /* xorshift64* */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

static float hb_rng_float(uint64_t *s, float lo, float hi) {
    return lo + (hi - lo) * (float)((hb_rng_next(s) >> 40) * (1.0 / 16777216.0));
}

/* n random ratings: users below nu, items below ni, stars in [1, 5] (drawn in that order) */
static void hb_rand_ratings(uint64_t *rng, hb_krating *r, size_t n, uint32_t nu, uint32_t ni) {
    for (size_t j = 0; j < n; j++) {
        r[j].u = (uint32_t)(hb_rng_next(rng) % nu);
        r[j].i = (uint32_t)(hb_rng_next(rng) % ni);
        r[j].r = hb_rng_float(rng, 1.0f, 5.0f);
    }
}

/* A test buffer: len live floats at a 64-byte-aligned base plus off floats (off = 1 misaligns),
 * surrounded by slack floats set to a fill value (NaN for inputs: reading them poisons the
 * result; a sentinel for outputs: writing them is caught by hb_buf_intact). */
typedef struct hb_buf {
    float *base, *p;
    size_t len, total;
} hb_buf;

#define HB_SLACK 64
#define HB_SENTINEL 1234.5f

static hb_buf hb_buf_new(size_t len, size_t off, float fill) {
    hb_buf b;
    b.len = len;
    b.total = off + len + HB_SLACK;
    const size_t bytes = (b.total * sizeof(float) + 63) / 64 * 64;
    b.base = aligned_alloc(64, bytes);
    if (!b.base) {
        fprintf(stderr, "kernel_check: out of memory\n");
        abort();
    }
    for (size_t i = 0; i < b.total; i++) b.base[i] = fill;
    b.p = b.base + off;
    return b;
}

static void hb_buf_free(hb_buf *b) {
    free(b->base);
    b->base = b->p = NULL;
}

static hb_buf hb_buf_copy(const hb_buf *src) {
    hb_buf b = hb_buf_new(src->len, (size_t)(src->p - src->base), 0.0f);
    memcpy(b.base, src->base, b.total * sizeof(float));
    return b;
}

/* Fill the live part of rows x cols with lda uniform values in [lo, hi). */
static void hb_buf_rand(hb_buf *b, uint64_t *rng, size_t rows, size_t cols, size_t lda, float lo,
                        float hi) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) b->p[r * lda + c] = hb_rng_float(rng, lo, hi);
}

/* 1 if every float outside the live rows x cols (with lda) still holds the sentinel. */
static int hb_buf_intact(const hb_buf *b, size_t rows, size_t cols, size_t lda) {
    const float s = HB_SENTINEL;
    for (size_t i = 0; i < b->total; i++) {
        const ptrdiff_t k = (b->base + i) - b->p;
        int live = 0;
        if (k >= 0 && rows && cols) {
            const size_t r = (size_t)k / lda, c = (size_t)k % lda;
            live = r < rows && c < cols;
        }
        if (!live && memcmp(&b->base[i], &s, sizeof s) != 0) return 0;
    }
    return 1;
}

/* The state of one case while it runs: what is compared and against which bound. */
typedef struct hb_case {
    hb_report *rep;
    const char *isa, *op;
    char what[128]; /* "n=17 off=1", ... */
    int bad;
} hb_case;

static void hb_case_fail(hb_case *c, const char *fmt, ...) {
    if (!c->bad && c->rep->failed == 0) {
        char msg[192];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(c->rep->first, sizeof c->rep->first, "%s %s %s: %s", c->isa, c->op, c->what, msg);
    }
    c->bad = 1;
}

/* Compare one value against its reference within tol. */
static void hb_case_cmp(hb_case *c, const char *name, size_t i, float got, double ref, double tol) {
    const double err = fabs((double)got - ref);
    if (!(err <= tol)) {
        hb_case_fail(c, "%s[%zu] = %.9g, want %.9g (err %.3g > tol %.3g)", name, i, (double)got,
                     ref, err, tol);
        return;
    }
    if (tol > 0 && err / tol > c->rep->worst) c->rep->worst = err / tol;
}

static void hb_case_intact(hb_case *c, const hb_buf *b, const char *name, size_t rows,
                           size_t cols, size_t lda) {
    if (!hb_buf_intact(b, rows, cols, lda)) hb_case_fail(c, "%s: wrote outside its live elements", name);
}

static void hb_case_end(hb_case *c) {
    c->rep->cases++;
    if (c->bad) c->rep->failed++;
}

static double hb_tol_red(size_t n, double maxprod) {
    return HB_RED_C * (double)n * maxprod * FLT_EPSILON + HB_TINY;
}
static double hb_tol_ew(double rounds, double mag) { return rounds * FLT_EPSILON * mag + HB_TINY; }

/* ------------------------------------------------------------------ the cases, one per op */
/* k is the kernel table under test; against the scalar table the reference is double
 * arithmetic, against any other it is the scalar kernel. */

static int hb_is_oracle(const hb_kernels *k) { return k->isa == HB_ISA_SCALAR; }

static void hb_case_dot(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    hb_buf x = hb_buf_new(n, off, NAN), y = hb_buf_new(n, (off * 3) % 4, NAN);
    hb_buf_rand(&x, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf_rand(&y, rng, 1, n, n, -1.0f, 1.0f);
    double ref = 0.0, maxprod = 0.0;
    for (size_t i = 0; i < n; i++) {
        ref += (double)x.p[i] * y.p[i];
        maxprod = fmax(maxprod, fabs((double)x.p[i] * y.p[i]));
    }
    if (!hb_is_oracle(k)) ref = hb_dot_f32__scalar(n, x.p, y.p);
    hb_case_cmp(c, "dot", 0, k->dot(n, x.p, y.p), ref, hb_tol_red(n, maxprod));
    hb_buf_free(&x);
    hb_buf_free(&y);
}

static void hb_case_axpy(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    hb_buf x = hb_buf_new(n, (off * 3) % 4, NAN), y = hb_buf_new(n, off, HB_SENTINEL);
    hb_buf_rand(&x, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf_rand(&y, rng, 1, n, n, -1.0f, 1.0f);
    const float a = hb_rng_float(rng, -2.0f, 2.0f);
    hb_buf y0 = hb_buf_copy(&y), yr = hb_buf_copy(&y);
    hb_axpy_f32__scalar(n, a, x.p, yr.p);
    k->axpy(n, a, x.p, y.p);
    for (size_t i = 0; i < n; i++) {
        const double ax = (double)a * x.p[i], ref = hb_is_oracle(k) ? y0.p[i] + ax : yr.p[i];
        hb_case_cmp(c, "y", i, y.p[i], ref, hb_tol_ew(2, fabs((double)y0.p[i]) + fabs(ax)));
    }
    hb_case_intact(c, &y, "y", 1, n, n);
    hb_buf_free(&x);
    hb_buf_free(&y);
    hb_buf_free(&y0);
    hb_buf_free(&yr);
}

static void hb_case_sgd(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    hb_buf g = hb_buf_new(n, (off * 3) % 4, NAN), w = hb_buf_new(n, off, HB_SENTINEL);
    hb_buf_rand(&g, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf_rand(&w, rng, 1, n, n, -1.0f, 1.0f);
    const float lr = hb_rng_float(rng, 0.001f, 0.5f), reg = hb_rng_float(rng, 0.0f, 0.1f);
    hb_buf w0 = hb_buf_copy(&w), wr = hb_buf_copy(&w);
    hb_sgd_f32__scalar(n, lr, reg, g.p, wr.p);
    k->sgd(n, lr, reg, g.p, w.p);
    for (size_t i = 0; i < n; i++) {
        const double wi = w0.p[i], gi = g.p[i];
        const double ref = hb_is_oracle(k) ? wi - (double)lr * (gi + (double)reg * wi) : wr.p[i];
        const double mag = fabs(wi) + lr * (fabs(gi) + fabs(reg * wi));
        hb_case_cmp(c, "w", i, w.p[i], ref, hb_tol_ew(4, mag));
    }
    hb_case_intact(c, &w, "w", 1, n, n);
    hb_buf_free(&g);
    hb_buf_free(&w);
    hb_buf_free(&w0);
    hb_buf_free(&wr);
}

static void hb_case_sgd_mf(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    hb_buf p = hb_buf_new(n, off, HB_SENTINEL), q = hb_buf_new(n, (off * 3) % 4, HB_SENTINEL);
    hb_buf_rand(&p, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf_rand(&q, rng, 1, n, n, -1.0f, 1.0f);
    const float r = hb_rng_float(rng, 1.0f, 5.0f), bias = hb_rng_float(rng, -1.0f, 1.0f);
    const float lr = hb_rng_float(rng, 0.001f, 0.1f), reg = hb_rng_float(rng, 0.0f, 0.1f);
    hb_buf p0 = hb_buf_copy(&p), q0 = hb_buf_copy(&q), pr = hb_buf_copy(&p), qr = hb_buf_copy(&q);
    const float er = hb_sgd_mf_f32__scalar(n, r, bias, lr, reg, pr.p, qr.p);
    const float e = k->sgd_mf(n, r, bias, lr, reg, p.p, q.p);
    double dot = 0.0, maxprod = 0.0;
    for (size_t i = 0; i < n; i++) {
        dot += (double)p0.p[i] * q0.p[i];
        maxprod = fmax(maxprod, fabs((double)p0.p[i] * q0.p[i]));
    }
    const double ed = (double)r - (dot + bias);
    /* e: the dot's bound plus the two subtractions' roundings */
    const double tol_e = hb_tol_red(n, maxprod) + hb_tol_ew(2, fabs(r) + fabs(bias) + fabs(dot));
    hb_case_cmp(c, "e", 0, e, hb_is_oracle(k) ? ed : er, tol_e);
    const double eref = hb_is_oracle(k) ? ed : er;
    for (size_t i = 0; i < n; i++) {
        const double pi = p0.p[i], qi = q0.p[i];
        /* 5 roundings on the scalar chain, plus e's own error carried by lr*|q| (|p| for q) */
        const double magp = fabs(pi) + lr * (fabs(eref * qi) + fabs(reg * pi));
        const double magq = fabs(qi) + lr * (fabs(eref * pi) + fabs(reg * qi));
        const double refp = hb_is_oracle(k) ? pi + lr * (ed * qi - reg * pi) : pr.p[i];
        const double refq = hb_is_oracle(k) ? qi + lr * (ed * pi - reg * qi) : qr.p[i];
        hb_case_cmp(c, "p", i, p.p[i], refp, hb_tol_ew(5, magp) + lr * fabs(qi) * tol_e);
        hb_case_cmp(c, "q", i, q.p[i], refq, hb_tol_ew(5, magq) + lr * fabs(pi) * tol_e);
    }
    hb_case_intact(c, &p, "p", 1, n, n);
    hb_case_intact(c, &q, "q", 1, n, n);
    hb_buf_free(&p);
    hb_buf_free(&q);
    hb_buf_free(&p0);
    hb_buf_free(&q0);
    hb_buf_free(&pr);
    hb_buf_free(&qr);
}

/* sgd_mf_run on n-long rows (leading dimension n + 3 when off, so padding must stay untouched).
 * (a) 23 ratings over 7 users x 5 items (rows hit again and again, biases and per-row weights
 * each on or off) must equal, bit for bit, the documented loop over the same table's own sgd_mf:
 * the run may reorganize the work, never the arithmetic. (b) 5 ratings on distinct rows (every
 * step independent) against the scalar oracle, or for the oracle against double, within the
 * sgd_mf bounds plus the bias and loss roundings. */
static void hb_case_sgd_mf_run(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    enum { NU = 7, NI = 5, NR = 23 };
    const size_t ld = n + (off ? 3 : 0);
    const size_t lenP = (NU - 1) * ld + n, lenQ = (NI - 1) * ld + n;
    hb_buf P = hb_buf_new(lenP, off, HB_SENTINEL), Q = hb_buf_new(lenQ, (off * 3) % 4, HB_SENTINEL);
    hb_buf bu = hb_buf_new(NU, off, HB_SENTINEL), bi = hb_buf_new(NI, 0, HB_SENTINEL);
    hb_buf rwu = hb_buf_new(NU, 0, NAN), rwi = hb_buf_new(NI, off, NAN);
    hb_buf_rand(&P, rng, NU, n, ld, -0.5f, 0.5f);
    hb_buf_rand(&Q, rng, NI, n, ld, -0.5f, 0.5f);
    hb_buf_rand(&bu, rng, 1, NU, NU, -0.5f, 0.5f);
    hb_buf_rand(&bi, rng, 1, NI, NI, -0.5f, 0.5f);
    hb_buf_rand(&rwu, rng, 1, NU, NU, 0.2f, 3.0f);
    hb_buf_rand(&rwi, rng, 1, NI, NI, 0.2f, 3.0f);
    const uint64_t flags = hb_rng_next(rng);
    const int biased = (int)(flags & 1), weighted = (int)((flags >> 1) & 1);
    hb_krating r[NR];
    hb_rand_ratings(rng, r, NR, NU, NI);
    hb_mf_args a = {.dim = n, .ld = ld, .lr = hb_rng_float(rng, 0.001f, 0.05f),
                    .reg = hb_rng_float(rng, 0.0f, 0.1f), .reg_bias = hb_rng_float(rng, 0.0f, 0.1f),
                    .mu = biased ? hb_rng_float(rng, 2.5f, 4.0f) : 0.0f};
    hb_buf P0 = hb_buf_copy(&P), Q0 = hb_buf_copy(&Q), bu0 = hb_buf_copy(&bu), bi0 = hb_buf_copy(&bi);
    hb_buf Pl = hb_buf_copy(&P), Ql = hb_buf_copy(&Q), bul = hb_buf_copy(&bu), bil = hb_buf_copy(&bi);

    /* (a) the run against the documented loop, bit for bit */
    a.P = P.p, a.Q = Q.p, a.bu = biased ? bu.p : NULL, a.bi = biased ? bi.p : NULL;
    a.rw_u = weighted ? rwu.p : NULL, a.rw_i = weighted ? rwi.p : NULL;
    const double loss = k->sgd_mf_run(&a, r, NR);
    double lref = 0.0;
    for (size_t j = 0; j < NR; j++) {
        const hb_krating x = r[j];
        const float bias = biased ? bul.p[x.u] + bil.p[x.i] + a.mu : 0.0f;
        const float rg = weighted ? a.reg * 0.5f * (rwu.p[x.u] + rwi.p[x.i]) : a.reg;
        const float e = k->sgd_mf(n, x.r, bias, a.lr, rg, Pl.p + x.u * ld, Ql.p + x.i * ld);
        if (biased) {
            bul.p[x.u] += a.lr * (e - a.reg_bias * bul.p[x.u]);
            bil.p[x.i] += a.lr * (e - a.reg_bias * bil.p[x.i]);
        }
        lref += (double)e * e;
    }
    if (memcmp(&loss, &lref, sizeof loss) != 0)
        hb_case_fail(c, "loss %.17g, the loop over sgd_mf gives %.17g", loss, lref);
    if (memcmp(P.base, Pl.base, P.total * sizeof(float)) || memcmp(Q.base, Ql.base, Q.total * sizeof(float)))
        hb_case_fail(c, "P or Q differ (bitwise) from the loop over this ISA's sgd_mf");
    if (memcmp(bu.base, bul.base, bu.total * sizeof(float)) || memcmp(bi.base, bil.base, bi.total * sizeof(float)))
        hb_case_fail(c, "biases differ (bitwise) from the loop over this ISA's sgd_mf");
    hb_case_intact(c, &P, "P", NU, n, ld);
    hb_case_intact(c, &Q, "Q", NI, n, ld);

    /* (b) independent steps against the oracle (the scalar run; for it, double) */
    memcpy(P.base, P0.base, P.total * sizeof(float));
    memcpy(Q.base, Q0.base, Q.total * sizeof(float));
    memcpy(bu.base, bu0.base, bu.total * sizeof(float));
    memcpy(bi.base, bi0.base, bi.total * sizeof(float));
    memcpy(Pl.base, P0.base, P.total * sizeof(float));
    memcpy(Ql.base, Q0.base, Q.total * sizeof(float));
    memcpy(bul.base, bu0.base, bu.total * sizeof(float));
    memcpy(bil.base, bi0.base, bi.total * sizeof(float));
    for (uint32_t j = 0; j < NI; j++) r[j].u = r[j].i = j;
    const double lk = k->sgd_mf_run(&a, r, NI);
    hb_mf_args as = a;
    as.P = Pl.p, as.Q = Ql.p, as.bu = biased ? bul.p : NULL, as.bi = biased ? bil.p : NULL;
    const double ls = hb_sgd_mf_run_f32__scalar(&as, r, NI);
    double ld_ = 0.0, tol_l = 0.0;
    for (uint32_t j = 0; j < NI; j++) {
        const float *p0 = P0.p + j * ld, *q0 = Q0.p + j * ld;
        double dot = 0.0, maxprod = 0.0;
        for (size_t i = 0; i < n; i++) {
            dot += (double)p0[i] * q0[i];
            maxprod = fmax(maxprod, fabs((double)p0[i] * q0[i]));
        }
        /* the bias and the weight are float sums in every kernel: the same bits as the oracle's */
        const double bias = biased ? (double)(bu0.p[j] + bi0.p[j] + a.mu) : 0.0;
        const double rg = weighted ? (double)(a.reg * 0.5f * (rwu.p[j] + rwi.p[j])) : a.reg;
        const double ed = (double)r[j].r - (dot + bias);
        const double tol_e = hb_tol_red(n, maxprod) + hb_tol_ew(2, fabs(r[j].r) + fabs(bias) + fabs(dot));
        ld_ += ed * ed;
        tol_l += 2.0 * fabs(ed) * tol_e + tol_e * tol_e + hb_tol_ew(2, ed * ed);
        for (size_t i = 0; i < n; i++) {
            const double pi = p0[i], qi = q0[i];
            const double magp = fabs(pi) + a.lr * (fabs(ed * qi) + fabs(rg * pi));
            const double magq = fabs(qi) + a.lr * (fabs(ed * pi) + fabs(rg * qi));
            const double refp = hb_is_oracle(k) ? pi + a.lr * (ed * qi - rg * pi) : Pl.p[j * ld + i];
            const double refq = hb_is_oracle(k) ? qi + a.lr * (ed * pi - rg * qi) : Ql.p[j * ld + i];
            hb_case_cmp(c, "P", j * ld + i, P.p[j * ld + i], refp, hb_tol_ew(5, magp) + a.lr * fabs(qi) * tol_e);
            hb_case_cmp(c, "Q", j * ld + i, Q.p[j * ld + i], refq, hb_tol_ew(5, magq) + a.lr * fabs(pi) * tol_e);
        }
        if (biased) {
            const double b = bu0.p[j], d = bi0.p[j];
            const double refu = hb_is_oracle(k) ? b + a.lr * (ed - a.reg_bias * b) : bul.p[j];
            const double refi = hb_is_oracle(k) ? d + a.lr * (ed - a.reg_bias * d) : bil.p[j];
            hb_case_cmp(c, "bu", j, bu.p[j], refu, hb_tol_ew(4, fabs(b) + a.lr * (fabs(ed) + fabs(b))) + a.lr * tol_e);
            hb_case_cmp(c, "bi", j, bi.p[j], refi, hb_tol_ew(4, fabs(d) + a.lr * (fabs(ed) + fabs(d))) + a.lr * tol_e);
        }
    }
    hb_case_cmp(c, "loss", 0, (float)lk, hb_is_oracle(k) ? ld_ : ls, tol_l + hb_tol_ew(1, lk));
    hb_case_intact(c, &P, "P", NU, n, ld);
    hb_case_intact(c, &Q, "Q", NI, n, ld);
    hb_buf *all[] = {&P, &Q, &bu, &bi, &rwu, &rwi, &P0, &Q0, &bu0, &bi0, &Pl, &Ql, &bul, &bil};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_buf_free(all[i]);
}

/* adagrad_mf_run (row = 0) and adagrad_row_mf_run (row = 1) on n-long rows (leading dimension
 * n + 3 when off). (a) 23 ratings over 7 users x 5 items (rows hit again and again, biases and
 * per-row weights each on or off): one call over the run must equal, bit for bit, the same
 * kernel called rating by rating (a run may reorganize the loop, never a step's arithmetic).
 * (b) 5 ratings on distinct rows against the scalar oracle, or for the oracle against double:
 * e within sgd_mf's bound; g = rg*w - e*o within |o| tol_e plus its 2 roundings; the
 * accumulators and rows within the roundings of their own chain plus g's error times its
 * sensitivity (per coordinate: G starts in [0.1, 1), so |d(g/sqrt(G+g^2))/dg| <= 1/sqrt(G0)). */
static void hb_case_adagrad_run(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n,
                                size_t off, int row) {
    enum { NU = 7, NI = 5, NR = 23 };
    const size_t ld = n + (off ? 3 : 0);
    const size_t lenP = (NU - 1) * ld + n, lenQ = (NI - 1) * ld + n;
    const size_t lenGu = row ? NU : lenP, lenGi = row ? NI : lenQ;
    hb_buf P = hb_buf_new(lenP, off, HB_SENTINEL), Q = hb_buf_new(lenQ, (off * 3) % 4, HB_SENTINEL);
    hb_buf Gu = hb_buf_new(lenGu, (off * 2) % 4, HB_SENTINEL), Gi = hb_buf_new(lenGi, off, HB_SENTINEL);
    hb_buf bu = hb_buf_new(NU, off, HB_SENTINEL), bi = hb_buf_new(NI, 0, HB_SENTINEL);
    hb_buf Gbu = hb_buf_new(NU, 0, HB_SENTINEL), Gbi = hb_buf_new(NI, off, HB_SENTINEL);
    hb_buf rwu = hb_buf_new(NU, 0, NAN), rwi = hb_buf_new(NI, off, NAN);
    hb_buf_rand(&P, rng, NU, n, ld, -0.5f, 0.5f);
    hb_buf_rand(&Q, rng, NI, n, ld, -0.5f, 0.5f);
    if (row) { /* LIBMF starts at 1 and only grows */
        hb_buf_rand(&Gu, rng, 1, NU, NU, 1.0f, 3.0f);
        hb_buf_rand(&Gi, rng, 1, NI, NI, 1.0f, 3.0f);
    } else {
        hb_buf_rand(&Gu, rng, NU, n, ld, 0.1f, 1.0f);
        hb_buf_rand(&Gi, rng, NI, n, ld, 0.1f, 1.0f);
    }
    hb_buf_rand(&bu, rng, 1, NU, NU, -0.5f, 0.5f);
    hb_buf_rand(&bi, rng, 1, NI, NI, -0.5f, 0.5f);
    hb_buf_rand(&Gbu, rng, 1, NU, NU, 1.0f, 3.0f);
    hb_buf_rand(&Gbi, rng, 1, NI, NI, 1.0f, 3.0f);
    hb_buf_rand(&rwu, rng, 1, NU, NU, 0.2f, 3.0f);
    hb_buf_rand(&rwi, rng, 1, NI, NI, 0.2f, 3.0f);
    const uint64_t flags = hb_rng_next(rng);
    const int biased = (int)(flags & 1), weighted = (int)((flags >> 1) & 1);
    hb_krating r[NR];
    hb_rand_ratings(rng, r, NR, NU, NI);
    hb_mf_args a = {.dim = n, .ld = ld, .lr = hb_rng_float(rng, 0.001f, 0.1f),
                    .reg = hb_rng_float(rng, 0.0f, 0.1f), .reg_bias = hb_rng_float(rng, 0.0f, 0.1f),
                    .mu = biased ? hb_rng_float(rng, 2.5f, 4.0f) : 0.0f, .eps = 1e-7f};
    hb_buf *state[] = {&P, &Q, &Gu, &Gi, &bu, &bi, &Gbu, &Gbi};
    enum { NS = sizeof state / sizeof state[0] };
    hb_buf s0[NS], s1[NS], live[NS];
    for (int t = 0; t < NS; t++)
        s0[t] = hb_buf_copy(state[t]), s1[t] = hb_buf_copy(state[t]), live[t] = *state[t];
    const hb_adagrad_mf_run_fn run = row ? k->adagrad_row_mf_run : k->adagrad_mf_run;
    const hb_adagrad_mf_run_fn oracle = row ? hb_adagrad_row_mf_run_f32__scalar : hb_adagrad_mf_run_f32__scalar;
#define HB_ARGS(A, S)                                                                            \
    do {                                                                                        \
        (A).P = (S)[0].p, (A).Q = (S)[1].p, (A).Gu = (S)[2].p, (A).Gi = (S)[3].p;               \
        (A).bu = biased ? (S)[4].p : NULL, (A).bi = biased ? (S)[5].p : NULL;                   \
        (A).Gbu = biased ? (S)[6].p : NULL, (A).Gbi = biased ? (S)[7].p : NULL;                 \
        (A).rw_u = weighted ? rwu.p : NULL, (A).rw_i = weighted ? rwi.p : NULL;                 \
    } while (0)

    /* (a) the run against the same kernel rating by rating, bit for bit */
    hb_mf_args a1 = a;
    HB_ARGS(a, live);
    HB_ARGS(a1, s1);
    const double loss = run(&a, r, NR);
    double lref = 0.0;
    for (size_t j = 0; j < NR; j++) lref += run(&a1, r + j, 1);
    if (memcmp(&loss, &lref, sizeof loss) != 0)
        hb_case_fail(c, "loss %.17g, rating by rating %.17g", loss, lref);
    for (int t = 0; t < NS; t++)
        if (memcmp(state[t]->base, s1[t].base, s1[t].total * sizeof(float)) != 0)
            hb_case_fail(c, "state %d differs (bitwise) from the kernel called rating by rating", t);
    hb_case_intact(c, &P, "P", NU, n, ld);
    hb_case_intact(c, &Q, "Q", NI, n, ld);
    if (row) {
        hb_case_intact(c, &Gu, "Gu", 1, NU, NU);
        hb_case_intact(c, &Gi, "Gi", 1, NI, NI);
    } else {
        hb_case_intact(c, &Gu, "Gu", NU, n, ld);
        hb_case_intact(c, &Gi, "Gi", NI, n, ld);
    }

    /* (b) independent steps against the oracle (the scalar run; for it, double) */
    for (int t = 0; t < NS; t++) {
        memcpy(state[t]->base, s0[t].base, s0[t].total * sizeof(float));
        memcpy(s1[t].base, s0[t].base, s0[t].total * sizeof(float));
    }
    for (uint32_t j = 0; j < NI; j++) r[j].u = r[j].i = j;
    HB_ARGS(a, live);
    HB_ARGS(a1, s1);
    const double lk = run(&a, r, NI), ls = oracle(&a1, r, NI);
#undef HB_ARGS
    const double lr = a.lr;
    double ld_ = 0.0, tol_l = 0.0;
    for (uint32_t j = 0; j < NI; j++) {
        const float *p0 = s0[0].p + j * ld, *q0 = s0[1].p + j * ld;
        double dot = 0.0, maxprod = 0.0;
        for (size_t i = 0; i < n; i++) {
            dot += (double)p0[i] * q0[i];
            maxprod = fmax(maxprod, fabs((double)p0[i] * q0[i]));
        }
        const double bias = biased ? (double)(s0[4].p[j] + s0[5].p[j] + a.mu) : 0.0;
        const double rg = weighted ? (double)(a.reg * 0.5f * (rwu.p[j] + rwi.p[j])) : a.reg;
        const double ed = (double)r[j].r - (dot + bias);
        const double tol_e = hb_tol_red(n, maxprod) + hb_tol_ew(2, fabs(r[j].r) + fabs(bias) + fabs(dot));
        ld_ += ed * ed;
        tol_l += 2.0 * fabs(ed) * tol_e + tol_e * tol_e + hb_tol_ew(2, ed * ed);
        for (int side = 0; side < 2; side++) { /* side 0: p (users), 1: q (items) */
            const float *w0 = side ? q0 : p0, *o0 = side ? p0 : q0;
            const hb_buf *W = side ? &Q : &P, *G = side ? &Gi : &Gu, *Wr = &s1[side], *Gr = &s1[2 + side];
            const char *wn = side ? "Q" : "P", *gn = side ? "Gi" : "Gu";
            double s2 = 0.0, sabs = 0.0, maxg2 = 0.0;
            const double G0r = row ? (double)s0[2 + side].p[j] : 0.0;
            for (size_t i = 0; i < n; i++) {
                const double w = w0[i], o = o0[i];
                const double g = rg * w - ed * o;
                const double tol_g = fabs(o) * tol_e + hb_tol_ew(3, fabs(rg * w) + fabs(ed * o));
                s2 += g * g;
                sabs += fabs(g) * tol_g;
                maxg2 = fmax(maxg2, g * g);
                if (row) {
                    const double lp = lr / sqrt(G0r);
                    const double ref = hb_is_oracle(k) ? w - lp * g : Wr->p[j * ld + i];
                    hb_case_cmp(c, wn, j * ld + i, W->p[j * ld + i], ref,
                                hb_tol_ew(6, fabs(w) + lp * (fabs(rg * w) + fabs(ed * o))) + lp * tol_g);
                } else {
                    const double G0 = s0[2 + side].p[j * ld + i], G1 = G0 + g * g;
                    const double den = sqrt(G1) + a.eps;
                    const double refG = hb_is_oracle(k) ? G1 : Gr->p[j * ld + i];
                    const double refw = hb_is_oracle(k) ? w - lr * g / den : Wr->p[j * ld + i];
                    const double tolG = hb_tol_ew(2, G1) + 2.0 * fabs(g) * tol_g + tol_g * tol_g;
                    hb_case_cmp(c, gn, j * ld + i, G->p[j * ld + i], refG, tolG);
                    hb_case_cmp(c, wn, j * ld + i, W->p[j * ld + i], refw,
                                hb_tol_ew(7, fabs(w) + lr * fabs(g) / den) + lr * tol_g / sqrt(G0));
                }
            }
            if (row && n) {
                const double refG = hb_is_oracle(k) ? G0r + s2 / (double)n : Gr->p[j];
                const double tolG = hb_tol_ew(3, G0r + s2 / (double)n) +
                                    (hb_tol_red(n, maxg2) + 2.0 * sabs) / (double)n;
                hb_case_cmp(c, gn, j, G->p[j], refG, tolG);
            }
        }
        if (biased) {
            for (int side = 0; side < 2; side++) {
                const double b = s0[4 + side].p[j], Gb = s0[6 + side].p[j];
                const double gb = a.reg_bias * b - ed, tol_gb = tol_e + hb_tol_ew(2, fabs(a.reg_bias * b) + fabs(ed));
                double refb, refG, tolb;
                if (row) {
                    refb = b - lr / sqrt(Gb) * gb;
                    refG = Gb + gb * gb;
                    tolb = hb_tol_ew(6, fabs(b) + lr / sqrt(Gb) * fabs(gb)) + lr / sqrt(Gb) * tol_gb;
                } else {
                    refG = Gb + gb * gb;
                    refb = b - lr * gb / (sqrt(refG) + a.eps);
                    tolb = hb_tol_ew(7, fabs(b) + lr) + lr * tol_gb / sqrt(Gb);
                }
                if (!hb_is_oracle(k)) refb = s1[4 + side].p[j], refG = s1[6 + side].p[j];
                const hb_buf *B = side ? &bi : &bu, *GB = side ? &Gbi : &Gbu;
                hb_case_cmp(c, side ? "bi" : "bu", j, B->p[j], refb, tolb);
                hb_case_cmp(c, side ? "Gbi" : "Gbu", j, GB->p[j], refG,
                            hb_tol_ew(2, Gb + gb * gb) + 2.0 * fabs(gb) * tol_gb + tol_gb * tol_gb);
            }
        }
    }
    hb_case_cmp(c, "loss", 0, (float)lk, hb_is_oracle(k) ? ld_ : ls, tol_l + hb_tol_ew(1, lk));
    hb_case_intact(c, &P, "P", NU, n, ld);
    hb_case_intact(c, &Q, "Q", NI, n, ld);
    for (int t = 0; t < NS; t++) {
        hb_buf_free(&s0[t]);
        hb_buf_free(&s1[t]);
        hb_buf_free(state[t]);
    }
    hb_buf_free(&rwu);
    hb_buf_free(&rwi);
}

/* ------------------------------------------------ 16-bit storage: sgd_mf_run / adagrad_row_mf_run */

#include "half.h"

/* A 16-bit table: len live elements at a 64-byte-aligned base plus off elements (off = 1:
 * misaligned by 2 bytes), the slack around them holding a sentinel that writes are caught by. */
typedef struct hb_hbuf {
    uint16_t *base, *p;
    size_t len, total;
} hb_hbuf;
#define HB_HSENTINEL 0x7e5au

static hb_hbuf hb_hbuf_new(size_t len, size_t off) {
    hb_hbuf b = {.len = len, .total = off + len + HB_SLACK};
    b.base = aligned_alloc(64, (b.total * sizeof(uint16_t) + 63) / 64 * 64);
    if (!b.base) abort();
    for (size_t i = 0; i < b.total; i++) b.base[i] = HB_HSENTINEL;
    b.p = b.base + off;
    return b;
}
static hb_hbuf hb_hbuf_copy(const hb_hbuf *s) {
    hb_hbuf b = hb_hbuf_new(s->len, (size_t)(s->p - s->base));
    memcpy(b.base, s->base, b.total * sizeof(uint16_t));
    return b;
}
static int hb_hbuf_intact(const hb_hbuf *b, size_t rows, size_t cols, size_t ld) {
    for (size_t i = 0; i < b->total; i++) {
        const ptrdiff_t k = (b->base + i) - b->p;
        const int live = k >= 0 && cols && (size_t)k / ld < rows && (size_t)k % ld < cols;
        if (!live && b->base[i] != HB_HSENTINEL) return 0;
    }
    return 1;
}
static float hb_hv(uint16_t h, int f16) { return f16 ? hb_f16_to_f32(h) : hb_bf16_to_f32(h); }
/* The spacing of the 16-bit format at magnitude v (of its binade; binary16's subnormals: 2^-24). */
static double hb_hulp(double v, int f16) {
    int e;
    frexp(fabs(v), &e); /* |v| in [2^(e-1), 2^e) */
    if (f16 && e - 1 < -14) return ldexp(1.0, -24);
    return ldexp(1.0, e - 1 - (f16 ? 10 : 7));
}

/* The 16-bit run ops (f16: binary16, else bf16; row: adagrad_row_mf_run, else sgd_mf_run) on
 * n-long rows, leading dimension n + 3 when off.
 * (a) Nearest even, 23 ratings over 7 users x 5 items (biases and per-row weights each on or
 * off): one call over the run equals, bit for bit, the same kernel called rating by rating.
 * (b) Both roundings, 5 ratings on distinct rows: every value against double arithmetic on the
 * same 16-bit inputs, within the f32 kernel's bounds (as sgd_mf_run's and adagrad's cases) plus
 * the narrowing: half an ulp of the format (nearest), one ulp (stochastic: either neighbour);
 * the other tables also against the scalar oracle (within an ulp more).
 * (c) Stall: one row of ones decaying by (1 - lr*reg) = 1 - ulp/4 per step (q = 0, so e = 0),
 * 256 steps in one call: to nearest even the row never moves (every step rounds back: the
 * updates Buckwild's stochastic rounding exists for), stochastically its mean follows the
 * exact decay within 6 standard deviations of the rounding noise, and elements 1, 4, 8, 16 or
 * 32 apart (whatever the ISA's vectors and pairs) do not move in lockstep. */
static void hb_case_h_run(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off,
                          int f16, int row) {
    enum { NU = 7, NI = 5, NR = 23, NK = 256 };
    const size_t ld = n + (off ? 3 : 0);
    const size_t lenP = (NU - 1) * ld + n, lenQ = (NI - 1) * ld + n;
    hb_sgd_mf_run_fn run = f16 ? (row ? k->adagrad_row_mf_run_f16 : k->sgd_mf_run_f16)
                           : (row ? k->adagrad_row_mf_run_bf16 : k->sgd_mf_run_bf16);
    hb_sgd_mf_run_fn oracle = f16 ? (row ? hb_adagrad_row_mf_run_f16_f32__scalar : hb_sgd_mf_run_f16_f32__scalar)
                              : (row ? hb_adagrad_row_mf_run_bf16_f32__scalar : hb_sgd_mf_run_bf16_f32__scalar);
    hb_hbuf P = hb_hbuf_new(lenP, off), Q = hb_hbuf_new(lenQ, (off * 3) % 4);
    for (size_t r = 0; r < NU; r++)
        for (size_t i = 0; i < n; i++) {
            const float v = hb_rng_float(rng, -0.5f, 0.5f);
            P.p[r * ld + i] = f16 ? hb_f32_to_f16(v) : hb_f32_to_bf16(v);
        }
    for (size_t r = 0; r < NI; r++)
        for (size_t i = 0; i < n; i++) {
            const float v = hb_rng_float(rng, -0.5f, 0.5f);
            Q.p[r * ld + i] = f16 ? hb_f32_to_f16(v) : hb_f32_to_bf16(v);
        }
    /* f32 state: bu, bi, Gu, Gi, Gbu, Gbi (the row-wise accumulators: one per row, from 1) */
    hb_buf st[6] = {hb_buf_new(NU, off, HB_SENTINEL), hb_buf_new(NI, 0, HB_SENTINEL),
                    hb_buf_new(NU, 0, HB_SENTINEL),   hb_buf_new(NI, off, HB_SENTINEL),
                    hb_buf_new(NU, off, HB_SENTINEL), hb_buf_new(NI, 0, HB_SENTINEL)};
    hb_buf_rand(&st[0], rng, 1, NU, NU, -0.5f, 0.5f);
    hb_buf_rand(&st[1], rng, 1, NI, NI, -0.5f, 0.5f);
    for (int t = 2; t < 6; t++) hb_buf_rand(&st[t], rng, 1, t % 2 ? NI : NU, t % 2 ? NI : NU, 1.0f, 3.0f);
    hb_buf rwu = hb_buf_new(NU, 0, NAN), rwi = hb_buf_new(NI, off, NAN);
    hb_buf_rand(&rwu, rng, 1, NU, NU, 0.2f, 3.0f);
    hb_buf_rand(&rwi, rng, 1, NI, NI, 0.2f, 3.0f);
    const uint64_t flags = hb_rng_next(rng);
    const int biased = (int)(flags & 1), weighted = (int)((flags >> 1) & 1);
    hb_krating r[NK];
    hb_rand_ratings(rng, r, NR, NU, NI);
    hb_mf_args a = {.dim = n, .ld = ld, .lr = hb_rng_float(rng, 0.001f, 0.05f),
                    .reg = hb_rng_float(rng, 0.0f, 0.1f), .reg_bias = hb_rng_float(rng, 0.0f, 0.1f),
                    .mu = biased ? hb_rng_float(rng, 2.5f, 4.0f) : 0.0f, .eps = 1e-7f,
                    .seed = hb_rng_next(rng)};
    hb_hbuf P0 = hb_hbuf_copy(&P), Q0 = hb_hbuf_copy(&Q), P1 = hb_hbuf_copy(&P), Q1 = hb_hbuf_copy(&Q);
    hb_buf s0[6], s1[6];
    for (int t = 0; t < 6; t++) s0[t] = hb_buf_copy(&st[t]), s1[t] = hb_buf_copy(&st[t]);
#define HB_HARGS(A, PP, QQ, S)                                                                   \
    do {                                                                                        \
        (A).P16 = (PP).p, (A).Q16 = (QQ).p;                                                     \
        (A).bu = biased ? (S)[0].p : NULL, (A).bi = biased ? (S)[1].p : NULL;                   \
        (A).Gu = (S)[2].p, (A).Gi = (S)[3].p;                                                   \
        (A).Gbu = biased ? (S)[4].p : NULL, (A).Gbi = biased ? (S)[5].p : NULL;                 \
        (A).rw_u = weighted ? rwu.p : NULL, (A).rw_i = weighted ? rwi.p : NULL;                 \
    } while (0)
#define HB_HRESET()                                                                              \
    do {                                                                                        \
        memcpy(P.base, P0.base, P.total * sizeof(uint16_t));                                    \
        memcpy(Q.base, Q0.base, Q.total * sizeof(uint16_t));                                    \
        memcpy(P1.base, P0.base, P.total * sizeof(uint16_t));                                   \
        memcpy(Q1.base, Q0.base, Q.total * sizeof(uint16_t));                                   \
        for (int t = 0; t < 6; t++) {                                                           \
            memcpy(st[t].base, s0[t].base, s0[t].total * sizeof(float));                        \
            memcpy(s1[t].base, s0[t].base, s0[t].total * sizeof(float));                        \
        }                                                                                       \
    } while (0)

    /* (a) nearest even: the run against the same kernel rating by rating, bit for bit */
    hb_mf_args a1 = a;
    HB_HARGS(a, P, Q, st);
    HB_HARGS(a1, P1, Q1, s1);
    const double loss = run(&a, r, NR);
    double lref = 0.0;
    for (size_t j = 0; j < NR; j++) lref += run(&a1, r + j, 1);
    if (memcmp(&loss, &lref, sizeof loss) != 0)
        hb_case_fail(c, "loss %.17g, rating by rating %.17g", loss, lref);
    if (memcmp(P.base, P1.base, P.total * 2) || memcmp(Q.base, Q1.base, Q.total * 2))
        hb_case_fail(c, "P or Q differ (bitwise) from the kernel called rating by rating");
    for (int t = 0; t < 6; t++)
        if (memcmp(st[t].base, s1[t].base, st[t].total * sizeof(float)) != 0)
            hb_case_fail(c, "f32 state %d differs (bitwise) from the kernel rating by rating", t);
    if (!hb_hbuf_intact(&P, NU, n, ld) || !hb_hbuf_intact(&Q, NI, n, ld))
        hb_case_fail(c, "P or Q: wrote outside the live elements");

    /* (b) independent steps, each rounding, against double (and the oracle) */
    for (uint32_t j = 0; j < NI; j++) r[j].u = r[j].i = j;
    for (int sr = 0; sr < 2; sr++) {
        HB_HRESET();
        a.sr = a1.sr = sr;
        const double lk = run(&a, r, NI);
        (void)oracle(&a1, r, NI);
        const double lr = a.lr, half = sr ? 1.0 : 0.5;
        double ld_ = 0.0, tol_l = 0.0;
        for (uint32_t j = 0; j < NI; j++) {
            double dot = 0.0, maxprod = 0.0;
            for (size_t i = 0; i < n; i++) {
                const double pp = hb_hv(P0.p[j * ld + i], f16), qq = hb_hv(Q0.p[j * ld + i], f16);
                dot += pp * qq;
                maxprod = fmax(maxprod, fabs(pp * qq));
            }
            const double bias = biased ? (double)(s0[0].p[j] + s0[1].p[j] + a.mu) : 0.0;
            const double rg = weighted ? (double)(a.reg * 0.5f * (rwu.p[j] + rwi.p[j])) : a.reg;
            const double ed = (double)r[j].r - (dot + bias);
            const double tol_e = hb_tol_red(n, maxprod) + hb_tol_ew(2, fabs(r[j].r) + fabs(bias) + fabs(dot));
            ld_ += ed * ed;
            tol_l += 2.0 * fabs(ed) * tol_e + tol_e * tol_e + hb_tol_ew(2, ed * ed);
            for (int side = 0; side < 2; side++) {
                const hb_hbuf *W = side ? &Q : &P, *W0 = side ? &Q0 : &P0, *O0 = side ? &P0 : &Q0;
                const hb_hbuf *Wo = side ? &Q1 : &P1;
                const double G0 = s0[2 + side].p[j], lw = lr / sqrt(G0);
                double s2 = 0.0, sabs = 0.0, maxg2 = 0.0;
                for (size_t i = 0; i < n; i++) {
                    const size_t e = j * ld + i;
                    const double w = hb_hv(W0->p[e], f16), o = hb_hv(O0->p[e], f16);
                    double ref, tol;
                    if (row) {
                        const double g = rg * w - ed * o;
                        const double tol_g = fabs(o) * tol_e + hb_tol_ew(3, fabs(rg * w) + fabs(ed * o));
                        s2 += g * g, sabs += fabs(g) * tol_g, maxg2 = fmax(maxg2, g * g);
                        ref = w - lw * g;
                        tol = hb_tol_ew(6, fabs(w) + lw * (fabs(rg * w) + fabs(ed * o))) + lw * tol_g;
                    } else {
                        ref = w + lr * (ed * o - rg * w);
                        tol = hb_tol_ew(5, fabs(w) + lr * (fabs(ed * o) + fabs(rg * w))) + lr * fabs(o) * tol_e;
                    }
                    const double got = hb_hv(W->p[e], f16), u16 = hb_hulp(fabs(ref) + tol, f16);
                    hb_case_cmp(c, side ? "Q" : "P", e, (float)got, ref, tol + half * u16);
                    if (!hb_is_oracle(k)) /* the oracle rounds the same value within tol */
                        hb_case_cmp(c, side ? "Q~oracle" : "P~oracle", e, (float)got,
                                    hb_hv(Wo->p[e], f16), 2.0 * tol + 2.0 * half * u16);
                }
                if (row && n) {
                    const double refG = G0 + s2 / (double)n;
                    const double tolG = hb_tol_ew(3, refG) + (hb_tol_red(n, maxg2) + 2.0 * sabs) / (double)n;
                    hb_case_cmp(c, side ? "Gi" : "Gu", j, st[2 + side].p[j], refG, tolG);
                }
                if (biased) {
                    const double b = s0[side].p[j], Gb = s0[4 + side].p[j];
                    double refb, tolb;
                    if (row) {
                        const double gb = a.reg_bias * b - ed, tol_gb = tol_e + hb_tol_ew(2, fabs(a.reg_bias * b) + fabs(ed));
                        refb = b - lr / sqrt(Gb) * gb;
                        tolb = hb_tol_ew(6, fabs(b) + lr / sqrt(Gb) * fabs(gb)) + lr / sqrt(Gb) * tol_gb;
                        hb_case_cmp(c, side ? "Gbi" : "Gbu", j, st[4 + side].p[j], Gb + gb * gb,
                                    hb_tol_ew(2, Gb + gb * gb) + 2.0 * fabs(gb) * tol_gb + tol_gb * tol_gb);
                    } else {
                        refb = b + lr * (ed - a.reg_bias * b);
                        tolb = hb_tol_ew(4, fabs(b) + lr * (fabs(ed) + fabs(b))) + lr * tol_e;
                    }
                    hb_case_cmp(c, side ? "bi" : "bu", j, st[side].p[j], refb, tolb);
                }
            }
        }
        hb_case_cmp(c, sr ? "loss(sr)" : "loss", 0, (float)lk, ld_, tol_l + hb_tol_ew(1, lk));
        if (!hb_hbuf_intact(&P, NU, n, ld) || !hb_hbuf_intact(&Q, NI, n, ld))
            hb_case_fail(c, "P or Q: wrote outside the live elements (sr %d)", sr);
    }

    /* (c) the stall: p = 1, q = 0, r = 0 (e = 0), decay 1 - ulp/4 per step, NK steps */
    if (n) {
        HB_HRESET();
        const uint16_t one = f16 ? 0x3c00u : 0x3f80u;
        for (size_t i = 0; i < n; i++) P.p[i] = one, Q.p[i] = 0;
        for (size_t j = 0; j < NK; j++) r[j] = (hb_krating){0, 0, 0.0f};
        hb_mf_args s = a;
        s.bu = s.bi = s.Gbu = s.Gbi = NULL;
        s.rw_u = s.rw_i = NULL;
        s.mu = 0.0f;
        s.lr = 0x1p-5f;
        s.reg = f16 ? 0x1p-8f : 0x1p-5f; /* lr*reg: a quarter of the ulp below 1 */
        st[2].p[0] = st[3].p[0] = 1.0f;
        double pe = 1.0, G = 1.0; /* the exact decay */
        for (int t = 0; t < NK; t++) {
            const double step = row ? (double)s.lr / sqrt(G) * s.reg : (double)s.lr * s.reg;
            G += (double)s.reg * s.reg * pe * pe;
            pe -= step * pe;
        }
        for (int sr = 0; sr < 2; sr++) {
            for (size_t i = 0; i < n; i++) P.p[i] = one;
            st[2].p[0] = st[3].p[0] = 1.0f;
            s.sr = sr;
            s.seed = hb_rng_next(rng);
            (void)run(&s, r, NK);
            double mean = 0.0;
            for (size_t i = 0; i < n; i++) mean += hb_hv(P.p[i], f16) / (double)n;
            const double u16 = f16 ? 0x1p-11 : 0x1p-8; /* the ulp below 1 */
            if (!sr) {
                for (size_t i = 0; i < n; i++)
                    if (P.p[i] != one) {
                        hb_case_fail(c, "stall: P[%zu] = %.9g moved under nearest even", i, hb_hv(P.p[i], f16));
                        break;
                    }
            } else {
                /* per element at most sqrt(NK/4) ulps of noise; the mean's over n elements */
                const double tol = 6.0 * sqrt(NK / 4.0) * u16 / sqrt((double)n) + 2.0 * u16;
                hb_case_cmp(c, "stall mean(P)", 0, (float)mean, pe, tol);
                /* the writes of a step must not share their random bits: elements a vector
                 * (4, 8, 16: NEON, AVX2, AVX-512 binary16) or a pair of vectors (8, 16, 32) apart,
                 * or neighbours (a bf16 pair's two vectors), would then move in lockstep;
                 * independent walks of NK steps end equal with probability ~0.05 */
                static const size_t gaps[] = {1, 4, 8, 16, 32};
                for (size_t g = 0; g < sizeof gaps / sizeof *gaps && n >= gaps[g] + 32; g++) {
                    const size_t d = gaps[g];
                    size_t eq = 0;
                    for (size_t i = 0; i + d < n; i++) eq += P.p[i] == P.p[i + d];
                    if (2 * eq > n - d)
                        hb_case_fail(c, "stall: %zu of %zu elements equal to the one %zu after (shared random bits)",
                                     eq, n - d, d);
                }
            }
        }
    }
#undef HB_HARGS
#undef HB_HRESET
    hb_hbuf *hb[] = {&P, &Q, &P0, &Q0, &P1, &Q1};
    for (size_t i = 0; i < sizeof hb / sizeof *hb; i++) free(hb[i]->base);
    for (int t = 0; t < 6; t++) hb_buf_free(&st[t]), hb_buf_free(&s0[t]), hb_buf_free(&s1[t]);
    hb_buf_free(&rwu);
    hb_buf_free(&rwi);
}

static void hb_case_nadam(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    hb_buf g = hb_buf_new(n, (off * 3) % 4, NAN), w = hb_buf_new(n, off, HB_SENTINEL);
    hb_buf m = hb_buf_new(n, off, HB_SENTINEL), v = hb_buf_new(n, (off + 2) % 4, HB_SENTINEL);
    hb_buf_rand(&g, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf_rand(&w, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf_rand(&m, rng, 1, n, n, -0.5f, 0.5f);
    hb_buf_rand(&v, rng, 1, n, n, 0.0f, 0.5f);
    /* a Keras-schedule step t in 1..100 with random hyper-parameters */
    const double b1 = hb_rng_float(rng, 0.8f, 0.95f), b2 = hb_rng_float(rng, 0.99f, 0.9999f);
    const double t = 1 + (double)(hb_rng_next(rng) % 100);
    const double mu_t = b1 * (1 - 0.5 * pow(0.96, t * 0.004));
    const double mu_t1 = b1 * (1 - 0.5 * pow(0.96, (t + 1) * 0.004));
    double prod = 1.0;
    for (double s = 1; s <= t; s++) prod *= b1 * (1 - 0.5 * pow(0.96, s * 0.004));
    hb_nadam_coef co = {
        .lr = hb_rng_float(rng, 0.0005f, 0.01f), .b1 = (float)b1, .b2 = (float)b2,
        .eps = hb_rng_float(rng, 1e-8f, 1e-6f), .cg = (float)((1 - mu_t) / (1 - prod)),
        .cm = (float)(mu_t1 / (1 - prod * mu_t1)), .cv = (float)(1 / (1 - pow(b2, t))),
        .reg = hb_rng_float(rng, 0.0f, 0.05f)};
    hb_buf w0 = hb_buf_copy(&w), m0 = hb_buf_copy(&m), v0 = hb_buf_copy(&v);
    hb_buf wr = hb_buf_copy(&w), mr = hb_buf_copy(&m), vr = hb_buf_copy(&v);
    hb_nadam_f32__scalar(n, &co, g.p, wr.p, mr.p, vr.p);
    k->nadam(n, &co, g.p, w.p, m.p, v.p);
    const double a1 = 1.0f - co.b1, a2 = 1.0f - co.b2; /* as the kernels round them */
    for (size_t i = 0; i < n; i++) {
        const double wi = w0.p[i], gi = g.p[i] + (double)co.reg * wi;
        const double mi = co.b1 * (double)m0.p[i] + a1 * gi;
        const double vi = co.b2 * (double)v0.p[i] + a2 * gi * gi;
        const double den = sqrt(vi * co.cv) + co.eps;
        const double wd = wi - co.lr * (co.cg * gi + co.cm * mi) / den;
        /* magnitudes of each stage's terms; g's, m's and v's errors carried into w */
        const double magg = fabs((double)g.p[i]) + fabs(co.reg * wi);
        const double magm = fabs(co.b1 * (double)m0.p[i]) + a1 * magg;
        const double magv = co.b2 * (double)v0.p[i] + a2 * magg * magg;
        const double upd = co.lr * (fabs(co.cg) * magg + fabs(co.cm) * magm) / den;
        const double magw = fabs(wi) + upd * (1 + 0.5 * magv / (vi + 1e-30));
        hb_case_cmp(c, "m", i, m.p[i], hb_is_oracle(k) ? mi : mr.p[i], hb_tol_ew(4, magm));
        hb_case_cmp(c, "v", i, v.p[i], hb_is_oracle(k) ? vi : vr.p[i], hb_tol_ew(4, magv));
        /* w: 2 (g) + 2 (m) + 3 (numerator) + 3 (den) + 2 (div, sub) roundings */
        hb_case_cmp(c, "w", i, w.p[i], hb_is_oracle(k) ? wd : wr.p[i], hb_tol_ew(12, magw));
    }
    hb_case_intact(c, &w, "w", 1, n, n);
    hb_case_intact(c, &m, "m", 1, n, n);
    hb_case_intact(c, &v, "v", 1, n, n);
    hb_buf *all[] = {&g, &w, &m, &v, &w0, &m0, &v0, &wr, &mr, &vr};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_buf_free(all[i]);
}

/* nadam_rows: 5 distinct rows of a 9-row table with stride ld = n + 3 (pad lanes hold the
 * sentinel and must stay), each with its own coefficients; biases on two of three sizes. Slot 0
 * has reg 0 and a zero gradient, moment and v in element 0 (den = eps: no move, no NaN).
 * Tolerances: nadam's (the same arithmetic per element). */
static void hb_case_nadam_rows(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    enum { NR = 9, S = 5 };
    const size_t ld = n + 3;
    const int bias = n % 3 != 0;
    hb_buf W = hb_buf_new(NR * ld, off, HB_SENTINEL), M = hb_buf_new(NR * ld, off, HB_SENTINEL);
    hb_buf V = hb_buf_new(NR * ld, (off + 1) % 4, HB_SENTINEL), g = hb_buf_new(S * ld, off, NAN);
    hb_buf B = hb_buf_new(NR, off, HB_SENTINEL), BM = hb_buf_new(NR, off, HB_SENTINEL);
    hb_buf BV = hb_buf_new(NR, off, HB_SENTINEL), GB = hb_buf_new(S, off, NAN);
    hb_buf_rand(&W, rng, NR, n, ld, -1.0f, 1.0f);
    hb_buf_rand(&M, rng, NR, n, ld, -0.5f, 0.5f);
    hb_buf_rand(&V, rng, NR, n, ld, 0.0f, 0.5f);
    hb_buf_rand(&g, rng, S, n, ld, -1.0f, 1.0f);
    hb_buf_rand(&B, rng, 1, NR, NR, -1.0f, 1.0f);
    hb_buf_rand(&BM, rng, 1, NR, NR, -0.5f, 0.5f);
    hb_buf_rand(&BV, rng, 1, NR, NR, 0.0f, 0.5f);
    hb_buf_rand(&GB, rng, 1, S, S, -1.0f, 1.0f);
    uint32_t rows[S], perm[NR];
    for (uint32_t r = 0; r < NR; r++) perm[r] = r;
    for (uint32_t r = NR - 1; r > 0; r--) {
        const uint32_t j = (uint32_t)(hb_rng_next(rng) % (r + 1)), t = perm[r];
        perm[r] = perm[j];
        perm[j] = t;
    }
    float cg[S], cm[S], cv[S], rg[S], rgb[S];
    for (int s = 0; s < S; s++) {
        rows[s] = perm[s];
        cg[s] = hb_rng_float(rng, 0.05f, 0.2f), cm[s] = hb_rng_float(rng, 0.5f, 1.0f);
        cv[s] = hb_rng_float(rng, 1.0f, 40.0f), rg[s] = hb_rng_float(rng, 0.0f, 0.05f);
        rgb[s] = hb_rng_float(rng, 0.0f, 0.05f);
    }
    rg[0] = 0.0f;
    if (n) {
        const size_t e = (size_t)rows[0] * ld;
        g.p[0] = M.p[e] = V.p[e] = 0.0f;
    }
    hb_nadam_rows_args a = {.dim = n, .ld = ld, .lr = hb_rng_float(rng, 0.0005f, 0.01f),
                            .b1 = hb_rng_float(rng, 0.8f, 0.95f), .b2 = hb_rng_float(rng, 0.99f, 0.9999f),
                            .eps = hb_rng_float(rng, 1e-8f, 1e-6f), .rows = rows, .g = g.p, .cg = cg,
                            .cm = cm, .cv = cv, .reg = rg, .W = W.p, .M = M.p, .V = V.p,
                            .b = bias ? B.p : NULL, .bm = BM.p, .bv = BV.p, .gb = GB.p, .reg_b = rgb};
    hb_buf W0 = hb_buf_copy(&W), M0 = hb_buf_copy(&M), V0 = hb_buf_copy(&V);
    hb_buf B0 = hb_buf_copy(&B), BM0 = hb_buf_copy(&BM), BV0 = hb_buf_copy(&BV);
    hb_buf Wr = hb_buf_copy(&W), Mr = hb_buf_copy(&M), Vr = hb_buf_copy(&V);
    hb_buf Br = hb_buf_copy(&B), BMr = hb_buf_copy(&BM), BVr = hb_buf_copy(&BV);
    hb_nadam_rows_args ar = a;
    ar.W = Wr.p, ar.M = Mr.p, ar.V = Vr.p, ar.b = bias ? Br.p : NULL, ar.bm = BMr.p, ar.bv = BVr.p;
    hb_nadam_rows_f32__scalar(S, &ar);
    k->nadam_rows(S, &a);
    const double a1 = 1.0f - a.b1, a2 = 1.0f - a.b2; /* as the kernels round them */
    const int oracle = hb_is_oracle(k);
    for (int s = 0; s <= S; s++) { /* s == S: the untouched rows */
        for (size_t r = 0; r < NR; r++) {
            int slot = -1;
            for (int q = 0; q < S; q++)
                if (rows[q] == r) slot = q;
            if ((s < S && slot != s) || (s == S && slot >= 0)) continue;
            const size_t nb = bias ? n + 1 : n;
            for (size_t i = 0; i < nb; i++) {
                const int isb = i == n;
                const size_t e = isb ? r : r * ld + i;
                const float *w0 = isb ? B0.p : W0.p, *m0 = isb ? BM0.p : M0.p, *v0 = isb ? BV0.p : V0.p;
                const float *wg = isb ? B.p : W.p, *mg = isb ? BM.p : M.p, *vg = isb ? BV.p : V.p;
                const float *wr = isb ? Br.p : Wr.p, *mr = isb ? BMr.p : Mr.p, *vr = isb ? BVr.p : Vr.p;
                if (s == S) {
                    hb_case_cmp(c, "untouched w", e, wg[e], w0[e], 0.0);
                    hb_case_cmp(c, "untouched v", e, vg[e], v0[e], 0.0);
                    continue;
                }
                const double rgs = isb ? rgb[s] : rg[s], gg = isb ? GB.p[s] : g.p[s * ld + i];
                const double wi = w0[e], gi = gg + rgs * wi;
                const double mi = a.b1 * (double)m0[e] + a1 * gi;
                const double vi = a.b2 * (double)v0[e] + a2 * gi * gi;
                const double den = sqrt(vi * cv[s]) + a.eps;
                const double wd = wi - a.lr * (cg[s] * gi + cm[s] * mi) / den;
                const double magg = fabs(gg) + fabs(rgs * wi);
                const double magm = fabs(a.b1 * (double)m0[e]) + a1 * magg;
                const double magv = a.b2 * (double)v0[e] + a2 * magg * magg;
                const double upd = a.lr * (cg[s] * magg + cm[s] * magm) / den;
                const double magw = fabs(wi) + upd * (1 + 0.5 * magv / (vi + 1e-30));
                hb_case_cmp(c, isb ? "bm" : "m", e, mg[e], oracle ? mi : mr[e], hb_tol_ew(4, magm));
                hb_case_cmp(c, isb ? "bv" : "v", e, vg[e], oracle ? vi : vr[e], hb_tol_ew(4, magv));
                hb_case_cmp(c, isb ? "b" : "w", e, wg[e], oracle ? wd : wr[e], hb_tol_ew(12, magw));
            }
        }
    }
    hb_case_intact(c, &W, "W", NR, n, ld);
    hb_case_intact(c, &M, "M", NR, n, ld);
    hb_case_intact(c, &V, "V", NR, n, ld);
    hb_buf *all[] = {&W, &M, &V, &g, &B, &BM, &BV, &GB, &W0, &M0, &V0, &B0, &BM0, &BV0,
                     &Wr, &Mr, &Vr, &Br, &BMr, &BVr};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_buf_free(all[i]);
}

/* nadam_catchup: v in [0, 0.5) with a tenth of it tiny (eps then matters) and element 0 zero;
 * d decreasing like the series it sums. Tolerance: the update m/A*s carries the roundings of
 * sqrt, the y1 product, the sum with eps, the division and the ratio (5), Horner's 2 per term
 * and the final product and difference (3): 20 u-units, doubled for kernel vs oracle (Horner
 * fused or not). */
/* dot_rows: 6 ratings over 5-row tables with stride ld = n + 3 (pad lanes NaN: reading one
 * poisons the sum), rows repeated. Each z against double (the oracle) or the scalar kernel
 * (reduction tolerance), and bitwise against this table's own dot on the same pair. */
static void hb_case_dot_rows(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    enum { NR = 5, S = 6 };
    const size_t ld = n + 3;
    hb_buf X = hb_buf_new(NR * ld, off, NAN), Y = hb_buf_new(NR * ld, (off * 3) % 4, NAN);
    hb_buf_rand(&X, rng, NR, n, ld, -1.0f, 1.0f);
    hb_buf_rand(&Y, rng, NR, n, ld, -1.0f, 1.0f);
    hb_krating r[S];
    for (int j = 0; j < S; j++)
        r[j] = (hb_krating){.u = (uint32_t)(hb_rng_next(rng) % NR), .i = (uint32_t)(hb_rng_next(rng) % NR)};
    float z[S + 1], zr[S];
    z[S] = HB_SENTINEL;
    k->dot_rows(S, n, ld, X.p, Y.p, r, z);
    hb_dot_rows_f32__scalar(S, n, ld, X.p, Y.p, r, zr);
    for (int j = 0; j < S; j++) {
        const float *x = X.p + r[j].u * ld, *y = Y.p + r[j].i * ld;
        double ref = 0.0, maxprod = 0.0;
        for (size_t i = 0; i < n; i++) {
            ref += (double)x[i] * y[i];
            maxprod = fmax(maxprod, fabs((double)x[i] * y[i]));
        }
        hb_case_cmp(c, "z", (size_t)j, z[j], hb_is_oracle(k) ? ref : zr[j], hb_tol_red(n, maxprod));
        const float d = k->dot(n, x, y);
        if (memcmp(&d, &z[j], sizeof d) != 0)
            hb_case_fail(c, "z[%d] = %.9g is not this ISA's dot %.9g", j, (double)z[j], (double)d);
    }
    if (z[S] != HB_SENTINEL) hb_case_fail(c, "z: wrote past n");
    hb_buf_free(&X);
    hb_buf_free(&Y);
}

/* mf_grad: 9 samples over 5-row tables P, Q and 4 + 3 slots with stride ld = n + 3, in both modes
 * (dz given; the squared loss, with biases on two of three sizes). Every slot row starts NaN (a
 * slot's first sample must not read it); pad lanes hold the sentinel and must stay. Against
 * double (the oracle) or the scalar kernel: dz and the loss within the dot's reduction bound,
 * each gradient within 2 roundings per sample of its terms' magnitude (given the kernel's own
 * dz); and bitwise against this table's dot and axpy replayed sample by sample into zeroed rows. */
static void hb_case_mf_grad(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    enum { NR = 5, S = 9, NU = 4, NI = 3 };
    const size_t ld = n + 3;
    const int bias = n % 3 != 0;
    for (int sq = 0; sq < 2; sq++) {
        hb_buf P = hb_buf_new(NR * ld, off, NAN), Q = hb_buf_new(NR * ld, (off * 3) % 4, NAN);
        hb_buf gP = hb_buf_new(NU * ld, off, HB_SENTINEL), gQ = hb_buf_new(NI * ld, (off + 1) % 4, HB_SENTINEL);
        hb_buf_rand(&P, rng, NR, n, ld, -1.0f, 1.0f);
        hb_buf_rand(&Q, rng, NR, n, ld, -1.0f, 1.0f);
        for (size_t s = 0; s < NU; s++)
            for (size_t i = 0; i < n; i++) gP.p[s * ld + i] = NAN;
        for (size_t s = 0; s < NI; s++)
            for (size_t i = 0; i < n; i++) gQ.p[s * ld + i] = NAN;
        float bu[NR], bi[NR], gbu[NU], gbi[NI], gbur[NU], gbir[NI];
        for (int t = 0; t < NR; t++) bu[t] = hb_rng_float(rng, -0.5f, 0.5f), bi[t] = hb_rng_float(rng, -0.5f, 0.5f);
        for (int t = 0; t < NU; t++) gbu[t] = gbur[t] = NAN;
        for (int t = 0; t < NI; t++) gbi[t] = gbir[t] = NAN;
        hb_krating r[S];
        uint32_t su[S], si[S];
        uint8_t fresh[S];
        float dz[S], dzr[S];
        int seen_u[NU] = {0}, seen_i[NI] = {0};
        for (int j = 0; j < S; j++) {
            r[j] = (hb_krating){.u = (uint32_t)(hb_rng_next(rng) % NR),
                                .i = (uint32_t)(hb_rng_next(rng) % NR), .r = hb_rng_float(rng, 1.0f, 5.0f)};
            su[j] = j < NU ? (uint32_t)j : (uint32_t)(hb_rng_next(rng) % NU); /* every slot used */
            si[j] = j < NI ? (uint32_t)(NI - 1 - j) : (uint32_t)(hb_rng_next(rng) % NI);
            fresh[j] = (uint8_t)((!seen_u[su[j]]) | ((!seen_i[si[j]]) << 1));
            seen_u[su[j]] = seen_i[si[j]] = 1;
            dz[j] = dzr[j] = sq ? NAN : hb_rng_float(rng, -2.0f, 2.0f);
        }
        const float mu = hb_rng_float(rng, 2.0f, 4.0f), scale = hb_rng_float(rng, 0.01f, 1.0f);
        hb_buf gPr = hb_buf_copy(&gP), gQr = hb_buf_copy(&gQ), gPa = hb_buf_copy(&gP), gQa = hb_buf_copy(&gQ);
        hb_mf_grad_args a = {.dim = n, .ld = ld, .P = P.p, .Q = Q.p, .bu = bias ? bu : NULL,
                             .bi = bias ? bi : NULL, .mu = mu, .scale = scale, .sq = sq, .r = r,
                             .su = su, .si = si, .fresh = fresh, .dz = dz, .gP = gP.p, .gQ = gQ.p,
                             .gbu = bias ? gbu : NULL, .gbi = bias ? gbi : NULL};
        const double l0 = 0.25;
        const double loss = k->mf_grad(S, &a, l0);
        hb_mf_grad_args ar = a;
        ar.gP = gPr.p, ar.gQ = gQr.p, ar.dz = dzr, ar.gbu = bias ? gbur : NULL, ar.gbi = bias ? gbir : NULL;
        const double lossr = hb_mf_grad_f32__scalar(S, &ar, l0);
        /* the replay: this table's dot and axpy, the loss as the kernels' contract spells it */
        for (size_t s = 0; s < NU; s++) memset(gPa.p + s * ld, 0, n * sizeof(float));
        for (size_t s = 0; s < NI; s++) memset(gQa.p + s * ld, 0, n * sizeof(float));
        double la = l0, ld_ = l0, tl = 0;
        for (int j = 0; j < S; j++) {
            const float *pp = P.p + r[j].u * ld, *qq = Q.p + r[j].i * ld;
            if (sq) {
                float z = k->dot(n, pp, qq);
                if (bias) z += bu[r[j].u] + bi[r[j].i] + mu;
                const float e = z - r[j].r;
                la += (double)e * e;
                const float dj = e * scale;
                if (memcmp(&dj, &dz[j], sizeof dj) != 0)
                    hb_case_fail(c, "sq dz[%d] = %.9g, not dot's %.9g", j, (double)dz[j], (double)dj);
                double zd = bias ? (double)bu[r[j].u] + bi[r[j].i] + mu : 0.0, maxprod = 0.0;
                for (size_t i = 0; i < n; i++) {
                    zd += (double)pp[i] * qq[i];
                    maxprod = fmax(maxprod, fabs((double)pp[i] * qq[i]));
                }
                const double ed = zd - r[j].r;
                const double te = hb_tol_red(n, maxprod) + hb_tol_ew(3, fabs(zd) + 2 * mu + fabs(r[j].r));
                ld_ += ed * ed;
                tl += 2 * fabs(ed) * te + te * te + 2 * FLT_EPSILON * ed * ed;
                hb_case_cmp(c, "dz", (size_t)j, dz[j], hb_is_oracle(k) ? ed * scale : dzr[j],
                            (te + FLT_EPSILON * fabs(ed)) * scale);
            }
            k->axpy(n, dz[j], qq, gPa.p + su[j] * ld);
            k->axpy(n, dz[j], pp, gQa.p + si[j] * ld);
        }
        if (sq) {
            if (memcmp(&la, &loss, sizeof la) != 0)
                hb_case_fail(c, "loss = %.17g, not the replay's %.17g", loss, la);
            hb_case_cmp(c, "loss", 0, (float)loss, hb_is_oracle(k) ? ld_ : lossr, tl + 1e-6 * ld_);
        } else if (loss != l0) {
            hb_case_fail(c, "loss = %.17g: changed without sq", loss);
        }
        /* with sq the scalar kernel's dz differs (another dot order): double, from this dz */
        const int dbl = hb_is_oracle(k) || sq;
        for (int side = 0; side < 2; side++) {
            const size_t ns = side ? NI : NU;
            const uint32_t *sl = side ? si : su;
            const hb_buf *g = side ? &gQ : &gP, *gr = side ? &gQr : &gPr, *ga = side ? &gQa : &gPa;
            for (size_t s = 0; s < ns; s++) {
                double bref = 0.0, bmag = 0.0, cnt = 0.0;
                for (size_t i = 0; i <= n; i++) {
                    double ref = 0.0, mag = 0.0;
                    cnt = 0.0;
                    for (int j = 0; j < S; j++) {
                        if (sl[j] != s) continue;
                        const float x = i == n ? 1.0f : side ? P.p[r[j].u * ld + i] : Q.p[r[j].i * ld + i];
                        ref += (double)dz[j] * x;
                        mag += fabs((double)dz[j] * x);
                        cnt += 1.0;
                    }
                    if (i == n) {
                        bref = ref, bmag = mag;
                        break;
                    }
                    const size_t e = s * ld + i;
                    hb_case_cmp(c, side ? "gQ" : "gP", e, g->p[e], dbl ? ref : gr->p[e],
                                hb_tol_ew(2.0 * cnt, mag));
                    if (memcmp(&g->p[e], &ga->p[e], sizeof(float)) != 0)
                        hb_case_fail(c, "%s[%zu] = %.9g, not axpy's %.9g", side ? "gQ" : "gP", e,
                                     (double)g->p[e], (double)ga->p[e]);
                }
                if (bias) {
                    const float gb = side ? gbi[s] : gbu[s], gbr = side ? gbir[s] : gbur[s];
                    hb_case_cmp(c, side ? "gbi" : "gbu", s, gb, dbl ? bref : gbr,
                                hb_tol_ew(cnt, bmag));
                }
            }
        }
        hb_case_intact(c, &gP, "gP", NU, n, ld);
        hb_case_intact(c, &gQ, "gQ", NI, n, ld);
        hb_buf *all[] = {&P, &Q, &gP, &gQ, &gPr, &gQr, &gPa, &gQa};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_buf_free(all[i]);
    }
}

static void hb_case_nadam_catchup(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t n, size_t off) {
    hb_buf w = hb_buf_new(n, off, HB_SENTINEL), m = hb_buf_new(n, (off + 1) % 4, HB_SENTINEL);
    hb_buf v = hb_buf_new(n, (off + 2) % 4, HB_SENTINEL);
    hb_buf_rand(&w, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf_rand(&m, rng, 1, n, n, -0.5f, 0.5f);
    hb_buf_rand(&v, rng, 1, n, n, 0.0f, 0.5f);
    for (size_t i = 0; i < n; i++)
        if (hb_rng_next(rng) % 10 == 0) v.p[i] *= 1e-12f;
    if (n) v.p[0] = 0.0f;
    hb_nadam_catchup_coef co = {.y1 = hb_rng_float(rng, 0.5f, 30.0f), .eps = hb_rng_float(rng, 1e-8f, 1e-6f),
                                .pm = hb_rng_float(rng, 0.0f, 1.0f), .pv = hb_rng_float(rng, 0.5f, 1.0f)};
    double dd = hb_rng_float(rng, 1e-4f, 1e-2f);
    for (int t = 0; t < HB_CATCHUP_TERMS; t++, dd *= hb_rng_float(rng, 0.0f, 0.2f)) co.d[t] = (float)dd;
    hb_buf w0 = hb_buf_copy(&w), m0 = hb_buf_copy(&m), v0 = hb_buf_copy(&v);
    hb_buf wr = hb_buf_copy(&w), mr = hb_buf_copy(&m), vr = hb_buf_copy(&v);
    hb_nadam_catchup_f32__scalar(n, &co, wr.p, mr.p, vr.p);
    k->nadam_catchup(n, &co, w.p, m.p, v.p);
    const int oracle = hb_is_oracle(k);
    for (size_t i = 0; i < n; i++) {
        const double b = co.y1 * sqrt((double)v0.p[i]), A = b + co.eps, r = b / A;
        double s = co.d[HB_CATCHUP_TERMS - 1], mags = 0;
        for (int t = HB_CATCHUP_TERMS - 2; t >= 0; t--) s = co.d[t] + r * s;
        for (int t = 0; t < HB_CATCHUP_TERMS; t++) mags += co.d[t];
        const double upd = fabs((double)m0.p[i]) / A * mags;
        const double wd = w0.p[i] - m0.p[i] / A * s;
        hb_case_cmp(c, "w", i, w.p[i], oracle ? wd : wr.p[i], hb_tol_ew(oracle ? 20 : 40, fabs((double)w0.p[i]) + upd));
        hb_case_cmp(c, "m", i, m.p[i], oracle ? (double)m0.p[i] * co.pm : mr.p[i], hb_tol_ew(1, fabs((double)m0.p[i])));
        hb_case_cmp(c, "v", i, v.p[i], oracle ? (double)v0.p[i] * co.pv : vr.p[i], hb_tol_ew(1, (double)v0.p[i]));
    }
    hb_case_intact(c, &w, "w", 1, n, n);
    hb_case_intact(c, &m, "m", 1, n, n);
    hb_case_intact(c, &v, "v", 1, n, n);
    hb_buf *all[] = {&w, &m, &v, &w0, &m0, &v0, &wr, &mr, &vr};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_buf_free(all[i]);
}

static void hb_case_gemv(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t m, size_t n,
                         size_t lda, size_t off) {
    hb_buf A = hb_buf_new(m ? (m - 1) * lda + n : 0, off, NAN), x = hb_buf_new(n, (off + 1) % 4, NAN);
    hb_buf y = hb_buf_new(m, off, HB_SENTINEL);
    hb_buf_rand(&A, rng, m, n, lda, -1.0f, 1.0f);
    hb_buf_rand(&x, rng, 1, n, n, -1.0f, 1.0f);
    hb_buf yr = hb_buf_copy(&y);
    hb_gemv_f32__scalar(m, n, A.p, lda, x.p, yr.p);
    k->gemv(m, n, A.p, lda, x.p, y.p);
    for (size_t r = 0; r < m; r++) {
        double ref = 0.0, maxprod = 0.0;
        for (size_t i = 0; i < n; i++) {
            ref += (double)A.p[r * lda + i] * x.p[i];
            maxprod = fmax(maxprod, fabs((double)A.p[r * lda + i] * x.p[i]));
        }
        hb_case_cmp(c, "y", r, y.p[r], hb_is_oracle(k) ? ref : yr.p[r], hb_tol_red(n, maxprod));
    }
    hb_case_intact(c, &y, "y", 1, m, m);
    hb_buf_free(&A);
    hb_buf_free(&x);
    hb_buf_free(&y);
    hb_buf_free(&yr);
}

static void hb_case_gemv_t(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t m, size_t n,
                           size_t lda, size_t off) {
    hb_buf A = hb_buf_new(m ? (m - 1) * lda + n : 0, off, NAN), x = hb_buf_new(m, (off + 1) % 4, NAN);
    hb_buf y = hb_buf_new(n, off, HB_SENTINEL);
    hb_buf_rand(&A, rng, m, n, lda, -1.0f, 1.0f);
    hb_buf_rand(&x, rng, 1, m, m, -1.0f, 1.0f);
    hb_buf yr = hb_buf_copy(&y);
    hb_gemv_t_f32__scalar(m, n, A.p, lda, x.p, yr.p);
    k->gemv_t(m, n, A.p, lda, x.p, y.p);
    for (size_t j = 0; j < n; j++) {
        double ref = 0.0, maxprod = 0.0;
        for (size_t r = 0; r < m; r++) {
            ref += (double)A.p[r * lda + j] * x.p[r];
            maxprod = fmax(maxprod, fabs((double)A.p[r * lda + j] * x.p[r]));
        }
        hb_case_cmp(c, "y", j, y.p[j], hb_is_oracle(k) ? ref : yr.p[j], hb_tol_red(m, maxprod));
    }
    hb_case_intact(c, &y, "y", 1, n, n);
    hb_buf_free(&A);
    hb_buf_free(&x);
    hb_buf_free(&y);
    hb_buf_free(&yr);
}

static void hb_case_ger(hb_case *c, const hb_kernels *k, uint64_t *rng, size_t m, size_t n,
                        size_t lda, size_t off) {
    hb_buf A = hb_buf_new(m ? (m - 1) * lda + n : 0, off, HB_SENTINEL);
    hb_buf x = hb_buf_new(m, (off + 1) % 4, NAN), y = hb_buf_new(n, (off + 2) % 4, NAN);
    hb_buf_rand(&A, rng, m, n, lda, -1.0f, 1.0f);
    hb_buf_rand(&x, rng, 1, m, m, -1.0f, 1.0f);
    hb_buf_rand(&y, rng, 1, n, n, -1.0f, 1.0f);
    const float alpha = hb_rng_float(rng, -1.0f, 1.0f);
    hb_buf A0 = hb_buf_copy(&A), Ar = hb_buf_copy(&A);
    hb_ger_f32__scalar(m, n, alpha, x.p, y.p, Ar.p, lda);
    k->ger(m, n, alpha, x.p, y.p, A.p, lda);
    for (size_t r = 0; r < m; r++)
        for (size_t j = 0; j < n; j++) {
            const size_t e = r * lda + j;
            /* alpha*x_r is rounded once in every kernel (one more rounding vs double) */
            const double axy = (double)alpha * x.p[r] * y.p[j];
            const double ref = hb_is_oracle(k) ? A0.p[e] + axy : Ar.p[e];
            hb_case_cmp(c, "A", e, A.p[e], ref, hb_tol_ew(3, fabs((double)A0.p[e]) + fabs(axy)));
        }
    hb_case_intact(c, &A, "A", m, n, lda);
    hb_buf *all[] = {&A, &x, &y, &A0, &Ar};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_buf_free(all[i]);
}

/* sgemm: C[m x n] = alpha op(A) op(B) + beta C with every leading dimension width + pad, every
 * buffer off floats from 64-byte alignment (B off + 1). Tolerance: each of the two results
 * compared (kernel and oracle, or oracle and double) is a float sum of k products, within
 * gamma_k sum_p |a_ip b_pj| of the exact one whatever its order (Higham, Thm 3.1), and alpha,
 * beta C and the final add add ~3 roundings: (k + 4) eps (|alpha| sum|a||b| + |beta c|).
 * beta == 0: C's live elements start as NaN (a kernel that reads them fails). */
static void hb_case_sgemm(hb_case *c, const hb_kernels *k, uint64_t *rng, int ta, int tb,
                          size_t m, size_t n, size_t kk, size_t pad, size_t off, float alpha,
                          float beta) {
    const size_t ar = ta ? kk : m, ac = ta ? m : kk, br = tb ? n : kk, bc = tb ? kk : n;
    const size_t lda = ac + pad, ldb = bc + 2 * pad, ldc = n + pad;
    hb_buf A = hb_buf_new(ar && ac ? (ar - 1) * lda + ac : 0, off, NAN);
    hb_buf B = hb_buf_new(br && bc ? (br - 1) * ldb + bc : 0, (off + 1) % 4, NAN);
    hb_buf C = hb_buf_new(m && n ? (m - 1) * ldc + n : 0, off, HB_SENTINEL);
    hb_buf_rand(&A, rng, ar, ac, lda, -1.0f, 1.0f);
    hb_buf_rand(&B, rng, br, bc, ldb, -1.0f, 1.0f);
    hb_buf_rand(&C, rng, m, n, ldc, -1.0f, 1.0f);
    if (beta == 0.0f)
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) C.p[i * ldc + j] = NAN;
    hb_buf C0 = hb_buf_copy(&C), Cr = hb_buf_copy(&C);
    hb_sgemm_f32__scalar(ta, tb, m, n, kk, alpha, A.p, lda, B.p, ldb, beta, Cr.p, ldc);
    k->sgemm(ta, tb, m, n, kk, alpha, A.p, lda, B.p, ldb, beta, C.p, ldc);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0.0, sabs = 0.0; /* the naive triple loop, in double */
            for (size_t p = 0; p < kk; p++) {
                const double a = ta ? A.p[p * lda + i] : A.p[i * lda + p];
                const double b = tb ? B.p[j * ldb + p] : B.p[p * ldb + j];
                s += a * b;
                sabs += fabs(a * b);
            }
            const double bc0 = beta == 0.0f ? 0.0 : (double)beta * C0.p[i * ldc + j];
            const double ref = hb_is_oracle(k) ? alpha * s + bc0 : Cr.p[i * ldc + j];
            const double tol = (double)(kk + 4) * FLT_EPSILON * (fabs(alpha) * sabs + fabs(bc0)) + HB_TINY;
            hb_case_cmp(c, "C", i * ldc + j, C.p[i * ldc + j], ref, tol);
        }
    hb_case_intact(c, &C, "C", m, n, ldc);
    hb_buf *all[] = {&A, &B, &C, &C0, &Cr};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_buf_free(all[i]);
}

/* The sgemm sweep, for all four (ta, tb): heights 1..25 (2 MR + 1 for MR up to 12) at a few
 * widths and widths 1..97 (2 NR + 1 for NR up to 48) at a few heights, each at k = 1, 7, 50;
 * then k above KC (256), m above MC (144), n above NC (256), k = 0 and the MLP's products.
 * beta cycles through 0, 1, -0.75, alpha is 1 or random, pad (ld - width) 0 or 3 and the
 * alignment offset 0 or 1, cycling at other periods so that every combination occurs. */
static void hb_check_sgemm(const hb_kernels *k, uint64_t *rng, hb_report *rep) {
    static const float betas[] = {0.0f, 1.0f, -0.75f};
    static const size_t ks[] = {1, 7, 50}, wide[] = {1, 17, 50}, tall[] = {1, 13, 64};
    static const size_t big[][3] = {
        {30, 40, 257}, {13, 33, 600}, {100, 70, 300}, {300, 50, 20}, {20, 300, 9}, {5, 7, 0},
        {64, 50, 100}, {64, 100, 50}, {50, 100, 64}, {64, 1, 50}, {64, 50, 1}, {1, 50, 64},
        {128, 128, 256}, {128, 256, 128}, {100, 70, 513}, {150, 20, 1024}};
    size_t idx = 0;
    for (int t = 0; t < 4; t++) {
        const int ta = t >> 1, tb = t & 1;
        size_t shapes[1200][3], ns = 0;
        for (size_t ki = 0; ki < 3; ki++) {
            for (size_t m = 1; m <= 25; m++)
                for (size_t w = 0; w < 3; w++) shapes[ns][0] = m, shapes[ns][1] = wide[w], shapes[ns++][2] = ks[ki];
            for (size_t n = 1; n <= 97; n++)
                for (size_t h = 0; h < 3; h++) shapes[ns][0] = tall[h], shapes[ns][1] = n, shapes[ns++][2] = ks[ki];
        }
        for (size_t b = 0; b < sizeof big / sizeof big[0]; b++)
            shapes[ns][0] = big[b][0], shapes[ns][1] = big[b][1], shapes[ns++][2] = big[b][2];
        for (size_t s = 0; s < ns; s++, idx++) {
            const size_t m = shapes[s][0], n = shapes[s][1], kk = shapes[s][2];
            const float beta = betas[idx % 3];
            const float alpha = idx % 4 == 0 ? 1.0f : hb_rng_float(rng, -2.0f, 2.0f);
            /* k = 1024: lda a multiple of 4 KiB when !ta (the packed-A path) */
            const size_t pad = kk == 1024 ? 0 : idx % 2 ? 3 : 0, off = (idx / 2) % 2;
            hb_case c = {.rep = rep, .isa = k->name, .op = hb_kOpNames[HB_OP_SGEMM]};
            snprintf(c.what, sizeof c.what, "ta=%d tb=%d m=%zu n=%zu k=%zu pad=%zu off=%zu alpha=%g beta=%g",
                     ta, tb, m, n, kk, pad, off, (double)alpha, (double)beta);
            hb_case_sgemm(&c, k, rng, ta, tb, m, n, kk, pad, off, alpha, beta);
            hb_case_end(&c);
        }
    }
}

/* ------------------------------------------------------------------ the sweeps */

/* Vector lengths: 0..49 (below, at and above 1, 2 and 3 vectors of 4, 8 and 16 lanes),
 * multiples of 16 up to 256, and a large prime. */
static size_t hb_sizes(size_t *out) {
    size_t k = 0;
    for (size_t n = 0; n <= 49; n++) out[k++] = n;
    for (size_t n = 64; n <= 256; n += 16) out[k++] = n;
    out[k++] = 1021;
    return k;
}

/* Run every case of one op on table k (k->isa == HB_ISA_SCALAR: the oracle against double). */
static void hb_check_op(const hb_kernels *k, hb_op op, uint64_t seed, hb_report *rep) {
    memset(rep, 0, sizeof *rep);
    uint64_t rng = seed ^ (UINT64_C(0x9E3779B97F4A7C15) * (uint64_t)(op + 1));
    size_t sizes[80];
    const size_t ns = hb_sizes(sizes);
    static const size_t ms[] = {1, 3, 7, 8, 16, 50, 127};
    static const size_t mat_n[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49,
                                   50, 63, 64, 65, 100, 128, 256, 1021};
    if (op == HB_OP_SGEMM) { /* its own sweep: four transposes, alpha, beta, three sizes */
        hb_check_sgemm(k, &rng, rep);
        return;
    }
    for (size_t off = 0; off < 2; off++) {
        if (hb_kOpShapes[op] == HB_KSHAPE_VEC) {
            for (size_t s = 0; s < ns; s++) {
                hb_case c = {.rep = rep, .isa = k->name, .op = hb_kOpNames[op]};
                snprintf(c.what, sizeof c.what, "n=%zu off=%zu", sizes[s], off);
                switch (op) {
                case HB_OP_DOT: hb_case_dot(&c, k, &rng, sizes[s], off); break;
                case HB_OP_AXPY: hb_case_axpy(&c, k, &rng, sizes[s], off); break;
                case HB_OP_SGD: hb_case_sgd(&c, k, &rng, sizes[s], off); break;
                case HB_OP_SGD_MF: hb_case_sgd_mf(&c, k, &rng, sizes[s], off); break;
                case HB_OP_SGD_MF_RUN: hb_case_sgd_mf_run(&c, k, &rng, sizes[s], off); break;
                case HB_OP_ADAGRAD_MF_RUN: hb_case_adagrad_run(&c, k, &rng, sizes[s], off, 0); break;
                case HB_OP_ADAGRAD_ROW_MF_RUN: hb_case_adagrad_run(&c, k, &rng, sizes[s], off, 1); break;
                case HB_OP_NADAM: hb_case_nadam(&c, k, &rng, sizes[s], off); break;
                case HB_OP_NADAM_ROWS: hb_case_nadam_rows(&c, k, &rng, sizes[s], off); break;
                case HB_OP_NADAM_CATCHUP: hb_case_nadam_catchup(&c, k, &rng, sizes[s], off); break;
                case HB_OP_DOT_ROWS: hb_case_dot_rows(&c, k, &rng, sizes[s], off); break;
                case HB_OP_MF_GRAD: hb_case_mf_grad(&c, k, &rng, sizes[s], off); break;
                case HB_OP_SGD_MF_RUN_BF16: hb_case_h_run(&c, k, &rng, sizes[s], off, 0, 0); break;
                case HB_OP_SGD_MF_RUN_F16: hb_case_h_run(&c, k, &rng, sizes[s], off, 1, 0); break;
                case HB_OP_ADAGRAD_ROW_MF_RUN_BF16: hb_case_h_run(&c, k, &rng, sizes[s], off, 0, 1); break;
                case HB_OP_ADAGRAD_ROW_MF_RUN_F16: hb_case_h_run(&c, k, &rng, sizes[s], off, 1, 1); break;
                case HB_OP_GEMV: case HB_OP_GEMV_T: case HB_OP_GER: case HB_OP_SGEMM:
                case HB_OP_COUNT: break;
                } /* no default: -Wswitch names a listed op without a case */
                hb_case_end(&c);
            }
            continue;
        }
        for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
            for (size_t ni = 0; ni < sizeof mat_n / sizeof mat_n[0]; ni++)
                for (size_t pad = 0; pad < 2; pad++) {
                    const size_t m = ms[mi], n = mat_n[ni], lda = n + pad * 5;
                    hb_case c = {.rep = rep, .isa = k->name, .op = hb_kOpNames[op]};
                    snprintf(c.what, sizeof c.what, "m=%zu n=%zu lda=%zu off=%zu", m, n, lda, off);
                    switch (op) {
                    case HB_OP_GEMV: hb_case_gemv(&c, k, &rng, m, n, lda, off); break;
                    case HB_OP_GEMV_T: hb_case_gemv_t(&c, k, &rng, m, n, lda, off); break;
                    case HB_OP_GER: hb_case_ger(&c, k, &rng, m, n, lda, off); break;
                    default: break; /* the vector ops: above */
                    }
                    hb_case_end(&c);
                }
        if (op == HB_OP_GEMV) { /* over 1 MiB: the kernels' prefetching path */
            hb_case c = {.rep = rep, .isa = k->name, .op = hb_kOpNames[op]};
            snprintf(c.what, sizeof c.what, "m=1031 n=257 lda=260 off=%zu", off);
            hb_case_gemv(&c, k, &rng, 1031, 257, 260, off);
            hb_case_end(&c);
        }
    }
}

#endif
