// KafkaSinkSpec: where a `type: kafka` sink writes: the topic, the key field, fields sent as headers.

/// A Kafka sink: each record becomes one Kafka record of `topic`: its value encoded with the sink's
/// format, its key from `keyField` (or the record's own key), `headerFields` as headers, and its event
/// time as the Kafka timestamp.
public struct KafkaSinkSpec: Sendable, Hashable {
    public var topic: String
    /// nil: the `kafka:` section's.
    public var bootstrapServers: String?
    /// The field whose text is the Kafka key; nil: the record's key (if it has one).
    public var keyField: String?
    /// Fields sent as headers (name = field name, value = the field's text; NULL fields are left out).
    public var headerFields: [String]
    public var properties: [KafkaProperty]
    /// A repartition topic's writer: each record goes to the partition of its key's group, its value a
    /// binary row (`RepartitionRow`), not the sink's format.
    public var partitionByKeyGroup: Bool
    /// A join's repartition writer: the join input its records are (0 left, 1 right).
    public var joinSide: Int?
    /// A repartition writer: its place among its topic's writers (`InternalTopic.writers`), which names
    /// the input partitions it marks apart from the others' (`RepartitionWatermarks.inputID`).
    public var inputIndex = 0

    public init(
        topic: String, bootstrapServers: String?, keyField: String?, headerFields: [String], properties: [KafkaProperty],
        partitionByKeyGroup: Bool = false, joinSide: Int? = nil
    ) {
        self.joinSide = joinSide
        self.topic = topic
        self.bootstrapServers = bootstrapServers
        self.keyField = keyField
        self.headerFields = headerFields
        self.properties = properties
        self.partitionByKeyGroup = partitionByKeyGroup
    }
}
