/* sgd.c: NEON plain SGD step with L2: w -= lr*(g + reg*w). */
// 2 vectors per step; two FMAs per element (g + reg*w, then w - lr*that): 2 roundings vs scalar's 4.
#include "vec.h"

#define HB_SFX neon
#include "../generic/sgd.inc"
