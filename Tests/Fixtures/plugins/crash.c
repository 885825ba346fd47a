/* crash.c — `crash`: forwards records until one whose field `status` equals config `on` comes, then
 * crashes as config `how` says: segv (a write through NULL), fpe (an integer division by zero), abort,
 * bus (SIGBUS raised), trap (SIGTRAP raised) or stack (a stack overflow). `when: flush` crashes at the end
 * of input instead. The aggregate `crash_sum` and the function `crash_time` crash (segv) on the value 2500.
 * For CrashGuardTests. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct {
    int32_t field;
    const char *on;
    const char *how;
    int at_flush;
} crash_state;

static rv_status crash_create(const rv_host_api *api, rv_context *ctx, void **out) {
    crash_state *s = calloc(1, sizeof *s);
    if (!s) return RV_FATAL;
    s->field = api->input_field_index(ctx, 0, "status");
    s->on = api->config_get(ctx, "on");
    s->how = api->config_get(ctx, "how");
    const char *when = api->config_get(ctx, "when");
    s->at_flush = when && strcmp(when, "flush") == 0;
    *out = s;
    return RV_OK;
}

static void crash_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    free(instance);
}

static volatile int zero = 0;

/* Recurses until the stack runs out (each frame holds a page the compiler cannot drop; `bottom` is never
 * reached, but the compiler cannot know). */
static volatile int bottom = -1;
static int deeper(int n) {
    volatile char page[4096];
    page[0] = (char)n;
    if (n == bottom) return 0;
    return deeper(n + 1) + page[0];
}

static void crash_now(const char *how) {
    if (how && strcmp(how, "fpe") == 0) {
        volatile int n = 1000 / zero; /* (1 / x is compiled to a comparison: no division, no trap) */
        (void)n;
    } else if (how && strcmp(how, "abort") == 0) {
        abort();
    } else if (how && strcmp(how, "bus") == 0) {
        raise(SIGBUS);
    } else if (how && strcmp(how, "trap") == 0) {
        raise(SIGTRAP);
    } else if (how && strcmp(how, "stack") == 0) {
        (void)deeper(0);
    } else {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
}

static rv_status crash_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                               const rv_batch *batch) {
    (void)port;
    crash_state *s = instance;
    for (uint64_t i = 0; i < batch->count; i++) {
        const rv_field *f = &RV_BATCH_RECORD(batch, i)->fields[s->field];
        if (!s->at_flush && s->on && f->type == RV_TYPE_STRING && f->len == strlen(s->on) && memcmp(f->value.ptr, s->on, f->len) == 0)
            crash_now(s->how);
        rv_status st = api->forward(ctx, 0, batch, i);
        if (st != RV_OK) return st;
    }
    return RV_OK;
}

static rv_status crash_flush(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    crash_state *s = instance;
    if (s->at_flush) crash_now(s->how);
    return RV_OK;
}

static const rv_config_key crash_keys[] = {
    {"on", "the status value of the record to crash on", RV_TYPE_STRING, 0},
    {"how", "segv, fpe, abort, bus, trap or stack", RV_TYPE_STRING, 0},
    {"when", "process (default) or flush", RV_TYPE_STRING, 0},
};

static const rv_operator_def crash_op = {
    .struct_size = sizeof(rv_operator_def),
    .name = "crash",
    .description = "crashes on a chosen record",
    .config_keys = crash_keys,
    .config_key_count = sizeof crash_keys / sizeof crash_keys[0],
    .create = crash_create,
    .destroy = crash_destroy,
    .process = crash_process,
    .flush = crash_flush,
};
static const rv_operator_def *const crash_ops[] = {&crash_op};

/* crash_sum: sums i64 values; crashes on 2500. */
static rv_status sum_init(const rv_host_api *api, rv_context *ctx, void *acc) {
    (void)api;
    (void)ctx;
    *(int64_t *)acc = 0;
    return RV_OK;
}
static rv_status sum_add(const rv_host_api *api, rv_context *ctx, void *acc, const rv_field *value) {
    (void)api;
    (void)ctx;
    if (value->value.i64 == 2500) crash_now("segv");
    *(int64_t *)acc += value->value.i64;
    return RV_OK;
}
static rv_status sum_merge(const rv_host_api *api, rv_context *ctx, void *acc, const void *other) {
    (void)api;
    (void)ctx;
    *(int64_t *)acc += *(const int64_t *)other;
    return RV_OK;
}
static rv_status sum_result(const rv_host_api *api, rv_context *ctx, const void *acc, rv_field *out) {
    (void)api;
    (void)ctx;
    out->type = RV_TYPE_I64;
    out->value.i64 = *(const int64_t *)acc;
    return RV_OK;
}
static const rv_aggregate_def sum_def = {
    .struct_size = sizeof(rv_aggregate_def), .acc_size = sizeof(int64_t), .name = "crash_sum",
    .description = "a sum that crashes on 2500", .input_type = RV_TYPE_I64, .result_type = RV_TYPE_I64,
    .init = sum_init, .add = sum_add, .merge = sum_merge, .result = sum_result};
static const rv_aggregate_def *const crash_aggregates[] = {&sum_def};

/* crash_time: returns its i64 argument; crashes on 2500. */
static rv_status time_call(const rv_host_api *api, rv_context *ctx, const rv_field *args, uint64_t n, rv_field *out) {
    (void)api;
    (void)ctx;
    (void)n;
    if (args[0].value.i64 == 2500) crash_now("segv");
    out->type = RV_TYPE_I64;
    out->value.i64 = args[0].value.i64;
    return RV_OK;
}
static const uint32_t time_args[] = {RV_TYPE_I64};
static const rv_function_def time_def = {
    .struct_size = sizeof(rv_function_def), .result_type = RV_TYPE_I64, .name = "crash_time",
    .description = "the identity, crashing on 2500", .arg_types = time_args, .arg_count = 1, .call = time_call};
static const rv_function_def *const crash_functions[] = {&time_def};

static const rv_plugin_descriptor crash_descriptor = {
    .struct_size = sizeof crash_descriptor,
    .abi_major = RV_ABI_MAJOR,
    .min_host_minor = 0,
    .name = "crash",
    .version = "1.0.0",
    .operators = crash_ops,
    .operator_count = 1,
    .aggregates = crash_aggregates,
    .aggregate_count = 1,
    .functions = crash_functions,
    .function_count = 1,
};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &crash_descriptor; }
