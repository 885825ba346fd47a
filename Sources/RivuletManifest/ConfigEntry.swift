// ConfigEntry: one flattened key/value of a plugin's or operator's `config`.

/// One configuration value, flattened: scalars as written (`true`, `4`, `0.92`, `card`), lists of
/// scalars joined with "," (`a,b`), nested mappings as dotted keys (`rates.USD` = `1.0`).
public struct ConfigEntry: Sendable, Hashable {
    /// The key; nested mappings give dotted keys (`rates.USD`).
    public var key: String
    /// The value as written in YAML (lists joined with ",").
    public var value: String
    /// Where the value is written.
    public var location: SourceLocation

    /// Creates a config entry.
    public init(key: String, value: String, location: SourceLocation) {
        self.key = key
        self.value = value
        self.location = location
    }
}
