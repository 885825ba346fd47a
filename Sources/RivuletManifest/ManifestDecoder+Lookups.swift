// ManifestDecoder+Lookups: lookup operators: Redis address, key, fields, cache, batching, errors, AUTH, TLS.

extension ManifestDecoder {
    static let lookupOperatorKeys = [
        "lookup", "address", "key", "key_prefix", "command", "fields", "cache", "batch", "timeout",
        "on_error", "on_missing", "parallelism", "chain",
        "username", "password", "password_env", "password_file", "tls",
    ]
    static let cacheKeys = ["entries", "bytes", "ttl"]
    static let tlsKeys = ["ca_file", "cert_file", "key_file", "server_name"]

    mutating func lookup(_ m: MappingFields, name: String) -> LookupSpec? {
        _ = choice(m["lookup"], "lookup", among: ["redis"])
        let address = string(m["address"], "address") ?? "127.0.0.1:6379"
        let parts = address.split(separator: ":")
        var host = "127.0.0.1", port = 6379
        if parts.count == 2, let p = NumberSyntax.integer(String(parts[1])), Limit.redisPort.allows(p) {
            host = String(parts[0])
            port = Int(p)
        } else if let node = m["address"] {
            error(node.location, "address must be host:port with a port \(Limit.redisPort.rangeText), e.g. 127.0.0.1:6379, got \(node.got)")
        }
        let key = string(m["key"], "key")
        let keyPrefix = m["key_prefix"].flatMap { $0.text } ?? ""
        let command = choice(m["command"], "lookup command", as: LookupSpec.Command.self) ?? .hash
        var fields: [FieldSpec] = []
        if let node = m["fields"] {
            if case .mapping(let pairs, _) = node, !pairs.isEmpty {
                for pair in pairs {
                    if let type = fieldType(pair.value, field: pair.key) {
                        fields.append(FieldSpec(name: pair.key, type: type, location: pair.keyLocation))
                    }
                }
            } else {
                error(node.location, "fields must be a mapping of the looked-up fields to types, e.g. { age: i64, gender: string }, got \(node.got)")
            }
        }
        if command == .get && fields.count > 1, let node = m["fields"] {
            error(node.location, "a get lookup reads one value: declare one field (or use command: hash)")
        }
        var entries = 10_000, bytes = 64 << 20
        var ttl: Int64 = 60_000
        if let node = m["cache"], let c = self.fields(node, "cache of '\(name)'", allowed: Self.cacheKeys) {
            entries = integer(c["entries"], .cacheEntries) ?? entries
            bytes = self.bytes(c["bytes"], .cacheBytes) ?? bytes
            ttl = duration(c["ttl"], .cacheTTL) ?? ttl
        }
        let batch = integer(m["batch"], .lookupBatch) ?? 256
        let timeout = duration(m["timeout"], .lookupTimeout) ?? 1000
        let onError = choice(m["on_error"], "on_error", as: LookupSpec.OnError.self) ?? .deadLetter
        let onMissing = choice(m["on_missing"], "on_missing", as: LookupSpec.OnMissing.self) ?? .keep
        for k in ["key", "fields"] where !m.has(k) { error(m.location, "lookup operator '\(name)' needs '\(k)'") }
        let (username, password) = credentials(m, name: name)
        var tls: LookupTLSSpec?
        if let node = m["tls"], let location = m.keyLocation("tls") { tls = tlsSettings(node, name: name, location: location) }
        if tls == nil, !Self.isLoopback(host), let node = m["address"] {
            let what = password == nil ? "its keys and values" : "its password, keys and values"
            warning(
                node.location,
                "lookup '\(name)' connects to \(host):\(port) without TLS: \(what) cross the network in clear text (add tls: { ca_file: … })")
        }
        guard let key, !fields.isEmpty else { return nil }
        return LookupSpec(
            host: host, port: port, key: key, keyPrefix: keyPrefix, command: command, fields: fields, cacheEntries: entries,
            cacheBytes: bytes, cacheTTL: ttl, batch: batch, timeout: timeout, onError: onError, onMissing: onMissing,
            username: username, password: password, tls: tls)
    }

    /// `username` and where the password is read (`password_env` or `password_file`); an inline
    /// `password` is refused.
    private mutating func credentials(_ m: MappingFields, name: String) -> (String?, PasswordSpec?) {
        if let location = m.keyLocation("password") {
            error(
                location,
                "lookup '\(name)': a password is not written in the manifest (it would be stored and shared with it): "
                    + "name an environment variable (password_env: REDIS_PASSWORD) or a file (password_file: secrets/redis-password)")
        }
        var password: PasswordSpec?
        if let variable = string(m["password_env"], "password_env"), let location = m.keyLocation("password_env") {
            if Self.isEnvironmentName(variable) {
                password = PasswordSpec(source: .environment(variable), location: location)
            } else {
                error(
                    m["password_env"]!.location,
                    "password_env must name an environment variable (letters, digits and '_', not starting with a digit), got '\(variable)'")
            }
        }
        if let path = string(m["password_file"], "password_file"), let location = m.keyLocation("password_file") {
            if password != nil || m.has("password_env") {
                error(location, "lookup '\(name)': give password_env or password_file, not both")
            } else {
                password = PasswordSpec(source: .file(absolute(path)), location: location)
            }
        }
        let username = string(m["username"], "username")
        if username != nil, !m.has("password_env"), !m.has("password_file"), let location = m.keyLocation("username") {
            error(location, "lookup '\(name)': a username needs a password: add password_env or password_file")
        }
        return (username, password)
    }

    /// The `tls` mapping (every key optional: `tls: {}` verifies against the system's CAs).
    private mutating func tlsSettings(_ node: YAMLNode, name: String, location: SourceLocation) -> LookupTLSSpec? {
        guard let t = fields(node, "tls of '\(name)'", allowed: Self.tlsKeys) else { return nil }
        var files: [String: String] = [:]
        for key in ["ca_file", "cert_file", "key_file"] {
            if let path = string(t[key], key) { files[key] = absolute(path) }
        }
        var spec = LookupTLSSpec(
            caFile: files["ca_file"], certFile: files["cert_file"], keyFile: files["key_file"],
            serverName: string(t["server_name"], "server_name"), location: location)
        for key in Self.tlsKeys { spec.settingLocations[key] = t[key]?.location }
        switch (t.keyLocation("cert_file"), t.keyLocation("key_file")) {
        case (let cert?, nil): error(cert, "tls of '\(name)': a client certificate (cert_file) needs its key_file too")
        case (nil, let key?): error(key, "tls of '\(name)': a client key (key_file) needs its cert_file too")
        default: break
        }
        return spec
    }

    static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Whether `host` is this machine: `localhost` or an address in 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
