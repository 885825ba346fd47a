/* shim.h — RocksDB's C API (Debian's librocksdb-dev) for Swift. */
#include <rocksdb/c.h>
