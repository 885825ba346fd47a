/* init_fails.c — a plugin whose init refuses to start, with its own message. */
#include "fixture_common.h"

static int fini_called = 0;

static rv_status failing_init(const rv_host_api *api, rv_context *ctx) {
    api->report_error(ctx, RV_FATAL, -1, "license key missing: set config 'license'");
    return RV_FATAL;
}

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR, .min_host_minor = RV_ABI_MINOR,
    .name = "init_fails", .version = "1.0", .operators = pass_ops, .operator_count = 1, .init = failing_init};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
RV_EXPORT int init_fails_fini_called(void) { return fini_called; }
