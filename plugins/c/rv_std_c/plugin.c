/* plugin.c — the entry point of the rv_std_c plugin library. */
#include "rv_std_c_internal.h"

static const rv_operator_def *const operators[] = {&rv_std_mask, &rv_std_filter, &rv_std_scale, &rv_std_running_total};
static const rv_aggregate_def *const aggregates[] = {&rv_std_spread};
static const rv_function_def *const functions[] = {&rv_std_dmy_time};

static const rv_plugin_descriptor descriptor = {
    .struct_size = sizeof(rv_plugin_descriptor),
    .abi_major = RV_ABI_MAJOR,
    .min_host_minor = 0, /* needs a 1.0 host: scale uses the 1.1 slot emit_derived_batch only after RV_HAS */
    .name = "rv_std_c",
    .version = "1.0.0",
    .description = "Standard C operators: mask (card numbers), filter (by field comparison), scale (field * multiply + add), running_total (checkpointed plugin state); aggregate: spread; function: dmy_time",
    .operators = operators,
    .operator_count = sizeof operators / sizeof operators[0],
    .aggregates = aggregates,
    .aggregate_count = sizeof aggregates / sizeof aggregates[0],
    .functions = functions,
    .function_count = sizeof functions / sizeof functions[0],
};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &descriptor; }
