/* batch_emit.c — `every_other`: emits, through emit_derived_batch (ABI 1.1), the records at odd indexes
 * with `n` doubled and `tag` replaced by bytes of the plugin's own ("odd", which the host must copy), in
 * one call per batch. Config `mode`: `odd` (default), `bad_index` (an index past the batch),
 * `bad_width` (rows of the wrong width), `all` (indexes NULL: every record, tag kept — shared),
 * `all_then_forward` (as `all`, then record 0 forwarded unchanged: the host must not have rewritten the
 * input in place yet), `all_fresh` (indexes NULL, every tag replaced by bytes in a buffer the plugin
 * scribbles over and frees right after the call: the host must have copied them during it). */
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct {
    int32_t n, tag;
    uint32_t width;
    const char *mode;
    rv_field *rows;
    uint32_t *indexes;
    uint64_t capacity;
    char odd[4];
} emit_state;

static rv_status emit_create(const rv_host_api *api, rv_context *ctx, void **out) {
    if (!RV_HAS(api, emit_derived_batch)) {
        api->report_error(ctx, RV_FATAL, -1, "batch_emit: the host has no emit_derived_batch");
        return RV_FATAL;
    }
    emit_state *s = calloc(1, sizeof *s);
    s->n = api->input_field_index(ctx, 0, "n");
    s->tag = api->input_field_index(ctx, 0, "tag");
    s->width = api->input_field_count(ctx, 0);
    s->mode = api->config_get(ctx, "mode");
    if (!s->mode) s->mode = "odd";
    memcpy(s->odd, "odd", 4);
    *out = s;
    return RV_OK;
}

static void emit_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
    (void)api;
    (void)ctx;
    emit_state *s = instance;
    free(s->rows);
    free(s->indexes);
    free(s);
}

static rv_status emit_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port, const rv_batch *batch) {
    (void)port;
    emit_state *s = instance;
    if (batch->count > s->capacity) {
        s->rows = realloc(s->rows, batch->count * s->width * sizeof(rv_field));
        s->indexes = realloc(s->indexes, batch->count * sizeof(uint32_t));
        s->capacity = batch->count;
    }
    memcpy(s->odd, "odd", 4);
    int then_forward = strcmp(s->mode, "all_then_forward") == 0;
    int fresh = strcmp(s->mode, "all_fresh") == 0;
    int all = strcmp(s->mode, "all") == 0 || then_forward || fresh;
    char *buffer = fresh ? malloc(4 * (batch->count ? batch->count : 1)) : NULL;
    uint64_t count = 0;
    for (uint64_t i = 0; i < batch->count; i++) {
        if (!all && i % 2 == 0) continue;
        rv_field *row = s->rows + count * s->width;
        memcpy(row, RV_BATCH_RECORD(batch, i)->fields, s->width * sizeof(rv_field));
        row[s->n].value.i64 *= 2;
        if (fresh) {
            memcpy(buffer + 4 * count, "new", 3);
            row[s->tag].value.ptr = (const uint8_t *)(buffer + 4 * count);
            row[s->tag].len = 3;
        }
        if (!all) {
            row[s->tag].value.ptr = (const uint8_t *)s->odd;
            row[s->tag].len = 3;
        }
        s->indexes[count++] = (uint32_t)i;
    }
    if (strcmp(s->mode, "bad_index") == 0 && count > 0) s->indexes[count - 1] = (uint32_t)batch->count;
    uint32_t width = strcmp(s->mode, "bad_width") == 0 ? s->width + 1 : s->width;
    rv_status st = api->emit_derived_batch(ctx, 0, batch, all ? NULL : s->indexes, s->rows, count, width);
    /* The host must have copied the rows, and the bytes that are not the input's: scribbling over both
     * now (the sink reads the records after process returns) must not show in the output. */
    memcpy(s->odd, "XXX", 4);
    memset(s->rows, 0xAB, count * s->width * sizeof(rv_field));
    if (buffer) {
        memset(buffer, 'Z', 4 * (batch->count ? batch->count : 1));
        free(buffer);
    }
    if (st == RV_OK && then_forward && batch->count > 0) st = api->forward(ctx, 0, batch, 0);
    return st;
}

static const rv_operator_def every_other = {
    .struct_size = sizeof(rv_operator_def), .name = "every_other", .description = "odd records, n doubled, in one call",
    .create = emit_create, .destroy = emit_destroy, .process = emit_process};
static const rv_operator_def *const ops[] = {&every_other};

static const rv_plugin_descriptor d = {
    .struct_size = sizeof(rv_plugin_descriptor), .abi_major = RV_ABI_MAJOR,
    .min_host_minor = 1, /* calls emit_derived_batch (1.1): create fails without it */
    .name = "batch_emit", .version = "1.0", .operators = ops, .operator_count = 1};

RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &d; }
