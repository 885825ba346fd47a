// KafkaSourceSettings: everything a Kafka source needs to know before it connects.
import RivuletCore

/// How a `KafkaSource` reads: the client, the group, the topics, and how a Kafka record becomes a record.
public struct KafkaSourceSettings {
    /// librdkafka properties (bootstrap servers, the `kafka:` section's, the source's own).
    public var properties: KafkaProperties
    /// The consumer group: the manifest's `application_id`.
    public var groupID: String
    /// Topic names, or one regular expression starting with `^`.
    public var topics: [String]
    public var start: StartPosition
    /// The records' schema: the value's fields, then the key field and the header fields.
    public var schema: Schema
    /// Decodes a value into the first `valueFields` fields of `schema` (raw lines: into the record's value).
    public var decoder: RecordDecoder
    /// The field the Kafka key is written to.
    public var keyField: Int?
    /// Whether the record's key comes from a field (`key:`) rather than from the Kafka key.
    public var keyFromField: Bool
    /// Header name → the field it is written to.
    public var headerFields: [(name: String, field: Int)]
    /// Whether each record's timestamp is the Kafka timestamp (`time: { type: kafka }`).
    public var kafkaTime: Bool
    /// Bounded: end when every partition held has been read to its end.
    public var untilEnd: Bool
    /// An internal topic (a repartition topic): a position no longer on the broker — records deleted
    /// before they were read — stops the run, instead of skipping to the oldest record left.
    public var strictOffsets = false
    /// A global table's reader: every partition of the topics from the beginning, in every process,
    /// outside the group; its position is never committed nor restored (the topic is the table's log).
    public var global = false

    public init(
        properties: KafkaProperties, groupID: String, topics: [String], start: StartPosition, schema: Schema, decoder: RecordDecoder,
        keyField: Int?, keyFromField: Bool, headerFields: [(name: String, field: Int)], kafkaTime: Bool, untilEnd: Bool
    ) {
        self.properties = properties
        self.groupID = groupID
        self.topics = topics
        self.start = start
        self.schema = schema
        self.decoder = decoder
        self.keyField = keyField
        self.keyFromField = keyFromField
        self.headerFields = headerFields
        self.kafkaTime = kafkaTime
        self.untilEnd = untilEnd
    }
}
