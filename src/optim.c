/* optim.c: the optimizers' state and steps: SGD, Nadam (lazy per-row state for embeddings, or
 * Keras' dense semantics; always dense for MLP weights) and AdaGrad (per coordinate, or LIBMF's
 * row-wise). State is allocated only for the optimizer a model trains with. */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "model.h"

/* A catch-up's coefficients depend only on the gap k at a given step and lr: the rows of one
 * mini-batch (and of a sync) share them. */
struct hb_cu_memo {
    uint64_t t; /* the step they were computed at (0: never); cu_far: the row's last step + 1 */
    float lr;
    int ok;
    hb_nadam_catchup_coef c;
};
/* Past the horizon (k > catch_j) the series depends on the last step s alone (the moments'
 * decay b1^k, b2^k aside): rows stepped together and caught up at any later step share it. */
#define HB_CU_FAR 4096

static const char *const hb_kOptNames[HB_OPT_COUNT] = {"sgd", "nadam", "adagrad", "adagrad-row"};

const char *hb_optimizer_name(hb_optimizer o) {
    return (unsigned)o < HB_OPT_COUNT ? hb_kOptNames[o] : "?";
}

hb_status hb_optimizer_parse(const char *s, hb_optimizer *out) {
    for (int k = 0; k < HB_OPT_COUNT; k++)
        if (strcmp(s, hb_kOptNames[k]) == 0) {
            *out = (hb_optimizer)k;
            return HB_OK;
        }
    return HB_ERR_ARG;
}

void hb_optim_free(hb_model *m) {
    float *bufs[] = {m->Pm, m->Pv, m->Qm, m->Qv, m->bum, m->buv, m->bim, m->biv,
                     m->gPd, m->gQd, m->gbud, m->gbid, m->Gu, m->Gi, m->Gbu, m->Gbi};
    for (size_t k = 0; k < sizeof bufs / sizeof *bufs; k++) hb_free_aligned(bufs[k]);
    hb_free_aligned(m->tu);
    hb_free_aligned(m->ti);
    hb_free_aligned(m->lu);
    hb_free_aligned(m->li);
    hb_free_aligned(m->zrow);
    m->lu = m->li = NULL;
    m->zrow = NULL;
    free(m->cu_cm);
    free(m->cu_sq);
    free(m->cu_p1);
    free(m->cu_p2);
    free(m->cu_memo);
    free(m->cu_far);
    m->cu_memo = m->cu_far = NULL;
    m->cu_cm = m->cu_sq = m->cu_p1 = m->cu_p2 = NULL;
    m->cu_n = 0;
    m->Pm = m->Pv = m->Qm = m->Qv = m->bum = m->buv = m->bim = m->biv = NULL;
    m->gPd = m->gQd = m->gbud = m->gbid = m->Gu = m->Gi = m->Gbu = m->Gbi = NULL;
    m->tu = m->ti = NULL;
    hb_free_aligned(m->nadam_c);
    m->nadam_c = NULL;
    for (uint32_t l = 0; l < m->n_layers; l++) {
        hb_layer *L = &m->L[l];
        hb_free_aligned(L->Wm);
        hb_free_aligned(L->Wv);
        hb_free_aligned(L->bm);
        hb_free_aligned(L->bv);
        L->Wm = L->Wv = L->bm = L->bv = NULL;
    }
}

static float *hb_fill(size_t n, float v) {
    float *x = hb_calloc_aligned(n, sizeof(float));
    if (x && v != 0.0f)
        for (size_t k = 0; k < n; k++) x[k] = v;
    return x;
}

hb_status hb_optim_alloc(hb_model *m) {
    const hb_train_params *p = &m->p;
    const size_t nu = m->n_users, ni = m->n_items, ld = m->ld;
    const int bias = m->bu != NULL;
    int ok = 1;
    if (p->optimizer == HB_OPT_NADAM) {
        const int dense = p->nadam == HB_NADAM_DENSE;
        ok = (m->Pm = hb_calloc_aligned(nu * ld, 4)) && (m->Pv = hb_calloc_aligned(nu * ld, 4)) &&
             (m->Qm = hb_calloc_aligned(ni * ld, 4)) && (m->Qv = hb_calloc_aligned(ni * ld, 4));
        if (ok && !dense) ok = (m->tu = hb_calloc_aligned(nu, 4)) && (m->ti = hb_calloc_aligned(ni, 4));
        if (ok && dense) ok = (m->gPd = hb_calloc_aligned(nu * ld, 4)) && (m->gQd = hb_calloc_aligned(ni * ld, 4));
        if (ok && dense)
            ok = (m->lu = hb_calloc_aligned(nu, 4)) && (m->li = hb_calloc_aligned(ni, 4)) &&
                 (m->zrow = hb_calloc_aligned(ld, 4));
        if (dense) { /* b1^catch_j <= 1e-12 */
            const double j = p->beta1 <= 0 ? 1 : p->beta1 >= 1 ? HUGE_VAL : ceil(log(1e-12) / log(p->beta1));
            m->catch_j = j < 4e9 ? (uint32_t)(j < 1 ? 1 : j) : UINT32_MAX;
            if (m->catch_j <= HB_NADAM_TABLE) {
                ok = ok && (m->cu_p1 = malloc((m->catch_j + 1) * sizeof(double))) &&
                     (m->cu_p2 = malloc((m->catch_j + 1) * sizeof(double))) &&
                     (m->cu_memo = calloc(m->catch_j + 1, sizeof *m->cu_memo)) &&
                     (m->cu_far = calloc(HB_CU_FAR, sizeof *m->cu_far));
                for (uint32_t k = 0; ok && k <= m->catch_j; k++) {
                    m->cu_p1[k] = k ? m->cu_p1[k - 1] * p->beta1 : 1.0;
                    m->cu_p2[k] = k ? m->cu_p2[k - 1] * p->beta2 : 1.0;
                }
            }
        }
        if (ok && bias)
            ok = (m->bum = hb_calloc_aligned(nu, 4)) && (m->buv = hb_calloc_aligned(nu, 4)) &&
                 (m->bim = hb_calloc_aligned(ni, 4)) && (m->biv = hb_calloc_aligned(ni, 4));
        if (ok && bias && dense)
            ok = (m->gbud = hb_calloc_aligned(nu, 4)) && (m->gbid = hb_calloc_aligned(ni, 4));
        for (uint32_t l = 0; ok && l < m->n_layers; l++) {
            hb_layer *L = &m->L[l];
            ok = (L->Wm = hb_calloc_aligned((size_t)L->in * L->out, 4)) &&
                 (L->Wv = hb_calloc_aligned((size_t)L->in * L->out, 4)) &&
                 (L->bm = hb_calloc_aligned(L->out, 4)) && (L->bv = hb_calloc_aligned(L->out, 4));
        }
        if (ok)
            ok = (m->nadam_c = hb_calloc_aligned((size_t)HB_NADAM_TABLE * HB_NADAM_C, 4)) != NULL;
        /* Nadam schedule (Keras/PyTorch): mu_t = b1 * (1 - 0.5 * 0.96^(0.004 t)) */
        double prod = 1.0;
        for (uint64_t t = 1; ok && t <= HB_NADAM_TABLE; t++) {
            const double mt = p->beta1 * (1 - 0.5 * pow(0.96, 0.004 * (double)t));
            const double mt1 = p->beta1 * (1 - 0.5 * pow(0.96, 0.004 * (double)(t + 1)));
            prod *= mt;
            float *c = m->nadam_c + HB_NADAM_C * (t - 1);
            c[0] = (float)((1 - mt) / (1 - prod));
            c[1] = (float)(mt1 / (1 - prod * mt1));
            c[2] = (float)(1 / (1 - pow(p->beta2, (double)t)));
        }
    } else if (p->optimizer == HB_OPT_ADAGRAD) { /* per coordinate, from 0 (PyTorch's) */
        ok = (m->Gu = hb_calloc_aligned(nu * ld, 4)) && (m->Gi = hb_calloc_aligned(ni * ld, 4));
        if (ok && bias) ok = (m->Gbu = hb_calloc_aligned(nu, 4)) && (m->Gbi = hb_calloc_aligned(ni, 4));
    } else if (p->optimizer == HB_OPT_ADAGRAD_ROW) { /* one per row, from 1 (LIBMF's) */
        ok = (m->Gu = hb_fill(nu, 1.0f)) && (m->Gi = hb_fill(ni, 1.0f));
        if (ok && bias) ok = (m->Gbu = hb_fill(nu, 1.0f)) && (m->Gbi = hb_fill(ni, 1.0f));
    }
    if (!ok) {
        hb_optim_free(m);
        return HB_ERR_NOMEM;
    }
    return HB_OK;
}

void hb_nadam_coefs(const hb_model *m, uint64_t t, float lr, float reg, hb_nadam_coef *c) {
    const hb_train_params *p = &m->p;
    c->lr = lr;
    c->b1 = p->beta1;
    c->b2 = p->beta2;
    c->eps = p->eps;
    c->reg = reg;
    if (t >= 1 && t <= HB_NADAM_TABLE) {
        const float *e = m->nadam_c + HB_NADAM_C * (t - 1);
        c->cg = e[0];
        c->cm = e[1];
        c->cv = e[2];
    } else { /* past the table the momentum product has underflowed to 0 */
        const double mt = p->beta1 * (1 - 0.5 * pow(0.96, 0.004 * (double)t));
        const double mt1 = p->beta1 * (1 - 0.5 * pow(0.96, 0.004 * (double)(t + 1)));
        c->cg = (float)(1 - mt);
        c->cm = (float)mt1;
        c->cv = (float)(1 / (1 - pow(p->beta2, (double)t)));
    }
}

void hb_optim_row_step(const hb_model *m, const hb_kernels *k, float lr, float reg,
                       float reg_bias, float *w, float *mm, float *vv, uint32_t *t,
                       const float *g, float *b, float *bm, float *bv, float gb) {
    if (m->p.optimizer == HB_OPT_SGD) {
        k->sgd(m->dim, lr, reg, g, w);
        if (b) *b -= lr * (gb + reg_bias * *b);
        return;
    }
    /* per-row step count: a relaxed atomic, so concurrent touches each count once */
    const uint32_t step = __atomic_add_fetch(t, 1, __ATOMIC_RELAXED);
    hb_nadam_coef c;
    hb_nadam_coefs(m, step, lr, reg, &c);
    k->nadam(m->dim, &c, g, w, mm, vv);
    if (b) {
        c.reg = reg_bias;
        k->nadam(1, &c, &gb, b, bm, bv);
    }
}

void hb_optim_dense_step(hb_model *m, const hb_kernels *k, float lr, uint64_t t, hb_mlp_ws *ws) {
    const hb_train_params *p = &m->p;
    hb_nadam_coef c;
    if (p->optimizer == HB_OPT_NADAM) {
        const uint64_t step = t ? t : __atomic_add_fetch(&m->dense_t, 1, __ATOMIC_RELAXED);
        hb_nadam_coefs(m, step, lr, p->reg, &c);
    }
    for (uint32_t l = 0; l < m->n_layers; l++) {
        hb_layer *L = &m->L[l];
        const size_t nw = (size_t)L->in * L->out;
        if (p->optimizer == HB_OPT_SGD) {
            k->sgd(nw, lr, p->reg, ws->dW[l], L->W);
            k->sgd(L->out, lr, 0.0f, ws->db[l], L->b);
        } else {
            c.reg = p->reg;
            k->nadam(nw, &c, ws->dW[l], L->W, L->Wm, L->Wv);
            c.reg = 0.0f;
            k->nadam(L->out, &c, ws->db[l], L->b, L->bm, L->bv);
        }
        memset(ws->dW[l], 0, nw * sizeof(float));
        memset(ws->db[l], 0, L->out * sizeof(float));
    }
}

/* Tables of at least this many floats are split among threads in a dense step. */
#define HB_DENSE_PAR_MIN (1u << 18)

/* One Nadam step over a whole table (rows x ld floats, contiguous): padding columns have zero
 * weights, gradients and moments and stay zero. */
static void hb_dense_table(const hb_kernels *k, const hb_nadam_coef *c, size_t n, const float *g,
                           float *w, float *mm, float *vv, int threads) {
    if (threads <= 1 || n < HB_DENSE_PAR_MIN) {
        k->nadam(n, c, g, w, mm, vv);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        hb_fp_flush_subnormals();
        const size_t t = (size_t)omp_get_thread_num(), T = (size_t)omp_get_num_threads();
        const size_t a = hb_round_up(n * t / T, HB_PAD), b = t + 1 == T ? n : hb_round_up(n * (t + 1) / T, HB_PAD);
        if (a < b) k->nadam(b - a, c, g + a, w + a, mm + a, vv + a);
    }
}

uint64_t hb_optim_dense_emb_step(hb_model *m, const hb_kernels *k, float lr,
                                 const uint32_t *rows_u, uint32_t nu, const uint32_t *rows_i,
                                 uint32_t ni, int threads) {
    const uint64_t t = ++m->dense_t; /* one global step count (Keras' iterations) */
    hb_nadam_coef c;
    hb_nadam_coefs(m, t, lr, 0.0f, &c); /* L2 is in the scattered gradient */
    const size_t ld = m->ld;
    hb_dense_table(k, &c, (size_t)m->n_users * ld, m->gPd, m->P, m->Pm, m->Pv, threads);
    hb_dense_table(k, &c, (size_t)m->n_items * ld, m->gQd, m->Q, m->Qm, m->Qv, threads);
    if (m->bu) {
        k->nadam(m->n_users, &c, m->gbud, m->bu, m->bum, m->buv);
        k->nadam(m->n_items, &c, m->gbid, m->bi, m->bim, m->biv);
    }
    m->dense_swept = t; /* every row is current at t */
    for (uint32_t a = 0; a < nu; a++) {
        memset(m->gPd + (size_t)rows_u[a] * ld, 0, ld * sizeof(float));
        if (m->gbud) m->gbud[rows_u[a]] = 0.0f;
    }
    for (uint32_t a = 0; a < ni; a++) {
        memset(m->gQd + (size_t)rows_i[a] * ld, 0, ld * sizeof(float));
        if (m->gbid) m->gbid[rows_i[a]] = 0.0f;
    }
    return t;
}

/* The series' truncation bound relative to its first term: above it, the steps are iterated. */
#define HB_CATCHUP_TOL 1e-7

hb_status hb_optim_dense_reserve(hb_model *m, uint64_t t) {
    if (t <= m->cu_n) return HB_OK;
    uint64_t n = m->cu_n ? m->cu_n : HB_NADAM_TABLE;
    while (n < t) n *= 2;
    double *cm = realloc(m->cu_cm, n * sizeof *cm), *sq = cm ? realloc(m->cu_sq, n * sizeof *sq) : NULL;
    if (cm) m->cu_cm = cm;
    if (!cm || !sq) return HB_ERR_NOMEM;
    m->cu_sq = sq;
    for (uint64_t tau = m->cu_n + 1; tau <= n; tau++) { /* the float coefficients a sweep uses */
        hb_nadam_coef c;
        hb_nadam_coefs(m, tau, 1.0f, 0.0f, &c);
        cm[tau - 1] = c.cm;
        sq[tau - 1] = sqrt((double)c.cv);
    }
    m->cu_n = n;
    return HB_OK;
}

/* cm_tau and sqrt(cv_tau), from the tables when they reach tau */
static inline void hb_cu_step(const hb_model *m, uint64_t tau, double *cm, double *sq) {
    if (tau <= m->cu_n) {
        *cm = m->cu_cm[tau - 1];
        *sq = m->cu_sq[tau - 1];
        return;
    }
    hb_nadam_coef c;
    hb_nadam_coefs(m, tau, 1.0f, 0.0f, &c);
    *cm = c.cm;
    *sq = sqrt((double)c.cv);
}

int hb_optim_catchup_coef(const hb_model *m, uint64_t s, uint64_t k, float lr,
                          hb_nadam_catchup_coef *c) {
    const hb_train_params *p = &m->p;
    const double b1 = p->beta1, b2 = p->beta2, sb2 = sqrt(b2);
    const uint64_t J = k < m->catch_j ? k : m->catch_j;
    double D[HB_CATCHUP_TERMS + 1] = {0}, y1 = 1, iy1 = 1, pb1 = 1, pb2h = 1, d = 0;
    for (uint64_t j = 1; j <= J; j++) {
        double cm, sq;
        hb_cu_step(m, s + j, &cm, &sq);
        pb1 *= b1;
        pb2h *= sb2;
        const double y = sq * pb2h;
        if (j == 1) y1 = y, iy1 = 1 / y;
        d = 1 - y * iy1; /* grows with j: cv_t and b2^(j/2) both fall */
        const double w = (double)lr * cm * pb1;
        /* the powers of d in a tree, not a chain: this loop runs per caught-up row */
        const double d2 = d * d, d3 = d2 * d, d4 = d2 * d2;
        _Static_assert(HB_CATCHUP_TERMS == 6, "D[0..6] below");
        D[0] += w, D[1] += w * d, D[2] += w * d2, D[3] += w * d3, D[4] += w * d4;
        D[5] += w * (d4 * d), D[6] += w * (d3 * d3);
    }
    /* the tail sum_{n>=N} (r d_j)^n, r <= 1: at most D[N] / (1 - d_J) */
    const double E = fabs(D[HB_CATCHUP_TERMS]) / (1 - fabs(d));
    c->y1 = (float)y1;
    c->eps = p->eps;
    c->pm = (float)(k <= m->catch_j && m->cu_p1 ? m->cu_p1[k] : pow(b1, (double)k));
    c->pv = (float)(k <= m->catch_j && m->cu_p2 ? m->cu_p2[k] : pow(b2, (double)k));
    for (int n = 0; n < HB_CATCHUP_TERMS; n++) c->d[n] = (float)D[n];
    return E <= HB_CATCHUP_TOL * D[0];
}

void hb_optim_dense_catch_up(const hb_model *m, const hb_kernels *k, float lr, int item,
                             uint32_t row) {
    uint32_t *last = item ? m->li : m->lu;
    const uint64_t t = m->dense_t, s = last[row] > m->dense_swept ? last[row] : m->dense_swept;
    last[row] = (uint32_t)t;
    if (s >= t || s == 0) return; /* s == 0: never stepped, zero moments: the steps move nothing */
    const size_t o = (size_t)row * m->ld;
    float *w = (item ? m->Q : m->P) + o, *mm = (item ? m->Qm : m->Pm) + o;
    float *vv = (item ? m->Qv : m->Pv) + o;
    float *b = NULL, *bm = NULL, *bv = NULL;
    if (m->bu) {
        b = (item ? m->bi : m->bu) + row;
        bm = (item ? m->bim : m->bum) + row;
        bv = (item ? m->biv : m->buv) + row;
    }
    const uint64_t kk = t - s;
    hb_nadam_catchup_coef c;
    const int far = kk > m->catch_j;
    struct hb_cu_memo *memo = !m->cu_memo ? NULL : far ? &m->cu_far[s % HB_CU_FAR] : &m->cu_memo[kk];
    const uint64_t key = far ? s + 1 : t;
    int ok;
    if (memo && memo->t == key && memo->lr == lr) {
        ok = memo->ok;
        c = memo->c;
        if (far) { /* the decay over this row's own gap */
            c.pm = (float)pow(m->p.beta1, (double)kk);
            c.pv = (float)pow(m->p.beta2, (double)kk);
        }
    } else {
        ok = hb_optim_catchup_coef(m, s, kk, lr, &c);
        if (memo) *memo = (struct hb_cu_memo){.t = key, .lr = lr, .ok = ok, .c = c};
    }
    if (ok) {
        k->nadam_catchup(m->dim, &c, w, mm, vv);
        if (b) k->nadam_catchup(1, &c, b, bm, bv);
        return;
    }
    /* the series would not be accurate: the dense steps themselves, without a gradient */
    const uint64_t J = kk < m->catch_j ? kk : m->catch_j;
    hb_nadam_coef nc;
    for (uint64_t j = 1; j <= J; j++) {
        hb_nadam_coefs(m, s + j, lr, 0.0f, &nc);
        k->nadam(m->dim, &nc, m->zrow, w, mm, vv);
        if (b) k->nadam(1, &nc, m->zrow, b, bm, bv);
    }
    if (kk > J) { /* the momentum is spent (b1^J <= 1e-12): the moments only decay */
        hb_nadam_catchup_coef d = {.y1 = 1.0f, .eps = 1.0f,
                                   .pm = (float)pow(m->p.beta1, (double)(kk - J)),
                                   .pv = (float)pow(m->p.beta2, (double)(kk - J))};
        k->nadam_catchup(m->dim, &d, w, mm, vv);
        if (b) k->nadam_catchup(1, &d, b, bm, bv);
    }
}

void hb_optim_dense_sync(hb_model *m, const hb_kernels *k, float lr) {
    for (uint32_t u = 0; u < m->n_users; u++) hb_optim_dense_catch_up(m, k, lr, 0, u);
    for (uint32_t i = 0; i < m->n_items; i++) hb_optim_dense_catch_up(m, k, lr, 1, i);
}

int hb_optim_dense_warm(hb_model *m, float lr) {
    if (m->warm_end) return m->dense_t + 1 < m->warm_end;
    if (m->dense_swept != m->dense_t) return 0; /* rows already lag: keep catching up */
    hb_nadam_catchup_coef c;
    if (hb_optim_catchup_coef(m, m->dense_t, m->catch_j, lr, &c)) { /* a step from now on */
        m->warm_end = m->dense_t + 1;
        return 0;
    }
    return 1;
}
