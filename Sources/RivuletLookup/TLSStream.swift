// TLSStream: one TLS session over a connected socket: the verified handshake, then reads and writes.
import CHiredis
import Foundation

/// A TLS client session on a blocking socket whose send and receive timeouts are already set (so each
/// read or write gives up after the client's timeout). The handshake verifies the server as its
/// `RedisTLSContext` says. Errors name the server (`redis host:port: …`); a certificate or protocol
/// failure is a rejection (`LookupError.isRejection`), a closed connection or a timeout is not. Used by
/// one thread.
///
/// Unsafe code: owns `ssl` (freed in deinit); the socket belongs to the caller (hiredis' context), which
/// closes it after this stream is gone.
final class TLSStream {
    private let ssl: OpaquePointer
    private let address: String
    private var healthy = true

    /// Runs the handshake with the server at `host` (`address` names it in messages).
    init(context: RedisTLSContext, fd: Int32, host: String, address: String) throws(LookupError) {
        guard let ssl = SSL_new(context.context) else {
            throw LookupError("redis \(address): cannot create a TLS session: \(RedisTLSContext.errors())")
        }
        self.ssl = ssl
        self.address = address
        let name = context.serverName ?? host
        if Self.isIPAddress(name) {
            _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)
        } else {
            _ = SSL_set1_host(ssl, name)
            _ = rv_tls_set_server_name(ssl, name)
        }
        SSL_set_fd(ssl, fd)
        ERR_clear_error()
        let result = SSL_connect(ssl)
        if result != 1 {
            healthy = false
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                let reason = String(cString: X509_verify_cert_error_string(verify))
                throw LookupError("redis \(address): TLS handshake failed: the server's certificate was not accepted (\(reason))", rejection: true)
            }
            throw failure(result, during: "the TLS handshake")
        }
    }

    deinit {
        if healthy {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)  // sends close_notify once; does not wait for the server's
        }
        SSL_free(ssl)
    }

    static func isIPAddress(_ name: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(LookupError) {
        var at = 0
        while at < bytes.count {
            ERR_clear_error()
            let n = SSL_write(ssl, bytes.baseAddress! + at, Int32(min(bytes.count - at, Int(Int32.max))))
            if n <= 0 {
                healthy = false
                throw failure(n, during: "a write")
            }
            at += Int(n)
        }
    }

    /// Reads what is available (at least one byte, waiting up to the socket's timeout) into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(LookupError) -> Int {
        ERR_clear_error()
        let n = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if n > 0 { return Int(n) }
        healthy = false
        throw failure(n, during: "a read")
    }

    /// The error for a failed OpenSSL call that returned `result`.
    private func failure(_ result: Int32, during what: String) -> LookupError {
        let savedErrno = errno
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_ZERO_RETURN:
            return LookupError("redis \(address): Server closed the connection")
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return LookupError("redis \(address): Resource temporarily unavailable (timed out during \(what))")
        case SSL_ERROR_SYSCALL:
            if savedErrno == EAGAIN || savedErrno == EWOULDBLOCK {
                return LookupError("redis \(address): Resource temporarily unavailable (timed out during \(what))")
            }
            if savedErrno == 0 { return LookupError("redis \(address): Server closed the connection") }
            return LookupError("redis \(address): \(String(cString: strerror(savedErrno)))")
        default:
            // A protocol failure (the server's alert refusing our certificate — with TLS 1.3 it comes
            // after the handshake, on the first read — or a server that does not speak TLS) is a
            // setting that retrying cannot fix; the server closing the socket is not.
            let reasons = RedisTLSContext.errors()
            return LookupError("redis \(address): TLS failed during \(what): \(reasons)", rejection: !reasons.contains("unexpected eof"))
        }
    }
}
