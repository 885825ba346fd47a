// Specs: the small value types of the manifest model (fields, formats, config entries, endpoints).

/// A field type as written in a manifest schema.
public enum FieldType: String, Sendable, CaseIterable {
    case i64, f64, bool, string, bytes, timestamp
}

/// A declared field of a stream.
public struct FieldSpec: Sendable, Equatable {
    public var name: String
    public var type: FieldType
    public var location: SourceLocation
}

/// How records are written as text.
public enum DataFormat: String, Sendable, CaseIterable {
    case csv, jsonl, lines

    /// The format a file name suggests: `.csv`, `.jsonl`/`.ndjson`, anything else lines.
    static func inferred(from path: String) -> DataFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        return .lines
    }
}

/// One configuration value for a plugin or operator. Nested mappings are flattened with dotted keys
/// (`rates.USD`); lists of scalars are joined with commas.
public struct ConfigEntry: Sendable, Equatable {
    public var key: String
    public var value: String
    public var location: SourceLocation
}

/// One end of an edge: a node and one of its ports.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var node: String
    public var port: String

    public var description: String { "\(node).\(port)" }
}

/// A connection from an output port to an input port.
public struct EdgeSpec: Sendable, Equatable {
    public var from: Endpoint
    public var to: Endpoint
    public var location: SourceLocation
}

/// A plugin library the manifest uses: by library name (found on the search path) or by path.
public struct PluginSpec: Sendable, Equatable {
    public var name: String
    public var library: String?
    /// Absolute (resolved against the manifest's folder).
    public var path: String?
    public var config: [ConfigEntry]
    public var location: SourceLocation
}
