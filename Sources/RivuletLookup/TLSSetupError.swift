// TLSSetupError: a TLS setting that cannot be used (a CA, certificate or key file that does not load).

/// Which `tls` setting is wrong (`ca_file`, `cert_file`, `key_file`) and why, for a located error.
public struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    public let setting: String
    public let message: String

    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "\(setting): \(message)" }
}
