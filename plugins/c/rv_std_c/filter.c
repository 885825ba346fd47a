/* filter.c — the `filter` operator: routes records to `out` or `rejected` by comparing a field to a value. */
#include <stdlib.h>
#include <string.h>

#include "rv_std_c_internal.h"

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

typedef struct filter_state {
    int32_t field;
    uint32_t type;  /* RV_TYPE_* of the field */
    int32_t op;
    int32_t rejected_port;
    double number;  /* the value, for numeric fields */
    char *text;     /* the value, for string fields */
    size_t text_len;
    uint32_t *selected; /* selection vectors: indexes of matching and rejected records */
    uint32_t *rejected;
    uint64_t capacity;
} filter_state;

static int parse_op(const char *op) {
    static const char *names[] = {"eq", "ne", "lt", "le", "gt", "ge"};
    for (int i = 0; i < 6; i++)
        if (op && strcmp(op, names[i]) == 0) return i;
    return -1;
}

static rv_status filter_create(const rv_host_api *api, rv_context *ctx, void **out) {
    const char *field = api->config_get(ctx, "field");
    const char *op = api->config_get(ctx, "op");
    const char *value = api->config_get(ctx, "value");
    int32_t index = api->input_field_index(ctx, 0, field);
    if (index < 0) {
        api->report_error(ctx, RV_FATAL, -1, "filter: config 'field' does not name a field of the input");
        return RV_FATAL;
    }
    if (parse_op(op) < 0) {
        api->report_error(ctx, RV_FATAL, -1, "filter: config 'op' must be one of eq, ne, lt, le, gt, ge");
        return RV_FATAL;
    }
    rv_field_def def;
    api->input_field_def(ctx, 0, (uint32_t)index, &def);
    filter_state *s = calloc(1, sizeof *s);
    if (!s) return RV_FATAL;
    s->field = index;
    s->type = def.type;
    s->op = parse_op(op);
    s->rejected_port = api->output_port_index(ctx, "rejected");
    if (def.type == RV_TYPE_STRING || def.type == RV_TYPE_BYTES) {
        s->text_len = strlen(value);
        s->text = malloc(s->text_len + 1);
        if (!s->text) {
            free(s);
            return RV_FATAL;
        }
        memcpy(s->text, value, s->text_len + 1);
    } else {
        char *end = NULL;
        s->number = strtod(value, &end);
        if (end == value || *end != '\0') {
            api->report_error(ctx, RV_FATAL, -1, "filter: config 'value' must be a number for a numeric field");
            free(s);
            return RV_FATAL;
        }
    }
    *out = s;
    return RV_OK;
}

static void filter_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    filter_state *s = instance;
    free(s->text);
    free(s->selected);
    free(s->rejected);
    free(s);
}

static int compare(int op, int c) {
    switch (op) {
    case OP_EQ: return c == 0;
    case OP_NE: return c != 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_GT: return c > 0;
    default: return c >= 0;
    }
}

static int matches(const filter_state *s, const rv_field *f) {
    if (f->type == RV_TYPE_NULL) return 0;
    if (f->type == RV_TYPE_STRING || f->type == RV_TYPE_BYTES) {
        size_t n = f->len < s->text_len ? f->len : s->text_len;
        int c = memcmp(f->value.ptr, s->text, n);
        if (c == 0) c = (f->len > s->text_len) - (f->len < s->text_len);
        return compare(s->op, c);
    }
    double v = f->type == RV_TYPE_F64 ? f->value.f64 : (double)f->value.i64;
    return compare(s->op, (v > s->number) - (v < s->number));
}

/* Splits the batch into two selection vectors and forwards each with one host call. */
static rv_status filter_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                                const rv_batch *batch) {
    (void)port;
    filter_state *s = instance;
    if (batch->count > s->capacity) {
        uint32_t *a = realloc(s->selected, batch->count * sizeof(uint32_t));
        if (a) s->selected = a;
        uint32_t *b = realloc(s->rejected, batch->count * sizeof(uint32_t));
        if (b) s->rejected = b;
        if (!a || !b) {
            api->report_error(ctx, RV_FATAL, -1, "filter: out of memory");
            return RV_FATAL;
        }
        s->capacity = batch->count;
    }
    uint64_t kept = 0, dropped = 0;
    for (uint64_t i = 0; i < batch->count; i++) {
        if (matches(s, &RV_BATCH_RECORD(batch, i)->fields[s->field]))
            s->selected[kept++] = (uint32_t)i;
        else
            s->rejected[dropped++] = (uint32_t)i;
    }
    rv_status st = api->forward_selected(ctx, 0, batch, s->selected, kept);
    if (st == RV_OK && dropped > 0) st = api->forward_selected(ctx, (uint32_t)s->rejected_port, batch, s->rejected, dropped);
    return st;
}

static const char *const filter_outputs[] = {"out", "rejected", NULL};

static const rv_config_key filter_keys[] = {
    {"field", "the field to test", RV_TYPE_STRING, 1},
    {"op", "eq, ne, lt, le, gt or ge", RV_TYPE_STRING, 1},
    {"value", "the value to compare with (a number for numeric fields)", RV_TYPE_STRING, 1},
};

const rv_operator_def rv_std_filter = {
    .struct_size = sizeof(rv_operator_def),
    .flags = RV_OPERATOR_STATELESS,
    .name = "filter",
    .description = "Sends records whose field compares true to `out`, the others (and NULLs) to `rejected`",
    .outputs = filter_outputs,
    .config_keys = filter_keys,
    .config_key_count = sizeof filter_keys / sizeof filter_keys[0],
    .create = filter_create,
    .destroy = filter_destroy,
    .process = filter_process,
};
