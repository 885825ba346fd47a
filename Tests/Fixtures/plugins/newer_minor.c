/* newer_minor.c — a plugin that needs a host of ABI 1.99 (min_host_minor 99), newer than any: the host must
 * refuse it. */
#include "fixture_common.h"

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = 1, .min_host_minor = 99, .name = "newer_minor",
    .version = "1.0", .operators = pass_ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
