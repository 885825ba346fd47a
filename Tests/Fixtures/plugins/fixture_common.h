/* fixture_common.h — a tiny operator the loader fixtures share: forwards every record unchanged. */
#include "rivulet.h"

static rv_status pass_create(const rv_host_api *api, rv_context *ctx, void **out) {
    (void)api;
    (void)ctx;
    *out = 0;
    return RV_OK;
}

static void pass_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    (void)instance;
}

static rv_status pass_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                              const rv_batch *batch) {
    (void)instance;
    (void)port;
    for (uint64_t i = 0; i < batch->count; i++) {
        rv_status st = api->forward(ctx, 0, batch, i);
        if (st != RV_OK) return st;
    }
    return RV_OK;
}

static const rv_operator_def pass_op = {
    .struct_size = sizeof(rv_operator_def),
    .name = "pass",
    .description = "forwards every record",
    .create = pass_create,
    .destroy = pass_destroy,
    .process = pass_process,
};
static const rv_operator_def *const pass_ops[] = {&pass_op};
