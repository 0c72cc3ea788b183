/* data.c: the loaders' entry points: MovieLens folders and files, generic delimited files,
 * synthetic specs; options, format detection, the cache, the legacy ML-100K API. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "assemble.h"
#include "data.h"
#include "cache.h"
#include "idmap.h"
#include "parse.h"
#include "split.h"
#include "synth.h"

void hb_dataset_free(hb_dataset **ds) {
    if (!ds || !*ds) return;
    free((*ds)->train);
    free((*ds)->test);
    free((*ds)->test_cold);
    free((*ds)->user_ids);
    free((*ds)->item_ids);
    free((*ds)->user_names);
    free((*ds)->item_names);
    free(*ds);
    *ds = NULL;
}

/* ------------------------------------------------------------------ raw ratings */

static int hb_cmp_i64(const void *a, const void *b) {
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Dense ids (ascending original id) for one column of both arrays. */
static int hb_raw_ids(const hb_raw_rating *a, size_t na, const hb_raw_rating *b, size_t nb,
                      int col, hb_idmap *m, uint32_t **rank, int64_t **ids, uint32_t *n) {
    if (hb_idmap_init(m, 0, 1024)) return -1;
    for (size_t k = 0; k < na + nb; k++) {
        const hb_raw_rating *r = k < na ? &a[k] : &b[k - na];
        if (hb_idmap_int(m, col ? r->i : r->u) == HB_ID_NONE) return -1;
    }
    *n = m->n;
    *ids = malloc(((size_t)m->n + 1) * sizeof **ids);
    *rank = malloc(((size_t)m->n + 1) * sizeof **rank);
    if (!*ids || !*rank) return -1;
    memcpy(*ids, m->keys, (size_t)m->n * sizeof **ids);
    qsort(*ids, m->n, sizeof **ids, hb_cmp_i64);
    for (uint32_t k = 0; k < m->n; k++) (*rank)[hb_idmap_find_int(m, (*ids)[k])] = k;
    return 0;
}

hb_status hb_dataset_from_raw(const hb_raw_rating *train, size_t n_train,
                              const hb_raw_rating *test, size_t n_test, hb_dataset **out,
                              hb_error *err) {
    *out = NULL;
    hb_table t;
    memset(&t, 0, sizeof t);
    hb_idmap mu, mi;
    memset(&mu, 0, sizeof mu);
    memset(&mi, 0, sizeof mi);
    uint32_t *ru = NULL, *ri = NULL;
    hb_rating *tr = malloc((n_train ? n_train : 1) * sizeof *tr);
    hb_rating *te = malloc((n_test ? n_test : 1) * sizeof *te);
    hb_status st = HB_ERR_NOMEM;
    if (!tr || !te || hb_raw_ids(train, n_train, test, n_test, 0, &mu, &ru, &t.user_ids, &t.n_users) ||
        hb_raw_ids(train, n_train, test, n_test, 1, &mi, &ri, &t.item_ids, &t.n_items)) {
        hb_fail(err, st, "out of memory while filtering ratings");
        free(tr);
        free(te);
        goto done;
    }
    for (size_t k = 0; k < n_train; k++)
        tr[k] = (hb_rating){ru[hb_idmap_find_int(&mu, train[k].u)],
                            ri[hb_idmap_find_int(&mi, train[k].i)], train[k].r};
    for (size_t k = 0; k < n_test; k++)
        te[k] = (hb_rating){ru[hb_idmap_find_int(&mu, test[k].u)],
                            ri[hb_idmap_find_int(&mi, test[k].i)], test[k].r};
    st = hb_dataset_assemble(&t, tr, n_train, te, n_test, 1, out, err);
done:
    hb_idmap_free(&mu);
    hb_idmap_free(&mi);
    free(ru);
    free(ri);
    hb_table_free(&t);
    return st;
}

/* ------------------------------------------------------------------ options */

hb_load_opts hb_load_opts_default(void) {
    hb_load_opts o;
    memset(&o, 0, sizeof o);
    o.format = HB_FORMAT_AUTO;
    o.header = -1;
    o.ids = HB_IDS_INT;
    o.seed = 42;
    o.notebook_filter = -1;
    o.duplicates = HB_DUP_ERROR;
    o.cache = 1;
    o.cache_min_bytes = (uint64_t)16 << 20;
    return o;
}

static int hb_pick(const char *v, const char *const *names, int n) {
    for (int k = 0; k < n; k++)
        if (strcmp(v, names[k]) == 0) return k;
    return -1;
}

hb_status hb_load_opts_set(hb_load_opts *o, const char *key, const char *v, hb_error *err) {
    if (!key || !v) return hb_fail(err, HB_ERR_ARG, "loader option: missing name or value");
    static const char *const yn[] = {"no", "yes", "auto"};
    int k;
    if (strcmp(key, "format") == 0) {
        static const char *const f[] = {"auto", "csv", "tsv", "dat"};
        if ((k = hb_pick(v, f, 4)) < 0)
            return hb_fail(err, HB_ERR_ARG, "--format '%s': expected csv, tsv, dat or auto", v);
        o->format = (hb_format)k;
    } else if (strcmp(key, "columns") == 0) {
        hb_parse_spec sp;
        hb_status st = hb_columns_parse(v, &sp, err);
        if (st != HB_OK) return st;
        if (strlen(v) >= sizeof o->columns)
            return hb_fail(err, HB_ERR_ARG, "--columns '%.80s': too long", v);
        snprintf(o->columns, sizeof o->columns, "%s", v);
    } else if (strcmp(key, "header") == 0) {
        if ((k = hb_pick(v, yn, 3)) < 0)
            return hb_fail(err, HB_ERR_ARG, "--header '%s': expected yes, no or auto", v);
        o->header = k == 2 ? -1 : k;
    } else if (strcmp(key, "ids") == 0) {
        static const char *const f[] = {"int", "string"};
        if ((k = hb_pick(v, f, 2)) < 0)
            return hb_fail(err, HB_ERR_ARG, "--ids '%s': expected int or string", v);
        o->ids = (hb_id_kind)k;
    } else if (strcmp(key, "rating-range") == 0) {
        char *e, *e2;
        errno = 0;
        const double lo = strtod(v, &e);
        const double hi = *e == ':' ? strtod(e + 1, &e2) : NAN;
        if (*e != ':' || *e2 || errno || !isfinite(lo) || !isfinite(hi) || !(lo < hi) ||
            fabs(lo) > 3e38 || fabs(hi) > 3e38 || e == v || e2 == e + 1)
            return hb_fail(err, HB_ERR_ARG, "--rating-range '%s': expected LO:HI with LO < HI, "
                           "e.g. 0.5:5", v);
        o->has_range = 1;
        o->r_lo = (float)lo;
        o->r_hi = (float)hi;
    } else if (strcmp(key, "duplicates") == 0) {
        static const char *const f[] = {"error", "first", "last"};
        if ((k = hb_pick(v, f, 3)) < 0)
            return hb_fail(err, HB_ERR_ARG, "--duplicates '%s': expected error, first or last", v);
        o->duplicates = (hb_dup_policy)k;
    } else if (strcmp(key, "split") == 0) {
        hb_split_spec sp;
        hb_status st = hb_split_parse(v, &sp, err);
        if (st != HB_OK) return st;
        if (strlen(v) >= sizeof o->split) return hb_fail(err, HB_ERR_ARG, "--split '%.80s': too long", v);
        snprintf(o->split, sizeof o->split, "%s", v);
    } else if (strcmp(key, "seed") == 0) {
        char *e;
        errno = 0;
        const unsigned long long s = strtoull(v, &e, 10);
        if (!*v || *e || errno || v[0] == '-')
            return hb_fail(err, HB_ERR_ARG, "--seed '%s': expected a non-negative integer", v);
        o->seed = s;
    } else if (strcmp(key, "seed-filter") == 0) {
        if ((k = hb_pick(v, yn, 3)) < 0)
            return hb_fail(err, HB_ERR_ARG, "--seed-filter '%s': expected yes, no or auto", v);
        o->notebook_filter = k == 2 ? -1 : k;
    } else if (strcmp(key, "cache") == 0) {
        if ((k = hb_pick(v, yn, 2)) < 0)
            return hb_fail(err, HB_ERR_ARG, "--cache '%s': expected yes or no", v);
        o->cache = k;
    } else if (strcmp(key, "threads") == 0) {
        char *e;
        errno = 0;
        const long t = strtol(v, &e, 10);
        if (!*v || *e || errno || t < 0 || t > 1024)
            return hb_fail(err, HB_ERR_ARG, "--threads '%s': expected 0..1024", v);
        o->threads = (int)t;
    } else {
        return hb_fail(err, HB_ERR_ARG, "unknown loader option '%s' (expected format, columns, "
                       "header, ids, rating-range, duplicates, split, seed, seed-filter, cache, "
                       "threads)", key);
    }
    return HB_OK;
}

/* ------------------------------------------------------------------ format detection */

static int hb_ends_with(const char *s, const char *suf) {
    const size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The ratings files a MovieLens folder holds (one per release), in the order they are looked
 * for, with their format and whether their first line is a header. */
static const struct {
    const char *file;
    hb_format f;
    int header;
} hb_known_files[] = {{"u.data", HB_FORMAT_TSV, 0},
                      {"ratings.dat", HB_FORMAT_DAT, 0},
                      {"ratings.csv", HB_FORMAT_CSV, 1}};

int hb_ratings_file_in(const char *dir, char *file, size_t cap, hb_format *f, int *header) {
    for (size_t k = 0; k < sizeof hb_known_files / sizeof *hb_known_files; k++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", dir, hb_known_files[k].file);
        if (!hb_is_file(p)) continue;
        if (file) snprintf(file, cap, "%s", p);
        if (f) *f = hb_known_files[k].f;
        if (header) *header = hb_known_files[k].header;
        return 1;
    }
    return 0;
}

/* "ml-25m/ratings.csv" from ".../ml-25m/ratings.csv" */
static void hb_short_name(const char *path, char *buf, size_t cap) {
    char tmp[4200]; /* as long as the paths built here */
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/') tmp[--n] = '\0';
    char *last = strrchr(tmp, '/');
    if (!last) {
        snprintf(buf, cap, "%s", tmp);
        return;
    }
    *last = '\0';
    const char *parent = strrchr(tmp, '/');
    parent = parent ? parent + 1 : tmp;
    if (!*parent || strcmp(parent, ".") == 0) snprintf(buf, cap, "%s", last + 1);
    else snprintf(buf, cap, "%s/%s", parent, last + 1);
}

/* The rating scale GroupLens declares for a MovieLens file, known by its name (and, for the
 * generic ratings.dat/ratings.csv, by the release's movies file next to it): ML-100K (u.data,
 * u1..u5/ua/ub.base|test) and ML-1M (ratings.dat beside users.dat) 1..5 whole stars; ML-10M
 * (ratings.dat without users.dat) and ML-20M/25M/32M/latest (ratings.csv) 0.5..5 half stars.
 * Ratings outside it are errors, and it, not the data, sets the binary models' labels. */
static void hb_known_range(const char *path, hb_parse_spec *sp) {
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    char dir[4200], p[4300];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    const size_t bl = strlen(base);
    const char *who = NULL;
    int whole = 1;
    if (strcmp(base, "u.data") == 0 ||
        (bl == 7 && base[0] == 'u' && base[1] && strchr("12345ab", base[1]) &&
         (strcmp(base + 2, ".base") == 0 || strcmp(base + 2, ".test") == 0))) {
        who = "ML-100K's declared range";
    } else if (strcmp(base, "ratings.dat") == 0) {
        snprintf(p, sizeof p, "%s/movies.dat", dir);
        if (hb_is_file(p)) {
            snprintf(p, sizeof p, "%s/users.dat", dir);
            whole = hb_is_file(p);
            who = whole ? "ML-1M's declared range" : "ML-10M's declared range";
        }
    } else if (strcmp(base, "ratings.csv") == 0) {
        snprintf(p, sizeof p, "%s/movies.csv", dir);
        if (hb_is_file(p)) {
            whole = 0;
            who = "the declared range of MovieLens' ratings.csv (ML-20M, 25M, 32M, latest)";
        }
    }
    if (!who) return;
    sp->has_range = 1;
    sp->r_lo = whole ? 1.0f : 0.5f;
    sp->r_hi = 5.0f;
    sp->r_grid = whole ? 1 : 2;
    snprintf(sp->range_src, sizeof sp->range_src, "%s", who);
}

/* Decides delimiter, columns and header for a file from the options, the name and its start. */
static hb_status hb_resolve_spec(const char *path, const hb_load_opts *o, hb_format known,
                                 int known_header, hb_parse_spec *sp, hb_error *err) {
    memset(sp, 0, sizeof *sp);
    hb_format f = o->format != HB_FORMAT_AUTO ? o->format : known;
    const int explicit_fmt = o->format != HB_FORMAT_AUTO || known != HB_FORMAT_AUTO;
    char first[1024] = "";
    if (f == HB_FORMAT_AUTO) {
        if (hb_ends_with(path, ".csv")) f = HB_FORMAT_CSV;
        else if (hb_ends_with(path, ".dat")) f = HB_FORMAT_DAT;
        else if (hb_ends_with(path, ".tsv") || hb_ends_with(path, ".data") ||
                 hb_ends_with(path, ".base") || hb_ends_with(path, ".test"))
            f = HB_FORMAT_TSV;
    }
    if (f == HB_FORMAT_AUTO || (!o->columns[0] && !explicit_fmt) ||
        (o->header < 0 && known_header < 0 && !explicit_fmt)) {
        hb_status st = hb_first_line(path, first, sizeof first, err);
        if (st != HB_OK) return st;
    }
    if (f == HB_FORMAT_AUTO) {
        if (strstr(first, "::")) f = HB_FORMAT_DAT;
        else if (strchr(first, '\t')) f = HB_FORMAT_TSV;
        else if (strchr(first, ',')) f = HB_FORMAT_CSV;
        else {
            char ex[300];
            hb_excerpt(first, strlen(first), 60, ex, sizeof ex);
            return hb_fail(err, HB_ERR_PARSE, "%s:1: expected a delimited ratings file (comma, tab "
                           "or '::'), got \"%s\": pass --format csv|tsv|dat", path, ex);
        }
    }
    if (f == HB_FORMAT_CSV) snprintf(sp->delim, sizeof sp->delim, ",");
    else if (f == HB_FORMAT_TSV) snprintf(sp->delim, sizeof sp->delim, "\t");
    else snprintf(sp->delim, sizeof sp->delim, "::");
    sp->delim_len = strlen(sp->delim);
    /* header: declared, known from the source, or sniffed when nothing was said */
    if (o->header >= 0) sp->header = o->header;
    else if (known_header >= 0) sp->header = known_header;
    else if (!explicit_fmt) {
        int letters = 0;
        const char *d = strstr(first, sp->delim);
        for (const char *q = first; q < (d ? d : first + strlen(first)); q++)
            letters += (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z');
        sp->header = letters > 0 && o->ids != HB_IDS_STRING;
    }
    /* columns: given, or user,item,rating[,timestamp] by the first line's field count */
    if (o->columns[0]) {
        hb_status st = hb_columns_parse(o->columns, sp, err);
        if (st != HB_OK) return st;
    } else {
        int nf = 1;
        for (const char *q = strstr(first, sp->delim); q; q = strstr(q + sp->delim_len, sp->delim)) nf++;
        const char *cols = (!explicit_fmt && nf == 3) ? "user,item,rating" : "user,item,rating,timestamp";
        hb_columns_parse(cols, sp, err);
    }
    sp->strings = o->ids == HB_IDS_STRING;
    sp->has_range = o->has_range;
    sp->r_lo = o->r_lo;
    sp->r_hi = o->r_hi;
    if (!o->has_range) hb_known_range(path, sp); /* --rating-range overrides it */
    sp->dups = o->duplicates;
    sp->threads = o->threads;
    return HB_OK;
}

/* ------------------------------------------------------------------ loading */

/* Parses one file into t (through the cache when enabled and large enough). */
static hb_status hb_load_table(const char *path, const hb_load_opts *o, const hb_parse_spec *sp0,
                               int want_ts, int force_cache, hb_table *t, int *cache_state,
                               uint64_t *src_xxh3, uint64_t *src_bytes, hb_error *err) {
    hb_parse_spec sp = *sp0;
    *cache_state = HB_CACHE_NONE;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    const int ts_col = memchr(sp.col, HB_COL_TIME, (size_t)sp.n_cols) != NULL;
    const int cache = S_ISREG(sb.st_mode) && sb.st_size > 0 &&
                      (force_cache || (o->cache && (uint64_t)sb.st_size >= o->cache_min_bytes));
    if (!cache) {
        sp.keep_ts = want_ts;
        *src_bytes = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
        return hb_parse_file(path, &sp, t, NULL, err);
    }
    uint64_t fx = 0, fsz = 0;
    hb_status st = hb_file_xxh3(path, &fx, &fsz, err);
    if (st != HB_OK) return st;
    *src_xxh3 = fx;
    const uint64_t sh = hb_spec_hash(&sp);
    char cpath[4200];
    hb_cache_path(path, cpath, sizeof cpath);
    hb_error cerr;
    if (!force_cache && hb_cache_read(cpath, fx, fsz, sh, want_ts, t, &cerr) == HB_OK) {
        *cache_state = HB_CACHE_HIT;
        return HB_OK;
    }
    sp.keep_ts = ts_col; /* the cache keeps timestamps for a later time split */
    *src_bytes = fsz;
    st = hb_parse_file(path, &sp, t, NULL, err);
    if (st != HB_OK) return st;
    st = hb_cache_write(cpath, fx, fsz, sh, t, &cerr);
    *cache_state = st == HB_OK ? HB_CACHE_WRITTEN : HB_CACHE_UNWRITABLE;
    if (st != HB_OK && force_cache) {
        hb_table_free(t);
        return hb_fail(err, st, "%s", cerr.msg);
    }
    if (!want_ts) {
        free(t->ts);
        t->ts = NULL;
    }
    return HB_OK;
}

/* ML-100K's predefined split: DIR/SPLIT.base and DIR/SPLIT.test in one id space. */
static hb_status hb_load_predef(const char *dir, const hb_split_spec *ss, const hb_load_opts *o,
                                hb_dataset **out, hb_error *err) {
    char pb[4200], pt[4200];
    snprintf(pb, sizeof pb, "%s/%s.base", dir, ss->predef);
    snprintf(pt, sizeof pt, "%s/%s.test", dir, ss->predef);
    hb_parse_spec sp;
    memset(&sp, 0, sizeof sp);
    hb_load_opts o2 = *o;
    if (o2.format == HB_FORMAT_AUTO) o2.format = HB_FORMAT_TSV;
    hb_status st = hb_resolve_spec(pb, &o2, HB_FORMAT_TSV, 0, &sp, err);
    if (st != HB_OK) return st;
    hb_table a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    st = hb_parse_file(pb, &sp, &a, NULL, err);
    if (st == HB_OK) st = hb_parse_file(pt, &sp, &b, NULL, err);
    if (st == HB_OK) st = hb_table_unify(&a, &b, err);
    if (st == HB_OK) {
        a.has_range = sp.has_range; /* declared (--rating-range, or ML-100K's): the labels' range */
        a.r_lo = sp.r_lo;
        a.r_hi = sp.r_hi;
        a.n_duplicates += b.n_duplicates;
        hb_rating *tr = a.r, *te = b.r;
        a.r = b.r = NULL;
        st = hb_dataset_assemble(&a, tr, a.n, te, b.n, o->notebook_filter != 0, out, err);
    }
    hb_table_free(&a);
    hb_table_free(&b);
    if (st != HB_OK) return st;
    snprintf((*out)->name, sizeof (*out)->name, "ml-100k");
    snprintf((*out)->split, sizeof (*out)->split, "%s", ss->predef);
    return HB_OK;
}

/* Split, filter and assemble a whole table. */
static hb_status hb_finish(hb_table *t, hb_split_spec *ss, int notebook_filter, const char *name,
                           const char *label, hb_dataset **out, hb_error *err) {
    hb_rating *tr = NULL, *te = NULL;
    size_t ntr = 0, nte = 0;
    const size_t n = t->n;
    hb_status st = hb_split_apply(t, ss, &tr, &ntr, &te, &nte, err);
    if (st != HB_OK) return st;
    char sname[48];
    hb_split_name(ss, sname, sizeof sname);
    if (nte == 0 || ntr == 0) {
        free(tr);
        free(te);
        return hb_fail(err, HB_ERR_PARSE, "%s: split %s of %zu ratings left %s: expected both "
                       "splits non-empty (a larger fraction or more data)", label, sname, n,
                       nte == 0 ? "no test ratings" : "no train ratings");
    }
    st = hb_dataset_assemble(t, tr, ntr, te, nte, notebook_filter, out, err);
    if (st != HB_OK) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err ? err->msg : "");
        return hb_fail(err, st, "%s: split %s: %s", label, sname, m);
    }
    snprintf((*out)->name, sizeof (*out)->name, "%s", name);
    snprintf((*out)->split, sizeof (*out)->split, "%.31s", sname);
    return HB_OK;
}

/* Synthetic data: the whole table, then the split (default: random:test_fraction seeded by the
 * generator's seed) and the notebook's filtering unless turned off. */
static hb_status hb_load_synth(const hb_synth_params *p, const hb_split_spec *given,
                               int notebook_filter, int threads, hb_dataset **out, hb_error *err) {
    hb_split_spec ss = {.kind = HB_SPLIT_RANDOM, .frac = p->test_fraction, .seed = p->seed};
    if (given) ss = *given;
    hb_table t;
    hb_status st = hb_synth_table(p, ss.kind == HB_SPLIT_TIME, threads, &t, err);
    if (st != HB_OK) return st;
    char name[160];
    snprintf(name, sizeof name, "synthetic:users=%u,items=%u,ratings=%llu,dim=%u,seed=%llu,zipf=%g",
             p->users, p->items, (unsigned long long)p->ratings, p->dim,
             (unsigned long long)p->seed, p->zipf);
    st = hb_finish(&t, &ss, notebook_filter, name, "synthetic", out, err);
    hb_table_free(&t);
    if (st == HB_OK && !given)
        snprintf((*out)->split, sizeof (*out)->split, "random:%g", p->test_fraction);
    return st;
}

hb_status hb_dataset_synthetic(const hb_synth_params *p, hb_dataset **out, hb_error *err) {
    *out = NULL;
    const double t0 = hb_now();
    hb_status st = hb_load_synth(p, NULL, 1, 0, out, err);
    if (st == HB_OK) (*out)->load_seconds = hb_now() - t0;
    return st;
}

static hb_status hb_load_any(const char *path, const hb_load_opts *o, hb_dataset **out,
                             hb_error *err) {
    hb_split_spec ss;
    memset(&ss, 0, sizeof ss);
    if (o->split[0]) {
        hb_status st = hb_split_parse(o->split, &ss, err);
        if (st != HB_OK) return st;
        if (!ss.has_seed) ss.seed = o->seed;
    }
    /* synthetic */
    if (strncmp(path, "synthetic", 9) == 0 && (path[9] == '\0' || path[9] == ':')) {
        hb_synth_params p;
        hb_status st = hb_synth_parse(path, &p, err);
        if (st != HB_OK) return st;
        if (ss.kind == HB_SPLIT_PREDEF)
            return hb_fail(err, HB_ERR_ARG, "--split %s: ML-100K's predefined splits need its "
                           "folder; synthetic data takes random, kfold, per-user or time", ss.predef);
        return hb_load_synth(&p, o->split[0] ? &ss : NULL, o->notebook_filter != 0, o->threads,
                             out, err);
    }
    struct stat sb;
    if (stat(path, &sb) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char file[4200];
    hb_format known = HB_FORMAT_AUTO;
    int known_header = -1;
    if (S_ISDIR(sb.st_mode)) {
        char p[4200];
        snprintf(p, sizeof p, "%s/u1.base", path);
        const int ml100k = hb_is_file(p);
        if (ml100k && (!o->split[0] || ss.kind == HB_SPLIT_PREDEF)) {
            if (!o->split[0]) snprintf(ss.predef, sizeof ss.predef, "u1");
            ss.kind = HB_SPLIT_PREDEF;
            return hb_load_predef(path, &ss, o, out, err);
        }
        if (ss.kind == HB_SPLIT_PREDEF && !ml100k)
            return hb_fail(err, HB_ERR_ARG, "--split %s: %s has no %s.base (ML-100K's predefined "
                           "splits); use random:F, kfold:N:K, per-user:F or time:F", ss.predef,
                           path, ss.predef);
        if (!hb_ratings_file_in(path, file, sizeof file, &known, &known_header))
            return hb_fail(err, HB_ERR_IO, "%s: expected a MovieLens folder (u1.base..u5.test or "
                           "u.data, ratings.dat, ratings.csv) or a ratings file", path);
    } else {
        if (ss.kind == HB_SPLIT_PREDEF)
            return hb_fail(err, HB_ERR_ARG, "--split %s: ML-100K's predefined splits need its "
                           "folder; a single file takes random:F, kfold:N:K, per-user:F or time:F",
                           ss.predef);
        snprintf(file, sizeof file, "%s", path);
    }
    if (!o->split[0]) {
        ss.kind = HB_SPLIT_RANDOM;
        ss.frac = 0.2;
        ss.seed = o->seed;
    }
    hb_parse_spec sp;
    hb_status st = hb_resolve_spec(file, o, known, known_header, &sp, err);
    if (st != HB_OK) return st;
    const int want_ts = ss.kind == HB_SPLIT_TIME;
    if (want_ts && !memchr(sp.col, HB_COL_TIME, (size_t)sp.n_cols))
        return hb_fail(err, HB_ERR_ARG, "--split time:%g needs a timestamp column: %s is read as "
                       "user,item,rating (see --columns)", ss.frac, file);
    hb_table t;
    int cs = 0;
    uint64_t fx = 0, bytes = 0;
    st = hb_load_table(file, o, &sp, want_ts, 0, &t, &cs, &fx, &bytes, err);
    if (st != HB_OK) return st;
    t.has_range = sp.has_range;
    t.r_lo = sp.r_lo;
    t.r_hi = sp.r_hi;
    char name[160];
    hb_short_name(file, name, sizeof name);
    st = hb_finish(&t, &ss, o->notebook_filter == 1, name, file, out, err);
    hb_table_free(&t);
    if (st != HB_OK) return st;
    (*out)->cache = cs;
    (*out)->source_xxh3 = fx;
    (*out)->source_bytes = bytes;
    return HB_OK;
}

hb_status hb_dataset_load(const char *path, const hb_load_opts *o, hb_dataset **out,
                          hb_error *err) {
    *out = NULL;
    const double t0 = hb_now();
    hb_load_opts d = hb_load_opts_default();
    if (!o) o = &d;
    if (!path || !*path) return hb_fail(err, HB_ERR_ARG, "no data path given");
    hb_status st = hb_load_any(path, o, out, err);
    if (st == HB_OK) (*out)->load_seconds = hb_now() - t0;
    else *out = NULL;
    return st;
}

hb_status hb_dataset_convert(const char *path, const hb_load_opts *o, char *cache_path,
                             size_t cap, hb_error *err) {
    hb_load_opts d = hb_load_opts_default();
    if (!o) o = &d;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char file[4200];
    hb_format known = HB_FORMAT_AUTO;
    int known_header = -1;
    snprintf(file, sizeof file, "%s", path);
    if (S_ISDIR(sb.st_mode)) {
        if (!hb_ratings_file_in(path, file, sizeof file, &known, &known_header))
            return hb_fail(err, HB_ERR_IO, "%s: no ratings.dat, ratings.csv or u.data to convert", path);
    }
    hb_parse_spec sp;
    hb_status st = hb_resolve_spec(file, o, known, known_header, &sp, err);
    if (st != HB_OK) return st;
    hb_table t;
    int cs;
    uint64_t fx = 0, bytes = 0;
    st = hb_load_table(file, o, &sp, 0, 1, &t, &cs, &fx, &bytes, err);
    if (st != HB_OK) return st;
    hb_table_free(&t);
    if (cache_path) hb_cache_path(file, cache_path, cap);
    return HB_OK;
}

/* ------------------------------------------------------------------ plans (MPI shares) */

hb_status hb_load_plan_make(const char *path, const hb_load_opts *o, hb_load_plan *pl,
                            hb_error *err) {
    memset(pl, 0, sizeof *pl);
    hb_load_opts d = hb_load_opts_default();
    if (!o) o = &d;
    if (!path || !*path || (strncmp(path, "synthetic", 9) == 0 && (path[9] == '\0' || path[9] == ':')))
        return HB_OK;
    hb_split_spec ss;
    memset(&ss, 0, sizeof ss);
    if (o->split[0]) {
        if (hb_split_parse(o->split, &ss, err) != HB_OK) return HB_OK; /* its error: the loader's */
        if (!ss.has_seed) ss.seed = o->seed;
    }
    struct stat sb;
    if (stat(path, &sb) != 0) return HB_OK;
    hb_format known = HB_FORMAT_AUTO;
    int known_header = -1;
    char file[4200];
    if (S_ISDIR(sb.st_mode)) { /* as hb_load_any decides */
        char p[4200];
        snprintf(p, sizeof p, "%s/u1.base", path);
        if (hb_is_file(p) && (!o->split[0] || ss.kind == HB_SPLIT_PREDEF)) {
            if (!o->split[0]) snprintf(ss.predef, sizeof ss.predef, "u1");
            snprintf(pl->file[0], sizeof pl->file[0], "%s/%s.base", path, ss.predef);
            snprintf(pl->file[1], sizeof pl->file[1], "%s/%s.test", path, ss.predef);
            hb_load_opts o2 = *o;
            if (o2.format == HB_FORMAT_AUTO) o2.format = HB_FORMAT_TSV;
            if (hb_resolve_spec(pl->file[0], &o2, HB_FORMAT_TSV, 0, &pl->sp, err) != HB_OK)
                return HB_OK;
            pl->kind = HB_PLAN_PREDEF;
            ss.kind = HB_SPLIT_PREDEF;
            pl->ss = ss;
            pl->notebook_filter = o->notebook_filter != 0;
            snprintf(pl->name, sizeof pl->name, "ml-100k");
            snprintf(pl->split, sizeof pl->split, "%s", ss.predef);
            return HB_OK;
        }
        if (ss.kind == HB_SPLIT_PREDEF ||
            !hb_ratings_file_in(path, file, sizeof file, &known, &known_header))
            return HB_OK;
    } else {
        if (ss.kind == HB_SPLIT_PREDEF) return HB_OK;
        snprintf(file, sizeof file, "%s", path);
    }
    if (!o->split[0]) {
        ss.kind = HB_SPLIT_RANDOM;
        ss.frac = 0.2;
        ss.seed = o->seed;
    }
    if (hb_resolve_spec(file, o, known, known_header, &pl->sp, err) != HB_OK) return HB_OK;
    if (ss.kind == HB_SPLIT_TIME) { /* without a timestamp column: the loader's error */
        if (!memchr(pl->sp.col, HB_COL_TIME, (size_t)pl->sp.n_cols)) return HB_OK;
        pl->sp.keep_ts = 1;
    }
    pl->kind = HB_PLAN_FILE;
    pl->ss = ss;
    pl->notebook_filter = o->notebook_filter == 1;
    snprintf(pl->file[0], sizeof pl->file[0], "%s", file);
    hb_short_name(file, pl->name, sizeof pl->name);
    char sname[48];
    hb_split_name(&ss, sname, sizeof sname);
    snprintf(pl->split, sizeof pl->split, "%.31s", sname);
    return HB_OK;
}

/* ------------------------------------------------------------------ the legacy ML-100K API */

hb_status hb_dataset_load_ml100k(const char *dir, const char *split, hb_dataset **out,
                                 hb_error *err) {
    *out = NULL;
    static const char *const ok[] = {"u1", "u2", "u3", "u4", "u5", "ua", "ub"};
    int known = 0;
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) known |= strcmp(split, ok[k]) == 0;
    if (!known)
        return hb_fail(err, HB_ERR_ARG, "split '%s': expected one of u1..u5, ua, ub", split);
    hb_load_opts o = hb_load_opts_default();
    o.format = HB_FORMAT_TSV;
    o.header = 0;
    o.notebook_filter = 1;
    hb_split_spec ss;
    memset(&ss, 0, sizeof ss);
    ss.kind = HB_SPLIT_PREDEF;
    snprintf(ss.predef, sizeof ss.predef, "%s", split);
    const double t0 = hb_now();
    hb_status st = hb_load_predef(dir, &ss, &o, out, err);
    if (st == HB_OK) (*out)->load_seconds = hb_now() - t0;
    return st;
}
