/* topo.c: packages, NUMA nodes, cores, PUs, caches and memory, from hwloc or sysfs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topo.h"

#ifdef HB_HAVE_HWLOC
#include <hwloc.h>
#endif

static long long hb_meminfo_kib(const char *key) {
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return 0;
    char line[256];
    long long v = 0;
    const size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            v = strtoll(line + kl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static int hb_read_line(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    const int ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (!ok) return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

static void hb_add_cache(hb_topo *t, int level, const char *type, long long kib, int count) {
    for (int k = 0; k < t->ncache; k++)
        if (t->cache[k].level == level && strcmp(t->cache[k].type, type) == 0) {
            t->cache[k].count += count;
            if (kib > t->cache[k].size_kib) t->cache[k].size_kib = kib;
            return;
        }
    if (t->ncache == HB_TOPO_MAX_CACHES) return;
    hb_topo_cache *c = &t->cache[t->ncache++];
    c->level = level;
    snprintf(c->type, sizeof c->type, "%s", type);
    c->size_kib = kib;
    c->count = count;
}

#ifdef HB_HAVE_HWLOC
static int hb_topo_hwloc(hb_topo *t) {
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0) return -1;
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return -1;
    }
    const unsigned v = hwloc_get_api_version();
    snprintf(t->source, sizeof t->source, "hwloc %u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
    t->packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    t->numa_nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    t->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    t->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    const hwloc_obj_t root = hwloc_get_root_obj(topo);
    t->mem_total_kib = (long long)(root->total_memory / 1024);
    static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L1ICACHE,
                                             HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
                                             HWLOC_OBJ_L4CACHE};
    for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
        const int n = hwloc_get_nbobjs_by_type(topo, types[k]);
        for (int j = 0; j < n; j++) {
            const hwloc_obj_t o = hwloc_get_obj_by_type(topo, types[k], (unsigned)j);
            const struct hwloc_cache_attr_s *c = &o->attr->cache;
            hb_add_cache(t, (int)c->depth,
                         c->type == HWLOC_OBJ_CACHE_DATA          ? "data"
                         : c->type == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
                                                                  : "unified",
                         (long long)(c->size / 1024), 1);
        }
    }
    hwloc_topology_destroy(topo);
    return 0;
}
#endif

/* Distinct values of a per-CPU sysfs file over the online CPUs. */
static int hb_sys_distinct(const char *fmt, int ncpu, int pair_with_package) {
    enum { MAX = 4096 };
    static char seen[MAX][104];
    int n = 0;
    for (int c = 0; c < ncpu && c < MAX; c++) {
        char path[160], v[64], key[104];
        snprintf(path, sizeof path, fmt, c);
        if (hb_read_line(path, v, sizeof v) != 0) continue;
        if (pair_with_package) {
            char pk[32] = "";
            snprintf(path, sizeof path,
                     "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
            if (hb_read_line(path, pk, sizeof pk) != 0) pk[0] = '\0';
            snprintf(key, sizeof key, "%s/%s", pk, v);
        } else {
            snprintf(key, sizeof key, "%s", v);
        }
        int dup = 0;
        for (int k = 0; k < n && !dup; k++) dup = strcmp(seen[k], key) == 0;
        if (!dup) snprintf(seen[n++], sizeof seen[0], "%s", key);
    }
    return n;
}

static void hb_topo_sysfs(hb_topo *t) {
    snprintf(t->source, sizeof t->source, "sysfs");
    const long online = sysconf(_SC_NPROCESSORS_ONLN), conf = sysconf(_SC_NPROCESSORS_CONF);
    const int ncpu = (int)(conf > online ? conf : online);
    t->pus = (int)online;
    t->packages =
        hb_sys_distinct("/sys/devices/system/cpu/cpu%d/topology/physical_package_id", ncpu, 0);
    t->cores = hb_sys_distinct("/sys/devices/system/cpu/cpu%d/topology/core_id", ncpu, 1);
    DIR *d = opendir("/sys/devices/system/node");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strncmp(e->d_name, "node", 4) == 0 && e->d_name[4] >= '0' && e->d_name[4] <= '9')
                t->numa_nodes++;
        closedir(d);
    }
    t->mem_total_kib = hb_meminfo_kib("MemTotal");
    for (int idx = 0; idx < 8; idx++) {
        char path[160], lv[16], ty[32], sz[32];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", idx);
        if (hb_read_line(path, lv, sizeof lv) != 0) break;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", idx);
        if (hb_read_line(path, ty, sizeof ty) != 0) ty[0] = '\0';
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", idx);
        if (hb_read_line(path, sz, sizeof sz) != 0) continue;
        long long kib = strtoll(sz, NULL, 10);
        if (strchr(sz, 'M')) kib *= 1024;
        char fmt[96];
        snprintf(fmt, sizeof fmt, "/sys/devices/system/cpu/cpu%%d/cache/index%d/shared_cpu_list",
                 idx);
        const int count = hb_sys_distinct(fmt, ncpu, 0);
        hb_add_cache(t, atoi(lv),
                     strcmp(ty, "Data") == 0          ? "data"
                     : strcmp(ty, "Instruction") == 0 ? "instruction"
                                                      : "unified",
                     kib, count > 0 ? count : 1);
    }
    if (t->packages == 0) t->packages = 1;
    if (t->cores == 0) t->cores = t->pus;
}

void hb_topo_read(hb_topo *t) {
    memset(t, 0, sizeof *t);
#ifdef HB_HAVE_HWLOC
    if (hb_topo_hwloc(t) == 0) {
        /* the kernel's MemTotal: hwloc's NUMA memory can be less under a hypervisor */
        const long long kib = hb_meminfo_kib("MemTotal");
        if (kib > 0) t->mem_total_kib = kib;
        return;
    }
    memset(t, 0, sizeof *t);
#endif
    hb_topo_sysfs(t);
}

long long hb_topo_cache_kib(const hb_topo *t, int level, int total) {
    long long best = 0;
    for (int k = 0; k < t->ncache; k++)
        if (t->cache[k].level == level && strcmp(t->cache[k].type, "instruction") != 0) {
            const long long v =
                total ? t->cache[k].size_kib * t->cache[k].count : t->cache[k].size_kib;
            if (v > best) best = v;
        }
    return best;
}
