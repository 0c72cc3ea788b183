/* topo.h: the machine's topology for 'hogbench probe': from hwloc when built with it
 * (Debian libhwloc-dev), else from /sys and /proc. */
#ifndef HB_TOPO_H
#define HB_TOPO_H

#define HB_TOPO_MAX_CACHES 8

typedef struct hb_topo_cache {
    int level;          /* 1, 2, 3, ... */
    char type[16];      /* data, instruction, unified */
    long long size_kib; /* one instance */
    int count;          /* instances in the machine */
} hb_topo_cache;

typedef struct hb_topo {
    char source[48]; /* "hwloc 2.9.0" or "sysfs" */
    int packages, numa_nodes, cores, pus;
    long long mem_total_kib;
    int ncache;
    hb_topo_cache cache[HB_TOPO_MAX_CACHES];
} hb_topo;

/* Fills t; fields it cannot learn stay 0. Never fails. */
void hb_topo_read(hb_topo *t);

/* The size in KiB of the largest cache instance of level (0 when unknown), and the total of
 * that level over the machine. */
long long hb_topo_cache_kib(const hb_topo *t, int level, int total);

#endif
