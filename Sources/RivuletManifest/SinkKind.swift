// SinkKind: where a sink's records go.

/// What a sink writes to.
public enum SinkKind: Sendable, Hashable {
    /// A file; the path is absolute (relative paths are resolved against the manifest's folder).
    case file(path: String)
    /// Standard output.
    case stdout
    /// Nowhere: records are counted and dropped.
    case null
    /// A Kafka topic.
    case kafka(KafkaSinkSpec)
}
