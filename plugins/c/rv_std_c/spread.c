/* spread.c — the `spread` aggregate: max − min of a numeric field (i64 or f64) over a window, as f64.
 * Shows the aggregate ABI: the host owns the accumulator (plain bytes, no pointers), calls init once,
 * add per record, merge for session and sliding windows, and result when the window is emitted. */
#include "rv_std_c_internal.h"

typedef struct {
    double min;
    double max;
    int64_t count; /* non-NULL values seen */
} spread_acc;

static rv_status spread_init(const rv_host_api *api, rv_context *ctx, void *acc) {
    (void)api;
    (void)ctx;
    spread_acc *a = acc;
    a->min = 0;
    a->max = 0;
    a->count = 0;
    return RV_OK;
}

static void fold(spread_acc *a, double v) {
    if (a->count == 0 || v < a->min) a->min = v;
    if (a->count == 0 || v > a->max) a->max = v;
    a->count++;
}

static rv_status spread_add(const rv_host_api *api, rv_context *ctx, void *acc, const rv_field *value) {
    switch (value->type) {
    case RV_TYPE_NULL: return RV_OK;
    case RV_TYPE_I64: fold(acc, (double)value->value.i64); return RV_OK;
    case RV_TYPE_F64: fold(acc, value->value.f64); return RV_OK;
    default:
        api->report_error(ctx, RV_FATAL, -1, "spread: the field must be i64 or f64");
        return RV_FATAL;
    }
}

static rv_status spread_merge(const rv_host_api *api, rv_context *ctx, void *acc, const void *other) {
    (void)api;
    (void)ctx;
    const spread_acc *o = other;
    if (o->count == 0) return RV_OK;
    spread_acc *a = acc;
    int64_t n = a->count + o->count;
    fold(a, o->min);
    fold(a, o->max);
    a->count = n;
    return RV_OK;
}

static rv_status spread_result(const rv_host_api *api, rv_context *ctx, const void *acc, rv_field *out) {
    (void)api;
    (void)ctx;
    const spread_acc *a = acc;
    if (a->count == 0) {
        out->type = RV_TYPE_NULL;
        return RV_OK;
    }
    out->type = RV_TYPE_F64;
    out->len = 0;
    out->value.f64 = a->max - a->min;
    return RV_OK;
}

const rv_aggregate_def rv_std_spread = {
    .struct_size = sizeof(rv_aggregate_def),
    .acc_size = sizeof(spread_acc),
    .name = "spread",
    .description = "max - min of a numeric field, as f64",
    .input_type = RV_TYPE_NULL,
    .result_type = RV_TYPE_F64,
    .init = spread_init,
    .add = spread_add,
    .merge = spread_merge,
    .result = spread_result,
};
