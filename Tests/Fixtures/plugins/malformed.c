/* malformed.c — a descriptor whose operator has no process callback. */
#include "fixture_common.h"

static const rv_operator_def broken = {
    .struct_size = sizeof(rv_operator_def), .name = "broken", .create = pass_create, .destroy = pass_destroy};
static const rv_operator_def *const ops[] = {&broken};

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR, .min_host_minor = RV_ABI_MINOR,
    .name = "malformed", .version = "1.0", .operators = ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
