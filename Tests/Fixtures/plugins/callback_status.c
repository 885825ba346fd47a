/* callback_status.c — `ticker`: registers an event-time timer at each record's time (field `ts`, empty
 * key) and emits one string field `what`: "on_timer <time>" when a timer fires, "on_watermark <wm>" when
 * the watermark advances, "flush (<n> failed attempts)" at the end. Config `in` (on_timer, on_watermark
 * or flush) makes that callback fail its first `times` calls (default: every call) with `status`:
 *   retry, error, fatal, unsupported: that status, after report_error "ticker: <callback> failed (attempt n)"
 *   silent: RV_ERROR without a report
 *   host: the status of a refused host call (timer_register with a key NULL with length 3), no report
 *   weird: 42, not an rv_status
 * A failing attempt emits nothing before it returns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct {
    int32_t ts;
    const char *in;
    const char *status;
    long times;
    long attempts; /* failed attempts so far */
} ticker_state;

static rv_status ticker_create(const rv_host_api *api, rv_context *ctx, void **out) {
    ticker_state *s = calloc(1, sizeof *s);
    s->ts = api->input_field_index(ctx, 0, "ts");
    s->in = api->config_get(ctx, "in");
    s->status = api->config_get(ctx, "status");
    const char *times = api->config_get(ctx, "times");
    s->times = times ? atol(times) : 1000000;
    if (!s->in) s->in = "";
    if (!s->status) s->status = "fatal";
    static const rv_field_def fields[] = {{.name = "what", .type = RV_TYPE_STRING}};
    rv_status st = api->output_schema_set(ctx, 0, fields, 1);
    if (st != RV_OK || s->ts < 0) {
        free(s);
        api->report_error(ctx, RV_FATAL, -1, "ticker: needs an i64 field 'ts'");
        return RV_FATAL;
    }
    *out = s;
    return RV_OK;
}

static void ticker_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    free(instance);
}

/* Whether `callback` fails this time; if so, sets *status to what it returns. */
static int fails(const rv_host_api *api, rv_context *ctx, ticker_state *s, const char *callback, rv_status *status) {
    if (strcmp(s->in, callback) != 0 || s->attempts >= s->times) return 0;
    s->attempts++;
    char message[100];
    snprintf(message, sizeof message, "ticker: %s failed (attempt %ld)", callback, s->attempts);
    if (strcmp(s->status, "silent") == 0) *status = RV_ERROR;
    else if (strcmp(s->status, "host") == 0) *status = api->timer_register(ctx, RV_TIME_EVENT, 0, NULL, 3);
    else if (strcmp(s->status, "weird") == 0) *status = 42;
    else {
        *status = strcmp(s->status, "retry") == 0   ? RV_RETRY
                  : strcmp(s->status, "error") == 0 ? RV_ERROR
                  : strcmp(s->status, "unsupported") == 0 ? RV_UNSUPPORTED
                                                    : RV_FATAL;
        api->report_error(ctx, *status, -1, message);
    }
    return 1;
}

static rv_status say(const rv_host_api *api, rv_context *ctx, const char *text) {
    rv_field f;
    f.type = RV_TYPE_STRING;
    f.len = (uint32_t)strlen(text);
    f.value.ptr = (const uint8_t *)text;
    rv_record r;
    memset(&r, 0, sizeof r);
    r.fields = &f;
    r.field_count = 1;
    r.partition = -1;
    r.offset = -1;
    return api->emit(ctx, 0, &r);
}

static rv_status ticker_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                                const rv_batch *batch) {
    (void)port;
    ticker_state *s = instance;
    for (uint64_t i = 0; i < batch->count; i++) {
        rv_status st = api->timer_register(ctx, RV_TIME_EVENT, RV_BATCH_RECORD(batch, i)->fields[s->ts].value.i64, NULL, 0);
        if (st != RV_OK) return st;
    }
    return RV_OK;
}

static rv_status ticker_on_timer(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t domain,
                                 int64_t time, const uint8_t *key, uint64_t key_len) {
    (void)domain;
    (void)key;
    (void)key_len;
    rv_status st;
    if (fails(api, ctx, instance, "on_timer", &st)) return st;
    char text[64];
    snprintf(text, sizeof text, "on_timer %lld", (long long)time);
    return say(api, ctx, text);
}

static rv_status ticker_on_watermark(const rv_host_api *api, rv_context *ctx, void *instance, int64_t watermark) {
    rv_status st;
    if (fails(api, ctx, instance, "on_watermark", &st)) return st;
    char text[64];
    snprintf(text, sizeof text, "on_watermark %lld", (long long)watermark);
    return say(api, ctx, text);
}

static rv_status ticker_flush(const rv_host_api *api, rv_context *ctx, void *instance) {
    ticker_state *s = instance;
    rv_status st;
    if (fails(api, ctx, instance, "flush", &st)) return st;
    char text[64];
    snprintf(text, sizeof text, "flush (%ld failed attempts)", s->attempts);
    return say(api, ctx, text);
}

static const rv_operator_def ticker_op = {
    .struct_size = sizeof(rv_operator_def), .name = "ticker", .description = "timers, watermarks and flush that fail on demand",
    .create = ticker_create, .destroy = ticker_destroy, .process = ticker_process, .on_watermark = ticker_on_watermark,
    .on_timer = ticker_on_timer, .flush = ticker_flush};
static const rv_operator_def *const ops[] = {&ticker_op};

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR, .min_host_minor = 0,
    .name = "callback_status", .version = "1.0", .operators = ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
