// RedisTLSContext: the OpenSSL client settings for TLS to Redis: trusted CAs, client certificate, server name.
import CHiredis
import Foundation

/// An OpenSSL client context (TLS 1.2 or later) that always verifies the server: its certificate chain
/// against `caFile` (PEM), or the system's CAs without one, and its name against `serverName`, or the
/// host connected to (a DNS name or an IP address). `certFile` and `keyFile` (PEM, both or neither):
/// a client certificate, for servers that require one. Built once per client (files are read here, so
/// a bad one is an error before anything runs); each connection opens its own `TLSStream`.
///
/// Unsafe code: owns `context` (freed in deinit); OpenSSL contexts are safe to share between threads.
public final class RedisTLSContext: @unchecked Sendable {
    let context: OpaquePointer
    public let serverName: String?

    public init(caFile: String?, certFile: String?, keyFile: String?, serverName: String?) throws(TLSSetupError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TLSSetupError(setting: "tls", message: "cannot create an OpenSSL context: \(Self.errors())")
        }
        self.context = context
        self.serverName = serverName
        _ = rv_tls_require_tls12(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile {
            try Self.checkReadable(caFile, "ca_file")
            ERR_clear_error()
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw TLSSetupError(setting: "ca_file", message: "cannot load CA certificates from '\(caFile)': \(Self.errors())")
            }
        } else if SSL_CTX_set_default_verify_paths(context) != 1 {
            throw TLSSetupError(setting: "tls", message: "cannot load the system's CA certificates: \(Self.errors())")
        }
        switch (certFile, keyFile) {
        case let (cert?, key?):
            try Self.checkReadable(cert, "cert_file")
            try Self.checkReadable(key, "key_file")
            ERR_clear_error()
            guard SSL_CTX_use_certificate_chain_file(context, cert) == 1 else {
                throw TLSSetupError(setting: "cert_file", message: "cannot load the certificate '\(cert)': \(Self.errors())")
            }
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                throw TLSSetupError(setting: "key_file", message: "cannot load the private key '\(key)': \(Self.errors())")
            }
            guard SSL_CTX_check_private_key(context) == 1 else {
                throw TLSSetupError(setting: "key_file", message: "the key '\(key)' does not match the certificate '\(cert)'")
            }
        case (nil, nil):
            break
        case (_?, nil):
            throw TLSSetupError(setting: "cert_file", message: "a client certificate needs its key_file too")
        case (nil, _?):
            throw TLSSetupError(setting: "key_file", message: "a client key needs its cert_file too")
        }
    }

    deinit { SSL_CTX_free(context) }

    static func checkReadable(_ path: String, _ setting: String) throws(TLSSetupError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw TLSSetupError(setting: setting, message: "no such file: '\(path)'")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TLSSetupError(setting: setting, message: "cannot read '\(path)': permission denied")
        }
    }

    /// The reasons in this thread's OpenSSL error queue (which it empties), or "unknown error".
    static func errors() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                let text = String(cString: reason)
                if !reasons.contains(text) { reasons.append(text) }
            } else {
                reasons.append("error \(code)")
            }
        }
        return reasons.isEmpty ? "unknown error" : reasons.joined(separator: "; ")
    }
}
