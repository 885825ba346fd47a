/* abi_checks.c — compile-time checks that pin the ABI 1.x layout of rivulet.h (the header itself holds no code).
 *
 * Frozen structs (no struct_size; the host reads and writes them at full size, arrays of them by stride):
 * their size and every member's offset are pinned for all of ABI 1.x. Versioned structs (struct_size
 * first): the offsets of their existing members are pinned, so a new minor can only append. The numbers
 * are those of LP64 targets (64-bit Linux and macOS, the host's targets); on other targets only what does
 * not depend on the pointer size is checked. Changing any of these is an ABI break: a new entry symbol
 * (rivulet_plugin_v2), never an edit here. */
#include <stdint.h>

#include "rivulet.h"

#define RV_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type " is " #size " bytes in ABI 1.x")
#define RV_PIN(type, member, offset) \
    _Static_assert(offsetof(type, member) == (offset), #type "." #member " is at offset " #offset " in ABI 1.x")

/* Independent of the pointer size. */
RV_SIZE(rv_field, 16);
RV_PIN(rv_field, type, 0);
RV_PIN(rv_field, len, 4);
RV_PIN(rv_field, value, 8);
RV_PIN(rv_batch, struct_size, 0);
RV_PIN(rv_batch, record_size, 4);
RV_PIN(rv_batch, count, 8);
RV_PIN(rv_host_api, struct_size, 0);
RV_PIN(rv_host_api, abi_major, 4);
RV_PIN(rv_host_api, abi_minor, 8);
RV_PIN(rv_host_api, reserved, 12);
RV_PIN(rv_plugin_descriptor, struct_size, 0);
RV_PIN(rv_plugin_descriptor, abi_major, 4);
RV_PIN(rv_plugin_descriptor, min_host_minor, 8);
RV_PIN(rv_plugin_descriptor, abi_minor, 8); /* the 1.0/1.1 name: the same 4 bytes */
RV_PIN(rv_plugin_descriptor, reserved, 12);
_Static_assert(sizeof(((rv_plugin_descriptor *)0)->min_host_minor) == 4, "min_host_minor is a uint32_t");

#if UINTPTR_MAX == UINT64_MAX

/* rv_field_def: frozen. */
RV_SIZE(rv_field_def, 16);
RV_PIN(rv_field_def, name, 0);
RV_PIN(rv_field_def, type, 8);
RV_PIN(rv_field_def, reserved, 12);

/* rv_header: frozen. */
RV_SIZE(rv_header, 24);
RV_PIN(rv_header, name, 0);
RV_PIN(rv_header, value, 8);
RV_PIN(rv_header, value_len, 16);

/* rv_record: frozen. */
RV_SIZE(rv_record, 80);
RV_PIN(rv_record, key, 0);
RV_PIN(rv_record, value, 8);
RV_PIN(rv_record, fields, 16);
RV_PIN(rv_record, headers, 24);
RV_PIN(rv_record, key_len, 32);
RV_PIN(rv_record, value_len, 40);
RV_PIN(rv_record, timestamp, 48);
RV_PIN(rv_record, offset, 56);
RV_PIN(rv_record, partition, 64);
RV_PIN(rv_record, field_count, 68);
RV_PIN(rv_record, header_count, 72);
RV_PIN(rv_record, op, 76);

/* rv_config_key: frozen. */
RV_SIZE(rv_config_key, 24);
RV_PIN(rv_config_key, name, 0);
RV_PIN(rv_config_key, description, 8);
RV_PIN(rv_config_key, type, 16);
RV_PIN(rv_config_key, required, 20);

/* rv_batch: versioned by struct_size: existing members stay where they are. */
RV_PIN(rv_batch, records, 16);

/* rv_host_api: append-only: every slot stays where it is; 1.1 added emit_derived_batch, 1.2 last_error. */
RV_PIN(rv_host_api, log, 16);
RV_PIN(rv_host_api, report_error, 24);
RV_PIN(rv_host_api, config_get, 32);
RV_PIN(rv_host_api, user_data, 40);
RV_PIN(rv_host_api, input_field_index, 48);
RV_PIN(rv_host_api, input_field_count, 56);
RV_PIN(rv_host_api, input_field_def, 64);
RV_PIN(rv_host_api, output_schema_set, 72);
RV_PIN(rv_host_api, output_field_add, 80);
RV_PIN(rv_host_api, output_port_index, 88);
RV_PIN(rv_host_api, emit, 96);
RV_PIN(rv_host_api, forward, 104);
RV_PIN(rv_host_api, forward_selected, 112);
RV_PIN(rv_host_api, emit_derived, 120);
RV_PIN(rv_host_api, store_open, 128);
RV_PIN(rv_host_api, store_get, 136);
RV_PIN(rv_host_api, store_put, 144);
RV_PIN(rv_host_api, store_delete, 152);
RV_PIN(rv_host_api, store_range, 160);
RV_PIN(rv_host_api, store_prefix, 168);
RV_PIN(rv_host_api, iterator_next, 176);
RV_PIN(rv_host_api, iterator_close, 184);
RV_PIN(rv_host_api, current_watermark, 192);
RV_PIN(rv_host_api, processing_time, 200);
RV_PIN(rv_host_api, timer_register, 208);
RV_PIN(rv_host_api, timer_delete, 216);
RV_PIN(rv_host_api, counter_register, 224);
RV_PIN(rv_host_api, counter_add, 232);
RV_PIN(rv_host_api, emit_derived_batch, 240);
RV_PIN(rv_host_api, last_error, 248);

/* rv_operator_def: versioned by struct_size: existing members stay where they are. */
RV_PIN(rv_operator_def, struct_size, 0);
RV_PIN(rv_operator_def, flags, 4);
RV_PIN(rv_operator_def, name, 8);
RV_PIN(rv_operator_def, description, 16);
RV_PIN(rv_operator_def, inputs, 24);
RV_PIN(rv_operator_def, outputs, 32);
RV_PIN(rv_operator_def, config_keys, 40);
RV_PIN(rv_operator_def, config_key_count, 48);
RV_PIN(rv_operator_def, user_data, 56);
RV_PIN(rv_operator_def, create, 64);
RV_PIN(rv_operator_def, destroy, 72);
RV_PIN(rv_operator_def, process, 80);
RV_PIN(rv_operator_def, on_watermark, 88);
RV_PIN(rv_operator_def, on_timer, 96);
RV_PIN(rv_operator_def, flush, 104);
RV_PIN(rv_operator_def, snapshot, 112);
RV_PIN(rv_operator_def, restore, 120);

/* rv_aggregate_def: versioned by struct_size: existing members stay where they are. */
RV_PIN(rv_aggregate_def, struct_size, 0);
RV_PIN(rv_aggregate_def, acc_size, 4);
RV_PIN(rv_aggregate_def, name, 8);
RV_PIN(rv_aggregate_def, description, 16);
RV_PIN(rv_aggregate_def, user_data, 24);
RV_PIN(rv_aggregate_def, input_type, 32);
RV_PIN(rv_aggregate_def, result_type, 36);
RV_PIN(rv_aggregate_def, init, 40);
RV_PIN(rv_aggregate_def, add, 48);
RV_PIN(rv_aggregate_def, retract, 56);
RV_PIN(rv_aggregate_def, merge, 64);
RV_PIN(rv_aggregate_def, result, 72);

/* rv_function_def: versioned by struct_size: existing members stay where they are. */
RV_PIN(rv_function_def, struct_size, 0);
RV_PIN(rv_function_def, result_type, 4);
RV_PIN(rv_function_def, name, 8);
RV_PIN(rv_function_def, description, 16);
RV_PIN(rv_function_def, arg_types, 24);
RV_PIN(rv_function_def, arg_count, 32);
RV_PIN(rv_function_def, user_data, 40);
RV_PIN(rv_function_def, call, 48);

/* rv_plugin_descriptor: versioned by struct_size: existing members stay where they are. */
RV_PIN(rv_plugin_descriptor, name, 16);
RV_PIN(rv_plugin_descriptor, version, 24);
RV_PIN(rv_plugin_descriptor, description, 32);
RV_PIN(rv_plugin_descriptor, operators, 40);
RV_PIN(rv_plugin_descriptor, aggregates, 48);
RV_PIN(rv_plugin_descriptor, functions, 56);
RV_PIN(rv_plugin_descriptor, operator_count, 64);
RV_PIN(rv_plugin_descriptor, aggregate_count, 72);
RV_PIN(rv_plugin_descriptor, function_count, 80);
RV_PIN(rv_plugin_descriptor, init, 88);
RV_PIN(rv_plugin_descriptor, fini, 96);

#endif
