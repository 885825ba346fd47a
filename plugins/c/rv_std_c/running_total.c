/* running_total.c — the `running_total` operator: adds a numeric field of every record into a total kept in
 * the plugin's own memory and emits the record with the total so far in an extra field. The total is state
 * of the plugin's own (not in a host store), so it implements snapshot and restore: a checkpoint saves it
 * and a restart from that checkpoint goes on from it. One total per instance (not per key): such state
 * cannot be split, so a checkpoint of it restores at the same parallelism only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv_std_c_internal.h"

/* The snapshot: format (1 byte, 1) · field type (1 byte, RV_TYPE_I64 or RV_TYPE_F64) · the total (8 bytes,
 * little-endian: the i64, or the f64's bits) · records counted (8 bytes, little-endian). */
enum { SNAPSHOT_FORMAT = 1, SNAPSHOT_SIZE = 18 };

typedef struct running_total_state {
    int32_t field;        /* index of the field summed */
    uint32_t type;        /* RV_TYPE_I64 or RV_TYPE_F64 */
    uint32_t in_width;    /* fields per input record */
    uint32_t out_width;   /* in_width + 1 (the total) */
    int64_t total_i64;    /* the total for an i64 field (wrapping) */
    double total_f64;     /* the total for an f64 field */
    uint64_t counted;     /* records whose value was added (NULLs are not) */
    rv_field *rows;       /* scratch: output rows of the batch (row_capacity records) */
    uint64_t row_capacity;
} running_total_state;

static rv_status fail(const rv_host_api *api, rv_context *ctx, const char *message) {
    char text[256];
    snprintf(text, sizeof text, "running_total: %s", message);
    api->report_error(ctx, RV_FATAL, -1, text);
    return RV_FATAL;
}

static rv_status running_total_create(const rv_host_api *api, rv_context *ctx, void **out) {
    const char *field = api->config_get(ctx, "field");
    const char *output = api->config_get(ctx, "output");
    char message[200];
    if (!field) return fail(api, ctx, "config 'field' (the i64 or f64 field to add up) is required");
    if (!output) output = "total";
    int32_t index = api->input_field_index(ctx, 0, field);
    if (index < 0) {
        snprintf(message, sizeof message, "no input field '%.80s' (config 'field')", field);
        return fail(api, ctx, message);
    }
    if (api->input_field_index(ctx, 0, output) >= 0) {
        snprintf(message, sizeof message, "the input already has a field '%.80s': name the total another way (config 'output')", output);
        return fail(api, ctx, message);
    }
    rv_field_def def;
    api->input_field_def(ctx, 0, (uint32_t)index, &def);
    if (def.type != RV_TYPE_I64 && def.type != RV_TYPE_F64) {
        snprintf(message, sizeof message, "field '%.80s' is not numeric: running_total needs an i64 or f64 field", field);
        return fail(api, ctx, message);
    }
    uint32_t width = api->input_field_count(ctx, 0);
    rv_field_def *defs = calloc((size_t)width + 1, sizeof *defs);
    running_total_state *s = calloc(1, sizeof *s);
    rv_field *rows = calloc((size_t)width + 1, sizeof(rv_field));
    if (!defs || !s || !rows) {
        free(defs);
        free(s);
        free(rows);
        return fail(api, ctx, "out of memory");
    }
    for (uint32_t i = 0; i < width; i++) api->input_field_def(ctx, 0, i, &defs[i]);
    defs[width] = (rv_field_def){.name = output, .type = def.type};
    rv_status st = api->output_schema_set(ctx, 0, defs, width + 1);
    free(defs);
    if (st != RV_OK) {
        free(s);
        free(rows);
        return st;
    }
    s->field = index;
    s->type = def.type;
    s->in_width = width;
    s->out_width = width + 1;
    s->rows = rows;
    s->row_capacity = 1;
    *out = s;
    return RV_OK;
}

static void running_total_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    running_total_state *s = instance;
    free(s->rows);
    free(s);
}

static rv_status running_total_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                                       const rv_batch *batch) {
    (void)port;
    running_total_state *s = instance;
    const int whole_batch = RV_HAS(api, emit_derived_batch);
    const uint64_t rows_needed = whole_batch ? batch->count : 1;
    if (rows_needed > s->row_capacity) {
        rv_field *grown = realloc(s->rows, (size_t)rows_needed * s->out_width * sizeof(rv_field));
        if (grown == NULL) return fail(api, ctx, "out of memory");
        s->rows = grown;
        s->row_capacity = rows_needed;
    }
    for (uint64_t i = 0; i < batch->count; i++) {
        rv_field *row = whole_batch ? s->rows + i * s->out_width : s->rows;
        const rv_field *in = RV_BATCH_RECORD(batch, i)->fields;
        memcpy(row, in, (size_t)s->in_width * sizeof(rv_field));
        rv_field *total = &row[s->in_width];
        if (s->type == RV_TYPE_I64) {
            if (in[s->field].type == RV_TYPE_I64) {
                s->total_i64 = (int64_t)((uint64_t)s->total_i64 + (uint64_t)in[s->field].value.i64);
                s->counted++;
            }
            *total = (rv_field){.type = RV_TYPE_I64, .value.i64 = s->total_i64};
        } else {
            if (in[s->field].type == RV_TYPE_F64) {
                s->total_f64 += in[s->field].value.f64;
                s->counted++;
            }
            *total = (rv_field){.type = RV_TYPE_F64, .value.f64 = s->total_f64};
        }
        if (!whole_batch) {
            rv_status st = api->emit_derived(ctx, 0, batch, i, row, s->out_width);
            if (st != RV_OK) return st;
        }
    }
    return whole_batch ? api->emit_derived_batch(ctx, 0, batch, NULL, s->rows, batch->count, s->out_width) : RV_OK;
}

static void put_u64(uint8_t *at, uint64_t v) {
    for (int i = 0; i < 8; i++) at[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *at) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)at[i] << (8 * i);
    return v;
}

/* Writes the total (see SNAPSHOT_FORMAT). */
static rv_status running_total_snapshot(const rv_host_api *api, rv_context *ctx, void *instance,
                                        void (*write)(void *sink, const uint8_t *bytes, uint64_t len), void *sink) {
    (void)api;
    (void)ctx;
    running_total_state *s = instance;
    uint8_t bytes[SNAPSHOT_SIZE];
    uint64_t bits;
    if (s->type == RV_TYPE_I64) {
        bits = (uint64_t)s->total_i64;
    } else {
        memcpy(&bits, &s->total_f64, sizeof bits);
    }
    bytes[0] = SNAPSHOT_FORMAT;
    bytes[1] = (uint8_t)s->type;
    put_u64(bytes + 2, bits);
    put_u64(bytes + 10, s->counted);
    write(sink, bytes, sizeof bytes);
    return RV_OK;
}

/* Reads back what running_total_snapshot wrote; refuses another format or a field of another type. */
static rv_status running_total_restore(const rv_host_api *api, rv_context *ctx, void *instance, const uint8_t *bytes,
                                       uint64_t len) {
    running_total_state *s = instance;
    char message[200];
    if (len != SNAPSHOT_SIZE || bytes[0] != SNAPSHOT_FORMAT) {
        snprintf(message, sizeof message, "cannot restore %llu bytes: not a running_total snapshot of format %d",
                 (unsigned long long)len, SNAPSHOT_FORMAT);
        return fail(api, ctx, message);
    }
    if (bytes[1] != s->type) {
        snprintf(message, sizeof message, "the checkpoint's total is %s but the field is now %s",
                 bytes[1] == RV_TYPE_I64 ? "an i64" : "an f64", s->type == RV_TYPE_I64 ? "an i64" : "an f64");
        return fail(api, ctx, message);
    }
    uint64_t bits = get_u64(bytes + 2);
    if (s->type == RV_TYPE_I64) {
        s->total_i64 = (int64_t)bits;
    } else {
        memcpy(&s->total_f64, &bits, sizeof bits);
    }
    s->counted = get_u64(bytes + 10);
    return RV_OK;
}

static const rv_config_key running_total_keys[] = {
    {"field", "the i64 or f64 field to add up", RV_TYPE_STRING, 1},
    {"output", "the name of the field holding the total so far (default: total), of the field's type", RV_TYPE_STRING, 0},
};

const rv_operator_def rv_std_running_total = {
    .struct_size = sizeof(rv_operator_def),
    .flags = 0, /* keeps a total across records */
    .name = "running_total",
    .description = "Adds a numeric field of every record into a running total (plugin state, checkpointed) and emits the record with the total so far",
    .config_keys = running_total_keys,
    .config_key_count = sizeof running_total_keys / sizeof running_total_keys[0],
    .create = running_total_create,
    .destroy = running_total_destroy,
    .process = running_total_process,
    .snapshot = running_total_snapshot,
    .restore = running_total_restore,
};
