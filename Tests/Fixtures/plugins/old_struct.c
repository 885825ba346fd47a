/* old_struct.c — a plugin whose descriptor is shorter than the host's (as if built against an older
 * 1.x header without init/fini): the host must read only struct_size bytes and treat the rest as NULL.
 * Written as 1.0/1.1 sources were, with the descriptor field's old name `abi_minor` (now an alias of
 * min_host_minor): it must still compile. */
#include <stddef.h>

#include "fixture_common.h"

static const rv_plugin_descriptor d = {
    .struct_size = offsetof(rv_plugin_descriptor, init), .abi_major = RV_ABI_MAJOR, .abi_minor = 0,
    .name = "old_struct", .version = "0.9", .operators = pass_ops, .operator_count = 1,
    /* garbage the host must not read: */
    .init = (rv_status(*)(const rv_host_api *, rv_context *))1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
