/* rivulet_host.h — host-internal C helpers for the record path (not part of the plugin ABI). */
#ifndef RIVULET_HOST_H
#define RIVULET_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "rivulet.h"

/* Appends derived records `start..<n` to a batch being built, whose field rows are already in place:
 * record k becomes a copy of parent record `offset + indexes[k]` (`offset + k` when indexes is NULL)
 * with `fields = rows + k * width` and `field_count = width`, and its per-record watermark is the
 * parent's. Every string or bytes field of a new row is checked against the parent record's fields
 * (same pointer and length, at the same position first): when one is not the parent's own, the record
 * is still written, *needs_copy is set to 1 and the function returns k + 1 — the caller copies that
 * row's foreign bytes into the batch and calls again from there. Otherwise it returns n with
 * *needs_copy = 0.
 * Invariants the caller guarantees: `out_records`/`out_watermarks`/`rows` have room for n records, the
 * indexes are inside the parent batch, and nothing else writes these ranges during the call. */
size_t rv_host_append_derived(rv_record *out_records, int64_t *out_watermarks, rv_field *rows, uint32_t width,
                              const rv_record *parent_records, const int64_t *parent_watermarks, size_t offset,
                              const uint32_t *indexes, size_t start, size_t n, int32_t *needs_copy);

/* The first k in start..<n whose row (the `width` fields at rows + k * width) has a string or bytes field
 * that is not one of records[k]'s own fields (same pointer and length), or n when there is none. */
size_t rv_host_first_foreign_row(const rv_record *records, const rv_field *rows, uint32_t width, size_t start, size_t n);

/* Gives records 0..<n new field rows in the batch's own row block: row i (the `width` fields at rows + i * width)
 * is copied to own_rows + i * width and record i gets fields = own_rows + i * width, field_count = width.
 * The rows are copied as one block when the two ranges are apart, else row by row with memmove in
 * ascending order (what the Swift loop did). RecordBatch.rewriteInPlace's loop once the rows' bytes are
 * resolved; the caller guarantees what that method documents (the rows fit, nothing else reads the records). */
void rv_host_rewrite_rows(rv_record *records, rv_field *own_rows, const rv_field *rows, uint32_t width, size_t n);

/* The git commit the host was built from ("unknown" outside a checkout; "+modified" with local changes),
 * and the compiler's date and time of build_info.c ("Dec  1 2026 14:55:02"). */
const char *rv_host_build_commit(void);
const char *rv_host_build_date(void);

/* What the crash guard (crash_guard.c) says about the plugin call in progress on a thread. The strings
 * must outlive the scope; `records`, `count` and `record_size` describe the records passed to the call
 * (NULL/0 for callbacks without records). */
typedef struct rv_host_crash_scope {
    const char *what;     /* "operator 'm' (mask of /path/librv_std_c.so), instance 0" */
    const char *callback; /* "process", "on_timer", … */
    const char *position; /* what precedes a record's offset: "events.csv:" (a line), or "offset " */
    const rv_record *records;
    uint64_t count;
    uint64_t record_size;
} rv_host_crash_scope;

/* Installs the handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT and SIGTRAP: inside a scope, one line on
 * stderr then _exit(status) — or, with `chain`, the previously installed handler (a backtrace). Once. */
void rv_host_crash_guard_install(int status, int chain);
/* Marks the calling thread as running plugin code described by `scope` until leave, which puts back the
 * scope enter returned (a plugin's emit may run a fused plugin downstream: scopes nest). */
const rv_host_crash_scope *rv_host_crash_scope_enter(const rv_host_crash_scope *scope);
void rv_host_crash_scope_leave(const rv_host_crash_scope *outer);
/* An alternate signal stack for the calling thread (so a plugin's stack overflow still gets its line);
 * returns it, to give to _end when the thread finishes (NULL: none could be made). */
void *rv_host_crash_guard_thread_begin(void);
void rv_host_crash_guard_thread_end(void *stack);

#endif
