/* libmf_probe.c: a standalone probe (not built by CMake, not part of hogbench) of which parts
 * of LIBMF's real-valued MF solver (mf.cpp, fpsg with squared loss, AVX build) make its plain
 * p.q fit on the notebook protocol's validation folds: scalar, one thread, ratings in a fresh
 * shuffle every epoch. The notebook's filtering as in als_probe.c. Per sample:
 *   e = r - p.q; g_p = reg p - e q, g_q = reg q - e p (old p, q);
 *   row-wise AdaGrad: p -= lr / sqrt(G_p) g_p with G_p from 1, then G_p += mean(g_p^2)
 * with G kept per group of coordinates: group 0 = the first `slow` coordinates, group 1 = the
 * rest (LIBMF: slow = kALIGN, 8 with AVX, 4 with SSE; slow 0: one G per row, hogbench's
 * adagrad-row). slow_ep: epochs at the start that train only group 0 (LIBMF: 1).
 * Init: uniform(0, 1/sqrt(dim)) on ratings divided by their std (LIBMF's scaling; scaled=0: raw).
 * Build: cc -O2 -o libmf_probe bench/tune/libmf_probe.c -lm
 * Usage: libmf_probe TRAIN TEST dim lr reg epochs slow slow_ep scaled seed
 * Prints "epoch rmse" lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef struct { int u, i; float r; } R;
static unsigned long long s_ = 88172645463325252ULL;
static double rnd(void) { s_ ^= s_ << 13; s_ ^= s_ >> 7; s_ ^= s_ << 17; return (s_ >> 11) * (1.0 / 9007199254740992.0); }
static int load(const char *f, R **o) {
    FILE *fp = fopen(f, "r"); if (!fp) { perror(f); exit(2); }
    int n = 0, cap = 1 << 17; R *x = malloc(cap * sizeof *x); int u, i; float r; long t;
    while (fscanf(fp, "%d %d %f %ld", &u, &i, &r, &t) == 4) { x[n].u = u; x[n].i = i; x[n].r = r; n++; }
    fclose(fp); *o = x; return n;
}
enum { NU = 4000, NI = 4000 };
/* one group's step on coordinates [a, b): returns nothing; G updated after the step */
static void step(int a, int b, float e, float reg, float lr, float *p, float *q, float *gp, float *gq) {
    const float ep = lr / sqrtf(*gp), eq = lr / sqrtf(*gq);
    float sp = 0, sq = 0;
    for (int d = a; d < b; d++) {
        const float g1 = reg * p[d] - e * q[d], g2 = reg * q[d] - e * p[d];
        sp += g1 * g1; sq += g2 * g2;
        p[d] -= ep * g1; q[d] -= eq * g2;
    }
    *gp += sp / (float)(b - a); *gq += sq / (float)(b - a);
}
int main(int c, char **v) {
    if (c != 11) { fprintf(stderr, "usage: see the top of libmf_probe.c\n"); return 2; }
    R *tr, *te; int ntr = load(v[1], &tr), nte = load(v[2], &te);
    int d = atoi(v[3]); float lr = atof(v[4]), reg = atof(v[5]); int ep = atoi(v[6]);
    int slow = atoi(v[7]), slow_ep = atoi(v[8]), scaled = atoi(v[9]); s_ += atoi(v[10]) * 7919ULL;
    static char tu[NU], ti[NI], fu[NU], fi[NI];
    for (int k = 0; k < nte; k++) tu[te[k].u] = ti[te[k].i] = 1;
    int m = 0; for (int k = 0; k < ntr; k++) if (tu[tr[k].u] && ti[tr[k].i]) tr[m++] = tr[k]; ntr = m;
    for (int k = 0; k < ntr; k++) fu[tr[k].u] = fi[tr[k].i] = 1;
    m = 0; for (int k = 0; k < nte; k++) if (fu[te[k].u] && fi[te[k].i]) te[m++] = te[k]; nte = m;
    double ex = 0, ex2 = 0;
    for (int k = 0; k < ntr; k++) ex += tr[k].r, ex2 += (double)tr[k].r * tr[k].r;
    ex /= ntr; ex2 /= ntr;
    const float sc = scaled ? (float)sqrt(ex2 - ex * ex) : 1.0f;
    for (int k = 0; k < ntr; k++) tr[k].r /= sc;
    float *P = malloc(sizeof(float) * NU * d), *Q = malloc(sizeof(float) * NI * d);
    float *GP = malloc(sizeof(float) * NU * 2), *GQ = malloc(sizeof(float) * NI * 2);
    const float is = 1.0f / sqrtf((float)d);
    for (int k = 0; k < NU * d; k++) P[k] = (float)rnd() * is;
    for (int k = 0; k < NI * d; k++) Q[k] = (float)rnd() * is;
    for (int k = 0; k < NU * 2; k++) GP[k] = 1;
    for (int k = 0; k < NI * 2; k++) GQ[k] = 1;
    for (int e = 1; e <= ep; e++) {
        for (int k = ntr - 1; k > 0; k--) { int j = (int)(rnd() * (k + 1)); R t = tr[k]; tr[k] = tr[j]; tr[j] = t; }
        const int only_slow = slow > 0 && e <= slow_ep;
        for (int k = 0; k < ntr; k++) {
            float *p = P + (size_t)tr[k].u * d, *q = Q + (size_t)tr[k].i * d, z = 0;
            for (int a = 0; a < d; a++) z += p[a] * q[a];
            const float err = tr[k].r - z;
            float *gp = GP + tr[k].u * 2, *gq = GQ + tr[k].i * 2;
            if (slow <= 0) { step(0, d, err, reg, lr, p, q, gp, gq); continue; }
            step(0, slow, err, reg, lr, p, q, gp, gq);
            if (!only_slow) step(slow, d, err, reg, lr, p, q, gp + 1, gq + 1);
        }
        double se = 0;
        for (int k = 0; k < nte; k++) {
            const float *p = P + (size_t)te[k].u * d, *q = Q + (size_t)te[k].i * d;
            double z = 0; for (int a = 0; a < d; a++) z += p[a] * q[a];
            se += (z * sc - te[k].r) * (z * sc - te[k].r);
        }
        printf("%d %.5f\n", e, sqrt(se / nte));
    }
    return 0;
}
