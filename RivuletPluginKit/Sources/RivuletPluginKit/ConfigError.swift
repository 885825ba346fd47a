// ConfigError: a configuration value missing or of the wrong type, with its path (`rates.USD`).

/// A configuration value is missing or not what the operator expects. Thrown from `init(context:)`, it
/// fails create and the run stops with `config 'rates.USD': expected a number, got 'abc'`.
public struct ConfigError: Error, CustomStringConvertible {
    /// The value's path: dotted keys and `[i]` list indexes (`routes[1].to`).
    public let path: String
    public let message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "config '\(path)'\(message.hasPrefix("is ") ? " " : ": ")\(message)" }
}
