/* derive.c — the host's per-record loops for derived records (emit_derived / emit_derived_batch) and for
 * maps rewriting a batch in place. Written in C because they are the hottest loops of a map: an 80-byte
 * record copy and a few pointer compares per record, which Swift compiled to about 110 instructions with
 * stack spills (callgrind), C to about 30. Compiled at SwiftPM's -O2 (a product with unsafeFlags such as
 * -O3 cannot be a versioned dependency); the loops are written so that -O2 needs no more instructions
 * than -O3 did (the tests that do not change per record are outside the loops). */
#include "rivulet_host.h"

#include <string.h>

static inline int is_bytes(uint32_t type) { return type == RV_TYPE_STRING || type == RV_TYPE_BYTES; }

/* Whether field `f` (at position i of the new row) is one of the parent record's own byte fields. */
static inline int shared_with_parent(const rv_field *f, uint32_t i, const rv_field *parent, uint32_t parent_count) {
    if (parent == NULL) return 0;
    if (i < parent_count && parent[i].value.ptr == f->value.ptr && parent[i].len == f->len && is_bytes(parent[i].type))
        return 1;
    for (uint32_t k = 0; k < parent_count; k++)
        if (parent[k].value.ptr == f->value.ptr && parent[k].len == f->len && is_bytes(parent[k].type)) return 1;
    return 0;
}

/* The loop of rv_host_append_derived, inlined into its two callers below: one with a selection (indexes), one
 * without, so that the test of `indexes` is not in the loop (SwiftPM compiles C at -O2, which does not unswitch
 * this loop by itself; -O3 did). */
static inline __attribute__((always_inline)) size_t
append_derived(rv_record *out_records, int64_t *out_watermarks, rv_field *rows, uint32_t width,
               const rv_record *parent_records, const int64_t *parent_watermarks, size_t offset,
               const uint32_t *indexes, size_t start, size_t n, int32_t *needs_copy) {
    *needs_copy = 0;
    for (size_t k = start; k < n; k++) {
        size_t index = offset + (indexes ? (size_t)indexes[k] : k);
        const rv_record *source = &parent_records[index];
        rv_field *row = rows + k * width;
        rv_record *record = &out_records[k];
        *record = *source;
        record->fields = width ? row : NULL;
        record->field_count = width;
        out_watermarks[k] = parent_watermarks[index];
        for (uint32_t i = 0; i < width; i++) {
            const rv_field *f = &row[i];
            if (!is_bytes(f->type) || f->len == 0) continue;
            if (!shared_with_parent(f, i, source->fields, source->field_count)) {
                *needs_copy = 1;
                return k + 1;
            }
        }
    }
    return n;
}

size_t rv_host_append_derived(rv_record *out_records, int64_t *out_watermarks, rv_field *rows, uint32_t width,
                              const rv_record *parent_records, const int64_t *parent_watermarks, size_t offset,
                              const uint32_t *indexes, size_t start, size_t n, int32_t *needs_copy) {
    if (indexes)
        return append_derived(out_records, out_watermarks, rows, width, parent_records, parent_watermarks, offset,
                              indexes, start, n, needs_copy);
    return append_derived(out_records, out_watermarks, rows, width, parent_records, parent_watermarks, offset,
                          NULL, start, n, needs_copy);
}

size_t rv_host_first_foreign_row(const rv_record *records, const rv_field *rows, uint32_t width, size_t start, size_t n) {
    if (width == 0) return n; /* no field: no foreign bytes (tested once, not per record: see append_derived) */
    for (size_t k = start; k < n; k++) {
        const rv_field *row = rows + k * width;
        for (uint32_t i = 0; i < width; i++) {
            if (!is_bytes(row[i].type) || row[i].len == 0) continue;
            if (!shared_with_parent(&row[i], i, records[k].fields, records[k].field_count)) return k;
        }
    }
    return n;
}

/* Copies `bytes` (a multiple of 16) from `from` to `to`, which do not overlap, in 64-byte blocks of inline
 * moves. Not memcpy: for a batch's rows (48 KiB for 1,024 rows of 3 fields) glibc's memcpy switches to
 * `rep movsb`, which callgrind counts byte by byte (one instruction per byte), so that the instruction
 * counts this code is tuned by would no longer compare. */
static void copy_fields(void *restrict to, const void *restrict from, size_t bytes) {
    unsigned char *d = to;
    const unsigned char *s = from;
    for (; bytes >= 64; bytes -= 64, d += 64, s += 64) __builtin_memcpy_inline(d, s, 64);
    for (; bytes >= 16; bytes -= 16, d += 16, s += 16) __builtin_memcpy_inline(d, s, 16);
}

void rv_host_rewrite_rows(rv_record *records, rv_field *own_rows, const rv_field *rows, uint32_t width, size_t n) {
    const size_t row_bytes = (size_t)width * sizeof(rv_field);
    const uintptr_t to = (uintptr_t)own_rows, from = (uintptr_t)rows, bytes = n * row_bytes;
    if (from + bytes <= to || to + bytes <= from) {
        copy_fields(own_rows, rows, bytes); /* apart (always, from the host's own buffers): the rows are one block */
    } else {
        for (size_t i = 0; i < n; i++) memmove(own_rows + i * width, rows + i * width, row_bytes);
    }
    for (size_t i = 0; i < n; i++) {
        records[i].fields = own_rows + i * width;
        records[i].field_count = width;
    }
}
