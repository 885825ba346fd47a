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
    /// For a repartition topic: the sink nodes writing it — one per edge into the operator, each naming
    /// its own input partitions — in the order of their `KafkaSinkSpec.inputIndex`, and the source node
    /// reading it.
    public var writers: [String]
    public var reader: String?
    /// For a join's repartition topic: per writer, the join input it writes (0 left, 1 right); nil for a
    /// window's or table's.
    public var joinSides: [Int]?
    /// For a plugin store's changelog: the store (its partition p holds the store of input partition p).
    public var store: String?

    public init(
        name: String, role: Role, operatorName: String, writers: [String] = [], reader: String? = nil, store: String? = nil,
        joinSides: [Int]? = nil
    ) {
        self.name = name
        self.role = role
        self.operatorName = operatorName
        self.writers = writers
        self.reader = reader
        self.store = store
        self.joinSides = joinSides
    }

    /// The first writer (a join's: of its left input).
    public var writer: String? { writers.first }
    /// A join's first writer of its right input.
    public var rightWriter: String? {
        guard let joinSides, let i = joinSides.firstIndex(of: 1) else { return nil }
        return writers[i]
    }
}
