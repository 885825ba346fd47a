/* pipeline_baseline.c — the stateless benchmark pipeline as a plain C loop: the physical limit.
 * Same work as generator → filter(value < 900) → project(key, value, ts) → scale(value * 3 + 7) → null
 * sink (Benchmarks/pipeline.yaml), in batches of 1024, with the generator's splitmix64 sequence, but no
 * runtime, no plugin calls and no queues. */
#include "spsc_baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int64_t pipeline_baseline_checksum;

typedef struct { const char *key; uint32_t key_len; int64_t seq, value, ts; } gen_record;
typedef struct { const char *key; uint32_t key_len; int64_t value, ts; } slim_record;

int64_t pipeline_baseline(int64_t count, int64_t keys, uint64_t seed) {
    enum { BATCH = 1024 };
    char (*names)[16] = malloc((size_t)keys * 16);
    uint32_t *lens = malloc((size_t)keys * sizeof(uint32_t));
    for (int64_t k = 0; k < keys; k++) lens[k] = (uint32_t)snprintf(names[k], 16, "key-%lld", (long long)k);
    gen_record *in = malloc(BATCH * sizeof *in);
    uint32_t *selected = malloc(BATCH * sizeof *selected);
    slim_record *out = malloc(BATCH * sizeof *out);
    uint64_t state = seed + 0x9E3779B97F4A7C15ull;
    int64_t produced = 0, delivered = 0, checksum = 0;
    while (produced < count) {
        int64_t n = count - produced < BATCH ? count - produced : BATCH;
        for (int64_t i = 0; i < n; i++) {
            state += 0x9E3779B97F4A7C15ull;
            uint64_t z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            z ^= z >> 31;
            int64_t k = (int64_t)(z % (uint64_t)keys);
            in[i] = (gen_record){names[k], lens[k], produced, (int64_t)((z >> 32) % 1000), 1704067200000 + produced};
            produced++;
        }
        int64_t kept = 0;
        for (int64_t i = 0; i < n; i++)
            if (in[i].value < 900) selected[kept++] = (uint32_t)i;
        for (int64_t j = 0; j < kept; j++) {
            const gen_record *r = &in[selected[j]];
            out[j] = (slim_record){r->key, r->key_len, r->value, r->ts};
        }
        for (int64_t j = 0; j < kept; j++) /* scale, with the i64 operator's wrapping arithmetic */
            out[j].value = (int64_t)((uint64_t)out[j].value * PIPELINE_BASELINE_MULTIPLY + PIPELINE_BASELINE_ADD);
        for (int64_t j = 0; j < kept; j++) checksum += out[j].value;
        delivered += kept;
    }
    free(names);
    free(lens);
    free(in);
    free(selected);
    free(out);
    /* Storing the checksum where the compiler must assume it is read keeps the project and scale loops
     * from being optimized away (`checksum & 0` in the return value did not: it folds to 0). */
    pipeline_baseline_checksum = checksum;
    return delivered;
}
