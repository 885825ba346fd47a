/* rv_std_c.h — the standard C operators shipped with Rivulet (mask, filter, scale). */
#ifndef RV_STD_C_H
#define RV_STD_C_H
#include "rivulet.h"

/* The library's entry: lists the operators `mask`, `filter` and `scale`. */
RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void);

#endif
