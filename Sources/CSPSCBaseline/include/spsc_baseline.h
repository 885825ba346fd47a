/* spsc_baseline.h — a C SPSC queue of int64 with cached indices: the baseline for the Swift ring. */
#ifndef SPSC_BASELINE_H
#define SPSC_BASELINE_H
#include <stdint.h>

typedef struct spsc_baseline spsc_baseline;

/* A queue of `capacity` (a power of two) int64 values. */
spsc_baseline *spsc_baseline_create(uint64_t capacity);
void spsc_baseline_destroy(spsc_baseline *q);
/* Producer: 1 if pushed, 0 if full. */
int spsc_baseline_push(spsc_baseline *q, int64_t value);
/* Consumer: 1 if a value was popped into *out, 0 if empty. */
int spsc_baseline_pop(spsc_baseline *q, int64_t *out);

/* Moves `count` values 0..count-1 from a producer thread to a consumer thread (the calling thread) and
 * returns their sum; the C reference run for the ring benchmark. */
int64_t spsc_baseline_transfer(uint64_t capacity, int64_t count);

/* The factors of Benchmarks/pipeline.yaml's `scale` operator (value = value * 3 + 7). */
#define PIPELINE_BASELINE_MULTIPLY 3u
#define PIPELINE_BASELINE_ADD 7u

/* The benchmark pipeline (generator → filter value < 900 → project → scale → null sink) as a plain C
 * loop over `count` records with `keys` keys; returns how many records reached the sink. */
int64_t pipeline_baseline(int64_t count, int64_t keys, uint64_t seed);
/* The sum of the scaled values that reached the sink in the last pipeline_baseline call. */
extern volatile int64_t pipeline_baseline_checksum;

#endif
