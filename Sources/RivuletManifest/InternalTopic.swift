// InternalTopic: a topic a Kafka application uses for itself: a repartition or a changelog topic.

/// A topic Rivulet creates and uses for an operator of a Kafka application (`describe` lists them).
public struct InternalTopic: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        /// Records on their way to a keyed operator, partitioned by its key's group.
        case repartition
        /// The operator's state, one partition per key group or input partition (compacted).
        case changelog
    }

    public var name: String
    public var role: Role
    /// The operator it serves.
    public var operatorName: String
    /// For a repartition topic: the sink node writing it and the source node reading it.
    public var writer: String?
    public var reader: String?
    /// For a join's repartition topic: the sink writing the join's right input (`writer` writes its left).
    public var rightWriter: String?
    /// For a window's or table's repartition topic fed by several edges (a union): the sinks writing the
    /// second edge's records and on (`writer` writes the first's), each naming its own input partitions.
    public var moreWriters: [String] = []
    /// For a plugin store's changelog: the store (its partition p holds the store of input partition p).
    public var store: String?

    public init(
        name: String, role: Role, operatorName: String, writer: String? = nil, reader: String? = nil, store: String? = nil,
        rightWriter: String? = nil
    ) {
        self.name = name
        self.rightWriter = rightWriter
        self.role = role
        self.operatorName = operatorName
        self.writer = writer
        self.reader = reader
        self.store = store
    }

    /// The sink nodes writing a repartition topic, in the order of their `KafkaSinkSpec.inputIndex`.
    public var writers: [String] { [writer].compactMap { $0 } + moreWriters + [rightWriter].compactMap { $0 } }
}
