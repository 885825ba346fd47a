/*
 * tumbling_baseline.c -- the "plain C program" for the tumbling-csv benchmark.
 *
 *   cc -O2 -o tumbling_baseline tumbling_baseline.c
 *   tumbling_baseline INPUT.csv OUTPUT.csv
 *
 * Single-threaded, libc only: mmap the input, parse `ts_ms,key,value` lines (no header), keep
 * per-(key, window start) count and sum in an open-addressing hash table whose keys point into
 * the mapped bytes (zero copy), and write `window_start,key,count,sum` per fired window.
 *
 * Semantics (Rivulet's / Flink's: bounded out-of-orderness B = 2000 ms, tumbling S = 10000 ms,
 * grace 0, emit final), record by record in file order:
 *   - before record i the watermark is W_i = (max ts of the records before i) - B (minus infinity
 *     before the first record); if W_i > current watermark, current = W_i and every live window
 *     [s, s+S) with s+S-1 <= current fires, ordered by (end, start, key bytes in memcmp order,
 *     shorter first on an equal prefix), and is forgotten;
 *   - the record's window is s = floor(ts / S) * S; if s+S-1 <= current the record is late
 *     (counted, not written), otherwise count += 1 and sum += value for (key, s);
 *   - at end of input all remaining windows fire in the same order.
 * Malformed lines are counted as "bad" and skipped (the generated input has none).
 * Stats go to stderr: events, late, windows, seconds (CLOCK_MONOTONIC around the whole job,
 * parsing and output included), events/s.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BOUND_MS 2000
#define SIZE_MS 10000

typedef struct {
    const char *key;   /* into the mapping; NULL = empty slot */
    uint32_t klen;
    uint64_t hash;
    int64_t start;
    int64_t count;
    int64_t sum;
} Window;

static Window *table;
static size_t cap = (size_t)1 << 16;   /* power of two */
static size_t live;
static Window *scratch;                /* due / surviving windows while firing */

static int64_t min_last_ms = INT64_MAX; /* min over live windows of s + S - 1 */
static uint64_t n_windows;

static char *obuf;
static size_t olen;
#define OBUF_CAP ((size_t)1 << 20)
static FILE *out;

static void die(const char *msg) {
    perror(msg);
    exit(1);
}

static void flush_out(void) {
    if (olen && fwrite(obuf, 1, olen, out) != olen) die("write");
    olen = 0;
}

static char *put_i64(char *p, int64_t v) {
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) *p++ = '-';
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    while (n) *p++ = tmp[--n];
    return p;
}

static void emit(const Window *w) {
    if (olen + w->klen + 64 > OBUF_CAP) flush_out();
    if (w->klen + 64 > OBUF_CAP) { /* absurdly long key: write directly */
        fprintf(out, "%lld,", (long long)w->start);
        fwrite(w->key, 1, w->klen, out);
        fprintf(out, ",%lld,%lld\n", (long long)w->count, (long long)w->sum);
        return;
    }
    char *p = obuf + olen;
    p = put_i64(p, w->start);
    *p++ = ',';
    memcpy(p, w->key, w->klen);
    p += w->klen;
    *p++ = ',';
    p = put_i64(p, w->count);
    *p++ = ',';
    p = put_i64(p, w->sum);
    *p++ = '\n';
    olen = (size_t)(p - obuf);
}

static uint64_t hash_of(const char *k, uint32_t len, int64_t start) {
    uint64_t h = 1469598103934665603ULL;              /* FNV-1a over the key bytes */
    for (uint32_t i = 0; i < len; i++) { h ^= (unsigned char)k[i]; h *= 1099511628211ULL; }
    h ^= (uint64_t)start * 0x9E3779B97F4A7C15ULL;     /* mix in the window start */
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return h;
}

static Window *slot_for(uint64_t h, const char *k, uint32_t len, int64_t start) {
    size_t mask = cap - 1, i = (size_t)h & mask;
    for (;;) {
        Window *w = &table[i];
        if (!w->key) return w;
        if (w->hash == h && w->start == start && w->klen == len && memcmp(w->key, k, len) == 0) return w;
        i = (i + 1) & mask;
    }
}

static void reinsert_all(Window *ws, size_t n) {
    for (size_t j = 0; j < n; j++) {
        Window *w = slot_for(ws[j].hash, ws[j].key, ws[j].klen, ws[j].start);
        *w = ws[j];
    }
}

static void grow(void) {
    size_t old_cap = cap, n = 0;
    for (size_t i = 0; i < old_cap; i++) if (table[i].key) scratch[n++] = table[i];
    free(table);
    cap *= 2;
    table = calloc(cap, sizeof(Window));
    Window *ns = realloc(scratch, cap * sizeof(Window));
    if (!table || !ns) die("calloc");
    scratch = ns;
    reinsert_all(scratch, n);
}

static int cmp_window(const void *a, const void *b) {
    const Window *x = a, *y = b;
    /* end = start + S, so ordering by (end, start) is ordering by start */
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    uint32_t m = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, m);
    if (c) return c;
    return x->klen < y->klen ? -1 : x->klen > y->klen ? 1 : 0;
}

/* Fire every live window with s + S - 1 <= wm (all of them when wm == INT64_MAX). */
static void fire(int64_t wm) {
    size_t n_due = 0, n_keep = cap;   /* due fill scratch from the front, survivors from the back */
    int64_t new_min = INT64_MAX;
    for (size_t i = 0; i < cap; i++) {
        Window *w = &table[i];
        if (!w->key) continue;
        int64_t last = w->start + SIZE_MS - 1;
        if (last <= wm) {
            scratch[n_due++] = *w;
        } else {
            scratch[--n_keep] = *w;
            if (last < new_min) new_min = last;
        }
    }
    memset(table, 0, cap * sizeof(Window));
    reinsert_all(scratch + n_keep, cap - n_keep);
    live = cap - n_keep;
    min_last_ms = new_min;
    qsort(scratch, n_due, sizeof(Window), cmp_window);
    for (size_t j = 0; j < n_due; j++) emit(&scratch[j]);
    n_windows += n_due;
}

static int parse_i64(const char *p, const char *end, int64_t *v) {
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+')) { neg = *p == '-'; p++; }
    if (p == end) return 0;
    uint64_t u = 0;
    for (; p < end; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > 9) return 0;
        u = u * 10 + d;
    }
    *v = neg ? -(int64_t)u : (int64_t)u;
    return 1;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT.csv OUTPUT.csv\n", argv[0]);
        return 2;
    }
    double t0 = now_s();

    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) die(argv[1]);
    struct stat st;
    if (fstat(fd, &st) != 0) die("fstat");
    size_t len = (size_t)st.st_size;
    const char *data = "";
    if (len) {
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) die("mmap");
        posix_madvise(m, len, POSIX_MADV_SEQUENTIAL);
        data = m;
    }
    out = fopen(argv[2], "w");
    if (!out) die(argv[2]);
    obuf = malloc(OBUF_CAP);
    table = calloc(cap, sizeof(Window));
    scratch = malloc(cap * sizeof(Window));
    if (!obuf || !table || !scratch) die("malloc");

    int have_max = 0;
    int64_t max_ts = 0, current = INT64_MIN;
    uint64_t events = 0, late = 0, bad = 0;

    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (le > p && le[-1] == '\r') le--;
        if (le == p) { p = next; continue; }   /* blank line */

        const char *c1 = memchr(p, ',', (size_t)(le - p));
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(le - c1 - 1)) : NULL;
        int64_t ts, value;
        if (!c2 || !parse_i64(p, c1, &ts) || !parse_i64(c2 + 1, le, &value)) {
            bad++;
            p = next;
            continue;
        }
        const char *key = c1 + 1;
        uint32_t klen = (uint32_t)(c2 - key);
        events++;

        /* watermark before this record */
        if (have_max) {
            int64_t w = max_ts - BOUND_MS;
            if (w > current) {
                current = w;
                if (current >= min_last_ms) fire(current);
            }
        }
        if (!have_max || ts > max_ts) { max_ts = ts; have_max = 1; }

        int64_t s = ts / SIZE_MS * SIZE_MS;
        if (ts % SIZE_MS < 0) s -= SIZE_MS;          /* floor for negative ts */
        int64_t last = s + SIZE_MS - 1;
        if (last <= current) {
            late++;
        } else {
            uint64_t h = hash_of(key, klen, s);
            Window *w = slot_for(h, key, klen, s);
            if (!w->key) {
                w->key = key; w->klen = klen; w->hash = h; w->start = s;
                w->count = 0; w->sum = 0;
                if (last < min_last_ms) min_last_ms = last;
                if (++live * 2 > cap) {
                    w->count = 1; w->sum = value;
                    grow();
                    p = next;
                    continue;
                }
            }
            w->count += 1;
            w->sum += value;
        }
        p = next;
    }
    fire(INT64_MAX);
    flush_out();
    if (fclose(out) != 0) die("close output");

    double secs = now_s() - t0;
    fprintf(stderr, "events %llu\nlate %llu\nwindows %llu\n", (unsigned long long)events,
            (unsigned long long)late, (unsigned long long)n_windows);
    if (bad) fprintf(stderr, "bad_lines %llu\n", (unsigned long long)bad);
    fprintf(stderr, "seconds %.3f\nevents_per_s %.0f\n", secs, secs > 0 ? (double)events / secs : 0.0);
    return 0;
}
