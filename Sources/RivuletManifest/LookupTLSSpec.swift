// LookupTLSSpec: a lookup's TLS settings: trusted CA file, client certificate and key, expected server name.

/// `tls: { ca_file, cert_file, key_file, server_name }` of a lookup operator. The server's certificate is
/// always verified: against `caFile`, or the system's CAs without it; its name against `serverName`, or
/// the address's host. `certFile` and `keyFile` (both or neither): a client certificate. Paths are absolute.
public struct LookupTLSSpec: Sendable, Hashable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var serverName: String?
    /// Where `tls` is written.
    public var location: SourceLocation
    /// Where each setting is written, by key (`ca_file`…), for errors found when the files are loaded.
    public var settingLocations: [String: SourceLocation]

    public init(
        caFile: String?, certFile: String?, keyFile: String?, serverName: String?, location: SourceLocation,
        settingLocations: [String: SourceLocation] = [:]
    ) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.location = location
        self.settingLocations = settingLocations
    }
}
