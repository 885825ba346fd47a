/* rv_std_c_internal.h — the operator definitions the rv_std_c library lists. */
#ifndef RV_STD_C_INTERNAL_H
#define RV_STD_C_INTERNAL_H
#include "rv_std_c.h"

extern const rv_operator_def rv_std_mask;
extern const rv_operator_def rv_std_filter;
extern const rv_operator_def rv_std_scale;
extern const rv_operator_def rv_std_running_total;
extern const rv_aggregate_def rv_std_spread;
extern const rv_function_def rv_std_dmy_time;

#endif
