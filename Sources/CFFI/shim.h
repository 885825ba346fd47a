/* shim.h — libffi for Swift: the header, plus accessors for libffi's type globals (Swift 6 cannot take
 * the address of a mutable C global safely). */
#include <ffi.h>

static inline ffi_type *rv_ffi_type_sint32(void) { return &ffi_type_sint32; }
static inline ffi_type *rv_ffi_type_sint64(void) { return &ffi_type_sint64; }
static inline ffi_type *rv_ffi_type_uint64(void) { return &ffi_type_uint64; }
static inline ffi_type *rv_ffi_type_float(void) { return &ffi_type_float; }
static inline ffi_type *rv_ffi_type_double(void) { return &ffi_type_double; }
static inline ffi_type *rv_ffi_type_pointer(void) { return &ffi_type_pointer; }
