/* date_time.c — the `dmy_time` function: "DD/MM/YYYY HH:MM:SS" (UTC) → epoch milliseconds.
 * A plugin-supplied event-time extractor for a layout the host does not parse itself:
 *   time: { type: event, extractor: std.dmy_time, arguments: [when] } */
#include "rv_std_c_internal.h"

static int digits(const uint8_t *p, int n, int64_t *out) {
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return 0;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 1;
}

static int64_t days_in_month(int64_t y, int64_t m) {
    static const int64_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static rv_status dmy_time(const rv_host_api *api, rv_context *ctx, const rv_field *args, uint64_t arg_count, rv_field *out) {
    (void)arg_count;
    const rv_field *f = &args[0];
    int64_t d, mo, y, h, mi, s;
    const uint8_t *p = f->value.ptr;
    if (f->type != RV_TYPE_STRING || f->len != 19 || p[2] != '/' || p[5] != '/' || p[10] != ' ' || p[13] != ':' ||
        p[16] != ':' || !digits(p, 2, &d) || !digits(p + 3, 2, &mo) || !digits(p + 6, 4, &y) || !digits(p + 11, 2, &h) ||
        !digits(p + 14, 2, &mi) || !digits(p + 17, 2, &s) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        s > 60 || d > days_in_month(y, mo)) {
        api->report_error(ctx, RV_ERROR, -1, "dmy_time: expected DD/MM/YYYY HH:MM:SS");
        return RV_ERROR;
    }
    out->type = RV_TYPE_TIMESTAMP;
    out->len = 0;
    out->value.i64 = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000;
    return RV_OK;
}

static const uint32_t dmy_args[] = {RV_TYPE_STRING};

const rv_function_def rv_std_dmy_time = {
    .struct_size = sizeof(rv_function_def),
    .result_type = RV_TYPE_TIMESTAMP,
    .name = "dmy_time",
    .description = "DD/MM/YYYY HH:MM:SS (UTC) to epoch milliseconds",
    .arg_types = dmy_args,
    .arg_count = 1,
    .call = dmy_time,
};
