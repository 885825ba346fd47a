// SourceKind: where a source's records come from.

/// What a source reads: a file, standard input, a generator, or Kafka topics.
public enum SourceKind: Sendable, Hashable {
    /// A file; the path is absolute (relative paths are resolved against the manifest's folder).
    case file(path: String)
    /// Standard input.
    case stdin
    /// Deterministically generated records.
    case generator(GeneratorSpec)
    /// Kafka topics, as a member of the consumer group `application_id`.
    case kafka(KafkaSourceSpec)
}
