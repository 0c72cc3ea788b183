/* csv_test.h: the tests' own CSV reader (RFC 4180 quotes), independent of the code under test:
 * whole files into rows of strings, columns by header name, line counts. */
#ifndef HB_TEST_CSV_H
#define HB_TEST_CSV_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_MAX_ROWS 100000

typedef struct {
    int ncols, nrows, bad_rows; /* bad: a field count unlike the header's, or no '\n' */
    char **head;
    char ***rows;
} csv_t;

static inline int split(const char *line, char **f, int cap) {
    int n = 0;
    const char *s = line;
    char buf[4096];
    for (;;) {
        size_t w = 0;
        if (*s == '"') {
            for (s++; *s; s++) {
                if (*s == '"' && s[1] == '"') buf[w++] = *s++;
                else if (*s == '"') {
                    s++;
                    break;
                } else buf[w++] = *s;
            }
        } else {
            while (*s && *s != ',' && *s != '\n') buf[w++] = *s++;
        }
        buf[w] = '\0';
        if (n < cap) f[n] = strdup(buf);
        n++;
        if (*s != ',') break;
        s++;
    }
    return n;
}

static inline csv_t csv_read(const char *path) {
    csv_t c = {0};
    FILE *f = fopen(path, "r");
    if (!f) return c;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    c.head = calloc(256, sizeof *c.head);
    c.rows = calloc(CSV_MAX_ROWS, sizeof *c.rows);
    for (int no = 0; (len = getline(&line, &cap, f)) > 0; no++) {
        char **fl = calloc(256, sizeof *fl);
        const int n = split(line, fl, 256);
        if (no == 0) {
            memcpy(c.head, fl, sizeof *fl * 256);
            c.ncols = n;
            free(fl);
            continue;
        }
        if (n != c.ncols || line[len - 1] != '\n') c.bad_rows++;
        if (c.nrows < CSV_MAX_ROWS) c.rows[c.nrows++] = fl;
    }
    free(line);
    fclose(f);
    return c;
}

static inline int col(const csv_t *c, const char *name) {
    for (int k = 0; k < c->ncols; k++)
        if (strcmp(c->head[k], name) == 0) return k;
    cr_assert_fail("column %s missing", name);
    return -1;
}

static inline const char *cell(const csv_t *c, int row, const char *name) {
    return c->rows[row][col(c, name)];
}

static inline int count_lines(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int n = 0, ch;
    while ((ch = fgetc(f)) != EOF) n += ch == '\n';
    fclose(f);
    return n;
}

#endif
