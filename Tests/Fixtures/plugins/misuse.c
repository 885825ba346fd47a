/* misuse.c — `misuse`: makes one host call wrongly, as a buggy plugin would (config `call` names it), and
 * emits what the host answered as a row {call, status, error}: the status by name and api->last_error
 * (ABI 1.2; "(null)" when NULL, "(no last_error)" on an older host). Output schema: three strings. The
 * misuse happens in the first process call only; later batches emit nothing. Calls:
 *   emit_key emit_value emit_fields emit_headers emit_header_value emit_field   (emit, one bad slice each)
 *   emit_derived (a field NULL with a length)
 *   emit_derived_batch (rows for records 0 and 1 listed by index; row 1 has a field NULL with a length)
 *   emit_derived_batch_all (the same with indexes NULL over the whole batch: the in-place candidate)
 *   forward_selected (indexes NULL, count 2)
 *   store_get store_put_key store_put_value store_delete store_range_from store_range_to store_prefix
 *     (store `s`; after a refused put, a store_get of that key shows nothing was stored)
 *   iterator_next (a NULL iterator)   store_open (a store the manifest does not attach)
 *   timer_register timer_delete (a key NULL with a length; on_timer emits a row if anything fires)
 *   output_schema_set (fields NULL with count 2, tried in create; reported in process)
 *   success_clears (a refused store_put, then a good one: last_error is NULL again)
 *   report_is_separate (report_error for record 0, then a refused host call, then RV_ERROR: the dead
 *     letter's reason must be the plugin's report)
 *   pass_through (returns store_put's RV_INVALID without a report: the host names the call)
 * Declares min_host_minor 0: last_error and emit_derived_batch are used only after RV_HAS, so it also
 * loads in 1.0 and 1.1 hosts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct {
    const char *call;
    rv_store *store;
    int done;
    rv_status schema_status;  /* output_schema_set's answer in create */
    char schema_error[200];   /* and its last_error */
} misuse_state;

static const rv_field_def out_fields[] = {
    {.name = "call", .type = RV_TYPE_STRING}, {.name = "status", .type = RV_TYPE_STRING}, {.name = "error", .type = RV_TYPE_STRING}};

static const char *status_name(rv_status st) {
    switch (st) {
    case RV_OK: return "RV_OK";
    case RV_RETRY: return "RV_RETRY";
    case RV_ERROR: return "RV_ERROR";
    case RV_FATAL: return "RV_FATAL";
    case RV_UNSUPPORTED: return "RV_UNSUPPORTED";
    case RV_NOT_FOUND: return "RV_NOT_FOUND";
    case RV_INVALID: return "RV_INVALID";
    default: return "?";
    }
}

static int is(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* What last_error says right now (copied: the next host call may change it). */
static void last_error(const rv_host_api *api, rv_context *ctx, char *out, size_t size) {
    if (!RV_HAS(api, last_error)) {
        snprintf(out, size, "(no last_error)");
        return;
    }
    const char *e = api->last_error(ctx);
    snprintf(out, size, "%s", e ? e : "(null)");
}

static rv_field text(const char *s) {
    rv_field f;
    f.type = RV_TYPE_STRING;
    f.len = (uint32_t)strlen(s);
    f.value.ptr = (const uint8_t *)s;
    return f;
}

/* Emits the row {call, status, error}. */
static rv_status row(const rv_host_api *api, rv_context *ctx, const char *call, const char *status, const char *error) {
    rv_field f[3] = {text(call), text(status), text(error)};
    rv_record r;
    memset(&r, 0, sizeof r);
    r.fields = f;
    r.field_count = 3;
    r.partition = -1;
    r.offset = -1;
    return api->emit(ctx, 0, &r);
}

/* Emits what the host answered to the call just made. */
static rv_status answer(const rv_host_api *api, rv_context *ctx, const char *call, rv_status st) {
    char error[300];
    last_error(api, ctx, error, sizeof error);
    return row(api, ctx, call, status_name(st), error);
}

/* The same for a service that returns a handle: "NULL" or "handle" as its status. */
static rv_status answer_handle(const rv_host_api *api, rv_context *ctx, const char *call, const void *handle) {
    char error[300];
    last_error(api, ctx, error, sizeof error);
    return row(api, ctx, call, handle ? "handle" : "NULL", error);
}

static rv_status misuse_create(const rv_host_api *api, rv_context *ctx, void **out) {
    misuse_state *s = calloc(1, sizeof *s);
    s->call = api->config_get(ctx, "call");
    if (!s->call) s->call = "emit_key";
    if (is(s->call, "output_schema_set")) {
        s->schema_status = api->output_schema_set(ctx, 0, NULL, 2);
        last_error(api, ctx, s->schema_error, sizeof s->schema_error);
    }
    rv_status st = api->output_schema_set(ctx, 0, out_fields, 3);
    if (st != RV_OK) {
        free(s);
        return st;
    }
    *out = s;
    return RV_OK;
}

static void misuse_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    free(instance);
}

/* A record with three good string fields, for the emit misuses to break one slice of. */
static rv_record good_record(rv_field *f) {
    f[0] = text("k");
    f[1] = text("v");
    f[2] = text("w");
    rv_record r;
    memset(&r, 0, sizeof r);
    r.fields = f;
    r.field_count = 3;
    r.partition = -1;
    r.offset = -1;
    return r;
}

static rv_status emit_misuse(const rv_host_api *api, rv_context *ctx, const char *call) {
    rv_field f[3];
    rv_record r = good_record(f);
    rv_header h = {.name = "h", .value = NULL, .value_len = 7};
    if (is(call, "emit_key")) r.key_len = 5;
    else if (is(call, "emit_value")) r.value_len = 4;
    else if (is(call, "emit_fields")) r.fields = NULL;
    else if (is(call, "emit_headers")) r.header_count = 2;
    else if (is(call, "emit_header_value")) { r.headers = &h; r.header_count = 1; }
    else if (is(call, "emit_field")) f[1].value.ptr = NULL;
    return answer(api, ctx, call, api->emit(ctx, 0, &r));
}

static rv_status store_misuse(const rv_host_api *api, rv_context *ctx, misuse_state *s, const char *call) {
    static const uint8_t eight[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    const uint8_t *value;
    uint64_t value_len;
    rv_status st = RV_OK;
    if (!s->store) s->store = api->store_open(ctx, "s");
    if (is(call, "store_get")) return answer(api, ctx, call, api->store_get(ctx, s->store, NULL, 3, &value, &value_len));
    if (is(call, "store_put_key")) {
        if ((st = answer(api, ctx, call, api->store_put(ctx, s->store, NULL, 5, eight, 8))) != RV_OK) return st;
        return answer(api, ctx, "store_get of the empty key", api->store_get(ctx, s->store, NULL, 0, &value, &value_len));
    }
    if (is(call, "store_put_value")) {
        if ((st = answer(api, ctx, call, api->store_put(ctx, s->store, (const uint8_t *)"k", 1, NULL, 4))) != RV_OK) return st;
        return answer(api, ctx, "store_get of k", api->store_get(ctx, s->store, (const uint8_t *)"k", 1, &value, &value_len));
    }
    if (is(call, "store_delete")) return answer(api, ctx, call, api->store_delete(ctx, s->store, NULL, 6));
    if (is(call, "store_range_from"))
        return answer_handle(api, ctx, call, api->store_range(ctx, s->store, NULL, 2, NULL, 0));
    if (is(call, "store_range_to"))
        return answer_handle(api, ctx, call, api->store_range(ctx, s->store, (const uint8_t *)"a", 1, NULL, 3));
    if (is(call, "store_prefix")) return answer_handle(api, ctx, call, api->store_prefix(ctx, s->store, NULL, 4));
    if (is(call, "iterator_next"))
        return answer(api, ctx, call, api->iterator_next(ctx, NULL, NULL, NULL, &value, &value_len));
    if (is(call, "store_open")) return answer_handle(api, ctx, call, api->store_open(ctx, "nope"));
    if (is(call, "success_clears")) {
        st = api->store_put(ctx, s->store, NULL, 5, eight, 8);
        if ((st = answer(api, ctx, "store_put (refused)", st)) != RV_OK) return st;
        st = api->store_put(ctx, s->store, (const uint8_t *)"k", 1, eight, 8);
        return answer(api, ctx, "store_put (good)", st);
    }
    return RV_OK;
}

/* Rows for records 0 and 1 of the batch: {derived, i, -}; row 1's first field is NULL with length 2. */
static rv_status batch_misuse(const rv_host_api *api, rv_context *ctx, const rv_batch *batch, const char *call) {
    if (!RV_HAS(api, emit_derived_batch)) return row(api, ctx, call, "-", "(no emit_derived_batch)");
    if (batch->count != 2) return row(api, ctx, call, "-", "the input must be one batch of 2 records");
    rv_field rows[6] = {text("derived"), text("0"), text("-"), text("derived"), text("1"), text("-")};
    rows[3].value.ptr = NULL;
    rows[3].len = 2;
    static const uint32_t indexes[2] = {0, 1};
    int all = is(call, "emit_derived_batch_all");
    return answer(api, ctx, call, api->emit_derived_batch(ctx, 0, batch, all ? NULL : indexes, rows, 2, 3));
}

static rv_status misuse_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                                const rv_batch *batch) {
    (void)port;
    misuse_state *s = instance;
    if (s->done) return RV_OK;
    s->done = 1;
    const char *call = s->call;
    if (strncmp(call, "emit_derived_batch", 18) == 0) return batch_misuse(api, ctx, batch, call);
    if (is(call, "emit_derived")) {
        rv_field f[3] = {text("a"), text("b"), text("c")};
        f[2].value.ptr = NULL;
        f[2].len = 4;
        return answer(api, ctx, call, api->emit_derived(ctx, 0, batch, 0, f, 3));
    }
    if (strncmp(call, "emit_", 5) == 0) return emit_misuse(api, ctx, call);
    if (is(call, "forward_selected")) return answer(api, ctx, call, api->forward_selected(ctx, 0, batch, NULL, 2));
    if (is(call, "timer_register")) return answer(api, ctx, call, api->timer_register(ctx, RV_TIME_EVENT, 0, NULL, 2));
    if (is(call, "timer_delete")) return answer(api, ctx, call, api->timer_delete(ctx, RV_TIME_EVENT, 0, NULL, 2));
    if (is(call, "output_schema_set")) {
        return row(api, ctx, call, status_name(s->schema_status), s->schema_error);
    }
    if (is(call, "report_is_separate")) {
        if (!s->store) s->store = api->store_open(ctx, "s");
        api->report_error(ctx, RV_ERROR, 0, "misuse: record 0 is bad");
        rv_status st = answer(api, ctx, "store_put (refused)", api->store_put(ctx, s->store, NULL, 5, NULL, 0));
        return st == RV_OK ? RV_ERROR : st;
    }
    if (is(call, "pass_through")) {
        if (!s->store) s->store = api->store_open(ctx, "s");
        return api->store_put(ctx, s->store, NULL, 5, NULL, 0);
    }
    return store_misuse(api, ctx, s, call);
}

static rv_status misuse_on_timer(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t domain,
                                 int64_t time, const uint8_t *key, uint64_t key_len) {
    (void)instance;
    (void)domain;
    (void)time;
    (void)key;
    (void)key_len;
    return row(api, ctx, "on_timer", "fired", "a refused timer_register must not register anything");
}

static const rv_operator_def misuse_op = {
    .struct_size = sizeof(rv_operator_def), .name = "misuse", .description = "makes one host call wrongly",
    .create = misuse_create, .destroy = misuse_destroy, .process = misuse_process, .on_timer = misuse_on_timer};
static const rv_operator_def *const ops[] = {&misuse_op};

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR, .min_host_minor = 0,
    .name = "misuse", .version = "1.0", .operators = ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
