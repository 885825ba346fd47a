// LookupSpec: an external lookup operator: the Redis server, the key, the fields, the cache and errors.

/// Enriches records with values looked up in Redis (docs/LOOKUP.md).
public struct LookupSpec: Sendable, Hashable {
    public enum Command: String, Sendable, Hashable, CaseIterable {
        /// `HMGET key field…`: the hash's fields of the declared names.
        case hash
        /// `GET key`: one value, the one declared field.
        case get
    }

    public enum OnError: String, Sendable, Hashable, CaseIterable {
        case deadLetter = "dead_letter"
        case fail
    }

    public enum OnMissing: String, Sendable, Hashable, CaseIterable {
        case keep, drop
    }

    public var host: String
    public var port: Int
    /// The field whose value (after `keyPrefix`) is the Redis key.
    public var key: String
    public var keyPrefix: String
    public var command: Command
    /// The fields added to each record, in order, with their types.
    public var fields: [FieldSpec]
    public var cacheEntries: Int
    public var cacheBytes: Int
    /// Milliseconds a cached value stays valid.
    public var cacheTTL: Int64
    /// The most commands per pipeline (one round trip).
    public var batch: Int
    public var timeout: Int64
    public var onError: OnError
    public var onMissing: OnMissing
    /// The Redis 6 ACL user to authenticate as (with `password`); nil: `AUTH password` alone.
    public var username: String?
    /// Where to read the password sent with AUTH on every connect; nil: no AUTH.
    public var password: PasswordSpec?
    /// TLS to the server; nil: plain TCP.
    public var tls: LookupTLSSpec?

    public init(
        host: String, port: Int, key: String, keyPrefix: String, command: Command, fields: [FieldSpec],
        cacheEntries: Int, cacheBytes: Int, cacheTTL: Int64, batch: Int, timeout: Int64, onError: OnError, onMissing: OnMissing,
        username: String? = nil, password: PasswordSpec? = nil, tls: LookupTLSSpec? = nil
    ) {
        self.username = username
        self.password = password
        self.tls = tls
        self.host = host
        self.port = port
        self.key = key
        self.keyPrefix = keyPrefix
        self.command = command
        self.fields = fields
        self.cacheEntries = cacheEntries
        self.cacheBytes = cacheBytes
        self.cacheTTL = cacheTTL
        self.batch = batch
        self.timeout = timeout
        self.onError = onError
        self.onMissing = onMissing
    }
}
