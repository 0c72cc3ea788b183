/* fetch.c: 'hogbench data fetch': GroupLens archives downloaded with curl (or wget), checked
 * against their MD5 and unpacked with unzip (or Python's zipfile). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fetch.h"

extern char **environ;

/* ------------------------------------------------------------------ MD5 (RFC 1321) */

typedef struct {
    uint32_t a, b, c, d;
    uint64_t len;
    unsigned char buf[64];
} hb_md5;

static const uint32_t hb_md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
static const unsigned char hb_md5_r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                           5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                           4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                           6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

static void hb_md5_block(hb_md5 *m, const unsigned char *p) {
    uint32_t w[16];
    for (int k = 0; k < 16; k++)
        w[k] = (uint32_t)p[4 * k] | (uint32_t)p[4 * k + 1] << 8 | (uint32_t)p[4 * k + 2] << 16 |
               (uint32_t)p[4 * k + 3] << 24;
    uint32_t a = m->a, b = m->b, c = m->c, d = m->d;
    for (int k = 0; k < 64; k++) {
        uint32_t f;
        int g;
        if (k < 16) f = (b & c) | (~b & d), g = k;
        else if (k < 32) f = (d & b) | (~d & c), g = (5 * k + 1) & 15;
        else if (k < 48) f = b ^ c ^ d, g = (3 * k + 5) & 15;
        else f = c ^ (b | ~d), g = (7 * k) & 15;
        const uint32_t t = d;
        d = c;
        c = b;
        const uint32_t x = a + f + hb_md5_k[k] + w[g];
        b = b + ((x << hb_md5_r[k]) | (x >> (32 - hb_md5_r[k])));
        a = t;
    }
    m->a += a;
    m->b += b;
    m->c += c;
    m->d += d;
}

static void hb_md5_init(hb_md5 *m) {
    m->a = 0x67452301;
    m->b = 0xefcdab89;
    m->c = 0x98badcfe;
    m->d = 0x10325476;
    m->len = 0;
}

static void hb_md5_update(hb_md5 *m, const unsigned char *p, size_t n) {
    size_t have = (size_t)(m->len & 63);
    m->len += n;
    if (have) {
        const size_t take = 64 - have < n ? 64 - have : n;
        memcpy(m->buf + have, p, take);
        p += take;
        n -= take;
        if (have + take < 64) return;
        hb_md5_block(m, m->buf);
    }
    for (; n >= 64; p += 64, n -= 64) hb_md5_block(m, p);
    memcpy(m->buf, p, n);
}

static void hb_md5_hex(hb_md5 *m, char *hex) {
    const uint64_t bits = m->len * 8;
    static const unsigned char pad[64] = {0x80};
    const size_t have = (size_t)(m->len & 63);
    hb_md5_update(m, pad, have < 56 ? 56 - have : 120 - have);
    unsigned char l[8];
    for (int k = 0; k < 8; k++) l[k] = (unsigned char)(bits >> (8 * k));
    hb_md5_update(m, l, 8);
    const uint32_t v[4] = {m->a, m->b, m->c, m->d};
    for (int k = 0; k < 16; k++) sprintf(hex + 2 * k, "%02x", (v[k / 4] >> (8 * (k % 4))) & 0xff);
    hex[32] = '\0';
}

hb_status hb_md5_file(const char *path, char *hex, hb_error *err) {
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hb_fail(err, HB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char *b = malloc((size_t)1 << 20);
    if (!b) {
        close(fd);
        return hb_fail(err, HB_ERR_NOMEM, "%s: out of memory", path);
    }
    hb_md5 m;
    hb_md5_init(&m);
    hb_status st = HB_OK;
    for (;;) {
        const ssize_t got = read(fd, b, (size_t)1 << 20);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            st = hb_fail(err, HB_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (got == 0) break;
        hb_md5_update(&m, b, (size_t)got);
    }
    free(b);
    close(fd);
    if (st == HB_OK) hb_md5_hex(&m, hex);
    return st;
}

/* ------------------------------------------------------------------ the archives */

static const struct {
    const char *name, *folder, *md5; /* md5 NULL: read GroupLens' .md5 (the archive changes) */
} hb_archives[] = {
    {"ml-100k", "ml-100k", "0e33842e24a9c977be4e0107933c0723"},
    {"ml-1m", "ml-1m", "c4d9eecfca2ab87c1945afe126590906"},
    {"ml-10m", "ml-10M100K", "ce571fd55effeba0271552578f2648bd"},
    {"ml-20m", "ml-20m", "cd245b17a1ae2cc31bb14903e1204af3"},
    {"ml-25m", "ml-25m", "6b51fb2759a8657d3bfcbfc42b592ada"},
    {"ml-latest-small", "ml-latest-small", NULL},
};

#define HB_GROUPLENS "https://files.grouplens.org/datasets/movielens/"

/* Runs argv (no shell) with stdout to /dev/null; returns the exit code, 127 if it cannot run. */
static int hb_spawn(char *const argv[]) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    const int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0) return 127;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return 127;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static const char *hb_curl_why(int rc) {
    switch (rc) {
    case 5: case 6: return "cannot resolve the host: no network (or no DNS)?";
    case 7: return "cannot connect: no network, or the server is down?";
    case 28: return "timed out: no network?";
    case 22: return "the server answered with an HTTP error (wrong URL?)";
    case 35: case 60: return "TLS/certificate failure";
    case 37: return "cannot read the local file";
    default: return "download failed";
    }
}

/* Downloads url to path (curl, else wget). */
static hb_status hb_download(const char *url, const char *path, hb_error *err) {
    char *curl[] = {"curl", "-fsSL", "--connect-timeout", "20", "--retry", "2", "-o",
                    (char *)path, (char *)url, NULL};
    int rc = hb_spawn(curl);
    if (rc == 0) return HB_OK;
    if (rc != 127) {
        unlink(path);
        return hb_fail(err, HB_ERR_IO, "cannot download %s: %s (curl exit %d)", url,
                       hb_curl_why(rc), rc);
    }
    char *wget[] = {"wget", "-q", "--timeout=20", "--tries=2", "-O", (char *)path, (char *)url, NULL};
    rc = hb_spawn(wget);
    if (rc == 0) return HB_OK;
    unlink(path);
    if (rc == 127)
        return hb_fail(err, HB_ERR_UNSUPPORTED, "cannot download %s: neither curl nor wget is "
                       "installed", url);
    return hb_fail(err, HB_ERR_IO, "cannot download %s: %s (wget exit %d)", url,
                   rc == 4 ? "network failure: no network?" : rc == 8 ? "the server answered with "
                   "an error (wrong URL?)" : "download failed", rc);
}

static int hb_is_md5(const char *s) {
    if (strlen(s) != 32) return 0;
    for (int k = 0; k < 32; k++)
        if (!((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'f') || (s[k] >= 'A' && s[k] <= 'F')))
            return 0;
    return 1;
}

/* The last 32-hex-digit word of a GroupLens .md5 file ("MD5 (x.zip) = HEX" or "HEX  x.zip"). */
static int hb_md5_from_sidecar(const char *path, char *hex) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        for (char *w = strtok(line, " \t\r\n=()"); w; w = strtok(NULL, " \t\r\n=()"))
            if (hb_is_md5(w)) {
                for (int k = 0; k < 33; k++) hex[k] = (char)(w[k] >= 'A' && w[k] <= 'F' ? w[k] + 32 : w[k]);
                found = 1;
            }
    }
    fclose(f);
    return found ? 0 : -1;
}

static int hb_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Removes path and everything under it (no symbolic link is followed). */
static void hb_rm_tree(const char *path) {
    if (nftw(path, hb_rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) { /* best effort */ }
}

/* Downloads, checks and unpacks archive a into the fresh folder stage (inside dir); on success
 * stage/FOLDER holds the ratings. */
static hb_status hb_fetch_into(int a, const char *name, const char *stage, const char *base_url,
                               const char *md5, hb_error *err) {
    if (!base_url) base_url = getenv("HOGBENCH_FETCH_BASE");
    if (!base_url || !*base_url) base_url = HB_GROUPLENS;
    const size_t bl = strlen(base_url);
    const char *slash = bl && base_url[bl - 1] == '/' ? "" : "/";
    char url[4300], zip[4300], side[4400], want[33], got[33], unpacked[4400];
    snprintf(url, sizeof url, "%s%s%s.zip", base_url, slash, name);
    snprintf(zip, sizeof zip, "%s/%s.zip", stage, name);
    hb_status st;
    if (md5) {
        for (int k = 0; k < 33; k++) want[k] = (char)(md5[k] >= 'A' && md5[k] <= 'F' ? md5[k] + 32 : md5[k]);
    } else if (hb_archives[a].md5) {
        snprintf(want, sizeof want, "%s", hb_archives[a].md5);
    } else {
        char surl[4400];
        snprintf(surl, sizeof surl, "%s.md5", url);
        snprintf(side, sizeof side, "%s.md5", zip);
        st = hb_download(surl, side, err);
        if (st != HB_OK) return st;
        if (hb_md5_from_sidecar(side, want))
            return hb_fail(err, HB_ERR_PARSE, "%s: expected an MD5 checksum, found none", surl);
    }
    st = hb_download(url, zip, err);
    if (st != HB_OK) return st;
    st = hb_md5_file(zip, got, err);
    if (st != HB_OK) return st;
    if (strcmp(got, want) != 0)
        return hb_fail(err, HB_ERR_PARSE, "%s: MD5 %s, expected %s (a corrupt download, or the "
                       "archive changed; --md5 HEX accepts another)", url, got, want);
    char *unz[] = {"unzip", "-q", "-o", zip, "-d", (char *)stage, NULL};
    int rc = hb_spawn(unz);
    if (rc == 127) {
        char *py[] = {"python3", "-m", "zipfile", "-e", zip, (char *)stage, NULL};
        rc = hb_spawn(py);
        if (rc == 127)
            return hb_fail(err, HB_ERR_UNSUPPORTED, "%s: cannot unpack: install unzip (or python3)",
                           url);
    }
    if (rc != 0) return hb_fail(err, HB_ERR_IO, "%s: unpacking failed (exit %d)", url, rc);
    snprintf(unpacked, sizeof unpacked, "%s/%s", stage, hb_archives[a].folder);
    if (!hb_ratings_file_in(unpacked, NULL, 0, NULL, NULL))
        return hb_fail(err, HB_ERR_PARSE, "%s: unpacked, but it holds no %s/ with u.data, "
                       "ratings.dat or ratings.csv", url, hb_archives[a].folder);
    return HB_OK;
}

hb_status hb_fetch(const char *name, const char *dir, const char *base_url, const char *md5,
                   char *unpacked, size_t cap, hb_error *err) {
    int a = -1;
    for (size_t k = 0; k < sizeof hb_archives / sizeof *hb_archives; k++)
        if (strcmp(name, hb_archives[k].name) == 0) a = (int)k;
    if (a < 0)
        return hb_fail(err, HB_ERR_ARG, "data fetch '%s': expected ml-100k, ml-1m, ml-10m, ml-20m, "
                       "ml-25m or ml-latest-small", name);
    if (md5 && !hb_is_md5(md5))
        return hb_fail(err, HB_ERR_ARG, "--md5 '%s': expected 32 hexadecimal digits", md5);
    snprintf(unpacked, cap, "%s/%s", dir, hb_archives[a].folder);
    if (hb_ratings_file_in(unpacked, NULL, 0, NULL, NULL)) return HB_OK; /* already there */
    /* Everything is made in a fresh folder, moved into place only when complete: a failure
     * leaves nothing this call created (not DIR either, when it made it). */
    struct stat sb;
    int made_dir = 0;
    if (stat(dir, &sb) != 0) {
        if (mkdir(dir, 0755) != 0)
            return hb_fail(err, HB_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
        made_dir = 1;
    } else if (!S_ISDIR(sb.st_mode)) {
        return hb_fail(err, HB_ERR_IO, "%s: not a directory", dir);
    }
    char stage[4300], from[4400];
    snprintf(stage, sizeof stage, "%s/.%s.fetch-XXXXXX", dir, name);
    hb_status st = HB_OK;
    if (!mkdtemp(stage)) {
        st = hb_fail(err, HB_ERR_IO, "%s: cannot create a folder in it: %s", dir, strerror(errno));
        stage[0] = '\0';
    }
    if (st == HB_OK) st = hb_fetch_into(a, name, stage, base_url, md5, err);
    if (st == HB_OK) {
        snprintf(from, sizeof from, "%s/%s", stage, hb_archives[a].folder);
        if (rename(from, unpacked) != 0) /* an existing non-empty folder without ratings */
            st = hb_fail(err, HB_ERR_IO, "%s: cannot put the unpacked archive there: %s (move "
                         "it away or pick another --dir)", unpacked, strerror(errno));
    }
    if (stage[0]) hb_rm_tree(stage);
    if (st != HB_OK && made_dir) rmdir(dir);
    return st;
}
