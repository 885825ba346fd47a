// KafkaSourceSpec: what a `type: kafka` source reads: topics, where to begin, key and header fields.

/// A Kafka source: a member of the consumer group `application_id` reading `topics` (or every topic
/// matching `pattern`). Each record's position is its (partition, offset).
public struct KafkaSourceSpec: Sendable, Hashable {
    /// Where a partition without a committed offset for the group begins.
    public enum Start: Sendable, Hashable {
        case earliest, latest
        /// The first record at or after this time (epoch ms).
        case timestamp(Int64)
    }

    /// Topic names (empty when `pattern` is given).
    public var topics: [String]
    /// A regular expression (librdkafka's syntax) naming the topics to read.
    public var pattern: String?
    /// nil: the `kafka:` section's.
    public var bootstrapServers: String?
    public var start: Start
    /// The field the Kafka key is written to (a string field appended to the schema), if any.
    public var keyField: String?
    /// Headers copied into string fields of the same names (appended to the schema; NULL when absent).
    public var headerFields: [String]
    /// Bounded: the source ends when every partition it holds has been read to its end.
    public var untilEnd: Bool
    public var properties: [KafkaProperty]
    /// A repartition topic's reader: the sink node writing the topic (its input schema is this source's).
    public var repartitionOf: String?
    /// A global table (Kafka Streams' GlobalKTable): every process reads every partition from the
    /// beginning, outside the group; it feeds the table side of joins.
    public var global = false

    public init(
        topics: [String], pattern: String?, bootstrapServers: String?, start: Start, keyField: String?, headerFields: [String],
        untilEnd: Bool, properties: [KafkaProperty], repartitionOf: String? = nil
    ) {
        self.topics = topics
        self.pattern = pattern
        self.bootstrapServers = bootstrapServers
        self.start = start
        self.keyField = keyField
        self.headerFields = headerFields
        self.untilEnd = untilEnd
        self.properties = properties
        self.repartitionOf = repartitionOf
    }
}
