/* rivulet.h — the stable C ABI between the Rivulet host and its operator plugins (ABI 1.2).
 *
 * This header is the one contract between the host and every plugin, C or Swift. Third parties compile
 * against it for years, so it follows strict rules (see docs/ABI.md for the reasons):
 *
 *  - One entry symbol, a function: `const rv_plugin_descriptor *rivulet_plugin_v1(void)`. It must not run
 *    any code with side effects; it only returns a static descriptor. The host checks the descriptor's
 *    versions BEFORE it calls anything else in the library. An incompatible change gets a new entry symbol
 *    (`rivulet_plugin_v2`), never a redefined struct.
 *  - Versions: every versioned struct starts with `uint32_t struct_size`; the host reads only
 *    min(struct_size, what it knows) of it. The host refuses another `abi_major`, or a descriptor whose
 *    `min_host_minor` is newer than the minor it offers. Structs without a struct_size (rv_field,
 *    rv_field_def, rv_header, rv_record, rv_config_key) are FROZEN for all of ABI 1.x: the host reads and
 *    writes them at their full 1.0 size, so their size and members never change within major 1.
 *  - Host services are the function table `rv_host_api`, passed to every callback. Plugins link against no
 *    host symbol. The table is append-only; each addition is marked with the minor version that added it;
 *    test a slot with RV_HAS(api, slot) before calling anything newer than the descriptor's min_host_minor.
 *  - No host struct crosses by value, and a plugin never does sizeof on one: contexts, stores, iterators
 *    and counters are opaque handles.
 *  - Records cross in batches and are borrowed: valid and immutable for the duration of the callback only.
 *    Emitted records are copied by the host during the emit call. Nothing is freed with the other side's
 *    free().
 *  - Status codes, never exceptions or longjmp across the boundary (rv_status). What the host does with
 *    each status is said at each callback. A host service that fails says why through last_error (1.2).
 *  - Every (pointer, length) pair: NULL with length 0 is empty; NULL with a non-zero length is RV_INVALID.
 *  - Plain C11 (also valid C++), fixed-width types, no enums or bools inside structs, no padding holes.
 *
 * THREADING CONTRACT. An operator instance is called by one thread at a time and is never re-entered:
 * process, on_watermark, on_timer, flush, snapshot, restore and destroy of one instance never overlap.
 * Different instances of the same operator (parallelism > 1) run concurrently on different threads, so a
 * plugin must not share mutable globals between instances without its own locking. Host services are
 * valid only inside a callback, on the thread that made the callback, for the context passed to it,
 * unless the slot says "thread-safe".
 *
 * LIFECYCLE. dlopen → rivulet_plugin_v1() → version check → descriptor->init (once per loaded library)
 * → for each instance: create → { process | on_watermark | on_timer }* → flush (end of input) → destroy
 * → descriptor->fini (once) → dlclose. The host unloads a library only after every instance of it has been
 * destroyed. At a checkpoint, snapshot is called between two callbacks of the sequence above; a run
 * restored from a checkpoint calls restore after create, before anything else (docs/ABI.md,
 * "Checkpoints"). An aggregate's retract is called from the version that implements it (sliding
 * retractions): no host calls it yet.
 *
 * A plugin runs inside the host process: its crash is the host's crash. Load only plugins you trust.
 */
#ifndef RIVULET_H
#define RIVULET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------- */
/* Versions                                                                                              */
/* ---------------------------------------------------------------------------------------------------- */

#define RV_ABI_MAJOR 1u
#define RV_ABI_MINOR 2u

/* The name of the one entry symbol of ABI major 1. */
#define RV_ENTRY_SYMBOL "rivulet_plugin_v1"

/* Exports a symbol from a plugin built with -fvisibility=hidden. */
#if defined(_WIN32)
#define RV_EXPORT __declspec(dllexport)
#else
#define RV_EXPORT __attribute__((visibility("default")))
#endif

/* True when the host table `api` has the slot `field`: use before calling a slot added after the minor
 * version the plugin's descriptor declares in min_host_minor. */
#define RV_HAS(api, field) \
    ((api) != NULL && (api)->struct_size >= offsetof(rv_host_api, field) + sizeof((api)->field) && \
     (api)->field != NULL)

/* ---------------------------------------------------------------------------------------------------- */
/* Status codes: every callback and most host services return one. What the host does with a status a   */
/* callback returns is said at each callback (rv_operator_def, rv_aggregate_def, rv_function_def).       */
/* ---------------------------------------------------------------------------------------------------- */

typedef int32_t rv_status;
#define RV_OK 0            /* success */
#define RV_RETRY 1         /* transient failure: the host calls again after a pause (from process: from the
                              reported record), at most 5 times in a row, then stops the run */
#define RV_ERROR 2         /* from process (and a scalar function): the reported record failed and is
                              dead-lettered; from any other callback it stops the run (no record to blame) */
#define RV_FATAL 3         /* unrecoverable: the host stops the run with the reported message */
#define RV_UNSUPPORTED 4   /* reserved: no 1.x host returns it (every slot of its table is implemented; test
                              newer slots with RV_HAS); from a callback it stops the run */
#define RV_NOT_FOUND 5     /* (host services) no such key, field, port or store */
#define RV_INVALID 6       /* (host services) an invalid call: a NULL pointer with a non-zero length, a wrong
                              field count, a service outside the callbacks it is valid in; see last_error */

/* ---------------------------------------------------------------------------------------------------- */
/* Field types and values                                                                                */
/* ---------------------------------------------------------------------------------------------------- */

/* The type of a field (rv_field.type, rv_field_def.type). */
#define RV_TYPE_NULL 0u       /* no value: a missing CSV cell, a JSON null */
#define RV_TYPE_I64 1u        /* value.i64 */
#define RV_TYPE_F64 2u        /* value.f64 */
#define RV_TYPE_BOOL 3u       /* value.i64: 0 or 1 */
#define RV_TYPE_STRING 4u     /* value.ptr + len: UTF-8, not NUL-terminated */
#define RV_TYPE_BYTES 5u      /* value.ptr + len: arbitrary bytes */
#define RV_TYPE_TIMESTAMP 6u  /* value.i64: milliseconds since the Unix epoch, UTC */

/* A field value: 16 bytes, the type tag first. A field declared with a type either holds a value of that
 * type or RV_TYPE_NULL. String and bytes values point into memory the host (or, while emitting, the
 * plugin) owns; the same borrowing rules as the record that holds them apply; a NULL ptr with a non-zero
 * len is refused (RV_INVALID). FROZEN for ABI 1.x: rows of fields are read and written by stride. */
typedef struct rv_field {
    uint32_t type; /* RV_TYPE_* */
    uint32_t len;  /* byte length of a string or bytes value; 0 otherwise */
    union {
        int64_t i64;
        double f64;
        const uint8_t *ptr;
    } value;
} rv_field;

/* The declaration of a field of a schema: a name and a type. FROZEN for ABI 1.x: the host writes one at
 * full size (input_field_def) and reads arrays of them by stride (output_schema_set); no struct_size. */
typedef struct rv_field_def {
    const char *name; /* NUL-terminated */
    uint32_t type;    /* RV_TYPE_* */
    uint32_t reserved;
} rv_field_def;

/* ---------------------------------------------------------------------------------------------------- */
/* Records and batches                                                                                   */
/* ---------------------------------------------------------------------------------------------------- */

/* The change a record stands for (rv_record.op). A plain event stream is all inserts; a window emitting
 * updates, or a table turned into a stream, uses the others (the same four ops as Flink's RowKind). */
#define RV_OP_INSERT 0u
#define RV_OP_UPDATE_BEFORE 1u /* retracts a result emitted earlier */
#define RV_OP_UPDATE_AFTER 2u  /* the new result replacing it */
#define RV_OP_DELETE 3u

/* A header: a named byte string attached to a record. FROZEN for ABI 1.x (read by stride from emit). */
typedef struct rv_header {
    const char *name; /* NUL-terminated */
    const uint8_t *value;
    uint64_t value_len;
} rv_header;

/* An immutable record.
 *  - key: the bytes a record is partitioned and grouped by (may be empty).
 *  - value: the raw payload. On a stream with a schema the `fields` are the content and `value` is empty
 *    unless the codec is raw; on a schema-less stream (codec "lines" or "raw") `value` is the content.
 *  - fields: one rv_field per field of the stream's schema, in schema order (field_count of them).
 *    Operators find a field's index by name once, in create (api->input_field_index).
 *  - timestamp: the record's time in milliseconds since the epoch (event, log-append or processing time,
 *    as the source declares).
 *  - partition/offset: the record's position in its source, for replay; -1 when it has none.
 * FROZEN for all of ABI 1.x: emit reads sizeof(rv_record) bytes (80 on 64-bit targets) from the plugin,
 * with no size to tell an older layout from a newer one, so no 1.x version appends members; per-record
 * data added later comes through new host services. Step through a batch with RV_BATCH_RECORD. */
typedef struct rv_record {
    const uint8_t *key;
    const uint8_t *value;
    const rv_field *fields;
    const rv_header *headers;
    uint64_t key_len;
    uint64_t value_len;
    int64_t timestamp;
    int64_t offset;
    int32_t partition;
    uint32_t field_count;
    uint32_t header_count;
    uint32_t op; /* RV_OP_* */
} rv_record;

/* A batch of records handed to a callback. Borrowed: valid and immutable only during the callback. Built
 * by the host only: a later minor may append members (struct_size says how many there are). */
typedef struct rv_batch {
    uint32_t struct_size;
    uint32_t record_size; /* distance in bytes between consecutive records: sizeof(rv_record) in ABI 1.x */
    uint64_t count;
    const rv_record *records;
} rv_batch;

/* The i-th record of a batch. */
#define RV_BATCH_RECORD(batch, i) \
    ((const rv_record *)(const void *)((const uint8_t *)(batch)->records + (size_t)(i) * (batch)->record_size))

/* ---------------------------------------------------------------------------------------------------- */
/* Opaque handles                                                                                        */
/* ---------------------------------------------------------------------------------------------------- */

typedef struct rv_context rv_context;   /* one per operator instance (or per library during init/fini) */
typedef struct rv_store rv_store;       /* a named, keyed state store */
typedef struct rv_iterator rv_iterator; /* a range or prefix scan over a store */
typedef struct rv_counter rv_counter;   /* a metrics counter */

/* Log levels for api->log. */
#define RV_LOG_DEBUG 0u
#define RV_LOG_INFO 1u
#define RV_LOG_WARN 2u
#define RV_LOG_ERROR 3u

/* Time domains for timers. */
#define RV_TIME_EVENT 0u
#define RV_TIME_PROCESSING 1u

/* ---------------------------------------------------------------------------------------------------- */
/* The host API: one table of services, passed to every callback. APPEND-ONLY: add new slots at the end  */
/* only, each marked with the minor version that added it.                                              */
/* ---------------------------------------------------------------------------------------------------- */

/* Failures. A service that returns an rv_status or a handle and fails (a status other than RV_OK, a NULL
 * handle) records why; read it with last_error (1.2). RV_NOT_FOUND from store_get and iterator_next is an
 * answer (no such key, the end), not a failure. A (pointer, length) argument that is NULL with a non-zero
 * length is refused with RV_INVALID (a NULL handle from store_range/store_prefix) and nothing is done;
 * NULL with length 0 is the empty byte string. */

typedef struct rv_host_api {
    uint32_t struct_size; /* the table's size: it ends after the last slot of the minor the host offers */
    uint32_t abi_major;   /* the host's RV_ABI_MAJOR */
    uint32_t abi_minor;   /* the minor version this host offers: the table has every slot up to it */
    uint32_t reserved;

    /* ---- 1.0: diagnostics ---- */

    /* Writes a message to the host's log. The host copies the message. Thread-safe. */
    void (*log)(rv_context *ctx, uint32_t level, const char *message);

    /* Describes the failure a callback is about to return. record_index is the index, within the batch of
     * the current call, of the failing record (or -1 when no record is to blame). The host copies the
     * message. With RV_ERROR the host dead-letters that record with the message as its reason, then calls
     * process again with the records after it; records before it must already have been emitted. The
     * plugin's report and the host's own diagnostics (last_error) are kept apart: a failing host service
     * never changes what was reported here, and reporting does not change last_error. When a callback
     * fails without a report, the host's message names the callback, the status and last_error. */
    void (*report_error)(rv_context *ctx, rv_status code, int64_t record_index, const char *message);

    /* ---- 1.0: configuration (valid during create) ---- */

    /* The operator's configuration value for `key` as a NUL-terminated string, or NULL when absent. Scalars
     * in their YAML spelling; nested mappings under dotted keys ("rates.USD"), each mapping's own key
     * listing its children comma-separated ("rates" -> "USD,GBP"); lists of scalars joined with ','; items
     * of lists holding mappings or lists under their index ("routes.0.to"). The empty key "" returns the
     * whole configuration as one JSON object, structure and scalar types kept (hosts before this reading
     * answer NULL). Owned by the host, valid until destroy. */
    const char *(*config_get)(rv_context *ctx, const char *key);

    /* The user_data of the definition (operator, aggregate or function) this context was made for. Valid
     * in every callback. */
    const void *(*user_data)(rv_context *ctx);

    /* ---- 1.0: schemas (valid during create unless noted) ---- */

    /* The index of the field `name` in the schema of input port `port`, or -1 when there is none. Valid in
     * every callback. */
    int32_t (*input_field_index)(rv_context *ctx, uint32_t port, const char *name);
    /* The number of fields of input port `port`, and the declaration of field `index` (copied to *out).
     * Valid in every callback. */
    uint32_t (*input_field_count)(rv_context *ctx, uint32_t port);
    rv_status (*input_field_def)(rv_context *ctx, uint32_t port, uint32_t index, rv_field_def *out);

    /* Output schemas default to the schema of input port 0. During create an operator may replace the
     * schema of an output port with `count` fields (the host copies the names), or append one field and
     * learn its index (returned in *index_out). */
    rv_status (*output_schema_set)(rv_context *ctx, uint32_t port, const rv_field_def *fields, uint32_t count);
    rv_status (*output_field_add)(rv_context *ctx, uint32_t port, const char *name, uint32_t type,
                                  uint32_t *index_out);

    /* The index of the output port named `name` (as listed in the operator's descriptor), or -1. */
    int32_t (*output_port_index)(rv_context *ctx, const char *name);

    /* ---- 1.0: emitting (valid during process, on_watermark, on_timer and flush) ---- */

    /* Emits a record to output port `port`. The host copies the record, its fields, their bytes and its
     * headers before returning; the caller keeps ownership of everything it passed. field_count must equal
     * the output port's field count. RV_INVALID (nothing emitted) when the key, value, fields, headers, a
     * header's value or a string/bytes field is NULL with a non-zero length. */
    rv_status (*emit)(rv_context *ctx, uint32_t port, const rv_record *record);

    /* Emits record `index` of the batch being processed, unchanged, to output port `port` (a filter's
     * fast path: no bytes are copied). Valid only during process, for the batch passed to it, and only
     * when the output port has the input's schema. */
    rv_status (*forward)(rv_context *ctx, uint32_t port, const rv_batch *batch, uint64_t index);

    /* Forwards the records of the batch being processed whose indexes are listed (a selection vector),
     * unchanged and in the order listed, to output port `port`: one host call per batch instead of one
     * per record. Same rules as forward. The host reads `indexes` during the call only; an index outside
     * the batch, or indexes NULL with a non-zero count, is RV_INVALID and nothing is forwarded. */
    rv_status (*forward_selected)(rv_context *ctx, uint32_t port, const rv_batch *batch, const uint32_t *indexes,
                                  uint64_t count);

    /* Emits a record derived from record `index` of the batch being processed: it keeps that record's key,
     * value, timestamp, headers, op and position, with `fields` (field_count of them, the output port's
     * count) as its content. String and bytes fields that are the input record's own (the same pointer and
     * length as one of its fields) are shared, not copied; any other bytes are copied during the call.
     * The cheapest way to emit a changed record (a map, a projection). Valid only during process.
     * RV_INVALID (nothing emitted) when a string/bytes field is NULL with a non-zero length. */
    rv_status (*emit_derived)(rv_context *ctx, uint32_t port, const rv_batch *batch, uint64_t index,
                              const rv_field *fields, uint32_t field_count);

    /* ---- 1.0: state stores (declared in the manifest) ---- */

    /* Opens the store named `name` that the manifest attaches to this operator; NULL when there is none
     * (last_error lists the attached stores). Valid in create and every later callback; the handle is
     * valid until destroy. A store opened in create is bound to its backing store before the first
     * batch: store_get, store_put and store_delete in create itself answer RV_INVALID and the scans NULL
     * (last_error says so). The other store services work in every callback after create. */
    rv_store *(*store_open)(rv_context *ctx, const char *name);
    /* Looks a key up. On RV_OK, value and value_len are host-owned until the next call on this store;
     * RV_NOT_FOUND when absent. */
    rv_status (*store_get)(rv_context *ctx, rv_store *store, const uint8_t *key, uint64_t key_len,
                           const uint8_t **value, uint64_t *value_len);
    /* Inserts or replaces; the host copies key and value. A key or value that is NULL with a non-zero
     * length is RV_INVALID (nothing stored), in store_get and store_delete too. */
    rv_status (*store_put)(rv_context *ctx, rv_store *store, const uint8_t *key, uint64_t key_len,
                           const uint8_t *value, uint64_t value_len);
    rv_status (*store_delete)(rv_context *ctx, rv_store *store, const uint8_t *key, uint64_t key_len);
    /* Scans keys in [from, to) in byte order (to NULL with to_len 0: to the end). Close every iterator.
     * NULL (see last_error) when the store fails or from/to is NULL with a non-zero length. */
    rv_iterator *(*store_range)(rv_context *ctx, rv_store *store, const uint8_t *from, uint64_t from_len,
                                const uint8_t *to, uint64_t to_len);
    /* Scans every key starting with `prefix`, in byte order (NULL with prefix_len 0: every key). */
    rv_iterator *(*store_prefix)(rv_context *ctx, rv_store *store, const uint8_t *prefix, uint64_t prefix_len);
    /* Advances: RV_OK with the next pair (host-owned until the next call on the iterator), RV_NOT_FOUND at
     * the end. */
    rv_status (*iterator_next)(rv_context *ctx, rv_iterator *it, const uint8_t **key, uint64_t *key_len,
                               const uint8_t **value, uint64_t *value_len);
    void (*iterator_close)(rv_context *ctx, rv_iterator *it);

    /* ---- 1.0: time and timers ---- */

    /* The operator's current event-time watermark (ms), INT64_MIN before the first one. */
    int64_t (*current_watermark)(rv_context *ctx);
    /* The host's processing-time clock (ms since the epoch). Thread-safe. */
    int64_t (*processing_time)(rv_context *ctx);
    /* Registers a timer in `domain` (RV_TIME_*) at `time` for `key`; on_timer is called once when the
     * watermark (event time) or the clock (processing time) passes it. Registering the same (domain, time,
     * key) twice is one timer. Timers fire in time order. RV_INVALID for an operator without on_timer, an
     * unknown domain, or a key that is NULL with a non-zero key_len (also in timer_delete). */
    rv_status (*timer_register)(rv_context *ctx, uint32_t domain, int64_t time, const uint8_t *key,
                                uint64_t key_len);
    rv_status (*timer_delete)(rv_context *ctx, uint32_t domain, int64_t time, const uint8_t *key,
                              uint64_t key_len);

    /* ---- 1.0: metrics ---- */

    /* Registers (or finds) a counter named `name` for this operator instance; valid until destroy. */
    rv_counter *(*counter_register)(rv_context *ctx, const char *name);
    /* Adds to a counter. Thread-safe. */
    void (*counter_add)(rv_context *ctx, rv_counter *counter, int64_t delta);

    /* ---- 1.1: emitting a batch of derived records in one call (check with RV_HAS) ---- */

    /* Emits `count` derived records, as `count` calls of emit_derived would in order: the k-th is derived
     * from record indexes[k] of the batch being processed (from record k when indexes is NULL) with the
     * field_count fields at rows[k * field_count]. One host call per batch instead of one per record: a
     * map fills a row per record, then emits them all. Valid only during process. An index outside the
     * batch, a wrong field_count, or rows NULL with a non-zero count is RV_INVALID and nothing is emitted;
     * a row with a string/bytes field NULL with a non-zero length is RV_INVALID: the records before it
     * are emitted, it and the ones after it are not. */
    rv_status (*emit_derived_batch)(rv_context *ctx, uint32_t port, const rv_batch *batch, const uint32_t *indexes,
                                    const rv_field *rows, uint64_t count, uint32_t field_count);

    /* ---- 1.2: host diagnostics (check with RV_HAS) ---- */

    /* Why the most recent host service call on `ctx` that returns an rv_status or a handle failed (e.g.
     * "store_put: key is NULL with length 5"), or NULL when it succeeded or none was made yet in this
     * callback. As sqlite3_errmsg: owned by the host, valid until the next host call on `ctx`. Services
     * that cannot fail (log, report_error, config_get, user_data, input_field_index, input_field_count,
     * output_port_index, current_watermark, processing_time, counter_add) and last_error itself leave it
     * unchanged. Valid in every callback. */
    const char *(*last_error)(rv_context *ctx);
} rv_host_api;

/* ---------------------------------------------------------------------------------------------------- */
/* What a plugin offers: operators, aggregates and scalar functions.                                     */
/* ---------------------------------------------------------------------------------------------------- */

/* A configuration key an operator accepts (for validation and `rivulet plugins inspect`). FROZEN for ABI
 * 1.x: the host reads rv_operator_def.config_keys by stride. */
typedef struct rv_config_key {
    const char *name;
    const char *description;
    uint32_t type;     /* RV_TYPE_* the value is expected to parse as */
    uint32_t required; /* 1 if the manifest must give it */
} rv_config_key;

/* Flags of rv_operator_def.flags. */
#define RV_OPERATOR_STATELESS 1u /* keeps no state across records: safe to run at any parallelism */

/* An operator: a processor of batches with named input and output ports. Versioned by struct_size: a
 * later minor may append members. Every callback returns an rv_status; what the host does with each is
 * said below. `instance` is what create stored in *instance_out. */
typedef struct rv_operator_def {
    uint32_t struct_size;
    uint32_t flags; /* RV_OPERATOR_* */
    const char *name;
    const char *description;
    /* NULL-terminated lists of port names. NULL means one port named "in" / "out". */
    const char *const *inputs;
    const char *const *outputs;
    const rv_config_key *config_keys; /* config_key_count of them */
    uint64_t config_key_count;
    /* Anything the plugin wants to find again from an instance's context (api->user_data): lets one set
     * of callbacks serve many operators (the Swift SDK's trampolines use it). May be NULL. */
    const void *user_data;

    /* Makes an instance: read config, resolve field indexes, declare output schemas. Required. Any status
     * but RV_OK fails the run before it starts, with the reported message. */
    rv_status (*create)(const rv_host_api *api, rv_context *ctx, void **instance_out);
    /* Frees an instance. Called once for every successful create, even after errors. Required. */
    void (*destroy)(const rv_host_api *api, rv_context *ctx, void *instance);
    /* Processes a batch that arrived on input port `port`. Required.
     *  RV_OK: the batch is done.
     *  RV_ERROR: record i (report_error's index) is dead-lettered with the reported message, then process
     *    is called again with the records after it; index -1 dead-letters the rest of the batch.
     *  RV_RETRY: called again from record i (or the same records) after a pause; 5 retries in a row at
     *    the same record, then the run stops.
     *  Anything else (RV_FATAL, or a host service's status passed on): the run stops. */
    rv_status (*process)(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                         const rv_batch *batch);
    /* on_watermark, on_timer and flush have no records, so:
     *  RV_OK: done.
     *  RV_RETRY: called again with the same arguments after a pause, at most 5 times in a row, then the
     *    run stops; what it emitted before returning RV_RETRY stays emitted (return it before emitting).
     *  Anything else, RV_ERROR included (there is no record to dead-letter): the run stops. */
    /* The operator's watermark advanced to `watermark` (ms). Optional (NULL). */
    rv_status (*on_watermark)(const rv_host_api *api, rv_context *ctx, void *instance, int64_t watermark);
    /* A timer registered with timer_register fired (it is removed before the call). Optional. */
    rv_status (*on_timer)(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t domain,
                          int64_t time, const uint8_t *key, uint64_t key_len);
    /* Every input has ended: emit what is still held. Optional. */
    rv_status (*flush)(const rv_host_api *api, rv_context *ctx, void *instance);
    /* Checkpoints (docs/ABI.md, "Checkpoints"), for an operator that keeps state of its own rather than
     * in host stores. snapshot: between batches, write that state through `write(sink, bytes, len)` (the
     * host copies the bytes; any number of calls, none when the instance holds no state of its own);
     * emit nothing. restore: on a new instance, after create and before its first batch, read back what
     * snapshot wrote — called only when it wrote bytes. Stores and timers are saved by the host, not
     * here. The host records the plugin's name and version with the bytes. Bytes of the plugin's own
     * cannot be split by key: such a checkpoint restores at the same parallelism only. RV_RETRY calls
     * snapshot again from scratch (what it wrote is dropped) or restore again; any other status but
     * RV_OK fails the checkpoint (snapshot) or the restore. Optional (NULL: the operator's state is all
     * in host stores and timers). */
    rv_status (*snapshot)(const rv_host_api *api, rv_context *ctx, void *instance,
                          void (*write)(void *sink, const uint8_t *bytes, uint64_t len), void *sink);
    rv_status (*restore)(const rv_host_api *api, rv_context *ctx, void *instance, const uint8_t *bytes,
                         uint64_t len);
} rv_operator_def;

/* An aggregate for host-driven windows: the host keeps one accumulator of acc_size bytes (aligned to 16)
 * per key and window, zeroed then passed to init. Accumulators must be plain bytes (no pointers), so the
 * host can snapshot and move them. Versioned by struct_size. Any status but RV_OK from a callback stops
 * the run with the reported message (an aggregate has no record to dead-letter: its state would be wrong). */
typedef struct rv_aggregate_def {
    uint32_t struct_size;
    uint32_t acc_size;
    const char *name;
    const char *description;
    const void *user_data; /* returned by api->user_data in its callbacks; may be NULL */
    uint32_t input_type;  /* RV_TYPE_* of the field it aggregates (RV_TYPE_NULL: any, or none) */
    uint32_t result_type; /* RV_TYPE_* of its result */
    rv_status (*init)(const rv_host_api *api, rv_context *ctx, void *acc);
    rv_status (*add)(const rv_host_api *api, rv_context *ctx, void *acc, const rv_field *value);
    /* Optional: undo an add (lets the host update sliding results without recomputing). Called from the
     * version that implements it: no host calls it yet. */
    rv_status (*retract)(const rv_host_api *api, rv_context *ctx, void *acc, const rv_field *value);
    /* Folds `other` into `acc` (session and hopping windows). */
    rv_status (*merge)(const rv_host_api *api, rv_context *ctx, void *acc, const void *other);
    /* Writes the result; string/bytes results must point into `acc` or static memory (NULL with a non-zero
     * len stops the run). */
    rv_status (*result)(const rv_host_api *api, rv_context *ctx, const void *acc, rv_field *out);
} rv_aggregate_def;

/* A scalar function: a pure mapping from argument values to a value, usable from the manifest (today as
 * an event-time extractor). Versioned by struct_size. call returns RV_OK; RV_ERROR dead-letters the record
 * it was called for with the reported message; anything else stops the run. */
typedef struct rv_function_def {
    uint32_t struct_size;
    uint32_t result_type; /* RV_TYPE_* */
    const char *name;
    const char *description;
    const uint32_t *arg_types; /* arg_count RV_TYPE_* values */
    uint64_t arg_count;
    const void *user_data; /* returned by api->user_data in its callbacks; may be NULL */
    /* `out` string/bytes values must point to static memory or into the arguments (not NULL with a
     * non-zero len). */
    rv_status (*call)(const rv_host_api *api, rv_context *ctx, const rv_field *args, uint64_t arg_count,
                      rv_field *out);
} rv_function_def;

/* What rivulet_plugin_v1() returns: a static description of the whole library. Versioned by struct_size. */
typedef struct rv_plugin_descriptor {
    uint32_t struct_size;
    uint32_t abi_major; /* RV_ABI_MAJOR the plugin was built against */
    /* The oldest host minor the plugin needs: the host refuses the plugin when it offers an older one
     * (rv_host_api.abi_minor is what the host offers). Set it to the minor whose table has every slot the
     * plugin calls without an RV_HAS check: RV_ABI_MINOR when unsure; older (e.g. 0) when newer slots are
     * only used after RV_HAS — the plugin then also loads in older hosts. `abi_minor` is its 1.0/1.1 name,
     * kept as an alias (the same 4 bytes) so existing sources still compile; write min_host_minor. */
    union {
        uint32_t min_host_minor;
        uint32_t abi_minor; /* deprecated alias of min_host_minor */
    };
    uint32_t reserved;
    const char *name;    /* the plugin's name, e.g. "rv_std_c" */
    const char *version; /* the plugin's own version, e.g. "1.2.0" */
    const char *description;
    const rv_operator_def *const *operators;   /* operator_count of them */
    const rv_aggregate_def *const *aggregates; /* aggregate_count of them */
    const rv_function_def *const *functions;   /* function_count of them */
    uint64_t operator_count;
    uint64_t aggregate_count;
    uint64_t function_count;
    /* Optional (NULL): called once after the version check, before any create. On failure call
     * api->report_error(ctx, ...) with the reason and return RV_FATAL: the host refuses the library. */
    rv_status (*init)(const rv_host_api *api, rv_context *ctx);
    /* Optional: called once after the last instance is destroyed, before the library is unloaded. */
    void (*fini)(const rv_host_api *api, rv_context *ctx);
} rv_plugin_descriptor;

/* The entry symbol's type. A plugin defines exactly:
 *     RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &my_descriptor; }   */
typedef const rv_plugin_descriptor *(*rv_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RIVULET_H */
