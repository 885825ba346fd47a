// MappingFields: the checked entries of a YAML mapping that the decoder reads by key.

/// A mapping whose keys have been checked against the allowed ones, read by key.
struct MappingFields: Sendable {
    /// The entries, in the order written.
    let pairs: [YAMLPair]
    /// Where the mapping starts (missing keys are reported here).
    let location: SourceLocation

    /// The value of `key`, if written.
    subscript(key: String) -> YAMLNode? {
        pairs.first { $0.key == key }?.value
    }

    /// Whether `key` is written.
    func has(_ key: String) -> Bool {
        pairs.contains { $0.key == key }
    }

    /// Where `key` is written, if it is.
    func keyLocation(_ key: String) -> SourceLocation? {
        pairs.first { $0.key == key }?.keyLocation
    }
}
