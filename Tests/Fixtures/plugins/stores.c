/* stores.c — `counter`: counts records per key in the store named by config `store` (default "counts"):
 * a record whose `action` field is "del" deletes its key instead. Emits {key, count} per record on `out`;
 * at the end (flush) scans the store — config `prefix`, or `from`/`to` (to may be absent) — and emits
 * every {key, count} found, in order, on `dump`. Counts are stored as 8-byte little-endian integers.
 * The store is opened in create, as authors expect to (the host binds it before the first batch); with
 * config `read_in_create: true` create also tries to read it, which the host refuses with a message. */
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct {
    rv_store *store;
    int32_t action;
    const char *prefix, *from, *to;
} counter_state;

static const rv_field_def out_fields[] = {{.name = "key", .type = RV_TYPE_STRING}, {.name = "count", .type = RV_TYPE_I64}};

static rv_status counter_create(const rv_host_api *api, rv_context *ctx, void **out) {
    counter_state *s = calloc(1, sizeof *s);
    s->action = api->input_field_index(ctx, 0, "action");
    s->prefix = api->config_get(ctx, "prefix");
    s->from = api->config_get(ctx, "from");
    s->to = api->config_get(ctx, "to");
    rv_status st = api->output_schema_set(ctx, 0, out_fields, 2);
    if (st == RV_OK) st = api->output_schema_set(ctx, 1, out_fields, 2);
    if (st == RV_OK) {
        const char *name = api->config_get(ctx, "store");
        s->store = api->store_open(ctx, name ? name : "counts");
        if (!s->store) st = RV_NOT_FOUND; /* the host has said why */
    }
    const char *read = api->config_get(ctx, "read_in_create");
    if (st == RV_OK && read && strcmp(read, "true") == 0) {
        const uint8_t *value;
        uint64_t value_len;
        st = api->store_get(ctx, s->store, (const uint8_t *)"k", 1, &value, &value_len);
    }
    if (st != RV_OK) {
        free(s);
        return st;
    }
    *out = s;
    return RV_OK;
}

static void counter_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    free(instance);
}

/* The store opened in create. */
static rv_store *store_of(const rv_host_api *api, rv_context *ctx, counter_state *s) {
    (void)api;
    (void)ctx;
    return s->store;
}

static rv_status emit_pair(const rv_host_api *api, rv_context *ctx, uint32_t port, const uint8_t *key, uint64_t len, int64_t n) {
    rv_field f[2];
    f[0].type = RV_TYPE_STRING;
    f[0].len = (uint32_t)len;
    f[0].value.ptr = key;
    f[1].type = RV_TYPE_I64;
    f[1].len = 0;
    f[1].value.i64 = n;
    rv_record r;
    memset(&r, 0, sizeof r);
    r.key = key;
    r.key_len = len;
    r.fields = f;
    r.field_count = 2;
    return api->emit(ctx, port, &r);
}

static rv_status counter_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                                 const rv_batch *batch) {
    (void)port;
    counter_state *s = instance;
    rv_store *store = store_of(api, ctx, s);
    if (!store) return RV_FATAL;
    for (uint64_t i = 0; i < batch->count; i++) {
        const rv_record *r = RV_BATCH_RECORD(batch, i);
        const rv_field *a = s->action >= 0 ? &r->fields[s->action] : NULL;
        if (a && a->type == RV_TYPE_STRING && a->len == 3 && memcmp(a->value.ptr, "del", 3) == 0) {
            rv_status st = api->store_delete(ctx, store, r->key, r->key_len);
            if (st != RV_OK) return st;
            continue;
        }
        const uint8_t *value;
        uint64_t value_len;
        int64_t n = 0;
        rv_status st = api->store_get(ctx, store, r->key, r->key_len, &value, &value_len);
        if (st == RV_OK && value_len == 8) memcpy(&n, value, 8);
        else if (st != RV_NOT_FOUND && st != RV_OK) return st;
        n++;
        st = api->store_put(ctx, store, r->key, r->key_len, (const uint8_t *)&n, 8);
        if (st != RV_OK) return st;
        st = emit_pair(api, ctx, 0, r->key, r->key_len, n);
        if (st != RV_OK) return st;
    }
    return RV_OK;
}

static rv_status counter_flush(const rv_host_api *api, rv_context *ctx, void *instance) {
    counter_state *s = instance;
    rv_store *store = store_of(api, ctx, s);
    if (!store) return RV_FATAL;
    rv_iterator *it;
    if (s->prefix) it = api->store_prefix(ctx, store, (const uint8_t *)s->prefix, strlen(s->prefix));
    else it = api->store_range(ctx, store, (const uint8_t *)(s->from ? s->from : ""), s->from ? strlen(s->from) : 0,
                               (const uint8_t *)s->to, s->to ? strlen(s->to) : 0);
    if (!it) return RV_FATAL;
    const uint8_t *key, *value;
    uint64_t key_len, value_len;
    rv_status st;
    while ((st = api->iterator_next(ctx, it, &key, &key_len, &value, &value_len)) == RV_OK) {
        int64_t n = 0;
        if (value_len == 8) memcpy(&n, value, 8);
        if ((st = emit_pair(api, ctx, 1, key, key_len, n)) != RV_OK) break;
    }
    api->iterator_close(ctx, it);
    return st == RV_NOT_FOUND ? RV_OK : st;
}

static const char *const outputs[] = {"out", "dump", NULL};
static const rv_operator_def counter_op = {
    .struct_size = sizeof(rv_operator_def), .name = "counter", .description = "counts per key in a store",
    .outputs = outputs, .create = counter_create, .destroy = counter_destroy, .process = counter_process,
    .flush = counter_flush};
static const rv_operator_def *const ops[] = {&counter_op};

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR, .min_host_minor = RV_ABI_MINOR,
    .name = "stores", .version = "1.0", .operators = ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
