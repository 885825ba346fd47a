/* mask.c — the `mask` operator: hides all but the last digits of a card number, optionally Luhn-checked. */
#include <stdlib.h>
#include <string.h>

#include "rv_std_c_internal.h"

typedef struct mask_state {
    int32_t field;     /* index of the string field to mask */
    int32_t keep;      /* digits left visible at the end */
    int32_t luhn;      /* 1: dead-letter numbers that fail the Luhn check */
    uint32_t out_count;
    rv_field *row;     /* scratch field row for the emitted record */
    uint8_t *text;     /* scratch for the masked text */
    size_t text_cap;
} mask_state;

static rv_status mask_create(const rv_host_api *api, rv_context *ctx, void **out) {
    const char *field = api->config_get(ctx, "field");
    const char *keep = api->config_get(ctx, "keep");
    const char *luhn = api->config_get(ctx, "luhn");
    int32_t index = api->input_field_index(ctx, 0, field);
    rv_field_def def;
    if (index < 0) {
        api->report_error(ctx, RV_FATAL, -1, "mask: config 'field' does not name a field of the input");
        return RV_FATAL;
    }
    api->input_field_def(ctx, 0, (uint32_t)index, &def);
    if (def.type != RV_TYPE_STRING) {
        api->report_error(ctx, RV_FATAL, -1, "mask: the field to mask must be a string");
        return RV_FATAL;
    }
    mask_state *s = calloc(1, sizeof *s);
    if (!s) return RV_FATAL;
    s->field = index;
    s->keep = keep ? atoi(keep) : 4;
    s->luhn = luhn && (strcmp(luhn, "true") == 0 || strcmp(luhn, "1") == 0);
    s->out_count = api->input_field_count(ctx, 0);
    s->row = calloc(s->out_count ? s->out_count : 1, sizeof(rv_field));
    if (!s->row) {
        free(s);
        return RV_FATAL;
    }
    *out = s;
    return RV_OK;
}

static void mask_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    mask_state *s = instance;
    free(s->row);
    free(s->text);
    free(s);
}

/* The Luhn checksum over the digits of `text` (separators ignored). */
static int luhn_valid(const uint8_t *text, uint32_t len) {
    int sum = 0, digits = 0, odd = 0;
    for (uint32_t i = len; i-- > 0;) {
        if (text[i] < '0' || text[i] > '9') continue;
        int d = text[i] - '0';
        if (odd) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        odd = !odd;
        digits++;
    }
    return digits >= 12 && sum % 10 == 0;
}

static rv_status mask_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                              const rv_batch *batch) {
    (void)port;
    mask_state *s = instance;
    for (uint64_t i = 0; i < batch->count; i++) {
        const rv_record *r = RV_BATCH_RECORD(batch, i);
        const rv_field *f = &r->fields[s->field];
        if (f->type != RV_TYPE_STRING) { /* NULL: nothing to mask */
            rv_status st = api->forward(ctx, 0, batch, i);
            if (st != RV_OK) return st;
            continue;
        }
        if (s->luhn && !luhn_valid(f->value.ptr, f->len)) {
            api->report_error(ctx, RV_ERROR, (int64_t)i, "card number fails the Luhn check");
            return RV_ERROR;
        }
        if (f->len > s->text_cap) {
            uint8_t *bigger = realloc(s->text, f->len);
            if (!bigger) return RV_FATAL;
            s->text = bigger;
            s->text_cap = f->len;
        }
        int visible = s->keep;
        for (uint32_t k = f->len; k-- > 0;) {
            uint8_t c = f->value.ptr[k];
            int digit = c >= '0' && c <= '9';
            s->text[k] = (digit && visible-- <= 0) ? '*' : c;
        }
        memcpy(s->row, r->fields, s->out_count * sizeof(rv_field));
        s->row[s->field].value.ptr = s->text;
        rv_record out = *r;
        out.fields = s->row;
        rv_status st = api->emit(ctx, 0, &out); /* the host copies the masked text */
        if (st != RV_OK) return st;
    }
    return RV_OK;
}

static const rv_config_key mask_keys[] = {
    {"field", "the string field holding the card number", RV_TYPE_STRING, 1},
    {"keep", "how many trailing digits stay visible (default 4)", RV_TYPE_I64, 0},
    {"luhn", "dead-letter numbers failing the Luhn check (default false)", RV_TYPE_BOOL, 0},
};

const rv_operator_def rv_std_mask = {
    .struct_size = sizeof(rv_operator_def),
    .flags = RV_OPERATOR_STATELESS,
    .name = "mask",
    .description = "Masks all but the last digits of a card number; optionally dead-letters invalid numbers",
    .config_keys = mask_keys,
    .config_key_count = sizeof mask_keys / sizeof mask_keys[0],
    .create = mask_create,
    .destroy = mask_destroy,
    .process = mask_process,
};
