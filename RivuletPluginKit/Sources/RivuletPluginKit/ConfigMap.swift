// ConfigMap: a mapping of an operator's configuration (the root, or a nested one), with typed lookups.

/// A configuration mapping, in the manifest's order, that knows where it is (`rates`, `routes[1]`) so
/// that its errors say which value is wrong:
///
///     let field: String = try config.required("field")
///     let decimals = try config.value("decimals", as: Int.self) ?? 2
///     for (code, rate) in try config.required("rates", as: ConfigMap.self) { … rate.double … }
///     let fields: [String] = try config.required("fields")
///
/// `value(_:as:)` gives nil when the key is absent (or null) and throws a `ConfigError` naming the key's
/// path when it is there with the wrong type; `required(_:as:)` also throws when it is absent.
public struct ConfigMap: Sendable, Equatable, Sequence {
    /// Where this mapping is in the configuration: "" for the root, then dotted keys and `[i]` indexes.
    public let path: String
    /// The keys and values, in the manifest's order.
    public let entries: [Entry]

    public struct Entry: Sendable, Equatable {
        public let key: String
        public let value: ConfigValue
    }

    public init(path: String = "", entries: [(key: String, value: ConfigValue)]) {
        self.path = path
        self.entries = entries.map { Entry(key: $0.key, value: $0.value) }
    }

    public var keys: [String] { entries.map(\.key) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> AnyIterator<(key: String, value: ConfigValue)> {
        var i = entries.makeIterator()
        return AnyIterator { i.next().map { ($0.key, $0.value) } }
    }

    /// The value of `key` (nil when absent).
    public subscript(key: String) -> ConfigValue? {
        entries.first { $0.key == key }?.value
    }

    public func contains(_ key: String) -> Bool { self[key] != nil }

    /// The path of `key` in this mapping, for messages (`rates.USD`).
    public func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value of `key` read as `T`; nil when absent or null; throws when present with another type.
    public func value<T: ConfigReadable>(_ key: String, as type: T.Type = T.self) throws -> T? {
        guard let v = self[key], !v.isNull else { return nil }
        guard let read = T.read(v, path: path(of: key)) else {
            throw ConfigError(path: path(of: key), "expected \(T.expected), got \(v.shown)")
        }
        return read
    }

    /// The value of `key` read as `T`; throws when absent, null or of another type.
    public func required<T: ConfigReadable>(_ key: String, as type: T.Type = T.self) throws -> T {
        guard let read = try value(key, as: type) else {
            throw ConfigError(path: path(of: key), "is required (\(T.expected))")
        }
        return read
    }
}
