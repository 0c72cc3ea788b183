/* select.h: one Hoare quickselect, stamped per element type and key (split.c, synth.c). */
#ifndef HB_SELECT_H
#define HB_SELECT_H

#include <stddef.h>

/* Defines static void NAME(TYPE *v, size_t n, size_t m): puts the m smallest (by v[].KEY, of
 * type KEYT) of v[0..n) first. The pivot is the lower middle, so Hoare's partition always splits. */
#define HB_DEFINE_SELECT(NAME, TYPE, KEY, KEYT)                                                 \
    static void NAME(TYPE *v, size_t n, size_t m) {                                             \
        size_t lo = 0, hi = n;                                                                  \
        while (hi - lo > 1 && m > lo && m < hi) {                                               \
            const KEYT piv = v[lo + (hi - lo - 1) / 2].KEY;                                     \
            size_t i = lo, j = hi - 1;                                                          \
            for (;;) {                                                                          \
                while (v[i].KEY < piv) i++;                                                     \
                while (v[j].KEY > piv) j--;                                                     \
                if (i >= j) break;                                                              \
                const TYPE x = v[i];                                                            \
                v[i] = v[j];                                                                    \
                v[j] = x;                                                                       \
                i++;                                                                            \
                j--;                                                                            \
            }                                                                                   \
            if (m < j + 1) hi = j + 1;                                                          \
            else lo = j + 1;                                                                    \
        }                                                                                       \
    }

#endif
