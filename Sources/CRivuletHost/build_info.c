/* build_info.c — what `rivulet --version` reports about the build: the commit and the compile time. */
#include "rivulet_host.h"

#define RIVULET_STRING(x) #x
#define RIVULET_EXPANDED_STRING(x) RIVULET_STRING(x)

#ifndef RIVULET_GIT_COMMIT
#define RIVULET_GIT_COMMIT unknown
#endif

const char *rv_host_build_commit(void) { return RIVULET_EXPANDED_STRING(RIVULET_GIT_COMMIT); }

const char *rv_host_build_date(void) { return __DATE__ " " __TIME__; }
