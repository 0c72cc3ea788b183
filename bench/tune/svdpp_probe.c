/* svdpp_probe.c: a standalone probe (not built by CMake, not part of hogbench) of what SVD++
 * (Koren 2008: mf_bias plus |N(u)|^-1/2 sum of y_j over the items u rated in train) gains over
 * biased MF on the standard protocol's validation folds; the same scalar SGD loop with and
 * without the implicit term (user by user, y updated once per user visit), RMSE every 10 epochs.
 * Build: cc -O2 -o svdpp_probe bench/tune/svdpp_probe.c -lm
 * Usage: svdpp_probe TRAIN TEST dim lr reg reg_bias reg_y epochs init_std lr_decay implicit(0|1) seed
 * (reg_y: y's L2 per user visit; negative: |reg_y| sqrt(|N(u)|), as hogbench's svdpp with
 * --reg |reg_y|)
 * (bench/tune/svdpp_probe.sh runs it on the five folds). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef struct { int u, i; float r; } R;
static unsigned long long s_ = 88172645463325252ULL;
static double rnd(void) { s_ ^= s_ << 13; s_ ^= s_ >> 7; s_ ^= s_ << 17; return (s_ >> 11) * (1.0 / 9007199254740992.0); }
static double gauss(void) { double a = rnd() + 1e-300, b = rnd(); return sqrt(-2 * log(a)) * cos(6.283185307179586 * b); }
static int load(const char *f, R **o) {
    FILE *fp = fopen(f, "r"); if (!fp) { perror(f); exit(2); }
    int n = 0, cap = 1 << 17; R *x = malloc(cap * sizeof *x); int u, i; float r; long t;
    while (fscanf(fp, "%d %d %f %ld", &u, &i, &r, &t) == 4) { x[n].u = u; x[n].i = i; x[n].r = r; n++; }
    fclose(fp); *o = x; return n;
}
int main(int c, char **v) {
    if (c != 13) { fprintf(stderr, "usage: see the top of svdpp_probe.c\n"); return 2; }
    R *tr, *te; int ntr = load(v[1], &tr), nte = load(v[2], &te);
    int d = atoi(v[3]); float lr0 = atof(v[4]), reg = atof(v[5]), rb = atof(v[6]), ry = atof(v[7]);
    int ep = atoi(v[8]); float sd = atof(v[9]), dec = atof(v[10]); int imp = atoi(v[11]); s_ += atoi(v[12]) * 7919ULL;
    enum { NU = 2000, NI = 2000 };
    float *P = calloc(NU * d, 4), *Q = calloc(NI * d, 4), *Y = calloc(NI * d, 4), bu[NU] = {0}, bi[NI] = {0};
    for (int k = 0; k < NU * d; k++) P[k] = sd * gauss();
    for (int k = 0; k < NI * d; k++) Q[k] = sd * gauss();
    double mu = 0; for (int k = 0; k < ntr; k++) mu += tr[k].r; mu /= ntr;
    int cnt[NU + 1] = {0}, icnt[NI] = {0}; /* ids < 2000 (ML-100K) */
    for (int k = 0; k < ntr; k++) cnt[tr[k].u + 1]++, icnt[tr[k].i]++;
    for (int u = 0; u < NU; u++) cnt[u + 1] += cnt[u];
    R *byu = malloc(ntr * sizeof *byu); int fill[NU] = {0};
    for (int k = 0; k < ntr; k++) byu[cnt[tr[k].u] + fill[tr[k].u]++] = tr[k];
    float *z = malloc(d * 4), *g = malloc(d * 4); int ord[NU]; for (int u = 0; u < NU; u++) ord[u] = u;
    float *Z = calloc(NU * d, 4);
    for (int e = 0; e < ep; e++) {
        float lr = lr0 / (1 + dec * e);
        for (int u = NU - 1; u > 0; u--) { int j = rnd() * (u + 1); int t = ord[u]; ord[u] = ord[j]; ord[j] = t; }
        for (int a = 0; a < NU; a++) {
            int u = ord[a], n = cnt[u + 1] - cnt[u]; if (!n) continue;
            R *x = byu + cnt[u];
            for (int k = n - 1; k > 0; k--) { int j = rnd() * (k + 1); R t = x[k]; x[k] = x[j]; x[j] = t; }
            float su = 1.0f / sqrtf(n); memset(z, 0, d * 4); memset(g, 0, d * 4);
            if (imp) for (int k = 0; k < n; k++) for (int f = 0; f < d; f++) z[f] += su * Y[x[k].i * d + f];
            float *p = P + u * d;
            for (int k = 0; k < n; k++) {
                int i = x[k].i; float *q = Q + i * d; double dot = 0;
                for (int f = 0; f < d; f++) dot += q[f] * (p[f] + z[f]);
                float err = x[k].r - (mu + bu[u] + bi[i] + dot);
                bu[u] += lr * (err - rb * bu[u]); bi[i] += lr * (err - rb * bi[i]);
                for (int f = 0; f < d; f++) {
                    float qf = q[f];
                    q[f] += lr * (err * (p[f] + z[f]) - reg * qf);
                    p[f] += lr * (err * qf - reg * p[f]);
                    if (imp) { g[f] += err * qf; z[f] += lr * err * qf; }
                }
            }
            float ryu = ry < 0 ? -ry * sqrtf(n) : ry; /* reg_y < 0: |reg_y| sqrt(|N(u)|), hogbench's svdpp */
            if (imp) for (int k = 0; k < n; k++) { float *y = Y + x[k].i * d; for (int f = 0; f < d; f++) y[f] += lr * (su * g[f] - ryu * y[f]); }
        }
        if ((e + 1) % 10 == 0 || e + 1 == ep) {
            for (int u = 0; u < NU; u++) { int n = cnt[u + 1] - cnt[u]; float *zz = Z + u * d; memset(zz, 0, d * 4);
                if (imp && n) { float su = 1.0f / sqrtf(n); for (int k = cnt[u]; k < cnt[u + 1]; k++) for (int f = 0; f < d; f++) zz[f] += su * Y[byu[k].i * d + f]; } }
            double se = 0; int m = 0;
            for (int k = 0; k < nte; k++) { int u = te[k].u, i = te[k].i; if (cnt[u + 1] == cnt[u] || !icnt[i]) continue; /* cold: dropped, as hogbench does */
                double dot = 0; for (int f = 0; f < d; f++) dot += Q[i * d + f] * (P[u * d + f] + Z[u * d + f]);
                double pr = mu + bu[u] + bi[i] + dot; double er = pr - te[k].r; se += er * er; m++; }
            printf("%d %.4f\n", e + 1, sqrt(se / m));
        }
    }
    return 0;
}
