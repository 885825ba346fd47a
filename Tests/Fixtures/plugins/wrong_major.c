/* wrong_major.c — a plugin built for a future ABI major version 2: the host must refuse it. */
#include "fixture_common.h"

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = 2, .abi_minor = 0, .name = "wrong_major",
    .version = "1.0", .operators = pass_ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
