// ManifestDecoder+Lookups: lookup operators: Redis address, key, fields, cache, batching, errors.

extension ManifestDecoder {
    static let lookupOperatorKeys = ["lookup", "address", "key", "key_prefix", "command", "fields", "cache", "batch", "timeout",
                                     "on_error", "on_missing", "parallelism", "chain"]
    static let cacheKeys = ["entries", "bytes", "ttl"]

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
                    if let type = choice(pair.value, "field type", detail: " for field '\(pair.key)'", as: FieldType.self) {
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
        guard let key, !fields.isEmpty else { return nil }
        return LookupSpec(host: host, port: port, key: key, keyPrefix: keyPrefix, command: command, fields: fields, cacheEntries: entries,
                          cacheBytes: bytes, cacheTTL: ttl, batch: batch, timeout: timeout, onError: onError, onMissing: onMissing)
    }
}
