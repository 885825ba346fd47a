import Testing

// LookupSecurityManifestTests: a lookup's password, user and TLS settings in the manifest: values, errors, warnings.
@testable import RivuletManifest

@Suite struct LookupSecurityManifestTests {
    /// A lookup operator `l` with `settings` (lines indented under it, from line 9) at `address`.
    static func topology(_ settings: String, address: String = "127.0.0.1:6379") -> String {
        """
        sources:
          a: { type: stdin, format: csv, schema: { k: string } }
        operators:
          l:
            lookup: redis
            address: \(address)
            key: k
            fields: { x: i64 }
        \(settings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        sinks:
          out: { type: stdout }
        edges: [a -> l, l -> out]
        """
    }

    static func lookup(_ manifest: Manifest) -> LookupSpec? {
        guard case .lookup(let spec) = manifest.operators.first?.kind else { return nil }
        return spec
    }

    @Test func anInlinePasswordIsRefusedWhereItIsWritten() {
        #expect(
            ManifestCheck.errors(Self.topology("password: hunter2")) == [
                "9:5: lookup 'l': a password is not written in the manifest (it would be stored and shared with it): "
                    + "name an environment variable (password_env: REDIS_PASSWORD) or a file (password_file: secrets/redis-password)"
            ])
        // Also when it comes from an override.
        #expect(ManifestCheck.errors(Self.topology(""), ["operators.l.password=hunter2"]).first?.contains("password_env") == true)
    }

    @Test func passwordSourcesUserAndTLSAreRead() throws {
        let fromEnvironment = try #require(
            Self.lookup(
                ManifestCheck.parse(
                    Self.topology(
                        """
                        username: enricher
                        password_env: REDIS_PASSWORD
                        tls: { ca_file: certs/ca.pem, cert_file: /etc/rivulet/client.pem, key_file: certs/client.key, server_name: redis.internal }
                        """))))
        #expect(fromEnvironment.username == "enricher")
        #expect(fromEnvironment.password == PasswordSpec(source: .environment("REDIS_PASSWORD"), location: ManifestCheck.at(10, 5)))
        let tls = try #require(fromEnvironment.tls)
        #expect(tls.caFile == "/data/jobs/certs/ca.pem")
        #expect(tls.certFile == "/etc/rivulet/client.pem")
        #expect(tls.keyFile == "/data/jobs/certs/client.key")
        #expect(tls.serverName == "redis.internal")
        let fromFile = try #require(Self.lookup(ManifestCheck.parse(Self.topology("password_file: secrets/redis-password\ntls: {}"))))
        #expect(fromFile.password?.source == .file("/data/jobs/secrets/redis-password"))
        #expect(fromFile.username == nil)
        #expect(fromFile.tls?.caFile == nil, "tls: {} verifies against the system's CAs")
        let plain = try #require(Self.lookup(ManifestCheck.parse(Self.topology(""))))
        #expect(plain.password == nil && plain.tls == nil)
    }

    @Test func credentialAndTLSErrorsAreLocated() {
        #expect(
            ManifestCheck.errors(Self.topology("password_env: A\npassword_file: b")) == [
                "10:5: lookup 'l': give password_env or password_file, not both"
            ])
        #expect(
            ManifestCheck.errors(Self.topology("username: enricher")) == [
                "9:5: lookup 'l': a username needs a password: add password_env or password_file"
            ])
        #expect(
            ManifestCheck.errors(Self.topology("password_env: 1-bad")) == [
                "9:19: password_env must name an environment variable (letters, digits and '_', not starting with a digit), got '1-bad'"
            ])
        #expect(
            ManifestCheck.errors(Self.topology("tls: { cert_file: c.pem, verify: no }")) == [
                "9:12: tls of 'l': a client certificate (cert_file) needs its key_file too",
                "9:30: unknown key 'verify' in tls of 'l' (allowed: ca_file, cert_file, key_file, server_name)",
            ])
        #expect(
            ManifestCheck.errors(Self.topology("tls: { key_file: k.pem }")) == [
                "9:12: tls of 'l': a client key (key_file) needs its cert_file too"
            ])
    }

    @Test func aRemoteServerWithoutTLSIsAWarningNotAnError() throws {
        let remote = try ManifestCheck.parse(Self.topology("", address: "10.0.0.5:6379"))
        #expect(
            remote.warnings.map(\.description) == [
                "/data/jobs/m.yaml:6:14: warning: lookup 'l' connects to 10.0.0.5:6379 without TLS: its keys and values cross the network in clear text (add tls: { ca_file: … })"
            ])
        let withPassword = try ManifestCheck.parse(Self.topology("password_env: REDIS_PASSWORD", address: "redis.internal:6379"))
        #expect(withPassword.warnings.first?.message.contains("its password, keys and values cross the network in clear text") == true)
        #expect(try ManifestCheck.parse(Self.topology("tls: {}", address: "10.0.0.5:6379")).warnings.isEmpty)
        for loopback in ["127.0.0.1:6379", "127.0.3.4:7000", "localhost:6379"] {
            #expect(try ManifestCheck.parse(Self.topology("", address: loopback)).warnings.isEmpty, "\(loopback)")
        }
    }
}
