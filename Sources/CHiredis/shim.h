/* shim.h — hiredis (Debian's libhiredis-dev), the C client for Redis, and OpenSSL (libssl-dev) for TLS
 * connections to Redis. Debian 12's hiredis is 0.14, which has no TLS of its own (hiredis_ssl came with
 * 1.0): Rivulet runs OpenSSL over the socket hiredis connected, and uses hiredis' reader for replies. */
#include <sys/time.h>
#include <hiredis/hiredis.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Macros Swift cannot call. */
static inline int rv_tls_set_server_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
static inline int rv_tls_require_tls12(SSL_CTX *ctx) { return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
