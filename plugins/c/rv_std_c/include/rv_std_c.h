/* rv_std_c.h — the standard C plugin shipped with Rivulet: operators mask, filter, scale, running_total;
 * aggregate spread; function dmy_time. */
#ifndef RV_STD_C_H
#define RV_STD_C_H
#include "rivulet.h"

/* The library's entry: lists the operators `mask`, `filter`, `scale` and `running_total`, the aggregate
 * `spread` and the function `dmy_time`. */
RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void);

#endif
