// PluginSpec: a shared library of operators that a manifest uses, by library name or by path.

/// A plugin declared under `plugins`: exactly one of `library` (found by name on the plugin search path as
/// `lib<name>.so`) and `path` (made absolute against the manifest's folder).
public struct PluginSpec: Sendable, Hashable {
    /// The name operators refer to it by (`plugin: std`).
    public var name: String
    /// The library name to look up on the plugin search path, when given by name.
    public var library: String?
    /// The absolute path of the shared library, when given by path.
    public var path: String?
    /// The plugin-wide configuration, flattened.
    public var config: [ConfigEntry]
    /// The same configuration with its structure: one JSON object (what `config_get(ctx, "")` answers).
    public var configJSON = "{}"
    /// Where the plugin's name is written.
    public var location: SourceLocation

    /// Creates a plugin declaration.
    public init(name: String, library: String?, path: String?, config: [ConfigEntry], location: SourceLocation) {
        self.name = name
        self.library = library
        self.path = path
        self.config = config
        self.location = location
    }
}
