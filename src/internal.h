/* internal.h: helpers shared by src/ (errors, aligned memory, RNG); not part of the API. */
#ifndef HB_INTERNAL_H
#define HB_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hogbench/hogbench.h"
#include "kernels.h"

#define HB_ALIGN 64 /* bytes: one cache line, one AVX-512 vector */
#define HB_PAD 16   /* floats: embedding rows are padded to a multiple of this */

/* Sets err (if non-NULL) from a printf format and returns s. */
hb_status hb_fail(hb_error *err, hb_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 64-byte aligned, zero-filled; NULL on failure or n == 0 overflow. */
void *hb_calloc_aligned(size_t n, size_t size);
void hb_free_aligned(void *p);

static inline size_t hb_round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

/* splitmix64: seeds and hashes integers. */
static inline uint64_t hb_splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Deterministic per-row hash (split decisions, synthetic streams). */
static inline uint64_t hb_hash2(uint64_t seed, uint64_t k) {
    uint64_t s = seed ^ (k * 0xd1b54a32d192ed03ULL);
    return hb_splitmix64(&s);
}

/* xoshiro256**: the generator behind every random draw (seeded through splitmix64). */
typedef struct hb_rng {
    uint64_t s[4];
} hb_rng;

static inline void hb_rng_seed(hb_rng *r, uint64_t seed) {
    for (int i = 0; i < 4; i++) r->s[i] = hb_splitmix64(&seed);
}
static inline uint64_t hb_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t hb_rng_next(hb_rng *r) {
    uint64_t *s = r->s;
    const uint64_t out = hb_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = hb_rotl(s[3], 45);
    return out;
}
/* Uniform in [0, 1) with 53 bits. */
static inline double hb_rng_double(hb_rng *r) { return (hb_rng_next(r) >> 11) * 0x1.0p-53; }
/* Uniform integer in [0, n) (Lemire's multiply-shift; bias < 2^-32 for n < 2^32). */
static inline uint64_t hb_rng_below(hb_rng *r, uint64_t n) {
    return (uint64_t)(((unsigned __int128)hb_rng_next(r) * n) >> 64);
}
double hb_rng_normal(hb_rng *r);

/* libgomp reads OMP_WAIT_POLICY once, when it is loaded, before main. Its default lets idle
 * workers spin at every barrier; on a shared or oversubscribed machine a spinning waiter
 * holds the CPU that the thread it waits for needs: on this project's 2-vCPU VM a 2-thread
 * epoch with 5 barriers took 13-27 ms spinning and 0.56 ms sleeping. So unless the user chose
 * a policy, programs call this first thing in main: it re-executes the program once with
 * OMP_WAIT_POLICY=passive (CSV rows record it in omp_wait_policy). Returns if exec fails. */
void hb_omp_passive_reexec(char **argv);

/* Subnormal floats flushed to zero (x86: MXCSR FTZ + DAZ; AArch64: FPCR.FZ) in the calling
 * thread. Training and evaluation call it at the top of every parallel region: with strong L2
 * an MLP's weights decay into subnormals, and on x86 every operation on one then takes a
 * microcode assist (a 25-epoch run went from seconds to minutes). Values below 1.2e-38 are
 * far below anything a model's output can resolve. */
void hb_fp_flush_subnormals(void);
/* The calling thread's floating-point control (x86: MXCSR; AArch64: FPCR), saved on entry of
 * every public function that runs a parallel region (its master thread runs the region and
 * flushes subnormals there) and restored on its exit, so the caller's mode (rounding, FTZ,
 * DAZ, exception masks) is left as found; exception flags raised meanwhile stay raised. */
typedef struct hb_fpmode {
    uint64_t ctl;
} hb_fpmode;
hb_fpmode hb_fp_save(void);
void hb_fp_restore(hb_fpmode s);

/* Seconds from a monotonic clock. */
double hb_now(void);

/* ---- files a user owns (src/files.c): every open, read and replace goes through these ---- */

/* Longest line any reader of a results, curves or benchmark file accepts (bytes, newline
 * included): a longer one is not hogbench's and is refused, never read into memory. */
#define HB_LINE_MAX ((size_t)1 << 20)

/* Opens path (flags as open(2), O_CLOEXEC added) without ever blocking (O_NONBLOCK: a FIFO
 * fails here instead of hanging) and refuses anything but a regular file: a directory,
 * FIFO, device or socket gives HB_ERR_IO "PATH: is a directory" / "not a regular file (a
 * FIFO...)"; nothing was read or written. *fd is the open descriptor (blocking again) on
 * HB_OK. With O_CREAT a missing file is created; a path that names a symbolic link is
 * followed only when follow is nonzero. */
hb_status hb_file_open(const char *path, int flags, int follow, int *fd, hb_error *err);

/* What an output may be before hogbench writes it: HB_OUT_APPEND (a results/curves CSV:
 * missing, or a regular file, reached through a symbolic link or not), HB_OUT_REPLACE (a file
 * written atomically by rename: missing or a regular file, never a symbolic link, FIFO,
 * device or directory), HB_OUT_DIR (a model folder: missing or a directory). The folder that
 * will hold it must exist and be writable. Called before any work, so that a bad --out fails
 * in a second, not after training. HB_ERR_IO with a message naming flag and path. */
/* Writes p[0..len) to fd whole (retrying short writes and EINTR). 0, or -1 with errno set. */
int hb_write_all(int fd, const void *p, uint64_t len);
/* 1 when path (links followed) is a directory, resp. a regular file; else 0. */
int hb_is_dir(const char *path);
int hb_is_file(const char *path);

/* The MovieLens ratings file in folder dir (src/data.c: u.data, ratings.dat or ratings.csv):
 * 1 with its path in file (if non-NULL), its format and header flag; 0 when there is none. */
int hb_ratings_file_in(const char *dir, char *file, size_t cap, hb_format *f, int *header);

typedef enum hb_out_kind { HB_OUT_APPEND, HB_OUT_REPLACE, HB_OUT_DIR } hb_out_kind;
hb_status hb_out_check(const char *flag, const char *path, hb_out_kind kind, hb_error *err);

/* A regular file replaced in one step: hb_atomic_open checks path (hb_out_check with
 * HB_OUT_REPLACE: never a symbolic link, FIFO, device or directory) and creates a fresh
 * temporary file beside it (mkstemp: never an existing one); write to a->fd; hb_atomic_commit
 * fsyncs, closes and renames it over path; hb_atomic_abort (also after a failed commit, a
 * no-op then) removes it. Until the commit, path is untouched. */
typedef struct hb_atomic {
    int fd;
    char tmp[4200];
    const char *path;
} hb_atomic;
hb_status hb_atomic_open(hb_atomic *a, const char *flag, const char *path, hb_error *err);
hb_status hb_atomic_commit(hb_atomic *a, hb_error *err);
void hb_atomic_abort(hb_atomic *a);

/* Reads lines of at most HB_LINE_MAX bytes from fd into a growing buffer. */
typedef struct hb_line_reader {
    int fd;
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start, end) */
    int eof;
} hb_line_reader;
void hb_line_reader_init(hb_line_reader *r, int fd);
void hb_line_reader_free(hb_line_reader *r);
/* The next line, NUL-terminated in the reader's buffer (valid until the next call), without its
 * newline; *len its length. Returns 1 for a line, 2 for a last line without a newline (a
 * writer killed mid-line), 0 at end of file, -1 for a read error (errno set), -2 for a line
 * of more than HB_LINE_MAX bytes. */
int hb_line_read(hb_line_reader *r, char **line, size_t *len);

#endif
