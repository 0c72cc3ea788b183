/* als_probe.c: a standalone probe (not built by CMake, not part of hogbench) of alternating least
 * squares for the notebook protocol's plain p.q model (`mf`): the notebook's filtering of one
 * validation fold (train rows whose user and item occur in the held-out rows, then held-out rows
 * whose user and item occur in the filtered train), then exact per-row ridge solves (Cholesky,
 * double), user rows then item rows per sweep, validation RMSE after every sweep.
 * L2 per row: lambda * n^alpha (alpha 1: ALS-WR, Zhou et al. 2008; alpha 0: plain ridge).
 * init: Q ~ N(0, std); offset 0 none, 1 mean (factor 0 of every row sqrt(mean)), 2 bias-dims
 * (item factor 0 = 0 against user factor 0 = 1, user factor 1 = 0 against item factor 1 = 1),
 * 3 bias-dims with those two constant columns held fixed (a biased model in disguise: a
 * diagnostic, not plain p.q).
 * Build: cc -O2 -o als_probe bench/tune/als_probe.c -lm
 * Usage: als_probe TRAIN TEST dim lambda alpha sweeps init_std offset seed
 * Prints "sweep rmse" lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef struct { int u, i; double r; } R;
static unsigned long long s_ = 88172645463325252ULL;
static double rnd(void) { s_ ^= s_ << 13; s_ ^= s_ >> 7; s_ ^= s_ << 17; return (s_ >> 11) * (1.0 / 9007199254740992.0); }
static double gauss(void) { double a = rnd() + 1e-300, b = rnd(); return sqrt(-2 * log(a)) * cos(6.283185307179586 * b); }
static int load(const char *f, R **o) {
    FILE *fp = fopen(f, "r"); if (!fp) { perror(f); exit(2); }
    int n = 0, cap = 1 << 17; R *x = malloc(cap * sizeof *x); int u, i; double r; long t;
    while (fscanf(fp, "%d %d %lf %ld", &u, &i, &r, &t) == 4) { x[n].u = u; x[n].i = i; x[n].r = r; n++; }
    fclose(fp); *o = x; return n;
}
enum { NU = 4000, NI = 4000 };
/* Solves (A + lam I) x = b in place (A d x d, lower Cholesky); fixed columns (mask) stay. */
static void solve(int d, double *A, double *b) {
    for (int j = 0; j < d; j++) {
        double s = A[j * d + j];
        for (int k = 0; k < j; k++) s -= A[j * d + k] * A[j * d + k];
        s = sqrt(s); A[j * d + j] = s;
        for (int i = j + 1; i < d; i++) {
            double t = A[i * d + j];
            for (int k = 0; k < j; k++) t -= A[i * d + k] * A[j * d + k];
            A[i * d + j] = t / s;
        }
    }
    for (int i = 0; i < d; i++) { double t = b[i]; for (int k = 0; k < i; k++) t -= A[i * d + k] * b[k]; b[i] = t / A[i * d + i]; }
    for (int i = d - 1; i >= 0; i--) { double t = b[i]; for (int k = i + 1; k < d; k++) t -= A[k * d + i] * b[k]; b[i] = t / A[i * d + i]; }
}
/* One side: rows X (n x d) from Y given CSR (off, idx, val); free columns: those not fixed. */
static void sweep(int n, int d, double *X, const double *Y, const int *off, const int *idx,
                  const double *val, double lam, double alpha, int fixcol) {
    double *A = malloc(sizeof(double) * d * d), *b = malloc(sizeof(double) * d);
    for (int u = 0; u < n; u++) {
        int cnt = off[u + 1] - off[u]; if (!cnt) continue;
        /* free coordinates: all but fixcol (>= 0: X[u][fixcol] is held; its contribution moves to b) */
        int m = 0, map[1024];
        for (int k = 0; k < d; k++) if (k != fixcol) map[m++] = k;
        memset(A, 0, sizeof(double) * m * m); memset(b, 0, sizeof(double) * m);
        for (int e = off[u]; e < off[u + 1]; e++) {
            const double *y = Y + (size_t)idx[e] * d;
            double r = val[e] - (fixcol >= 0 ? X[(size_t)u * d + fixcol] * y[fixcol] : 0);
            for (int a = 0; a < m; a++) {
                double ya = y[map[a]]; b[a] += r * ya;
                for (int c = 0; c <= a; c++) A[a * m + c] += ya * y[map[c]];
            }
        }
        double l = lam * pow(cnt, alpha);
        for (int a = 0; a < m; a++) { A[a * m + a] += l; for (int c = 0; c < a; c++) A[c * m + a] = A[a * m + c]; }
        solve(m, A, b);
        for (int a = 0; a < m; a++) X[(size_t)u * d + map[a]] = b[a];
    }
    free(A); free(b);
}
static void csr(int n, int nr, const R *r, int byuser, int *off, int *idx, double *val) {
    memset(off, 0, sizeof(int) * (n + 1));
    for (int k = 0; k < nr; k++) off[(byuser ? r[k].u : r[k].i) + 1]++;
    for (int k = 0; k < n; k++) off[k + 1] += off[k];
    int *pos = malloc(sizeof(int) * n); memcpy(pos, off, sizeof(int) * n);
    for (int k = 0; k < nr; k++) { int a = byuser ? r[k].u : r[k].i, p = pos[a]++; idx[p] = byuser ? r[k].i : r[k].u; val[p] = r[k].r; }
    free(pos);
}
int main(int c, char **v) {
    if (c != 10) { fprintf(stderr, "usage: see the top of als_probe.c\n"); return 2; }
    R *tr, *te; int ntr = load(v[1], &tr), nte = load(v[2], &te);
    int d = atoi(v[3]); double lam = atof(v[4]), alpha = atof(v[5]); int sw = atoi(v[6]);
    double sd = atof(v[7]); int off0 = atoi(v[8]); s_ += atoi(v[9]) * 7919ULL;
    /* the notebook's filtering */
    static char tu[NU], ti[NI], fu[NU], fi[NI];
    for (int k = 0; k < nte; k++) tu[te[k].u] = ti[te[k].i] = 1;
    int m = 0; for (int k = 0; k < ntr; k++) if (tu[tr[k].u] && ti[tr[k].i]) tr[m++] = tr[k]; ntr = m;
    for (int k = 0; k < ntr; k++) fu[tr[k].u] = fi[tr[k].i] = 1;
    m = 0; for (int k = 0; k < nte; k++) if (fu[te[k].u] && fi[te[k].i]) te[m++] = te[k]; nte = m;
    static int xu[NU], xi[NI]; int nu = 0, ni = 0;
    for (int k = 0; k < NU; k++) xu[k] = fu[k] ? nu++ : -1;
    for (int k = 0; k < NI; k++) xi[k] = fi[k] ? ni++ : -1;
    double mean = 0;
    for (int k = 0; k < ntr; k++) { tr[k].u = xu[tr[k].u]; tr[k].i = xi[tr[k].i]; mean += tr[k].r; }
    for (int k = 0; k < nte; k++) { te[k].u = xu[te[k].u]; te[k].i = xi[te[k].i]; }
    mean /= ntr;
    fprintf(stderr, "train %d (%d users, %d items), test %d\n", ntr, nu, ni, nte);
    double *P = calloc((size_t)nu * d, 8), *Q = calloc((size_t)ni * d, 8);
    for (size_t k = 0; k < (size_t)nu * d; k++) P[k] = sd * gauss();
    for (size_t k = 0; k < (size_t)ni * d; k++) Q[k] = sd * gauss();
    if (off0 == 1) { for (int u = 0; u < nu; u++) P[(size_t)u * d] += sqrt(mean); for (int i = 0; i < ni; i++) Q[(size_t)i * d] += sqrt(mean); }
    if (off0 >= 2) {
        for (int u = 0; u < nu; u++) P[(size_t)u * d] = 1, P[(size_t)u * d + 1] = 0;
        for (int i = 0; i < ni; i++) Q[(size_t)i * d] = 0, Q[(size_t)i * d + 1] = 1;
    }
    int *uo = malloc(sizeof(int) * (nu + 1)), *io = malloc(sizeof(int) * (ni + 1));
    int *ui = malloc(sizeof(int) * ntr), *ii = malloc(sizeof(int) * ntr);
    double *uv = malloc(8 * ntr), *iv = malloc(8 * ntr);
    csr(nu, ntr, tr, 1, uo, ui, uv); csr(ni, ntr, tr, 0, io, ii, iv);
    for (int s = 1; s <= sw; s++) {
        sweep(nu, d, P, Q, uo, ui, uv, lam, alpha, off0 == 3 ? 0 : -1);
        sweep(ni, d, Q, P, io, ii, iv, lam, alpha, off0 == 3 ? 1 : -1);
        double se = 0;
        for (int k = 0; k < nte; k++) {
            double z = 0; for (int a = 0; a < d; a++) z += P[(size_t)te[k].u * d + a] * Q[(size_t)te[k].i * d + a];
            se += (z - te[k].r) * (z - te[k].r);
        }
        printf("%d %.5f\n", s, sqrt(se / nte));
    }
    return 0;
}
