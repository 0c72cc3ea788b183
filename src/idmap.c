/* idmap.c: the xxHash-keyed open-addressing table that turns original ids into dense ones. */
#define XXH_INLINE_ALL
#include <string.h>
#include <xxhash.h>

#include "idmap.h"

static inline uint64_t hb_key_hash_int(int64_t k) { return XXH3_64bits(&k, sizeof k); }

int hb_idmap_init(hb_idmap *m, int strings, size_t expect) {
    memset(m, 0, sizeof *m);
    m->strings = strings;
    size_t cap = 64;
    while (cap < 2 * expect) cap <<= 1;
    m->cap = cap;
    m->slot = calloc(cap, sizeof *m->slot);
    m->keys_cap = cap / 2;
    if (strings) {
        m->off = malloc((m->keys_cap + 1) * sizeof *m->off);
        m->arena_cap = 4096;
        m->arena = malloc(m->arena_cap);
        if (m->off) m->off[0] = 0;
    } else {
        m->keys = malloc(m->keys_cap * sizeof *m->keys);
    }
    if (!m->slot || (strings ? !m->off || !m->arena : !m->keys)) {
        hb_idmap_free(m);
        return -1;
    }
    return 0;
}

void hb_idmap_free(hb_idmap *m) {
    free(m->slot);
    free(m->keys);
    free(m->off);
    free(m->arena);
    memset(m, 0, sizeof *m);
}

/* Doubles the slot array (and the key array): called when the next insert would pass 1/2. */
static int hb_idmap_grow(hb_idmap *m) {
    const size_t cap = m->cap * 2;
    struct hb_idmap_slot *ns = calloc(cap, sizeof *ns);
    if (!ns) return -1;
    for (size_t s = 0; s < m->cap; s++) {
        if (!m->slot[s].id) continue;
        const uint64_t h = m->strings ? m->slot[s].key >> 7 : hb_key_hash_int((int64_t)m->slot[s].key);
        size_t t = (size_t)h & (cap - 1);
        while (ns[t].id) t = (t + 1) & (cap - 1);
        ns[t] = m->slot[s];
    }
    const size_t kc = cap / 2;
    if (m->strings) {
        uint64_t *o = realloc(m->off, (kc + 1) * sizeof *o);
        if (!o) {
            free(ns);
            return -1;
        }
        m->off = o;
    } else {
        int64_t *k = realloc(m->keys, kc * sizeof *k);
        if (!k) {
            free(ns);
            return -1;
        }
        m->keys = k;
    }
    free(m->slot);
    m->slot = ns;
    m->cap = cap;
    m->keys_cap = kc;
    return 0;
}

uint32_t hb_idmap_int(hb_idmap *m, int64_t key) {
    size_t s = (size_t)hb_key_hash_int(key) & (m->cap - 1);
    for (;;) {
        const uint32_t id = m->slot[s].id;
        if (!id) break;
        if ((int64_t)m->slot[s].key == key) return id - 1;
        s = (s + 1) & (m->cap - 1);
    }
    if (m->n >= HB_ID_NONE - 1) return HB_ID_NONE;
    if ((size_t)m->n + 1 > m->cap / 2) {
        if (hb_idmap_grow(m)) return HB_ID_NONE;
        s = (size_t)hb_key_hash_int(key) & (m->cap - 1);
        while (m->slot[s].id) s = (s + 1) & (m->cap - 1);
    }
    const uint32_t id = m->n++;
    m->slot[s].id = id + 1;
    m->slot[s].key = (uint64_t)key;
    m->keys[id] = key;
    return id;
}

uint32_t hb_idmap_find_int(const hb_idmap *m, int64_t key) {
    size_t s = (size_t)hb_key_hash_int(key) & (m->cap - 1);
    for (;;) {
        const uint32_t id = m->slot[s].id;
        if (!id) return HB_ID_NONE;
        if ((int64_t)m->slot[s].key == key) return id - 1;
        s = (s + 1) & (m->cap - 1);
    }
}

uint32_t hb_idmap_str(hb_idmap *m, const char *str, size_t len) {
    const uint64_t h = XXH3_64bits(str, len);
    size_t s = (size_t)(h >> 7) & (m->cap - 1);
    for (;;) {
        const uint32_t id = m->slot[s].id;
        if (!id) break;
        if (m->slot[s].key == h) {
            size_t l;
            const char *k = hb_idmap_name(m, id - 1, &l);
            if (l == len && memcmp(k, str, len) == 0) return id - 1;
        }
        s = (s + 1) & (m->cap - 1);
    }
    if (m->n >= HB_ID_NONE - 1) return HB_ID_NONE;
    if ((size_t)m->n + 1 > m->cap / 2) {
        if (hb_idmap_grow(m)) return HB_ID_NONE;
        s = (size_t)(h >> 7) & (m->cap - 1);
        while (m->slot[s].id) s = (s + 1) & (m->cap - 1);
    }
    if (m->arena_len + len > m->arena_cap) {
        size_t c = m->arena_cap * 2;
        while (c < m->arena_len + len) c *= 2;
        char *a = realloc(m->arena, c);
        if (!a) return HB_ID_NONE;
        m->arena = a;
        m->arena_cap = c;
    }
    memcpy(m->arena + m->arena_len, str, len);
    m->arena_len += len;
    const uint32_t id = m->n++;
    m->off[id + 1] = m->arena_len;
    m->slot[s].id = id + 1;
    m->slot[s].key = h;
    return id;
}

char **hb_names_build(const hb_idmap *m, const uint32_t *order, uint32_t n) {
    size_t bytes = 0;
    for (uint32_t k = 0; k < n; k++) {
        size_t l;
        hb_idmap_name(m, order[k], &l);
        bytes += l + 1;
    }
    char **v = malloc(((size_t)n + 1) * sizeof *v + bytes + 1);
    if (!v) return NULL;
    char *p = (char *)(v + n + 1);
    for (uint32_t k = 0; k < n; k++) {
        size_t l;
        const char *s = hb_idmap_name(m, order[k], &l);
        memcpy(p, s, l);
        p[l] = '\0';
        v[k] = p;
        p += l + 1;
    }
    v[n] = NULL;
    return v;
}

char **hb_names_pack(const char *const *src, uint32_t n) {
    size_t bytes = 0;
    for (uint32_t k = 0; k < n; k++) bytes += strlen(src[k]) + 1;
    char **v = malloc(((size_t)n + 1) * sizeof *v + bytes + 1);
    if (!v) return NULL;
    char *p = (char *)(v + n + 1);
    for (uint32_t k = 0; k < n; k++) {
        const size_t l = strlen(src[k]) + 1;
        memcpy(p, src[k], l);
        v[k] = p;
        p += l;
    }
    v[n] = NULL;
    return v;
}

int hb_idmap_int_batch(hb_idmap *m, const int64_t *keys, uint32_t *ids, size_t n) {
    uint64_t h[HB_IDMAP_BATCH];
    if (n > HB_IDMAP_BATCH) return -1;
    for (size_t k = 0; k < n; k++) { /* hash all, touch all: the cache misses overlap */
        h[k] = hb_key_hash_int(keys[k]);
        __builtin_prefetch(&m->slot[h[k] & (m->cap - 1)]);
    }
    for (size_t k = 0; k < n; k++) {
        size_t s = (size_t)h[k] & (m->cap - 1);
        for (;;) {
            const uint32_t id = m->slot[s].id;
            if (!id) break;
            if ((int64_t)m->slot[s].key == keys[k]) {
                ids[k] = id - 1;
                goto next;
            }
            s = (s + 1) & (m->cap - 1);
        }
        if ((ids[k] = hb_idmap_int(m, keys[k])) == HB_ID_NONE) return -1;
    next:;
    }
    return 0;
}
