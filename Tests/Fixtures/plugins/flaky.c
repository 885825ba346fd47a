/* flaky.c — `fail_on`: dead-letters (RV_ERROR) records whose field `status` equals config `bad`,
 * stops the run (RV_FATAL) on `fatal`, and checks that every slot of the host table is filled. */
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct {
    int32_t field;
    const char *bad;
    const char *fatal;
    int retries_left; /* config `retry`: how many times records with status `retry_on` get RV_RETRY */
    const char *retry_on;
} flaky_state;

static rv_status flaky_create(const rv_host_api *api, rv_context *ctx, void **out) {
    flaky_state *s = calloc(1, sizeof *s);
    s->field = api->input_field_index(ctx, 0, "status");
    s->bad = api->config_get(ctx, "bad");
    s->fatal = api->config_get(ctx, "fatal");
    s->retries_left = api->config_get(ctx, "retry") ? atoi(api->config_get(ctx, "retry")) : 0;
    s->retry_on = api->config_get(ctx, "retry_on");
    if (s->field < 0) {
        free(s);
        api->report_error(ctx, RV_FATAL, -1, "flaky: input has no field 'status'");
        return RV_FATAL;
    }
    *out = s;
    return RV_OK;
}

static void flaky_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    free(instance);
}

static int equals(const rv_field *f, const char *text) {
    return text && f->type == RV_TYPE_STRING && f->len == strlen(text) && memcmp(f->value.ptr, text, f->len) == 0;
}

static rv_status flaky_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                               const rv_batch *batch) {
    (void)port;
    flaky_state *s = instance;
    for (uint64_t i = 0; i < batch->count; i++) {
        const rv_field *f = &RV_BATCH_RECORD(batch, i)->fields[s->field];
        if (s->retries_left > 0 && equals(f, s->retry_on)) { /* records before i are emitted */
            s->retries_left--;
            api->report_error(ctx, RV_RETRY, (int64_t)i, "flaky: try again");
            return RV_RETRY;
        }
        if (equals(f, s->fatal)) {
            api->report_error(ctx, RV_FATAL, (int64_t)i, "flaky: fatal record");
            return RV_FATAL;
        }
        if (equals(f, s->bad)) {
            api->report_error(ctx, RV_ERROR, (int64_t)i, "flaky: status is bad");
            return RV_ERROR;
        }
        rv_status st = api->forward(ctx, 0, batch, i);
        if (st != RV_OK) return st;
    }
    return RV_OK;
}

static const rv_operator_def flaky_op = {
    .struct_size = sizeof(rv_operator_def), .name = "fail_on", .description = "dead-letters bad records",
    .create = flaky_create, .destroy = flaky_destroy, .process = flaky_process};
static const rv_operator_def *const ops[] = {&flaky_op};

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR, .min_host_minor = RV_ABI_MINOR,
    .name = "flaky", .version = "1.0", .operators = ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }

/* Returns how many function slots of the host table are NULL (must be 0). */
RV_EXPORT int flaky_count_null_slots(const rv_host_api *api) {
    const void *const *slot = (const void *const *)(const void *)((const char *)api + offsetof(rv_host_api, log));
    size_t n = (api->struct_size - offsetof(rv_host_api, log)) / sizeof(void *);
    int missing = 0;
    for (size_t i = 0; i < n; i++)
        if (slot[i] == NULL) missing++;
    return missing;
}
