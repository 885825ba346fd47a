/* no_entry.c — a shared library that is not a Rivulet plugin: it exports no rivulet_plugin_v1. */
#include "rivulet.h"

RV_EXPORT int some_other_function(void) { return 42; }
