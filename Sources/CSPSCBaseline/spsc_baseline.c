/* spsc_baseline.c — the classic cached-index SPSC queue (as in rigtorp/SPSCQueue), in C11 atomics. */
#include "spsc_baseline.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

struct spsc_baseline {
    _Alignas(128) _Atomic uint64_t head; /* consumer writes */
    uint64_t cached_tail;                /* consumer's copy */
    _Alignas(128) _Atomic uint64_t tail; /* producer writes */
    uint64_t cached_head;                /* producer's copy */
    _Alignas(128) uint64_t mask;
    int64_t *slots;
};

spsc_baseline *spsc_baseline_create(uint64_t capacity) {
    spsc_baseline *q = aligned_alloc(128, sizeof *q);
    if (!q) return NULL;
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    q->cached_head = q->cached_tail = 0;
    q->mask = capacity - 1;
    q->slots = malloc(capacity * sizeof(int64_t));
    return q;
}

void spsc_baseline_destroy(spsc_baseline *q) {
    free(q->slots);
    free(q);
}

int spsc_baseline_push(spsc_baseline *q, int64_t value) {
    uint64_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
    if (t - q->cached_head > q->mask) {
        q->cached_head = atomic_load_explicit(&q->head, memory_order_acquire);
        if (t - q->cached_head > q->mask) return 0;
    }
    q->slots[t & q->mask] = value;
    atomic_store_explicit(&q->tail, t + 1, memory_order_release);
    return 1;
}

int spsc_baseline_pop(spsc_baseline *q, int64_t *out) {
    uint64_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
    if (h == q->cached_tail) {
        q->cached_tail = atomic_load_explicit(&q->tail, memory_order_acquire);
        if (h == q->cached_tail) return 0;
    }
    *out = q->slots[h & q->mask];
    atomic_store_explicit(&q->head, h + 1, memory_order_release);
    return 1;
}

typedef struct { spsc_baseline *q; int64_t count; } producer_args;

static void *producer(void *arg) {
    producer_args *a = arg;
    for (int64_t i = 0; i < a->count; i++) {
        while (!spsc_baseline_push(a->q, i)) sched_yield();
    }
    return NULL;
}

int64_t spsc_baseline_transfer(uint64_t capacity, int64_t count) {
    spsc_baseline *q = spsc_baseline_create(capacity);
    producer_args args = {q, count};
    pthread_t thread;
    pthread_create(&thread, NULL, producer, &args);
    int64_t sum = 0, v;
    for (int64_t received = 0; received < count;) {
        if (spsc_baseline_pop(q, &v)) {
            sum += v;
            received++;
        } else {
            sched_yield();
        }
    }
    pthread_join(thread, NULL);
    spsc_baseline_destroy(q);
    return sum;
}
