/* scale.c — the `scale` operator: rewrites a numeric field as field × multiply + add (a C map). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv_std_c_internal.h"

typedef struct scale_state {
    int32_t field;        /* index of the field to rewrite */
    uint32_t type;        /* RV_TYPE_I64 or RV_TYPE_F64 */
    uint32_t field_count; /* fields per record (the output schema is the input's) */
    uint32_t reserved;
    int64_t multiply_i64; /* the factors for an i64 field (wrapping arithmetic) */
    int64_t add_i64;
    double multiply_f64;  /* the factors for an f64 field */
    double add_f64;
    rv_field *row;        /* scratch: the rows of the batch being emitted (row_capacity records) */
    uint64_t row_capacity;
} scale_state;

/* Reports a create error "scale: <message>" and returns RV_FATAL. */
static rv_status scale_fail(const rv_host_api *api, rv_context *ctx, const char *message) {
    char text[256];
    snprintf(text, sizeof text, "scale: %s", message);
    api->report_error(ctx, RV_FATAL, -1, text);
    return RV_FATAL;
}

/* Parses the whole of `text` as an int64; 0 when it is not one. */
static int parse_i64(const char *text, int64_t *out) {
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE) return 0;
    *out = (int64_t)value;
    return 1;
}

/* Parses the whole of `text` as a double; 0 when it is not one. */
static int parse_f64(const char *text, double *out) {
    char *end = NULL;
    double value = strtod(text, &end);
    if (end == text || *end != '\0') return 0;
    *out = value;
    return 1;
}

/* Reads the factor `key` (absent: `fallback`) in the field's type into the state. */
static rv_status read_factor(const rv_host_api *api, rv_context *ctx, const char *key, const char *field_name,
                             uint32_t type, int64_t fallback, int64_t *as_i64, double *as_f64) {
    const char *text = api->config_get(ctx, key);
    char message[200];
    if (!text) {
        *as_i64 = fallback;
        *as_f64 = (double)fallback;
        return RV_OK;
    }
    if (type == RV_TYPE_I64 ? parse_i64(text, as_i64) : parse_f64(text, as_f64)) return RV_OK;
    snprintf(message, sizeof message, "config '%s' must be %s for the %s field '%s' (got '%.40s')", key,
             type == RV_TYPE_I64 ? "an integer" : "a number", type == RV_TYPE_I64 ? "i64" : "f64", field_name, text);
    return scale_fail(api, ctx, message);
}

static rv_status scale_create(const rv_host_api *api, rv_context *ctx, void **out) {
    const char *field = api->config_get(ctx, "field");
    char message[200];
    if (!field) return scale_fail(api, ctx, "config 'field' (the i64 or f64 field to scale) is required");
    int32_t index = api->input_field_index(ctx, 0, field);
    if (index < 0) {
        snprintf(message, sizeof message, "no input field '%.80s' (config 'field')", field);
        return scale_fail(api, ctx, message);
    }
    rv_field_def def;
    api->input_field_def(ctx, 0, (uint32_t)index, &def);
    if (def.type != RV_TYPE_I64 && def.type != RV_TYPE_F64) {
        snprintf(message, sizeof message, "field '%.80s' is not numeric: scale needs an i64 or f64 field", field);
        return scale_fail(api, ctx, message);
    }
    scale_state s = {.field = index, .type = def.type, .field_count = api->input_field_count(ctx, 0)};
    if (read_factor(api, ctx, "multiply", field, def.type, 1, &s.multiply_i64, &s.multiply_f64) != RV_OK ||
        read_factor(api, ctx, "add", field, def.type, 0, &s.add_i64, &s.add_f64) != RV_OK)
        return RV_FATAL;
    scale_state *state = malloc(sizeof *state);
    rv_field *row = calloc(s.field_count ? s.field_count : 1, sizeof(rv_field));
    if (!state || !row) {
        free(state);
        free(row);
        return scale_fail(api, ctx, "out of memory");
    }
    s.row = row;
    s.row_capacity = 1;
    *state = s;
    *out = state;
    return RV_OK;
}

static void scale_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    scale_state *s = instance;
    free(s->row);
    free(s);
}

/* Emits every record derived with its field rewritten; a NULL value passes unchanged. The i64 case wraps
 * on overflow (computed in uint64_t: no undefined behaviour). */
static rv_status scale_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                               const rv_batch *batch) {
    (void)port;
    scale_state *s = instance;
    const uint32_t width = s->field_count;
    /* A 1.1 host takes the whole batch's rows in one call; a 1.0 host one record at a time. */
    const int whole_batch = RV_HAS(api, emit_derived_batch);
    const uint64_t rows_needed = whole_batch ? batch->count : 1;
    if (rows_needed > s->row_capacity) {
        rv_field *grown = realloc(s->row, (size_t)rows_needed * width * sizeof(rv_field));
        if (grown == NULL) {
            api->report_error(ctx, RV_FATAL, -1, "scale: out of memory");
            return RV_FATAL;
        }
        s->row = grown;
        s->row_capacity = rows_needed;
    }
    for (uint64_t i = 0; i < batch->count; i++) {
        rv_field *row = whole_batch ? s->row + i * width : s->row;
        memcpy(row, RV_BATCH_RECORD(batch, i)->fields, (size_t)width * sizeof(rv_field));
        rv_field *f = &row[s->field];
        if (f->type == RV_TYPE_I64)
            f->value.i64 = (int64_t)((uint64_t)f->value.i64 * (uint64_t)s->multiply_i64 + (uint64_t)s->add_i64);
        else if (f->type == RV_TYPE_F64)
            f->value.f64 = f->value.f64 * s->multiply_f64 + s->add_f64;
        if (!whole_batch) {
            rv_status st = api->emit_derived(ctx, 0, batch, i, row, width);
            if (st != RV_OK) return st;
        }
    }
    return whole_batch ? api->emit_derived_batch(ctx, 0, batch, NULL, s->row, batch->count, width) : RV_OK;
}

static const rv_config_key scale_keys[] = {
    {"field", "the i64 or f64 field to rewrite", RV_TYPE_STRING, 1},
    {"multiply", "the factor (default 1; an integer for an i64 field)", RV_TYPE_F64, 0},
    {"add", "the offset added after multiplying (default 0; an integer for an i64 field)", RV_TYPE_F64, 0},
};

const rv_operator_def rv_std_scale = {
    .struct_size = sizeof(rv_operator_def),
    .flags = RV_OPERATOR_STATELESS,
    .name = "scale",
    .description = "Rewrites a numeric field as field * multiply + add; NULLs pass unchanged",
    .config_keys = scale_keys,
    .config_key_count = sizeof scale_keys / sizeof scale_keys[0],
    .create = scale_create,
    .destroy = scale_destroy,
    .process = scale_process,
};
