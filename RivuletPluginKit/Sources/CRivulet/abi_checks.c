/* abi_checks.c — compile-time checks of the ABI v1 layout (the header itself holds no code). */
#include "rivulet.h"

_Static_assert(sizeof(rv_field) == 16, "rv_field is 16 bytes");
_Static_assert(sizeof(rv_record) == 80, "rv_record of ABI 1.0 is 80 bytes on 64-bit targets");
_Static_assert(offsetof(rv_host_api, log) == 16, "the host table's header is four uint32_t");
