/* malloc_count.c — an LD_PRELOAD library that counts malloc, calloc, realloc and posix_memalign/aligned_alloc
 * calls of a whole process and writes `allocations: N` to stderr when it exits. For Benchmarks/expressions.sh
 * (valgrind cannot read the Swift toolchain's DWARF 5).
 *
 *   cc -O2 -shared -fPIC -o malloc_count.so Benchmarks/malloc_count.c -ldl
 *   LD_PRELOAD=./malloc_count.so rivulet run m.yaml */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_ulong count;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

/* dlsym may call calloc before real_calloc is known: a small static pool serves it. */
static char pool[4096];
static size_t pool_used;

static void *pool_alloc(size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (pool_used + n > sizeof pool) return NULL;
    void *p = pool + pool_used;
    pool_used += n;
    return p;
}

void *malloc(size_t n) {
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_malloc(n);
}

void *calloc(size_t a, size_t b) {
    if (!real_calloc) {
        static int resolving;
        if (resolving) return pool_alloc(a * b);
        resolving = 1;
        real_calloc = dlsym(RTLD_NEXT, "calloc");
        resolving = 0;
    }
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_calloc(a, b);
}

void *realloc(void *p, size_t n) {
    if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_realloc(p, n);
}

int posix_memalign(void **out, size_t alignment, size_t n) {
    if (!real_posix_memalign) real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_posix_memalign(out, alignment, n);
}

void *aligned_alloc(size_t alignment, size_t n) {
    if (!real_aligned_alloc) real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_aligned_alloc(alignment, n);
}

void free(void *p) {
    static void (*real_free)(void *);
    if ((char *)p >= pool && (char *)p < pool + sizeof pool) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    real_free(p);
}

__attribute__((destructor)) static void report(void) {
    char line[64];
    int n = snprintf(line, sizeof line, "allocations: %lu\n", atomic_load(&count));
    if (n > 0) (void)!write(2, line, (size_t)n);
}
