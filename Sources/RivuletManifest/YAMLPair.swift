// YAMLPair: one entry of a YAML mapping, with the location of its key.

/// A mapping entry: the key's text and location, and the value.
struct YAMLPair: Sendable {
    /// The key's text.
    var key: String
    /// Where the key is written (declarations are located at their names).
    var keyLocation: SourceLocation
    /// The value.
    var value: YAMLNode
}
