/* dist_load.c: ratings loaded across MPI ranks (built with HB_WITH_MPI): each rank parses its
 * share of the file(s); the ranks agree on ids, duplicates, split, filtering and fingerprint
 * as one process decides them, then each receives its users' ratings. */
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t complete: its bytes go from rank to rank */
#include <xxhash.h>

#include "hogbench/hogbench_mpi.h"
#include "assemble.h"
#include "data.h"
#include "dist.h"
#include "idmap.h"
#include "model.h"
#include "split.h"

/* One file's share on this rank. */
typedef struct {
    hb_parse_part pp;
    hb_table t;         /* the share's rows: ids dense in the share, then in the global table */
    size_t lines_before; /* newlines of the earlier shares */
    uint64_t row0;      /* the file index of the share's first row (before duplicates) */
    uint64_t *drop;     /* every rank's dropped row indices (duplicates), ascending */
    size_t n_drop;
} hb_share;

typedef struct {
    MPI_Comm comm;
    int N, r;
} hb_grp;

static int hb_all_ok(const hb_grp *g, int ok) {
    int all = ok;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, g->comm);
    return all;
}

static uint64_t hb_sum_u64(const hb_grp *g, uint64_t x) {
    MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_UINT64_T, MPI_SUM, g->comm);
    return x;
}

/* Every rank's status: HB_OK, or the lowest failing rank's status and message on every rank
 * (*err_rank: that rank). */
static hb_status hb_agree_status(const hb_grp *g, hb_status st, hb_error *err, int *err_rank) {
    int who = st != HB_OK ? g->r : g->N;
    MPI_Allreduce(MPI_IN_PLACE, &who, 1, MPI_INT, MPI_MIN, g->comm);
    if (who == g->N) return HB_OK;
    int s = (int)st;
    MPI_Bcast(&s, 1, MPI_INT, who, g->comm);
    hb_error e = {{0}};
    if (g->r == who && err) e = *err;
    MPI_Bcast(e.msg, (int)sizeof e.msg, MPI_CHAR, who, g->comm);
    if (err) *err = e;
    *err_rank = who;
    return (hb_status)s;
}

/* Gathers every rank's n items of size sz into one array (*all, *n_all items); 0 or -1. */
static int hb_gather_all(const hb_grp *g, const void *mine, size_t n, size_t sz, void **all,
                         size_t *n_all) {
    int *cnt = malloc((size_t)g->N * sizeof *cnt), *dsp = malloc((size_t)g->N * sizeof *dsp);
    const uint64_t bytes = (uint64_t)n * sz;
    uint64_t *b = malloc((size_t)g->N * sizeof *b);
    int ok = cnt && dsp && b;
    if (ok) MPI_Allgather(&bytes, 1, MPI_UINT64_T, b, 1, MPI_UINT64_T, g->comm);
    uint64_t tot = 0;
    for (int k = 0; ok && k < g->N; k++) {
        ok = b[k] <= INT_MAX && tot <= INT_MAX;
        cnt[k] = (int)b[k];
        dsp[k] = (int)tot;
        tot += b[k];
    }
    ok = ok && tot <= INT_MAX;
    char *out = ok ? malloc(tot ? tot : 1) : NULL;
    if (!hb_all_ok(g, out != NULL)) {
        free(cnt);
        free(dsp);
        free(b);
        free(out);
        return -1;
    }
    MPI_Allgatherv(mine, (int)bytes, MPI_BYTE, out, cnt, dsp, MPI_BYTE, g->comm);
    free(cnt);
    free(dsp);
    free(b);
    *all = out;
    *n_all = (size_t)(tot / sz);
    return 0;
}

/* Sends rows to the ranks dest[k] says (the order of each destination's rows kept); *recv
 * gets what every rank sent here, in rank order. sz: bytes per row. 0 or -1. */
static int hb_exchange(const hb_grp *g, const void *rows, size_t n, size_t sz, const int *dest,
                       void **recv, size_t *n_recv) {
    const int N = g->N;
    int *sc = calloc((size_t)N, sizeof *sc), *sd = malloc((size_t)N * sizeof *sd);
    int *rc = malloc((size_t)N * sizeof *rc), *rd = malloc((size_t)N * sizeof *rd);
    size_t *cnt = calloc((size_t)N, sizeof *cnt), *at = malloc((size_t)N * sizeof *at);
    char *sbuf = malloc(n ? n * sz : 1), *rbuf = NULL;
    int ok = sc && sd && rc && rd && cnt && at && sbuf;
    if (ok) {
        for (size_t k = 0; k < n; k++) cnt[dest[k]]++;
        size_t tot = 0;
        for (int k = 0; k < N; k++) {
            ok &= cnt[k] * sz <= INT_MAX && tot * sz <= INT_MAX;
            sc[k] = (int)(cnt[k] * sz);
            sd[k] = (int)(tot * sz);
            at[k] = tot;
            tot += cnt[k];
        }
        for (size_t k = 0; ok && k < n; k++)
            memcpy(sbuf + at[dest[k]]++ * sz, (const char *)rows + k * sz, sz);
    }
    if (!hb_all_ok(g, ok)) goto fail;
    MPI_Alltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, g->comm);
    uint64_t tot = 0;
    for (int k = 0; k < N; k++) {
        ok &= tot <= INT_MAX;
        rd[k] = (int)tot;
        tot += (uint64_t)rc[k];
    }
    ok = ok && tot <= INT_MAX && (rbuf = malloc(tot ? tot : 1)) != NULL;
    if (!hb_all_ok(g, ok)) goto fail;
    MPI_Alltoallv(sbuf, sc, sd, MPI_BYTE, rbuf, rc, rd, MPI_BYTE, g->comm);
    *recv = rbuf;
    *n_recv = (size_t)(tot / sz);
    rbuf = NULL;
fail:
    free(sc);
    free(sd);
    free(rc);
    free(rd);
    free(cnt);
    free(at);
    free(sbuf);
    free(rbuf);
    return ok ? 0 : -1;
}

static int hb_cmp_i64(const void *a, const void *b) {
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int hb_cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hb_cmp_u64(const void *a, const void *b) {
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* One id space over every rank's shares (users: col 0, items: col 1): ascending original id
 * (names: byte-wise), as hb_table_unify gives one process. Fills t's ids/names and rewrites
 * each share's rows into it. 0 or -1 (out of memory, on every rank). */
static int hb_ids_union(const hb_grp *g, hb_share *sh, int ns, int strings, int col,
                        uint32_t *n_out, int64_t **ids_out, char ***names_out) {
    int rc = -1;
    void *all = NULL;
    size_t n_all = 0;
    char *pack = NULL, **ptr = NULL, **names = NULL;
    int64_t *ids = NULL;
    uint32_t *x[2] = {NULL, NULL};
    size_t mine = 0, bytes = 0;
    for (int s = 0; s < ns; s++) {
        const uint32_t n = col ? sh[s].t.n_items : sh[s].t.n_users;
        mine += n;
        if (strings)
            for (uint32_t k = 0; k < n; k++)
                bytes += strlen((col ? sh[s].t.item_names : sh[s].t.user_names)[k]) + 1;
    }
    int ok = 1;
    if (!strings) {
        int64_t *v = malloc((mine ? mine : 1) * sizeof *v);
        ok = v != NULL;
        for (int s = 0, at = 0; ok && s < ns; s++) {
            const uint32_t n = col ? sh[s].t.n_items : sh[s].t.n_users;
            memcpy(v + at, col ? sh[s].t.item_ids : sh[s].t.user_ids, n * sizeof *v);
            at += (int)n;
        }
        if (!hb_all_ok(g, ok) || hb_gather_all(g, v, mine, sizeof *v, &all, &n_all)) {
            free(v);
            goto done;
        }
        free(v);
        int64_t *a = all;
        qsort(a, n_all, sizeof *a, hb_cmp_i64);
        size_t n = 0;
        for (size_t k = 0; k < n_all; k++)
            if (n == 0 || a[k] != a[n - 1]) a[n++] = a[k];
        ok = n < UINT32_MAX && (ids = malloc((n ? n : 1) * sizeof *ids)) != NULL;
        if (ok) memcpy(ids, a, n * sizeof *ids);
        *n_out = (uint32_t)n;
    } else {
        pack = malloc(bytes ? bytes : 1);
        ok = pack != NULL;
        size_t at = 0;
        for (int s = 0; ok && s < ns; s++) {
            const uint32_t n = col ? sh[s].t.n_items : sh[s].t.n_users;
            char **nm = col ? sh[s].t.item_names : sh[s].t.user_names;
            for (uint32_t k = 0; k < n; k++) {
                const size_t l = strlen(nm[k]) + 1;
                memcpy(pack + at, nm[k], l);
                at += l;
            }
        }
        if (!hb_all_ok(g, ok) || hb_gather_all(g, pack, bytes, 1, &all, &n_all)) goto done;
        size_t cnt = 0;
        const char *b = all;
        for (size_t k = 0; k < n_all; k++) cnt += b[k] == '\0';
        ok = (ptr = malloc((cnt ? cnt : 1) * sizeof *ptr)) != NULL;
        size_t n = 0;
        for (size_t k = 0, s0 = 0; ok && k < n_all; k++)
            if (b[k] == '\0') ptr[n++] = (char *)b + s0, s0 = k + 1;
        if (ok) qsort(ptr, n, sizeof *ptr, hb_cmp_str);
        size_t m = 0;
        for (size_t k = 0; ok && k < n; k++)
            if (m == 0 || strcmp(ptr[k], ptr[m - 1]) != 0) ptr[m++] = ptr[k];
        ok = ok && m < UINT32_MAX && (names = hb_names_pack((const char *const *)ptr, (uint32_t)m)) &&
             (ids = malloc((m ? m : 1) * sizeof *ids)) != NULL;
        for (size_t k = 0; ok && k < m; k++) ids[k] = (int64_t)k;
        *n_out = (uint32_t)m;
    }
    /* each share's ids -> the union's index (both lists ascending: one merge) */
    for (int s = 0; ok && s < ns; s++) {
        const uint32_t n = col ? sh[s].t.n_items : sh[s].t.n_users;
        if (!(x[s] = malloc((n ? n : 1) * sizeof *x[s]))) {
            ok = 0;
            break;
        }
        uint32_t j = 0;
        for (uint32_t k = 0; k < n; k++) {
            if (strings) {
                const char *v = (col ? sh[s].t.item_names : sh[s].t.user_names)[k];
                while (strcmp(names[j], v) != 0) j++;
            } else {
                const int64_t v = (col ? sh[s].t.item_ids : sh[s].t.user_ids)[k];
                while (ids[j] != v) j++;
            }
            x[s][k] = j;
        }
    }
    if (!hb_all_ok(g, ok)) goto done;
    for (int s = 0; s < ns; s++)
        for (size_t k = 0; k < sh[s].t.n; k++) {
            hb_rating *q = &sh[s].t.r[k];
            if (col) q->i = x[s][q->i];
            else q->u = x[s][q->u];
        }
    *ids_out = ids;
    *names_out = names;
    ids = NULL;
    names = NULL;
    rc = 0;
done:
    free(all);
    free(pack);
    free(ptr);
    free(names);
    free(ids);
    free(x[0]);
    free(x[1]);
    return rc;
}

/* A row on its way to the rank that checks its (user, item) pair for duplicates. */
typedef struct {
    uint32_t u, i;
    uint64_t k; /* index in the file */
} hb_pair;

/* One row of a user's rows in file order against the stamps (hb_table_dedupe's check):
 * returns 1 at the user's first duplicate under HB_DUP_ERROR (its smallest second row). */
static inline int hb_dedupe_row(hb_pair x, hb_dup_policy pol, uint32_t *stamp, uint64_t *where,
                                uint64_t best[2], uint64_t *drop, size_t *nd) {
    if (stamp[x.i] != x.u + 1) {
        stamp[x.i] = x.u + 1;
        where[x.i] = x.k;
        return 0;
    }
    if (pol == HB_DUP_ERROR) {
        if (x.k < best[0]) best[0] = x.k, best[1] = where[x.i];
        return 1;
    }
    drop[(*nd)++] = pol == HB_DUP_FIRST ? x.k : where[x.i]; /* FIRST keeps the earliest row */
    if (pol == HB_DUP_LAST) where[x.i] = x.k;               /* LAST the latest */
    return 0;
}

/* hb_table_dedupe's check on rows p[0..n) in file order, user by user: as they come when
 * each user's rows are contiguous (MovieLens files, generated ones), else after a stable
 * counting sort by user. HB_DUP_ERROR: best[0..1] becomes (k2, k1) of the earliest second
 * occurrence if earlier; else the dropped indices are appended to drop. 0, or -1 out of
 * memory. */
/* Rows to check: pairs p, or a share's rows r (file indices k0, k0 + 1, ...) without those of
 * users whose shares count is above 1 (checked elsewhere). */
typedef struct {
    const hb_pair *p;
    const hb_rating *r;
    uint64_t k0;
    const int *shares;
} hb_rows_src;

static inline hb_pair hb_src_row(const hb_rows_src *s, size_t k) {
    return s->p ? s->p[k] : (hb_pair){s->r[k].u, s->r[k].i, s->k0 + k};
}

static inline int hb_src_skip(const hb_rows_src *s, uint32_t u) {
    return s->shares && s->shares[u] > 1;
}

static int hb_dedupe_pairs(const hb_rows_src *src, size_t n, uint32_t nu, uint32_t ni,
                           hb_dup_policy pol, uint64_t best[2], uint64_t *drop, size_t *nd) {
    size_t *off = calloc((size_t)nu + 2, sizeof *off);
    uint32_t *idx = NULL, *stamp = calloc((size_t)ni + 1, sizeof *stamp);
    uint64_t *where = malloc(((size_t)ni + 1) * sizeof *where);
    int ok = off && stamp && where && n < UINT32_MAX;
    int grouped = ok; /* off[u]: user u's run seen */
    uint32_t prev = UINT32_MAX;
    for (size_t k = 0; grouped && k < n; k++) {
        const uint32_t u = hb_src_row(src, k).u;
        if (hb_src_skip(src, u) || u == prev) continue;
        grouped = !off[u]++;
        prev = u;
    }
    if (ok && grouped) {
        prev = UINT32_MAX;
        for (size_t k = 0, stop = 0; k < n; k++) {
            const hb_pair x = hb_src_row(src, k);
            if (hb_src_skip(src, x.u)) continue;
            if (x.u != prev) stop = 0, prev = x.u;
            if (!stop) stop = (size_t)hb_dedupe_row(x, pol, stamp, where, best, drop, nd);
        }
    } else if (ok && (idx = malloc((n ? n : 1) * sizeof *idx)) != NULL) {
        memset(off, 0, ((size_t)nu + 2) * sizeof *off);
        for (size_t k = 0; k < n; k++) off[hb_src_row(src, k).u + 2]++;
        for (uint32_t u = 0; u < nu; u++) off[u + 2] += off[u + 1];
        for (size_t k = 0; k < n; k++) idx[off[hb_src_row(src, k).u + 1]++] = (uint32_t)k;
        for (uint32_t u = 0; u < nu; u++)
            for (size_t j = off[u]; j < off[u + 1]; j++) {
                const hb_pair x = hb_src_row(src, idx[j]);
                if (hb_src_skip(src, u)) break;
                if (hb_dedupe_row(x, pol, stamp, where, best, drop, nd)) break;
            }
    } else {
        ok = 0;
    }
    free(off);
    free(idx);
    free(stamp);
    free(where);
    return ok ? 0 : -1;
}

/* The duplicate policy over every rank's share of one file. A user whose rows are all in one
 * share (every user but those at the cuts, in files grouped by user) is checked where it was
 * parsed; the rows of the others go to rank u mod N, in file order. HB_DUP_ERROR: *k1 < *k2
 * (as hb_table_dedupe picks them: the earliest second occurrence) and HB_ERR_PARSE on every
 * rank; else every dropped index, ascending, in sh->drop. */
static hb_status hb_share_dedupe(const hb_grp *g, hb_share *sh, uint32_t nu, uint32_t ni,
                                 hb_dup_policy pol, uint64_t *k1, uint64_t *k2) {
    const size_t n = sh->t.n;
    int *shares = calloc((size_t)nu + 1, sizeof *shares), *dest = NULL;
    hb_pair *far = NULL;
    uint64_t *drop = malloc((n ? n : 1) * sizeof *drop);
    uint64_t best[2] = {UINT64_MAX, UINT64_MAX}; /* k2, k1 */
    size_t nfar = 0, nd = 0;
    if (!hb_all_ok(g, shares && drop)) goto oom;
    for (size_t k = 0; k < n; k++) shares[sh->t.r[k].u] = 1;
    MPI_Allreduce(MPI_IN_PLACE, shares, (int)nu, MPI_INT, MPI_SUM, g->comm);
    for (size_t k = 0; k < n; k++) nfar += shares[sh->t.r[k].u] > 1;
    int ok = (far = malloc((nfar + 1) * sizeof *far)) && (dest = malloc((nfar + 1) * sizeof *dest));
    nfar = 0;
    for (size_t k = 0; ok && k < n; k++)
        if (shares[sh->t.r[k].u] > 1) {
            dest[nfar] = (int)(sh->t.r[k].u % (uint32_t)g->N);
            far[nfar++] = (hb_pair){sh->t.r[k].u, sh->t.r[k].i, sh->row0 + k};
        }
    const hb_rows_src here = {NULL, sh->t.r, sh->row0, shares};
    ok = ok && hb_dedupe_pairs(&here, n, nu, ni, pol, best, drop, &nd) == 0;
    void *rv = NULL;
    size_t nr = 0;
    if (!hb_all_ok(g, ok) || hb_exchange(g, far, nfar, sizeof *far, dest, &rv, &nr)) goto oom;
    /* here: the rows of the shared users u = r (mod N), in file order (each rank sent its rows
     * in order, and the shares are in rank order) */
    uint64_t *d2 = realloc(drop, (nd + nr + 1) * sizeof *drop);
    ok = d2 != NULL;
    if (ok) drop = d2;
    const hb_rows_src there = {rv, NULL, 0, NULL};
    ok = ok && hb_dedupe_pairs(&there, nr, nu, ni, pol, best, drop, &nd) == 0;
    free(rv);
    free(far);
    free(dest);
    free(shares);
    far = NULL;
    dest = shares = NULL;
    if (!hb_all_ok(g, ok)) goto oom;
    if (pol == HB_DUP_ERROR) {
        free(drop);
        uint64_t *all = malloc((size_t)g->N * 2 * sizeof *all);
        if (!hb_all_ok(g, all != NULL)) {
            free(all);
            return HB_ERR_NOMEM;
        }
        MPI_Allgather(best, 2, MPI_UINT64_T, all, 2, MPI_UINT64_T, g->comm);
        *k2 = UINT64_MAX;
        for (int r = 0; r < g->N; r++)
            if (all[2 * r] < *k2) *k2 = all[2 * r], *k1 = all[2 * r + 1];
        free(all);
        return *k2 == UINT64_MAX ? HB_OK : HB_ERR_PARSE;
    }
    void *all = NULL;
    size_t n_all = 0;
    const int bad = hb_gather_all(g, drop, nd, sizeof *drop, &all, &n_all);
    free(drop);
    if (bad) return HB_ERR_NOMEM;
    sh->drop = all;
    sh->n_drop = n_all;
    qsort(sh->drop, n_all, sizeof *sh->drop, hb_cmp_u64);
    return HB_OK;
oom:
    free(shares);
    free(dest);
    free(far);
    free(drop);
    return HB_ERR_NOMEM;
}

/* A row of a per-user split: its user, hash and file index. */
typedef struct {
    uint32_t u, pad;
    uint64_t h, k;
} hb_uh;

static int hb_cmp_uh(const void *a, const void *b) {
    const hb_uh *x = a, *y = b;
    if (x->u != y->u) return x->u < y->u ? -1 : 1;
    return (x->h > y->h) - (x->h < y->h);
}

/* hb_split_apply's per-user split of rows v[0..n) (any order): each user's
 * floor(frac c + 0.5) rows of smallest hash (at most c - 1) go to test; their file indices
 * are appended to out. */
static void hb_per_user_pick(hb_uh *v, size_t n, double frac, uint64_t *out, size_t *n_out) {
    qsort(v, n, sizeof *v, hb_cmp_uh);
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && v[b].u == v[a].u; b++) {
        }
        const size_t c = b - a;
        size_t m = (size_t)floor(frac * (double)c + 0.5);
        if (m >= c) m = c ? c - 1 : 0; /* every user keeps a train rating */
        for (size_t j = 0; j < m; j++) out[(*n_out)++] = v[a + j].k;
    }
}

/* The per-user split of one share's rows (those not dropped as duplicates; post[k] their
 * index after duplicates): test[k] = 1 for the rows it puts in test. A user whose rows all lie
 * in this share is split here; the rows of the others go to rank u mod N, which returns the
 * test rows' indices to every rank. 0, or -1 out of memory (on every rank). */
static int hb_per_user_split(const hb_grp *g, const hb_share *s, uint32_t nu, const uint8_t *dropped,
                             const uint64_t *post, const hb_split_spec *ss, uint8_t *test) {
    const size_t n = s->t.n;
    int *shares = calloc((size_t)nu + 1, sizeof *shares), *dest = malloc((n ? n : 1) * sizeof *dest);
    hb_uh *loc = malloc((n ? n : 1) * sizeof *loc), *far = malloc((n ? n : 1) * sizeof *far);
    uint64_t *pick = malloc((n ? n : 1) * sizeof *pick);
    void *rv = NULL, *all = NULL;
    size_t nl = 0, nf = 0, np = 0, nr = 0, n_all = 0;
    int rc = -1;
    if (!hb_all_ok(g, shares && dest && loc && far && pick)) goto done;
    for (size_t k = 0; k < n; k++)
        if (!dropped[k]) shares[s->t.r[k].u] = 1;
    MPI_Allreduce(MPI_IN_PLACE, shares, (int)nu, MPI_INT, MPI_SUM, g->comm);
    for (size_t k = 0; k < n; k++) {
        if (dropped[k]) continue;
        const uint32_t u = s->t.r[k].u;
        const hb_uh x = {u, 0, hb_hash2(ss->seed, post[k]), s->row0 + k};
        if (shares[u] > 1) dest[nf] = (int)(u % (uint32_t)g->N), far[nf++] = x;
        else loc[nl++] = x;
    }
    hb_per_user_pick(loc, nl, ss->frac, pick, &np);
    for (size_t j = 0; j < np; j++) test[pick[j] - s->row0] = 1;
    if (hb_exchange(g, far, nf, sizeof *far, dest, &rv, &nr)) goto done;
    uint64_t *p2 = realloc(pick, (nr + 1) * sizeof *pick);
    if (!hb_all_ok(g, p2 != NULL)) goto done;
    pick = p2;
    np = 0;
    hb_per_user_pick(rv, nr, ss->frac, pick, &np);
    if (hb_gather_all(g, pick, np, sizeof *pick, &all, &n_all)) goto done;
    const uint64_t *t = all;
    for (size_t j = 0; j < n_all; j++)
        if (t[j] >= s->row0 && t[j] < s->row0 + n) test[t[j] - s->row0] = 1;
    rc = 0;
done:
    free(shares);
    free(dest);
    free(loc);
    free(far);
    free(pick);
    free(rv);
    free(all);
    return rc;
}

/* hb_split_apply's time split of one share's rows (those not dropped): the latest
 * floor(frac n + 0.5) of the n rows by timestamp, ties to the later rows: the histograms of
 * its radix select summed over the ranks, then the rows at the threshold taken from the last
 * rank's end. test[k] = 1 for them. 0, or -1 out of memory (on every rank). */
static int hb_time_split(const hb_grp *g, const hb_share *s, const uint8_t *dropped, double frac,
                         uint8_t *test) {
    const size_t n = s->t.n;
    uint64_t *hist = malloc(65536 * sizeof *hist);
    if (!hb_all_ok(g, hist != NULL)) {
        free(hist);
        return -1;
    }
    uint64_t kept = 0;
    for (size_t k = 0; k < n; k++) kept += !dropped[k];
    const uint64_t all = hb_sum_u64(g, kept);
    const uint64_t want = (uint64_t)floor(frac * (double)all + 0.5);
    uint64_t prefix = 0, mask = 0, need = want;
    for (int shift = 48; shift >= 0 && need; shift -= 16) {
        memset(hist, 0, 65536 * sizeof *hist);
        for (size_t k = 0; k < n; k++) {
            const uint64_t key = hb_ts_key(s->t.ts[k]);
            if (!dropped[k] && (key & mask) == prefix) hist[(key >> shift) & 0xFFFF]++;
        }
        MPI_Allreduce(MPI_IN_PLACE, hist, 65536, MPI_UINT64_T, MPI_SUM, g->comm);
        hb_radix_step(hist, shift, &need, &prefix, &mask);
    }
    free(hist);
    /* the rows at the threshold: need of them, from the end of the file */
    uint64_t at = 0, before = 0;
    for (size_t k = 0; k < n; k++)
        at += !dropped[k] && hb_ts_key(s->t.ts[k]) == prefix;
    MPI_Exscan(&at, &before, 1, MPI_UINT64_T, MPI_SUM, g->comm);
    if (g->r == 0) before = 0;
    const uint64_t after = hb_sum_u64(g, at) - before - at; /* at the threshold, later ranks */
    uint64_t take = need > after ? need - after : 0;
    for (size_t k = n; want && k-- > 0;) {
        if (dropped[k]) continue;
        const uint64_t key = hb_ts_key(s->t.ts[k]);
        if (key > prefix || (key == prefix && take)) {
            if (key == prefix) take--;
            test[k] = 1;
        }
    }
    return 0;
}

/* Dropped indices below k (drop ascending). */
static size_t hb_below(const uint64_t *drop, size_t n, uint64_t k) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (drop[mid] < k) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Marks the users and items of rows, over every rank (0/1). 0 or -1. */
static int hb_marks(const hb_grp *g, const hb_rating *r, size_t n, uint8_t *mu, uint32_t nu,
                    uint8_t *mi, uint32_t ni) {
    memset(mu, 0, (size_t)nu + 1);
    memset(mi, 0, (size_t)ni + 1);
    for (size_t k = 0; k < n; k++) mu[r[k].u] = mi[r[k].i] = 1;
    MPI_Allreduce(MPI_IN_PLACE, mu, (int)nu, MPI_UNSIGNED_CHAR, MPI_MAX, g->comm);
    MPI_Allreduce(MPI_IN_PLACE, mi, (int)ni, MPI_UNSIGNED_CHAR, MPI_MAX, g->comm);
    return 0;
}

/* XXH3 of every rank's rows in rank order, train first (hb_dataset_fingerprint's input): the
 * state goes from rank to rank (one binary on every rank: the state's bytes are portable). */
static uint64_t hb_chain_hash(const hb_grp *g, const hb_rating *tr, size_t ntr, const hb_rating *te,
                              size_t nte) {
    XXH3_state_t *s = XXH3_createState();
    if (!s) MPI_Abort(g->comm, 1);
    const int N = g->N, r = g->r;
    /* the state's one pointer is to the default secret, in this process's copy of xxHash */
    XXH3_64bits_reset(s);
    const unsigned char *const secret = s->extSecret;
    /* train: 0 -> 1 -> ... -> N-1 (tag 77); N-1 -> 0 (tag 78); test: 0 -> ... -> N-1 (79) */
    if (r > 0) {
        MPI_Recv(s, (int)sizeof *s, MPI_BYTE, r - 1, 77, g->comm, MPI_STATUS_IGNORE);
        s->extSecret = secret;
    }
    if (ntr) XXH3_64bits_update(s, tr, ntr * sizeof *tr);
    if (N > 1) MPI_Send(s, (int)sizeof *s, MPI_BYTE, (r + 1) % N, r + 1 < N ? 77 : 78, g->comm);
    if (N > 1) {
        MPI_Recv(s, (int)sizeof *s, MPI_BYTE, r ? r - 1 : N - 1, r ? 79 : 78, g->comm,
                 MPI_STATUS_IGNORE);
        s->extSecret = secret;
    }
    if (nte) XXH3_64bits_update(s, te, nte * sizeof *te);
    if (r + 1 < N) MPI_Send(s, (int)sizeof *s, MPI_BYTE, r + 1, 79, g->comm);
    uint64_t x = r == N - 1 ? XXH3_64bits_digest(s) : 0;
    XXH3_freeState(s);
    MPI_Bcast(&x, 1, MPI_UINT64_T, N - 1, g->comm);
    return x;
}

static void hb_share_free(hb_share *sh) {
    hb_parse_part_close(&sh->pp);
    hb_table_free(&sh->t);
    free(sh->drop);
    memset(sh, 0, sizeof *sh);
}

/* The notebook's filtering or cold-test dropping, compact re-indexing, range and fingerprint
 * over every rank's train and test rows (hb_dataset_assemble's, collectively), then each
 * rank's users' rows to it. t: the global id space (its ids and names move into the dataset). */
static hb_status hb_assemble_mpi(const hb_grp *g, hb_table *t, hb_rating *tr, size_t ntr,
                                 hb_rating *te, size_t nte, int notebook_filter, uint64_t seed,
                                 hb_dataset **out, hb_mpi_load_info *info, hb_error *err) {
    *out = NULL;
    hb_status st = HB_ERR_NOMEM;
    const uint32_t nu = t->n_users, ni = t->n_items;
    uint8_t *mu = calloc((size_t)nu + 1, 1), *mi = calloc((size_t)ni + 1, 1);
    uint8_t *cu = calloc((size_t)nu + 1, 1), *ci = calloc((size_t)ni + 1, 1);
    uint32_t *xu = malloc(((size_t)nu + 1) * sizeof *xu), *xi = malloc(((size_t)ni + 1) * sizeof *xi);
    hb_dataset *ds = calloc(1, sizeof *ds);
    int *dest = NULL;
    void *rtr = NULL, *rte = NULL;
    size_t nrtr = 0, nrte = 0;
    uint32_t *owner = NULL;
    if (!hb_all_ok(g, mu && mi && cu && ci && xu && xi && ds)) goto fail;
    ds->n_train_raw = (size_t)hb_sum_u64(g, ntr);
    ds->n_test_raw = (size_t)hb_sum_u64(g, nte);
    ds->notebook_filter = notebook_filter;
    if (notebook_filter) { /* stage 1: train rows whose user and item occur in test */
        hb_marks(g, te, nte, mu, nu, mi, ni);
        ntr = hb_keep_marked(tr, ntr, mu, mi);
        if (hb_sum_u64(g, ntr) == 0) {
            st = hb_fail(err, HB_ERR_PARSE,
                         "no train rating has both its user and its item in the test split");
            goto fail;
        }
    }
    if (hb_sum_u64(g, ntr) == 0) {
        st = hb_fail(err, HB_ERR_PARSE, "the split left no train ratings");
        goto fail;
    }
    hb_marks(g, tr, ntr, mu, nu, mi, ni);
    hb_marks(g, te, nte, cu, nu, ci, ni); /* the test's users and items, for the cold counts */
    const size_t m = hb_keep_marked(te, nte, mu, mi);
    ds->n_test_cold = (size_t)hb_sum_u64(g, nte - m);
    nte = m;
    for (uint32_t u = 0; u < nu; u++) ds->n_cold_users += cu[u] && !mu[u];
    for (uint32_t i = 0; i < ni; i++) ds->n_cold_items += ci[i] && !mi[i];
    if (hb_sum_u64(g, nte) == 0) {
        st = hb_fail(err, HB_ERR_PARSE, "no test rating has both its user and its item in the "
                     "train split (%zu test ratings, all dropped)", ds->n_test_raw);
        goto fail;
    }
    /* dense re-index: users and items of the train split, ascending original id */
    const uint32_t nu2 = hb_reindex(nu, mu, xu, t->user_ids, t->user_names);
    const uint32_t ni2 = hb_reindex(ni, mi, xi, t->item_ids, t->item_names);
    float lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < ntr; k++) {
        tr[k].u = xu[tr[k].u];
        tr[k].i = xi[tr[k].i];
        lo = tr[k].r < lo ? tr[k].r : lo;
        hi = tr[k].r > hi ? tr[k].r : hi;
    }
    for (size_t k = 0; k < nte; k++) te[k] = (hb_rating){xu[te[k].u], xi[te[k].i], te[k].r};
    MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_FLOAT, MPI_MIN, g->comm);
    MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_FLOAT, MPI_MAX, g->comm);
    ds->n_train = (size_t)hb_sum_u64(g, ntr);
    ds->n_test = (size_t)hb_sum_u64(g, nte);
    ds->xxh3 = hb_chain_hash(g, tr, ntr, te, nte);
    info->n_train = ds->n_train;
    info->n_test = ds->n_test;
    info->n_test_cold = ds->n_test_cold;
    /* each rank's users' rows to it, in file order */
    const double tx = hb_now();
    owner = malloc(((size_t)nu2 + 1) * sizeof *owner);
    dest = malloc(((ntr > nte ? ntr : nte) + 1) * sizeof *dest);
    if (!hb_all_ok(g, owner && dest)) goto fail;
    hb_dist_user_ranks(nu2, seed, g->N, owner);
    for (size_t k = 0; k < ntr; k++) dest[k] = (int)owner[tr[k].u];
    if (hb_exchange(g, tr, ntr, sizeof *tr, dest, &rtr, &nrtr)) goto fail;
    for (size_t k = 0; k < nte; k++) dest[k] = (int)owner[te[k].u];
    if (hb_exchange(g, te, nte, sizeof *te, dest, &rte, &nrte)) goto fail;
    free(tr);
    free(te);
    tr = te = NULL;
    info->exchange_seconds = hb_now() - tx;
    ds->train = rtr;
    ds->test = rte;
    ds->n_train = nrtr;
    ds->n_test = nrte;
    rtr = rte = NULL;
    hb_dataset_take_table(ds, t, nu2, ni2, lo, hi);
    st = HB_OK;
    *out = ds;
    ds = NULL;
fail:
    if (st == HB_ERR_NOMEM) hb_fail(err, st, "out of memory while filtering ratings");
    free(mu);
    free(mi);
    free(cu);
    free(ci);
    free(xu);
    free(xi);
    free(ds);
    free(dest);
    free(owner);
    free(rtr);
    free(rte);
    free(tr);
    free(te);
    return st;
}

/* The shares of a plan's files, parsed and put into one id space, duplicates applied (rows
 * kept in t.r with their file index by sh->row0 and sh->drop), then split and assembled. */
static hb_status hb_load_shares(const hb_grp *g, const hb_load_plan *pl, uint64_t seed,
                                hb_dataset **out, hb_mpi_load_info *info, hb_error *err) {
    const int nf = pl->kind == HB_PLAN_PREDEF ? 2 : 1;
    hb_share sh[2];
    memset(sh, 0, sizeof sh);
    hb_status st = HB_OK;
    const double t0 = hb_now();
    /* 1. open each file, find the share, count its lines; the same failure on every rank */
    for (int f = 0; f < nf && st == HB_OK; f++) {
        st = hb_parse_part_open(pl->file[f], &pl->sp, g->r, g->N, &sh[f].pp, err);
        st = hb_agree_status(g, st, err, &info->err_rank);
    }
    /* 2. parse it, its line numbers after the earlier shares' */
    for (int f = 0; f < nf && st == HB_OK; f++) {
        uint64_t nl = sh[f].pp.lines, before = 0;
        MPI_Exscan(&nl, &before, 1, MPI_UINT64_T, MPI_SUM, g->comm);
        sh[f].lines_before = g->r ? (size_t)before : 0;
        st = hb_parse_part_run(&sh[f].pp, &pl->sp, sh[f].lines_before, &sh[f].t, err);
        info->bytes_parsed += (uint64_t)(sh[f].pp.b - sh[f].pp.a);
        info->bytes_total += sh[f].pp.bytes;
        info->rows_parsed += sh[f].t.n;
        st = hb_agree_status(g, st, err, &info->err_rank);
    }
    info->parse_seconds = hb_now() - t0;
    uint64_t n_rows[2] = {0, 0};
    for (int f = 0; f < nf && st == HB_OK; f++) {
        uint64_t n = sh[f].t.n, before = 0;
        MPI_Exscan(&n, &before, 1, MPI_UINT64_T, MPI_SUM, g->comm);
        sh[f].row0 = g->r ? before : 0;
        n_rows[f] = hb_sum_u64(g, n);
        if (n_rows[f] == 0) { /* hb_parse_file's message (the same on every rank) */
            char usage[160];
            hb_spec_describe(&pl->sp, usage, sizeof usage);
            st = hb_fail(err, HB_ERR_PARSE, "%s: no ratings%s, expected lines of %s",
                         pl->file[f], pl->sp.header ? " after the header" : "", usage);
            info->err_rank = 0;
        }
    }
    /* 3. one id space: every rank's ids */
    hb_table t;
    memset(&t, 0, sizeof t);
    const int strings = pl->sp.strings;
    if (st == HB_OK && (hb_ids_union(g, sh, nf, strings, 0, &t.n_users, &t.user_ids, &t.user_names) ||
                        hb_ids_union(g, sh, nf, strings, 1, &t.n_items, &t.item_ids, &t.item_names)))
        st = hb_fail(err, HB_ERR_NOMEM, "out of memory while re-indexing ids");
    /* 4. duplicates within each file */
    for (int f = 0; f < nf && st == HB_OK; f++) {
        uint64_t k1 = 0, k2 = 0;
        st = hb_share_dedupe(g, &sh[f], t.n_users, t.n_items, pl->sp.dups, &k1, &k2);
        if (st == HB_ERR_PARSE) { /* the rank that parsed the second line reports it */
            uint64_t l[3] = {0, 0, 0};
            for (int j = 0; j < 2; j++) {
                const uint64_t k = j ? k2 : k1;
                if (k >= sh[f].row0 && k < sh[f].row0 + sh[f].t.n)
                    l[j] = hb_parse_part_line(&sh[f].pp, sh[f].lines_before, (size_t)(k - sh[f].row0));
            }
            l[2] = k2 >= sh[f].row0 && k2 < sh[f].row0 + sh[f].t.n ? (uint64_t)g->r : 0;
            MPI_Allreduce(MPI_IN_PLACE, l, 3, MPI_UINT64_T, MPI_MAX, g->comm);
            hb_fail(err, HB_ERR_PARSE, "%s:%llu: expected each (user, item) pair once, got a "
                    "duplicate of line %llu (choose a policy with --duplicates first|last)",
                    pl->file[f], (unsigned long long)l[1], (unsigned long long)l[0]);
            info->err_rank = (int)l[2];
        } else if (st != HB_OK) {
            hb_fail(err, st, "%s: out of memory while checking duplicates", pl->file[f]);
        }
        t.n_duplicates += sh[f].n_drop;
    }
    /* 5. the split: the file (predefined), or a hash of the row's index after duplicates */
    hb_rating *tr = NULL, *te = NULL;
    size_t ntr = 0, nte = 0;
    if (st == HB_OK) {
        const size_t cap = sh[0].t.n + sh[1].t.n + 1;
        tr = malloc(cap * sizeof *tr);
        te = malloc(cap * sizeof *te);
        if (!hb_all_ok(g, tr && te)) st = hb_fail(err, HB_ERR_NOMEM, "out of memory while splitting");
    }
    if (st == HB_OK) {
        const hb_split_spec *ss = &pl->ss;
        const uint64_t thr = (uint64_t)ldexp(ss->frac, 64);
        for (int f = 0; f < nf && st == HB_OK; f++) {
            const hb_share *s = &sh[f];
            const size_t n = s->t.n;
            /* the per-user and time splits decide over every rank first: each row dropped as
             * a duplicate or not, its index after the duplicates, test or not */
            const int global = ss->kind == HB_SPLIT_PER_USER || ss->kind == HB_SPLIT_TIME;
            uint8_t *dropped = NULL, *test = NULL;
            uint64_t *post = NULL;
            if (global && !hb_all_ok(g, (dropped = calloc(n + 1, 1)) && (test = calloc(n + 1, 1)) &&
                                            (post = malloc((n + 1) * sizeof *post)))) {
                st = hb_fail(err, HB_ERR_NOMEM, "out of memory while splitting");
            } else if (global) {
                size_t di = hb_below(s->drop, s->n_drop, s->row0);
                for (size_t k = 0; k < n; k++) {
                    const uint64_t idx = s->row0 + k;
                    while (di < s->n_drop && s->drop[di] < idx) di++;
                    dropped[k] = di < s->n_drop && s->drop[di] == idx;
                    post[k] = idx - di;
                }
                if ((ss->kind == HB_SPLIT_PER_USER &&
                     hb_per_user_split(g, s, t.n_users, dropped, post, ss, test)) ||
                    (ss->kind == HB_SPLIT_TIME && hb_time_split(g, s, dropped, ss->frac, test)))
                    st = hb_fail(err, HB_ERR_NOMEM, "out of memory while splitting");
            }
            size_t di = hb_below(s->drop, s->n_drop, s->row0);
            for (size_t k = 0; k < n && st == HB_OK; k++) {
                const uint64_t idx = s->row0 + k;
                while (di < s->n_drop && s->drop[di] < idx) di++;
                if (di < s->n_drop && s->drop[di] == idx) continue; /* a duplicate dropped */
                int in;
                if (ss->kind == HB_SPLIT_PREDEF) {
                    in = f == 1;
                } else if (global) {
                    in = test[k];
                } else {
                    const uint64_t h = hb_hash2(ss->seed, idx - di); /* its index after them */
                    in = ss->kind == HB_SPLIT_RANDOM
                             ? h < thr
                             : (uint32_t)(((unsigned __int128)h * ss->folds) >> 64) == ss->fold - 1;
                }
                if (in) te[nte++] = s->t.r[k];
                else tr[ntr++] = s->t.r[k];
            }
            free(dropped);
            free(test);
            free(post);
        }
        if (st == HB_OK && ss->kind != HB_SPLIT_PREDEF) {
            const uint64_t a = hb_sum_u64(g, ntr), b = hb_sum_u64(g, nte);
            if (a == 0 || b == 0) {
                char sname[48];
                hb_split_name(ss, sname, sizeof sname);
                st = hb_fail(err, HB_ERR_PARSE, "%s: split %s of %llu ratings left %s: expected "
                             "both splits non-empty (a larger fraction or more data)", pl->file[0],
                             sname, (unsigned long long)(a + b),
                             b == 0 ? "no test ratings" : "no train ratings");
                info->err_rank = 0;
            }
        }
    }
    for (int f = 0; f < nf; f++) hb_share_free(&sh[f]);
    if (st == HB_OK) {
        t.has_range = pl->sp.has_range;
        t.r_lo = pl->sp.r_lo;
        t.r_hi = pl->sp.r_hi;
        st = hb_assemble_mpi(g, &t, tr, ntr, te, nte, pl->notebook_filter, seed, out, info, err);
        tr = te = NULL; /* taken over */
        if (st != HB_OK && pl->kind == HB_PLAN_FILE) {
            char m[sizeof err->msg], sname[48];
            snprintf(m, sizeof m, "%s", err ? err->msg : "");
            hb_split_name(&pl->ss, sname, sizeof sname);
            hb_fail(err, st, "%s: split %s: %s", pl->file[0], sname, m);
        }
    }
    free(tr);
    free(te);
    hb_table_free(&t);
    return st;
}

hb_status hb_dataset_load_mpi(const char *path, const hb_load_opts *o, uint64_t seed,
                              MPI_Comm comm, hb_dataset **out, hb_mpi_load_info *info,
                              hb_error *err) {
    *out = NULL;
    memset(info, 0, sizeof *info);
    const double t0 = hb_now();
    hb_grp g = {.comm = comm};
    MPI_Comm_size(comm, &g.N);
    MPI_Comm_rank(comm, &g.r);
    hb_load_plan pl;
    hb_error e2 = {{0}};
    hb_load_plan_make(path, o, &pl, &e2);
    if (pl.kind == HB_PLAN_OTHER) { /* every rank loads the whole dataset, as before */
        const hb_status st = hb_dataset_load(path, o, out, err);
        const char *why = path && strncmp(path, "synthetic", 9) == 0
                              ? "synthetic data, generated on every rank"
                              : "not a ratings file";
        snprintf(info->fallback, sizeof info->fallback, "%s", why);
        if (st == HB_OK) {
            info->n_train = (*out)->n_train;
            info->n_test = (*out)->n_test;
            info->n_test_cold = (*out)->n_test_cold;
            info->bytes_parsed = info->bytes_total = (*out)->source_bytes;
        }
        info->load_seconds = info->parse_seconds = hb_now() - t0;
        return hb_agree_status(&g, st, err, &info->err_rank);
    }
    info->shard = 1;
    hb_status st = hb_load_shares(&g, &pl, seed, out, info, err);
    /* every failure above is every rank's (agreed where it happened) */
    if (st != HB_OK) {
        hb_dataset_free(out);
        return st;
    }
    hb_dataset *ds = *out;
    snprintf(ds->name, sizeof ds->name, "%s", pl.name);
    snprintf(ds->split, sizeof ds->split, "%s", pl.split);
    ds->source_bytes = info->bytes_parsed;
    info->load_seconds = ds->load_seconds = hb_now() - t0;
    info->agree_seconds = info->load_seconds - info->parse_seconds - info->exchange_seconds;
    return HB_OK;
}

hb_status hb_model_create_mpi(const hb_train_params *p, const hb_dataset *shard, MPI_Comm comm,
                              hb_model **out, hb_error *err) {
    /* the sums hb_model_create takes over the train ratings, over every rank's */
    double v[3] = {0, (double)shard->n_train, 0};
    const float span = shard->r_max - shard->r_min;
    for (size_t k = 0; k < shard->n_train; k++) {
        v[0] += shard->train[k].r;
        if (hb_model_is_binary(p->model)) v[2] += hb_binary_label(shard->train[k].r, shard->r_min, span);
    }
    MPI_Allreduce(MPI_IN_PLACE, v, 3, MPI_DOUBLE, MPI_SUM, comm);
    hb_dataset view = *shard;
    view.n_train = 0; /* hb_model_create then applies nothing that depends on the ratings */
    hb_status st = hb_model_create(p, &view, out, err);
    if (st != HB_OK) return st;
    hb_model *m = *out;
    const size_t n = (size_t)v[1], nu = m->n_users, ni = m->n_items, ld = m->ld;
    const int mlp = hb_model_is_mlp(p->model);
    /* what hb_model_create (src/model.c) does with the train mean and positive rate */
    const double mean = n ? v[0] / (double)n : 0.0;
    if (p->init_offset && n && !mlp) {
        const float c = (float)sqrt(fabs(mean));
        if (p->init_offset == 1) {
            for (size_t u = 0; u < nu; u++) m->P[u * ld] += c;
            for (size_t i = 0; i < ni; i++) m->Q[i * ld] += c;
        } else if (p->dim >= 2) {
            for (size_t u = 0; u < nu; u++) m->P[u * ld] = 1.0f, m->P[u * ld + 1] = 0.0f;
            for (size_t i = 0; i < ni; i++) m->Q[i * ld] = 0.0f, m->Q[i * ld + 1] = 1.0f;
        }
    }
    if (p->init_offset == 1 && mlp && !hb_model_is_binary(p->model) && n)
        m->L[m->n_layers - 1].b[0] = (float)mean;
    if (p->global_mean && m->bu && !hb_model_is_binary(p->model)) m->mu = (float)mean;
    if (hb_model_is_binary(p->model) && n) {
        const double pos = (v[2] + 0.5) / ((double)n + 1.0);
        m->cold_z = (float)log(pos / (1 - pos));
    } else {
        m->cold_z = (float)mean;
    }
    return HB_OK;
}
