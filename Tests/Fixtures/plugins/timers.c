/* timers.c — `remind`: registers a timer per record (event time: the record's time + `delay`; processing
 * time: now + `delay`, once) keyed by the record key, and emits {key, at, watermark} when it fires.
 * Config `cancel`: a key whose timers are deleted again right after registering (must never fire). */
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct {
    int64_t delay;
    uint32_t domain;
    int registered_once;
    const char *cancel;
} remind_state;

static rv_status remind_create(const rv_host_api *api, rv_context *ctx, void **out) {
    remind_state *s = calloc(1, sizeof *s);
    const char *delay = api->config_get(ctx, "delay");
    const char *domain = api->config_get(ctx, "domain");
    s->delay = delay ? atoll(delay) : 0;
    s->domain = domain && strcmp(domain, "processing") == 0 ? RV_TIME_PROCESSING : RV_TIME_EVENT;
    s->cancel = api->config_get(ctx, "cancel");
    static const rv_field_def fields[] = {
        {.name = "key", .type = RV_TYPE_STRING}, {.name = "at", .type = RV_TYPE_I64}, {.name = "watermark", .type = RV_TYPE_I64}};
    rv_status st = api->output_schema_set(ctx, 0, fields, 3);
    if (st != RV_OK) {
        free(s);
        return st;
    }
    *out = s;
    return RV_OK;
}

static void remind_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    free(instance);
}

static rv_status remind_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                                const rv_batch *batch) {
    (void)port;
    remind_state *s = instance;
    for (uint64_t i = 0; i < batch->count; i++) {
        const rv_record *r = RV_BATCH_RECORD(batch, i);
        int64_t at;
        if (s->domain == RV_TIME_PROCESSING) {
            if (s->registered_once) continue;
            s->registered_once = 1;
            at = api->processing_time(ctx) + s->delay;
        } else {
            at = r->timestamp + s->delay;
        }
        rv_status st = api->timer_register(ctx, s->domain, at, r->key, r->key_len);
        if (st != RV_OK) return st;
        if (s->cancel && r->key_len == strlen(s->cancel) && memcmp(r->key, s->cancel, r->key_len) == 0) {
            st = api->timer_delete(ctx, s->domain, at, r->key, r->key_len);
            if (st != RV_OK) return st;
        }
    }
    return RV_OK;
}

static rv_status remind_on_timer(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t domain,
                                 int64_t time, const uint8_t *key, uint64_t key_len) {
    (void)instance;
    (void)domain;
    rv_field fields[3];
    fields[0].type = RV_TYPE_STRING;
    fields[0].len = (uint32_t)key_len;
    fields[0].value.ptr = key;
    fields[1].type = RV_TYPE_I64;
    fields[1].len = 0;
    fields[1].value.i64 = time;
    fields[2].type = RV_TYPE_I64;
    fields[2].len = 0;
    fields[2].value.i64 = api->current_watermark(ctx);
    rv_record r;
    memset(&r, 0, sizeof r);
    r.key = key;
    r.key_len = key_len;
    r.fields = fields;
    r.field_count = 3;
    r.timestamp = time;
    return api->emit(ctx, 0, &r);
}

static const rv_operator_def remind_op = {
    .struct_size = sizeof(rv_operator_def), .name = "remind", .description = "emits a record when a timer fires",
    .create = remind_create, .destroy = remind_destroy, .process = remind_process, .on_timer = remind_on_timer};

/* `no_timers`: an operator without on_timer that tries to register one (the host must refuse). */
static rv_status eager_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                               const rv_batch *batch) {
    (void)instance;
    (void)port;
    (void)batch;
    rv_status st = api->timer_register(ctx, RV_TIME_EVENT, 0, 0, 0);
    if (st != RV_OK) {
        api->report_error(ctx, RV_FATAL, -1, "timer_register refused");
        return RV_FATAL;
    }
    return RV_OK;
}
static const rv_operator_def eager_op = {
    .struct_size = sizeof(rv_operator_def), .name = "no_timers", .description = "registers without on_timer",
    .create = remind_create, .destroy = remind_destroy, .process = eager_process};
static const rv_operator_def *const all_ops[] = {&remind_op, &eager_op};

/* `broken_clock`: an event-time extractor that fails for good (RV_FATAL) on a value "stop", and refuses
 * one record (RV_ERROR) on "skip"; otherwise returns the i64 argument. */
static rv_status broken_clock(const rv_host_api *api, rv_context *ctx, const rv_field *args, uint64_t n, rv_field *out) {
    (void)n;
    if (args[1].type == RV_TYPE_STRING && args[1].len == 4 && memcmp(args[1].value.ptr, "stop", 4) == 0) {
        api->report_error(ctx, RV_FATAL, -1, "broken_clock: the clock is gone");
        return RV_FATAL;
    }
    if (args[1].type == RV_TYPE_STRING && args[1].len == 4 && memcmp(args[1].value.ptr, "skip", 4) == 0) {
        api->report_error(ctx, RV_ERROR, -1, "broken_clock: not this one");
        return RV_ERROR;
    }
    out->type = RV_TYPE_I64;
    out->value.i64 = args[0].value.i64;
    return RV_OK;
}
static const uint32_t broken_args[] = {RV_TYPE_I64, RV_TYPE_STRING};
static const rv_function_def broken_fn = {
    .struct_size = sizeof(rv_function_def), .result_type = RV_TYPE_I64, .name = "broken_clock",
    .description = "fails on 'stop' and 'skip'", .arg_types = broken_args, .arg_count = 2, .call = broken_clock};
static const rv_function_def *const fns[] = {&broken_fn};

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR, .min_host_minor = RV_ABI_MINOR,
    .name = "timers", .version = "1.0", .operators = all_ops, .operator_count = 2, .functions = fns, .function_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
