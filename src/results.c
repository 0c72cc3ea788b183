/* results.c: CSV rows (atomic append under an advisory lock) and machine/build metadata. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "results.h"

void hb_row_add(hb_row *r, const char *key, const char *fmt, ...) {
    if (r->n >= HB_CSV_MAX_COLS) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->val[r->n], sizeof r->val[r->n], fmt, ap);
    va_end(ap);
    r->key[r->n++] = key;
}

/* Appends s to buf as one CSV field (quoted when it holds a comma, quote or newline). */
static size_t hb_csv_field(char *buf, size_t at, size_t cap, const char *s) {
    const int q = strpbrk(s, ",\"\r\n") != NULL;
    if (q && at < cap) buf[at++] = '"';
    for (; *s && at + 2 < cap; s++) {
        if (*s == '"') buf[at++] = '"';
        buf[at++] = (*s == '\n' || *s == '\r') ? ' ' : *s;
    }
    if (q && at < cap) buf[at++] = '"';
    return at;
}

static size_t hb_csv_line(char *buf, size_t cap, const hb_row *r, int header) {
    size_t at = 0;
    for (int c = 0; c < r->n; c++) {
        if (c && at < cap) buf[at++] = ',';
        at = hb_csv_field(buf, at, cap, header ? r->key[c] : r->val[c]);
    }
    if (at < cap) buf[at++] = '\n';
    return at;
}

static int hb_write_all(int fd, const char *b, size_t n) {
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

hb_status hb_csv_append(const char *path, const hb_row *r, hb_error *err) {
    static char line[HB_CSV_MAX_COLS * 300], head[HB_CSV_MAX_COLS * 64], have[HB_CSV_MAX_COLS * 64];
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return hb_fail(err, HB_ERR_IO, "%s: cannot open for append: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX) != 0) {
        close(fd);
        return hb_fail(err, HB_ERR_IO, "%s: cannot lock: %s", path, strerror(errno));
    }
    hb_status st = HB_OK;
    struct stat sb;
    const size_t hn = hb_csv_line(head, sizeof head, r, 1);
    if (fstat(fd, &sb) != 0) {
        st = hb_fail(err, HB_ERR_IO, "%s: %s", path, strerror(errno));
    } else if (sb.st_size == 0) {
        if (hb_write_all(fd, head, hn) != 0)
            st = hb_fail(err, HB_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    } else {
        ssize_t got = pread(fd, have, hn, 0);
        if (got != (ssize_t)hn || memcmp(have, head, hn) != 0)
            st = hb_fail(err, HB_ERR_PARSE, "%s:1: expected hogbench's CSV header (%.*s...); "
                         "write to a new file", path, 60, head);
        else if (sb.st_size > 0) { /* a previous writer killed mid-row left no newline: refuse */
            char last;
            if (pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n')
                st = hb_fail(err, HB_ERR_PARSE, "%s: the last line is incomplete (an interrupted "
                             "write?); fix or move the file", path);
        }
    }
    if (st == HB_OK) {
        const size_t n = hb_csv_line(line, sizeof line, r, 0);
        if (hb_write_all(fd, line, n) != 0 || fsync(fd) != 0)
            st = hb_fail(err, HB_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    }
    flock(fd, LOCK_UN);
    close(fd);
    return st;
}

/* First line of a file that starts with key, value after ':' trimmed. */
static void hb_file_field(const char *path, const char *key, char *out, size_t cap) {
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    char buf[1024];
    const size_t kl = strlen(key);
    while (fgets(buf, sizeof buf, f))
        if (strncmp(buf, key, kl) == 0) {
            char *c = strchr(buf, ':');
            if (!c) continue;
            c++;
            while (*c == ' ' || *c == '\t') c++;
            c[strcspn(c, "\n")] = '\0';
            snprintf(out, cap, "%s", c);
            break;
        }
    fclose(f);
}

static long hb_cache_size(int index) {
    char path[128], buf[64] = "";
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    if (!fgets(buf, sizeof buf, f)) buf[0] = '\0';
    fclose(f);
    long v = strtol(buf, NULL, 10);
    if (strchr(buf, 'M')) v *= 1024;
    return v; /* KiB */
}

void hb_row_add_machine(hb_row *r) {
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    char cpu[256];
    hb_file_field("/proc/cpuinfo", "model name", cpu, sizeof cpu);
    if (!cpu[0]) hb_file_field("/proc/cpuinfo", "CPU part", cpu, sizeof cpu);
    char cores[32];
    hb_file_field("/proc/cpuinfo", "cpu cores", cores, sizeof cores);
    struct utsname u;
    uname(&u);
    char isas[64] = "";
    for (int i = 1; i < HB_ISA_COUNT; i++)
        if (hb_isa_supported((hb_isa)i)) {
            if (isas[0]) strcat(isas, " ");
            strcat(isas, hb_isa_name((hb_isa)i));
        }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *bind = getenv("OMP_PROC_BIND"), *places = getenv("OMP_PLACES");
    hb_row_add(r, "hostname", "%s", host);
    hb_row_add(r, "cpu_model", "%s", cpu[0] ? cpu : "unknown");
    hb_row_add(r, "logical_cpus", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    hb_row_add(r, "physical_cores", "%s", cores[0] ? cores : "");
    hb_row_add(r, "isa_supported", "scalar%s%s", isas[0] ? " " : "", isas);
    hb_row_add(r, "l1d_kib", "%ld", hb_cache_size(0));
    hb_row_add(r, "l2_kib", "%ld", hb_cache_size(2));
    hb_row_add(r, "l3_kib", "%ld", hb_cache_size(3));
    hb_row_add(r, "os_kernel", "%s %s %s", u.sysname, u.release, u.machine);
    hb_row_add(r, "compiler", "%s", HB_COMPILER);
    hb_row_add(r, "build_flags", "%s", HB_BUILD_FLAGS);
    hb_row_add(r, "hogbench_version", "%s", HB_VERSION);
    hb_row_add(r, "git_sha", "%s", HB_GIT_SHA);
    hb_row_add(r, "omp_proc_bind", "%s", bind ? bind : "");
    hb_row_add(r, "omp_places", "%s", places ? places : "");
    hb_row_add(r, "timestamp_utc", "%s", ts);
}
