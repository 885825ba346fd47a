/* shim.h — hiredis (Debian's libhiredis-dev), the C client for Redis, for Swift. */
#include <sys/time.h>
#include <hiredis/hiredis.h>
