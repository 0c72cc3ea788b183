/* synth.h: synthetic ratings as a table (src/synth.c). */
#ifndef HB_SYNTH_H
#define HB_SYNTH_H

#include "table.h"

/* Every synthetic rating (unsplit, grouped by user) as a table; ts: seeded timestamps. */
hb_status hb_synth_table(const hb_synth_params *p, int want_ts, int threads, hb_table *t,
                         hb_error *err);

#endif
